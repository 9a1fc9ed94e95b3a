# NSG security_rule blocks, as azurerm_network_security_group reports them, through the
# adapter of azure.tf.

run "a_drifted_nsg_names_what_is_missing_and_what_is_open" {
  command = plan

  variables {
    nsg_rules = [
      # As required: 3978 from the branches, 22 and 443 from the admins.
      { name                   = "branches", priority = 100, direction = "Inbound", access = "Allow", protocol = "Tcp",
        destination_port_range = "3978", destination_port_ranges = [],
        source_address_prefix  = "10.20.0.0/16", source_address_prefixes = [],
      destination_address_prefix = "*", destination_address_prefixes = [] },
      { name                   = "admin", priority = 110, direction = "Inbound", access = "Allow", protocol = "Tcp",
        destination_port_range = "", destination_port_ranges = ["22", "443"],
        source_address_prefix  = "", source_address_prefixes = ["10.50.0.0/24"],
      destination_address_prefix = "*", destination_address_prefixes = [] },
      # 28443 from the virtual network: a service tag, not comparable; 28443 stays missing.
      { name                   = "vnet-updates", priority = 120, direction = "Inbound", access = "Allow", protocol = "Tcp",
        destination_port_range = "28443", destination_port_ranges = [],
        source_address_prefix  = "VirtualNetwork", source_address_prefixes = [],
      destination_address_prefix = "*", destination_address_prefixes = [] },
      # Every UDP port from the Internet.
      { name                   = "anything", priority = 4000, direction = "Inbound", access = "Allow", protocol = "Udp",
        destination_port_range = "*", destination_port_ranges = [],
        source_address_prefix  = "Internet", source_address_prefixes = [],
      destination_address_prefix = "*", destination_address_prefixes = [] },
      # Left out: a deny rule, and a rule of the other direction.
      { name                   = "deny-all", priority = 4096, direction = "Inbound", access = "Deny", protocol = "*",
        destination_port_range = "*", destination_port_ranges = [],
        source_address_prefix  = "*", source_address_prefixes = [],
      destination_address_prefix = "*", destination_address_prefixes = [] },
      { name                   = "out", priority = 100, direction = "Outbound", access = "Allow", protocol = "Udp",
        destination_port_range = "1000-2000", destination_port_ranges = [],
        source_address_prefix  = "*", source_address_prefixes = [],
      destination_address_prefix = "10.0.0.0/8", destination_address_prefixes = [] },
    ]
  }

  assert {
    condition     = !output.azure.compliant && output.azure.covered == 3
    error_message = "3978, 22 and 443 are covered: ${jsonencode(output.azure)}"
  }

  assert {
    condition     = [for r in output.azure.missing : r.key] == ["firewall.branches>panorama.primary@mgt:tcp:28443"]
    error_message = "28443 is missing: ${jsonencode(output.azure.missing)}"
  }

  assert {
    condition = [for e in output.azure.excess : "${e.rule.name} ${e.rule.protocol} ${e.rule.from_port}-${e.rule.to_port} ${coalesce(e.rule.cidr_ipv4, e.rule.cidr_ipv6, e.rule.referenced_security_group_id)}: ${join(", ", [for r in e.reasons : split(":", r)[0]])}"] == [
      "vnet-updates tcp 28443-28443 VirtualNetwork: not comparable",
      "anything udp 0-65535 0.0.0.0/0: another protocol, everyone",
      "anything udp 0-65535 ::/0: another protocol, everyone",
    ]
    error_message = "Excess: ${jsonencode(output.azure.excess)}"
  }
}

run "an_nsg_as_required_is_compliant" {
  command = plan

  variables {
    nsg_rules = [
      { name                   = "branches", priority = 100, direction = "Inbound", access = "Allow", protocol = "Tcp",
        destination_port_range = "", destination_port_ranges = ["3978", "28443"],
        source_address_prefix  = "10.20.0.0/16", source_address_prefixes = [],
      destination_address_prefix = "*", destination_address_prefixes = [] },
      { name                   = "admin", priority = 110, direction = "Inbound", access = "Allow", protocol = "Tcp",
        destination_port_range = "", destination_port_ranges = ["22", "443"],
        source_address_prefix  = "", source_address_prefixes = ["10.50.0.0/25", "10.50.0.128/25"],
      destination_address_prefix = "*", destination_address_prefixes = [] },
    ]
  }

  assert {
    condition     = output.azure.compliant && output.azure.covered == 4
    error_message = "Two halves of the admin network cover it: ${jsonencode(output.azure)}"
  }
}

run "outbound_rules_are_audited_against_egress_rules" {
  command = plan

  variables {
    direction = "egress"
    nsg_rules = [
      { name                   = "dns", priority = 100, direction = "Outbound", access = "Allow", protocol = "Udp",
        destination_port_range = "53", destination_port_ranges = [],
        source_address_prefix  = "*", source_address_prefixes = [],
      destination_address_prefix = "10.0.0.2", destination_address_prefixes = [] },
      { name                   = "high-ports", priority = 110, direction = "Outbound", access = "Allow", protocol = "Udp",
        destination_port_range = "1000-2000", destination_port_ranges = [],
        source_address_prefix  = "*", source_address_prefixes = [],
      destination_address_prefix = "10.0.0.2/32", destination_address_prefixes = [] },
    ]
  }

  assert {
    condition = (
      output.azure.covered == 1 && length(output.azure.missing) == 0 &&
      [for e in output.azure.excess : e.rule.name] == ["high-ports"] &&
      [for r in output.azure.excess[0].reasons : split(":", r)[0]] == ["wider CIDR", "other ports"] &&
      output.azure.excess[0].reasons[1] == "other ports: allows 1000-2000, which no required rule has for these addresses"
    )
    error_message = "DNS is covered, 1000-2000 is open beyond it: ${jsonencode(output.azure)}"
  }
}
