# The Azure side: one NSG per appliance interface and one rule per group and address
# family, all from the locals in main.tf. Associate each NSG with the NIC it is named after
# (azurerm_network_interface_security_group_association), outside this example.

# Credentials and subscription come from the environment (ARM_SUBSCRIPTION_ID, az login).
provider "azurerm" {
  features {}
}

variable "resource_group_name" {
  description = "Resource group of the NSGs."
  type        = string
  default     = "panorama"
}

variable "location" {
  description = "Azure region of the NSGs."
  type        = string
  default     = "westeurope"
}

resource "azurerm_network_security_group" "appliance" {
  for_each = local.nsgs

  name                = each.value.name
  location            = var.location
  resource_group_name = var.resource_group_name
}

# A new peer on a group's ports (a firewall group joins) only updates its rule. A group
# whose ports change gets a new key, name and priority: Terraform replaces its rule. Without create_before_destroy the old rule goes first, for
# the seconds the new one takes; with it, a new rule that happens to draw the priority of
# one being replaced in the same NSG would be refused, so this example keeps the default.
resource "azurerm_network_security_rule" "flow" {
  for_each = local.nsg_rules

  name                         = each.value.name
  priority                     = each.value.priority
  direction                    = each.value.direction
  access                       = "Allow"
  protocol                     = each.value.protocol
  source_port_range            = "*"
  destination_port_ranges      = each.value.ports
  source_address_prefix        = each.value.source_address_prefix
  source_address_prefixes      = each.value.source_address_prefixes
  destination_address_prefix   = each.value.destination_address_prefix
  destination_address_prefixes = each.value.destination_address_prefixes
  description                  = each.value.description
  resource_group_name          = var.resource_group_name
  network_security_group_name  = azurerm_network_security_group.appliance[each.value.nsg].name
}
