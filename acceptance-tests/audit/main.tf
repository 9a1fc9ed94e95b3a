# Module under test for the `terraform test` suites in tests/: the adapters of aws.tf,
# azure.tf and gcp.tf turn rules as each cloud's provider reports them into the objects
# provider::panorama::audit reads, and the audit compares them with the rules of one
# appliance interface and direction. docs/functions/audit.md shows these three files as
# they are (make docs renders them from here).

terraform {
  required_version = ">= 1.8"
  required_providers {
    panorama = {
      source = "flowmatrix/panorama"
    }
  }
}

variable "direction" {
  description = "The direction audited: ingress or egress."
  type        = string
  default     = "ingress"
}

variable "aws_rules" {
  description = "Stands for the aws_vpc_security_group_rule data sources of one security group (both directions)."
  type        = any
  default     = []
}

variable "nsg_rules" {
  description = "Stands for the security_rule blocks of an azurerm_network_security_group (or azurerm_network_security_rule resources)."
  type        = any
  default     = []
}

variable "gcp_firewalls" {
  description = "Stands for the google_compute_firewall resources that apply to the appliance interface."
  type        = any
  default     = []
}

locals {
  # Panorama's MGT interface: from the branches on 3978 and 28443, from the admins on 22
  # and 443, to DNS on 53.
  matrix = provider::panorama::flow_matrix({
    panorama = {
      version = "11.1.4"
      nodes   = { primary = { addresses = { mgt = ["10.0.0.10"] } } }
    }
    firewalls = {
      branches = { version = "11.1", addresses = ["10.20.0.0/16"] }
    }
    services = {
      admin = { addresses = ["10.50.0.0/24"] }
      dns   = { addresses = ["10.0.0.2"] }
    }
  })

  required = [
    for r in(var.direction == "ingress" ? local.matrix.ingress_rules : local.matrix.egress_rules) : r
    if r.appliance == "panorama.primary" && r.interface == "mgt"
  ]
}

output "aws" {
  value = provider::panorama::audit(local.required, local.aws_actual)
}

output "azure" {
  value = provider::panorama::audit(local.required, local.azure_actual)
}

output "gcp" {
  value = provider::panorama::audit(local.required, local.gcp_actual)
}
