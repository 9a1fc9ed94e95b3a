variable "region" {
  description = "AWS region of the VPC."
  type        = string
  default     = "us-east-1"
}

variable "vpc_id" {
  description = "VPC that holds the appliances' network interfaces."
  type        = string
  default     = "vpc-0123456789abcdef0"
}

variable "name_prefix" {
  description = "Prefix of the security group names, which read PREFIX-appliance@interface."
  type        = string
  default     = "pan-estate"

  validation {
    # Characters AWS accepts in VPC security group names; "sg-" is reserved.
    condition     = can(regex("^[A-Za-z0-9 ._:/()#,@\\[\\]+=&;{}!$*-]{1,200}$", var.name_prefix)) && !startswith(var.name_prefix, "sg-")
    error_message = "name_prefix takes 1 to 200 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* and must not start with sg-."
  }
}

variable "appliance_kinds" {
  description = <<-EOT
    Kinds of appliance that get security groups. By default those the Panorama team runs:
    Panorama, Log Collectors and WildFire. Managed firewalls usually sit behind groups their
    own team manages; add "firewall" to give each firewall group one security group with its
    outbound rules to Panorama and the Log Collectors.
  EOT
  type        = set(string)
  default     = ["panorama", "log_collector", "wildfire"]

  validation {
    condition     = length(setsubtract(var.appliance_kinds, ["panorama", "log_collector", "wildfire", "firewall"])) == 0
    error_message = "appliance_kinds takes panorama, log_collector, wildfire and firewall."
  }
}

variable "max_rules_per_security_group" {
  description = <<-EOT
    Your account's quota "Inbound or outbound rules per security group" (60 by default),
    enforced per direction and per IP version. Planning fails before any rule exceeds it.
  EOT
  type        = number
  default     = 60

  validation {
    condition     = var.max_rules_per_security_group >= 1 && var.max_rules_per_security_group <= 1000
    error_message = "max_rules_per_security_group is between 1 and 1000 (AWS caps it times the groups per interface at 1000)."
  }
}

variable "firewalls" {
  description = "Groups of managed firewalls, as panorama_flow_matrix takes them."
  type = map(object({
    version          = string
    addresses        = optional(list(string))
    collector_group  = optional(string)
    cortex_data_lake = optional(bool)
  }))
  default = {
    branches = {
      version         = "10.1"
      addresses       = ["10.20.0.0/16"]
      collector_group = "east"
    }
    legacy-dc = {
      version   = "7.1.10"
      addresses = ["10.30.0.0/24", "2001:db8:30::/64"]
    }
  }
}
