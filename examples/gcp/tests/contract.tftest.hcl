# What firewall.tf relies on, checked on the locals of main.tf with the real panorama
# provider and a mocked google: GCP's rules for firewall names, network tags, ports and
# ranges (one IP version per rule, never empty), and names that stay put when the estate
# grows.
#
# The google provider is mocked (Terraform 1.7 or later): Terraform still checks firewall.tf
# against the provider's schema, but needs no credentials and calls no API.
mock_provider "google" {}

run "rules_fit_gcp" {
  command = plan

  assert {
    condition     = length(local.firewall_rules) > 0
    error_message = "The quickstart estate gives firewall rules."
  }

  # Names: RFC 1035 labels of at most 63 characters, unique in the project.
  assert {
    condition = alltrue([
      for r in values(local.firewall_rules) :
      length(r.name) <= 63 && can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", r.name))
    ])
    error_message = "Firewall names GCP refuses: ${jsonencode([for r in values(local.firewall_rules) : r.name if length(r.name) > 63 || !can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", r.name))])}"
  }
  assert {
    condition     = length(distinct([for r in values(local.firewall_rules) : r.name])) == length(local.firewall_rules)
    error_message = "Firewall names are not unique."
  }
  assert {
    condition     = alltrue([for k, r in local.firewall_rules : endswith(k, ":${r.family}") && endswith(r.name, "-${r.family}")])
    error_message = "Keys end in :v4/:v6 and names in -v4/-v6, after their IP version."
  }

  # Ports: "N" or "FROM-TO", 1-65535, FROM <= TO.
  assert {
    condition = alltrue(flatten([
      for r in values(local.firewall_rules) : concat([length(r.ports) > 0], [
        for p in r.ports :
        can(regex("^[0-9]+(-[0-9]+)?$", p)) && tonumber(split("-", p)[0]) >= 1 && tonumber(reverse(split("-", p))[0]) <= 65535 && tonumber(split("-", p)[0]) <= tonumber(reverse(split("-", p))[0])
      ])
    ]))
    error_message = "Ports GCP refuses: ${jsonencode(distinct(flatten([for r in values(local.firewall_rules) : r.ports])))}"
  }
  assert {
    condition     = alltrue([for r in values(local.firewall_rules) : contains(["tcp", "udp"], r.protocol) && contains(["INGRESS", "EGRESS"], r.direction)])
    error_message = "Protocols are tcp or udp and directions INGRESS or EGRESS."
  }
  assert {
    condition     = alltrue([for r in values(local.firewall_rules) : length(r.description) <= 140])
    error_message = "Descriptions longer than 140 characters."
  }

  # Ranges: source_ranges on ingress, destination_ranges on egress, never empty (empty
  # would mean anywhere), never the other one, all of the rule's IP version.
  assert {
    condition = alltrue([
      for r in values(local.firewall_rules) :
      r.direction == "INGRESS" ? (r.destination_ranges == null && length(r.source_ranges) > 0) : (r.source_ranges == null && length(r.destination_ranges) > 0)
    ])
    error_message = "Ingress rules take source_ranges only and egress rules destination_ranges only, never empty."
  }
  assert {
    condition = alltrue(flatten([
      for r in values(local.firewall_rules) : [
        for c in r.direction == "INGRESS" ? r.source_ranges : r.destination_ranges :
        can(cidrhost(c, 0)) && strcontains(c, ":") == (r.family == "v6")
      ]
    ]))
    error_message = "A rule mixes IP versions: ${jsonencode([for k, r in local.firewall_rules : k if anytrue([for c in r.direction == "INGRESS" ? r.source_ranges : r.destination_ranges : strcontains(c, ":") != (r.family == "v6")])])}"
  }
  assert {
    condition     = length([for r in values(local.firewall_rules) : r if r.family == "v6"]) > 0 && length([for r in values(local.firewall_rules) : r if r.family == "v4"]) > 0
    error_message = "The dual-stack estate gives IPv4 and IPv6 rules."
  }

  # Network tags: valid, one per appliance, different appliances never share one.
  assert {
    condition     = alltrue([for t in values(local.network_tags) : length(t) <= 63 && can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", t))])
    error_message = "Network tags GCP refuses: ${jsonencode(local.network_tags)}"
  }
  assert {
    condition     = length(distinct(values(local.network_tags))) == length(local.network_tags)
    error_message = "Two appliances share a network tag: ${jsonencode(local.network_tags)}"
  }
  assert {
    condition = alltrue([
      for g in data.panorama_flow_matrix.estate.grouped_rules : alltrue([
        for k, r in local.firewall_rules :
        length(r.target_tags) == 1 && r.target_tags[0] == local.network_tags[g.appliance] && r.network == var.networks[coalesce(g.interface, "mgt")]
        if startswith(k, "${g.key}:")
      ])
    ])
    error_message = "Each rule targets its appliance's tag, in the VPC network of its interface."
  }
}

run "an_interface_without_a_network_is_an_error" {
  command = plan

  variables {
    networks = { mgt = "panorama-mgt", eth1 = "panorama-log-collection" }
  }

  expect_failures = [output.firewall_rules]
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
    condition     = anytrue([for k in keys(output.firewall_rules) : startswith(k, "firewall.dmz:")]) && contains(keys(output.network_tags), "firewall.dmz")
    error_message = "The new group gets rules and a tag."
  }
  assert {
    condition = alltrue([
      for k, r in run.rules_fit_gcp.firewall_rules :
      output.firewall_rules[k].name == r.name && output.firewall_rules[k].target_tags == r.target_tags
      if contains(keys(output.firewall_rules), k)
    ])
    error_message = "Rules changed name or tag."
  }
  assert {
    condition     = alltrue([for a, t in run.rules_fit_gcp.network_tags : output.network_tags[a] == t])
    error_message = "Appliances keep their network tags."
  }
  # Rules whose group involves no firewall group all survive.
  assert {
    condition = alltrue(flatten([
      for g in data.panorama_flow_matrix.estate.grouped_rules : [
        for k in keys(output.firewall_rules) : contains(keys(run.rules_fit_gcp.firewall_rules), k) if startswith(k, "${g.key}:")
      ] if !anytrue([for p in concat([g.appliance], g.peers) : startswith(p, "firewall.")])
    ]))
    error_message = "Rules between Panorama, Log Collectors and services changed key when a firewall group was added."
  }
}
