# PAN-OS: Panorama pre-rules for the firewalls between the quickstart's appliances, from
# `grouped_rules`: one service object per group (its ports) and one security rule per group
# (its App-IDs, addresses and service).
#
# This file holds what our provider computes and the reshaping the rules need; policy.tf
# holds the panos resources and reads nothing but the locals below. A firewall in the path
# must allow each flow once: a flow between two appliances appears in grouped_rules twice,
# as ingress on the listener and egress on the initiator, so the policy takes the ingress
# groups and only the egress groups whose peers are not appliances (services, Cortex Data
# Lake). PAN-OS rules take IPv4 and IPv6 addresses together. A flow with an end that
# declares no addresses would need "any" there: it gets no rule and is listed in
# output.flows_without_addresses instead.
#
# tests/contract.tftest.hcl checks with `terraform test` that these locals keep the limits
# PAN-OS enforces. It mocks the panos provider (`mock_provider`), so it needs no
# credentials and creates nothing, but Terraform still loads the provider's schema: run
# `terraform init` with PaloAltoNetworks/panos installable (or in a mirror), then `terraform test`.

terraform {
  required_version = ">= 1.6"
  required_providers {
    panorama = {
      source  = "flowmatrix/panorama"
      version = "~> 0.1"
    }
    panos = { # used by policy.tf
      source  = "PaloAltoNetworks/panos"
      version = "~> 1.11"
    }
  }
}

provider "panorama" {}

variable "extra_firewalls" {
  description = "More firewall groups, added to the quickstart's (same attributes as `firewalls`)."
  type        = any
  default     = {}
}

variable "zones" {
  description = "Security zone, as the firewalls in the path see it, of each endpoint (`panorama.primary`, `firewall.branches`, `service.syslog`). A rule with an endpoint not listed here matches any zone on that side."
  type        = map(string)
  default     = {}
}

data "panorama_flow_matrix" "estate" {
  panorama = {
    version         = "10.2.4"
    model           = "m-600"
    collector_group = "east"
    interfaces = {
      log_collection  = "eth1"
      collector_group = "eth2"
    }
    nodes = {
      primary = {
        # Dual-stack management interface: its rules list both address families.
        addresses = { mgt = ["10.0.0.10", "2001:db8::10"], eth1 = ["10.0.1.10"], eth2 = ["10.0.2.10"] }
      }
      secondary = {
        addresses = { mgt = ["10.0.0.11"], eth1 = ["10.0.1.11"], eth2 = ["10.0.2.11"] }
      }
    }
  }

  log_collectors = {
    lc-east-1 = {
      version         = "10.2.4"
      collector_group = "east"
      model           = "m-600"
      interfaces      = { log_collection = "eth1", collector_group = "eth2" }
      addresses       = { mgt = ["10.1.0.5"], eth1 = ["10.1.1.5"], eth2 = ["10.1.2.5"] }
    }
  }

  firewalls = merge({
    branches = {
      version         = "10.1"
      addresses       = ["10.20.0.0/16"]
      collector_group = "east"
    }
    legacy-dc = {
      version   = "7.1.10"
      addresses = ["10.30.0.0/24", "2001:db8:30::/64"]
    }
  }, var.extra_firewalls)

  services = {
    syslog    = { addresses = ["10.9.0.5"] }
    traps_esm = { addresses = ["192.0.2.0/24", "2001:db8:2::/48"] } # tcp and udp 23000-23999
  }
}

locals {
  # The groups a firewall in the path allows: each flow once, between declared addresses
  # only. grouped_rules leaves out peers without addresses; appliances without addresses
  # are left out here.
  policy_groups = [
    for g in data.panorama_flow_matrix.estate.grouped_rules : g
    if length(concat(g.appliance_cidrs_ipv4, g.appliance_cidrs_ipv6)) > 0 && (g.direction == "ingress" || !g.peer_is_appliance)
  ]

  # What the policy cannot allow without "any".
  flows_without_addresses = [
    for f in data.panorama_flow_matrix.estate.flows : f.key
    if length(f.source_addresses) == 0 || length(f.destination_addresses) == 0
  ]

  # panos_panorama_service_object, keyed by group key. Object names and rule names live
  # apart in PAN-OS, so each service object takes its rule's name.
  service_objects = {
    for g in local.policy_groups : g.key => {
      name             = g.name
      protocol         = g.protocol
      destination_port = join(",", g.ports)
      description      = g.description
    }
  }

  # The `rule` blocks of panos_panorama_security_rule_group, in key order. Sources are the
  # initiators: the peers of an ingress group, the appliance of an egress group. A rule
  # allows every App-ID the vendor names for its traffic (updates on 28443:
  # paloalto-updates and panorama).
  security_rules = [
    for g in local.policy_groups : {
      key                   = g.key
      name                  = g.name
      sources               = g.direction == "ingress" ? [for p in g.peers : split("@", p)[0]] : [g.appliance]
      destinations          = g.direction == "ingress" ? [g.appliance] : [for p in g.peers : split("@", p)[0]]
      source_addresses      = g.direction == "ingress" ? concat(g.cidrs_ipv4, g.cidrs_ipv6) : concat(g.appliance_cidrs_ipv4, g.appliance_cidrs_ipv6)
      destination_addresses = g.direction == "ingress" ? concat(g.appliance_cidrs_ipv4, g.appliance_cidrs_ipv6) : concat(g.cidrs_ipv4, g.cidrs_ipv6)
      applications          = g.applications
      description           = g.description
      flow_keys             = g.flow_keys
    }
  ]

  # Zones: those of the endpoints when var.zones knows them all, else "any" (which PAN-OS
  # accepts only alone).
  rules = [
    for r in local.security_rules : merge(r, {
      source_zones      = alltrue([for e in r.sources : contains(keys(var.zones), e)]) ? distinct([for e in r.sources : lookup(var.zones, e, "any")]) : ["any"]
      destination_zones = alltrue([for e in r.destinations : contains(keys(var.zones), e)]) ? distinct([for e in r.destinations : lookup(var.zones, e, "any")]) : ["any"]
    })
  ]
}

output "service_objects" {
  description = "The service objects, keyed by group key."
  value       = local.service_objects
}

output "security_rules" {
  description = "The security rules, in rulebase order."
  value       = local.rules
}

output "flows_without_addresses" {
  description = "Flows with an end that declares no addresses: no rule allows them."
  value       = local.flows_without_addresses
}

output "flow_count" {
  value = length(data.panorama_flow_matrix.estate.flows)
}
