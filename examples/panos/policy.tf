# The PAN-OS side: service objects and one security rule group in a device group's
# pre-rulebase, all from the locals in main.tf. Written for the PaloAltoNetworks/panos
# provider 1.11 (the 2.x provider has different resources). Commit on Panorama and push to
# the device group afterwards, outside Terraform.

# Panorama address and credentials come from the environment (PANOS_HOSTNAME,
# PANOS_API_KEY or PANOS_USERNAME and PANOS_PASSWORD).
provider "panos" {}

variable "device_group" {
  description = "Device group of the firewalls between the appliances (\"shared\" for all)."
  type        = string
  default     = "shared"
}

resource "panos_panorama_service_object" "flow" {
  for_each = local.service_objects

  device_group     = var.device_group
  name             = each.value.name
  protocol         = each.value.protocol
  destination_port = each.value.destination_port
  description      = each.value.description

  # A group whose ports or App-IDs change gets a new name: the rule must point at the new object
  # before PAN-OS lets the old one go.
  lifecycle {
    create_before_destroy = true
  }
}

resource "panos_panorama_security_rule_group" "panorama_flows" {
  device_group = var.device_group
  rulebase     = "pre-rulebase"

  dynamic "rule" {
    for_each = local.rules

    content {
      name                  = rule.value.name
      description           = rule.value.description
      source_zones          = rule.value.source_zones
      source_addresses      = rule.value.source_addresses
      source_users          = ["any"]
      destination_zones     = rule.value.destination_zones
      destination_addresses = rule.value.destination_addresses
      applications          = rule.value.applications
      services              = [panos_panorama_service_object.flow[rule.value.key].name]
      categories            = ["any"]
      action                = "allow"
    }
  }
}
