variable "region" {
  description = "AWS region of the VPC."
  type        = string
  default     = "us-east-1"
}

variable "vpc_cidr" {
  description = "CIDR of the management VPC; the management subnet is its first /24 (for a /16)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "name_prefix" {
  description = "Prefix of the names of what this configuration creates."
  type        = string
  default     = "pan-same-plan"
}

variable "panorama_version" {
  description = "Release of Panorama and its Log Collector."
  type        = string
  default     = "11.1.4"
}

variable "firewalls" {
  description = <<-EOT
    Groups of managed firewalls, as flow_matrix takes them. Name the addresses of a group
    that lists several (addresses = { east = "...", west = "..." }) when one of them is
    known only after apply: the keys of its rules are then known at plan too.
  EOT
  type        = any
  default = {
    branches = { version = "11.1", collector_group = "cloud", addresses = ["10.20.0.0/16"] }
    stores = {
      version         = "10.2"
      collector_group = "cloud"
      addresses       = { east = "10.30.0.0/16", west = "10.31.0.0/16" }
    }
  }
}

variable "services" {
  description = "External services Panorama uses, as flow_matrix takes them."
  type        = any
  default = {
    admin = { addresses = ["192.0.2.0/24"] }
    dns   = { addresses = ["10.0.0.2"] }
    ntp   = { addresses = ["169.254.169.123"], include_log_collectors = true }
  }
}

variable "max_rules_per_security_group" {
  description = <<-EOT
    Your account's quota "Inbound or outbound rules per security group" (60 by default),
    enforced per direction and per IP version: rules beyond it go to further groups of the
    same interface.
  EOT
  type        = number
  default     = 60

  validation {
    condition     = var.max_rules_per_security_group >= 1 && var.max_rules_per_security_group <= 1000
    error_message = "max_rules_per_security_group is between 1 and 1000."
  }
}

variable "max_security_groups_per_interface" {
  description = "Your account's quota \"Security groups per network interface\" (5 by default)."
  type        = number
  default     = 5
}
