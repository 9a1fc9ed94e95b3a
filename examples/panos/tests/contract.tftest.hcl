# What policy.tf relies on, checked on the locals of main.tf with the real panorama
# provider and a mocked panos: PAN-OS limits on names, service ports, addresses, zones and
# App-IDs, and a policy that allows every flow of the estate exactly once.
#
# The panos provider is mocked (Terraform 1.7 or later): Terraform still checks policy.tf
# against the provider's schema, but needs no credentials and calls no API.
mock_provider "panos" {}

run "rules_fit_panos" {
  command = plan

  assert {
    condition     = length(local.rules) > 0
    error_message = "The quickstart estate gives security rules."
  }

  # Every flow once: the rules' flow keys are the estate's flow keys, none twice. Every
  # appliance of this estate declares its addresses, so no flow is left without a rule.
  assert {
    condition     = length(flatten(local.rules[*].flow_keys)) == length(distinct(flatten(local.rules[*].flow_keys)))
    error_message = "Flows allowed by two rules: ${jsonencode([for k in distinct(flatten(local.rules[*].flow_keys)) : k if length([for f in flatten(local.rules[*].flow_keys) : f if f == k]) > 1])}"
  }
  assert {
    condition     = toset(flatten(local.rules[*].flow_keys)) == toset(data.panorama_flow_matrix.estate.flows[*].key) && length(local.flows_without_addresses) == 0
    error_message = "Flows the policy misses: ${jsonencode(setsubtract(data.panorama_flow_matrix.estate.flows[*].key, flatten(local.rules[*].flow_keys)))}"
  }

  # Names: at most 63 letters, digits, `_`, `.`, `-` or spaces, starting with a letter or
  # digit, unique in the rulebase; the same for service objects.
  assert {
    condition     = alltrue([for r in local.rules : length(r.name) <= 63 && can(regex("^[A-Za-z0-9][A-Za-z0-9_. -]*$", r.name))])
    error_message = "Rule names PAN-OS refuses: ${jsonencode([for r in local.rules : r.name if length(r.name) > 63])}"
  }
  assert {
    condition     = length(distinct(local.rules[*].name)) == length(local.rules)
    error_message = "Rule names are not unique."
  }
  assert {
    condition = (
      alltrue([for s in values(local.service_objects) : length(s.name) <= 63 && can(regex("^[A-Za-z0-9][A-Za-z0-9_. -]*$", s.name))]) &&
      length(distinct([for s in values(local.service_objects) : s.name])) == length(local.service_objects)
    )
    error_message = "Service object names PAN-OS refuses or that repeat."
  }
  assert {
    condition     = toset(keys(local.service_objects)) == toset(local.rules[*].key)
    error_message = "Every rule has its service object and every service object its rule."
  }

  # Service ports: "N" or "FROM-TO" joined by commas, 1-65535, FROM <= TO.
  assert {
    condition = alltrue(flatten([
      for s in values(local.service_objects) : concat([contains(["tcp", "udp"], s.protocol)], [
        for p in split(",", s.destination_port) :
        can(regex("^[0-9]+(-[0-9]+)?$", p)) && tonumber(split("-", p)[0]) >= 1 && tonumber(reverse(split("-", p))[0]) <= 65535 && tonumber(split("-", p)[0]) <= tonumber(reverse(split("-", p))[0])
      ])
    ]))
    error_message = "Service ports PAN-OS refuses: ${jsonencode([for s in values(local.service_objects) : s.destination_port])}"
  }

  # App-IDs, addresses and zones: never empty; zones "any" only alone; addresses are CIDRs
  # of either family, possibly mixed in one rule, never "any".
  assert {
    condition     = alltrue([for r in local.rules : length(r.applications) > 0 && alltrue([for a in r.applications : can(regex("^[a-z0-9][a-z0-9._-]*$", a))])])
    error_message = "Rules without App-IDs or with App-IDs PAN-OS does not name that way."
  }
  # Updates on 28443 carry two App-IDs: their rules allow both, and nothing else.
  assert {
    condition = (
      anytrue([for k, s in local.service_objects : s.destination_port == "28443"]) &&
      alltrue([for r in local.rules : r.applications == tolist(["paloalto-updates", "panorama"]) if local.service_objects[r.key].destination_port == "28443"])
    )
    error_message = "Update rules: ${jsonencode([for r in local.rules : r.applications if local.service_objects[r.key].destination_port == "28443"])}"
  }
  assert {
    condition = alltrue(flatten([
      for r in local.rules : [
        for side in [r.source_addresses, r.destination_addresses, r.source_zones, r.destination_zones] :
        length(side) > 0 && (!contains(side, "any") || length(side) == 1)
      ]
    ]))
    error_message = "Empty address or zone lists, or \"any\" next to other entries."
  }
  assert {
    condition     = alltrue([for a in flatten(concat(local.rules[*].source_addresses, local.rules[*].destination_addresses)) : can(cidrhost(a, 0))])
    error_message = "Addresses are CIDRs."
  }
  assert {
    condition     = anytrue([for r in local.rules : anytrue([for a in r.source_addresses : strcontains(a, ":")]) && anytrue([for a in r.source_addresses : strcontains(a, ".")])])
    error_message = "The dual-stack estate gives rules with IPv4 and IPv6 sources together."
  }
  assert {
    condition     = alltrue([for r in local.rules : length(r.description) <= 140])
    error_message = "Descriptions longer than 140 characters."
  }
  # Rules in key order, so a new rule never reorders the existing ones.
  assert {
    condition     = tolist(local.rules[*].key) == sort(local.rules[*].key)
    error_message = "Rules are sorted by key."
  }
}

run "zones_come_from_variables" {
  command = plan

  variables {
    zones = {
      "panorama.primary"        = "management"
      "panorama.secondary"      = "management"
      "log_collector.lc-east-1" = "logging"
      "firewall.branches"       = "branches"
      "firewall.legacy-dc"      = "datacenter"
      "service.traps_esm"       = "endpoints"
    }
  }

  # service.syslog has no zone: its rules match any zone on that side.
  assert {
    condition = alltrue([
      for r in local.rules :
      r.source_zones == (contains(r.sources, "service.syslog") ? tolist(["any"]) : distinct([for e in r.sources : var.zones[e]])) &&
      r.destination_zones == (contains(r.destinations, "service.syslog") ? tolist(["any"]) : distinct([for e in r.destinations : var.zones[e]]))
    ])
    error_message = "Zones: ${jsonencode([for r in local.rules : [r.name, r.source_zones, r.destination_zones]])}"
  }
  assert {
    condition     = anytrue([for r in local.rules : r.source_zones == tolist(["branches", "datacenter", "logging", "management"])])
    error_message = "A rule from several endpoints lists each of their zones once."
  }
}

run "a_new_firewall_group_renames_no_rule" {
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
    condition     = toset(flatten(output.security_rules[*].flow_keys)) == toset(data.panorama_flow_matrix.estate.flows[*].key) && length(flatten(output.security_rules[*].flow_keys)) == length(data.panorama_flow_matrix.estate.flows)
    error_message = "Every flow once, the new group's included."
  }
  assert {
    condition = alltrue([
      for r in run.rules_fit_panos.security_rules :
      one([for n in output.security_rules : n.name if n.key == r.key]) == r.name
      if contains(output.security_rules[*].key, r.key)
    ])
    error_message = "Rules changed name."
  }
  # Its flows use the ports and App-IDs of branches: it joins their rules, which keep
  # their keys, so PAN-OS edits them in place.
  assert {
    condition = anytrue([
      for r in output.security_rules :
      contains(r.source_addresses, "10.40.0.0/24") && contains(run.rules_fit_panos.security_rules[*].key, r.key)
    ])
    error_message = "The new group's addresses join existing rules."
  }
}

run "flows_of_an_appliance_without_addresses_get_no_rule" {
  command = plan

  # A firewall group whose addresses are not declared: its flows would need "any".
  variables {
    extra_firewalls = {
      remote = { version = "10.1", collector_group = "east" }
    }
  }

  assert {
    condition     = length(output.flows_without_addresses) > 0 && alltrue([for k in output.flows_without_addresses : strcontains(k, "firewall.remote")])
    error_message = "The remote group's flows, and only they, are listed: ${jsonencode(output.flows_without_addresses)}"
  }
  assert {
    condition = (
      toset(flatten(output.security_rules[*].flow_keys)) == setsubtract(data.panorama_flow_matrix.estate.flows[*].key, output.flows_without_addresses) &&
      length(flatten(output.security_rules[*].flow_keys)) + length(output.flows_without_addresses) == length(data.panorama_flow_matrix.estate.flows)
    )
    error_message = "Every other flow once: ${jsonencode(setsubtract(setsubtract(data.panorama_flow_matrix.estate.flows[*].key, output.flows_without_addresses), flatten(output.security_rules[*].flow_keys)))}"
  }
  assert {
    condition     = alltrue([for a in flatten(concat(output.security_rules[*].source_addresses, output.security_rules[*].destination_addresses)) : can(cidrhost(a, 0))])
    error_message = "No rule says \"any\"."
  }
}
