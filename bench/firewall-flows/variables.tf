variable "panorama" {
  description = "Panorama as panorama_flow_matrix takes it; only the mode, the interfaces and the node names are read."
  type = object({
    mode = optional(string, "panorama")
    interfaces = optional(object({
      device_management = optional(string, "mgt")
      log_collection    = optional(string, "mgt")
      device_deployment = optional(string, "mgt")
    }), {})
    nodes = map(object({}))
  })
}

variable "firewalls" {
  description = "Firewall groups as panorama_flow_matrix takes them, keyed by name."
  type = map(object({
    version           = string
    addresses         = optional(list(string), [])
    collector_group   = optional(string)
    cortex_data_lake  = optional(bool, false)
    duplicate_logging = optional(bool, false)
  }))
}
