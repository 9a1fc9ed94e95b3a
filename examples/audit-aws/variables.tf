variable "region" {
  description = "AWS region of the security group."
  type        = string
  default     = "us-east-1"
}

variable "security_group_id" {
  description = "The security group to audit: the one attached to the appliance interface below."
  type        = string
  default     = "sg-0123456789abcdef0"
}

variable "appliance" {
  description = "The appliance whose rules the group should hold, as the flow matrix names it."
  type        = string
  default     = "panorama.primary"
}

variable "interface" {
  description = "The appliance's interface the group is attached to."
  type        = string
  default     = "mgt"
}
