# What nsg.tf relies on, checked on the locals of main.tf with the real panorama provider
# and a mocked azurerm: Azure's limits on rule names, priorities, port ranges, descriptions
# and address families, and rules that keep their names and priorities when the estate
# grows.
#
# The azurerm provider is mocked (Terraform 1.7 or later): Terraform still checks nsg.tf
# against the provider's schema, but needs no credentials and calls no API.
mock_provider "azurerm" {}

run "rules_fit_azure" {
  command = plan

  assert {
    condition     = length(local.nsg_rules) > 0 && length(local.nsgs) > 0
    error_message = "The quickstart estate gives NSG rules."
  }

  # Names: 1-80 letters, digits, `_`, `.`, `-`, starting with a letter or digit and ending
  # with a letter, digit or `_`; unique (Azure needs them unique per NSG).
  assert {
    condition = alltrue([
      for r in values(local.nsg_rules) :
      length(r.name) <= 80 && can(regex("^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$", r.name))
    ])
    error_message = "Rule names Azure refuses: ${jsonencode([for r in values(local.nsg_rules) : r.name if length(r.name) > 80 || !can(regex("^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$", r.name))])}"
  }
  assert {
    condition     = length(distinct([for r in values(local.nsg_rules) : r.name])) == length(local.nsg_rules)
    error_message = "Rule names are not unique."
  }
  assert {
    condition     = alltrue([for k, r in local.nsg_rules : endswith(k, ":${r.family}") && endswith(r.name, "-${r.family}")])
    error_message = "Keys end in :v4/:v6 and names in -v4/-v6, after their address family."
  }

  # Priorities: 100-4096, unique per NSG and direction (here unique across all rules),
  # the IPv6 rule right after its IPv4 twin.
  assert {
    condition     = alltrue([for r in values(local.nsg_rules) : r.priority >= 100 && r.priority <= 4096 && floor(r.priority) == r.priority])
    error_message = "Priorities outside 100-4096: ${jsonencode([for r in values(local.nsg_rules) : r.priority if r.priority < 100 || r.priority > 4096])}"
  }
  assert {
    condition     = length(distinct([for r in values(local.nsg_rules) : "${r.nsg}/${r.direction}/${r.priority}"])) == length(local.nsg_rules)
    error_message = "Two rules of one NSG and direction share a priority."
  }
  assert {
    condition     = length(distinct([for r in values(local.nsg_rules) : r.priority])) == length(local.nsg_rules)
    error_message = "Priorities are not unique across the rules."
  }
  assert {
    condition = alltrue([
      for k, r in local.nsg_rules :
      r.family == "v4" ? r.priority % 2 == 0 : (r.priority % 2 == 1 && try(local.nsg_rules["${trimsuffix(k, ":v6")}:v4"].priority + 1 == r.priority, true))
    ])
    error_message = "IPv4 rules take the group's even priority and IPv6 rules the odd one after it."
  }

  # Ports: "N" or "FROM-TO", 1-65535, FROM <= TO.
  assert {
    condition = alltrue(flatten([
      for r in values(local.nsg_rules) : concat([length(r.ports) > 0], [
        for p in r.ports :
        can(regex("^[0-9]+(-[0-9]+)?$", p)) && tonumber(split("-", p)[0]) >= 1 && tonumber(reverse(split("-", p))[0]) <= 65535 && tonumber(split("-", p)[0]) <= tonumber(reverse(split("-", p))[0])
      ])
    ]))
    error_message = "Port ranges Azure refuses: ${jsonencode(distinct(flatten([for r in values(local.nsg_rules) : r.ports])))}"
  }

  assert {
    condition     = alltrue([for r in values(local.nsg_rules) : length(r.description) <= 140])
    error_message = "Descriptions longer than 140 characters."
  }
  assert {
    condition     = alltrue([for r in values(local.nsg_rules) : contains(["Tcp", "Udp"], r.protocol) && contains(["Inbound", "Outbound"], r.direction)])
    error_message = "Protocols are Tcp or Udp and directions Inbound or Outbound."
  }

  # One address family per rule: each side is either "*" (prefix) or a non-empty list of
  # CIDRs (prefixes), the peers' side always a list, every CIDR of the rule's family.
  assert {
    condition = alltrue([
      for r in values(local.nsg_rules) :
      (r.source_address_prefix == null) != (r.source_address_prefixes == null) &&
      (r.destination_address_prefix == null) != (r.destination_address_prefixes == null) &&
      (r.source_address_prefix == null || r.source_address_prefix == "*") &&
      (r.destination_address_prefix == null || r.destination_address_prefix == "*")
    ])
    error_message = "Each side of a rule is either \"*\" or a list of prefixes."
  }
  assert {
    condition = alltrue([
      for r in values(local.nsg_rules) :
      length(r.direction == "Inbound" ? r.source_address_prefixes : r.destination_address_prefixes) > 0
    ])
    error_message = "A rule without peer prefixes would allow any address."
  }
  assert {
    condition = alltrue(flatten([
      for r in values(local.nsg_rules) : [
        for p in concat(r.source_address_prefixes == null ? [] : r.source_address_prefixes, r.destination_address_prefixes == null ? [] : r.destination_address_prefixes) :
        can(cidrhost(p, 0)) && strcontains(p, ":") == (r.family == "v6")
      ]
    ]))
    error_message = "A rule mixes address families: ${jsonencode([for k, r in local.nsg_rules : k if anytrue([for p in concat(r.source_address_prefixes == null ? [] : r.source_address_prefixes, r.destination_address_prefixes == null ? [] : r.destination_address_prefixes) : strcontains(p, ":") != (r.family == "v6")])])}"
  }
  # The example is dual-stack: both families and the "*" side occur.
  assert {
    condition     = length([for r in values(local.nsg_rules) : r if r.family == "v6"]) > 0 && length([for r in values(local.nsg_rules) : r if r.family == "v4"]) > 0
    error_message = "The dual-stack estate gives IPv4 and IPv6 rules."
  }
  # Every appliance here declares addresses, so no side is "*"; a family an appliance has
  # no address of gets no rule (the secondary is IPv4-only: no IPv6 HA rule into it).
  assert {
    condition     = alltrue([for r in values(local.nsg_rules) : r.source_address_prefix != "*" && r.destination_address_prefix != "*"])
    error_message = "A rule says \"*\" for an appliance that declares addresses."
  }
  assert {
    condition     = length([for r in values(local.nsg_rules) : r if r.nsg == "panorama.secondary@mgt" && r.family == "v6"]) == 0
    error_message = "An IPv4-only interface gets IPv6 rules that could never match."
  }

  # NSGs: valid, unique names; every rule's NSG exists.
  assert {
    condition = alltrue([
      for n in values(local.nsgs) :
      length(n.name) <= 80 && can(regex("^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$", n.name))
    ]) && length(distinct([for n in values(local.nsgs) : n.name])) == length(local.nsgs)
    error_message = "NSG names Azure refuses or that repeat: ${jsonencode([for n in values(local.nsgs) : n.name])}"
  }
  assert {
    condition     = alltrue([for r in values(local.nsg_rules) : contains(keys(local.nsgs), r.nsg)])
    error_message = "A rule names an NSG that is not declared."
  }
}

run "a_new_firewall_group_moves_no_rule" {
  command = plan

  variables {
    extra_firewalls = {
      dmz = {
        version         = "10.2"
        addresses       = ["10.40.0.0/24", "2001:db8:40::/64"]
        collector_group = "east"
      }
    }
  }

  assert {
    condition     = anytrue([for k in keys(output.nsg_rules) : startswith(k, "firewall.dmz:")])
    error_message = "The new group gets rules."
  }
  # On Panorama its flows use the ports and App-IDs of branches: it joins their rules,
  # which keep their keys, so Azure updates them in place.
  assert {
    condition = anytrue([
      for k, r in output.nsg_rules :
      contains(coalesce(r.source_address_prefixes, []), "10.40.0.0/24") && contains(keys(run.rules_fit_azure.nsg_rules), k)
    ])
    error_message = "The new group's addresses join existing rules."
  }
  # A rule that survives keeps its name and priority: an in-place change at most.
  assert {
    condition = alltrue([
      for k, r in run.rules_fit_azure.nsg_rules :
      output.nsg_rules[k].name == r.name && output.nsg_rules[k].priority == r.priority
      if contains(keys(output.nsg_rules), k)
    ])
    error_message = "Rules changed name or priority: ${jsonencode([for k, r in run.rules_fit_azure.nsg_rules : { (k) = [r.priority, output.nsg_rules[k].priority] } if contains(keys(output.nsg_rules), k) && try(output.nsg_rules[k].priority != r.priority || output.nsg_rules[k].name != r.name, true)])}"
  }
  # Rules whose group involves no firewall group all survive.
  assert {
    condition = alltrue(flatten([
      for g in data.panorama_flow_matrix.estate.grouped_rules : [
        for k in keys(output.nsg_rules) : contains(keys(run.rules_fit_azure.nsg_rules), k) if startswith(k, "${g.key}:")
      ] if !anytrue([for p in concat([g.appliance], g.peers) : startswith(p, "firewall.")])
    ]))
    error_message = "Rules between Panorama, Log Collectors and services changed key when a firewall group was added."
  }
  assert {
    condition     = length(distinct([for r in values(output.nsg_rules) : r.priority])) == length(output.nsg_rules)
    error_message = "Priorities stay unique."
  }
}
