# GCP: VPC firewall rules for the quickstart estate, from `grouped_rules`.
#
# This file holds what our provider computes and the reshaping google_compute_firewall
# needs; firewall.tf holds the google resources and reads nothing but the locals below. A
# GCP firewall rule takes one IP version, so every group becomes one rule per address
# family it has peers in, `NAME-v4` and `NAME-v6`. Rules find their appliance by network
# tag (one per appliance) and their network interface by VPC network (one per interface).
#
# tests/contract.tftest.hcl checks with `terraform test` that these locals keep the limits
# GCP enforces. It mocks the google provider (`mock_provider`), so it needs no
# credentials and creates nothing, but Terraform still loads the provider's schema: run
# `terraform init` with hashicorp/google installable (or in a mirror), then `terraform test`.

terraform {
  required_version = ">= 1.6"
  required_providers {
    panorama = {
      source  = "flowmatrix/panorama"
      version = "~> 0.1"
    }
    google = { # used by firewall.tf
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }
}

provider "panorama" {}

variable "extra_firewalls" {
  description = "More firewall groups, added to the quickstart's (same attributes as `firewalls`)."
  type        = any
  default     = {}
}

variable "networks" {
  description = "VPC network (name or self link) of each appliance interface. Appliances without a Panorama interface (firewall groups, WildFire) use the `mgt` entry."
  type        = map(string)
  default = {
    mgt  = "panorama-mgt"
    eth1 = "panorama-log-collection"
    eth2 = "panorama-collector-group"
  }
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
        # Dual-stack management interface: its rules split into -v4 and -v6 rules.
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
  groups = data.panorama_flow_matrix.estate.grouped_rules

  # One network tag per appliance, to put on its instances: lower-case letters, digits and
  # `-`, starting with a letter, at most 63 characters, with 6 hex digits of the appliance
  # name so that names differing only in `_` or `.` still get tags of their own.
  network_tags = {
    for a in distinct([for g in local.groups : g.appliance]) :
    a => "${trimsuffix(substr(replace(lower(a), "/[^a-z0-9]+/", "-"), 0, 56), "-")}-${substr(sha1(a), 0, 6)}"
  }

  # Every google_compute_firewall, keyed "GROUP_KEY:v4" / "GROUP_KEY:v6". Ingress rules
  # take the peers as source_ranges, egress rules as destination_ranges (an egress rule
  # without destination_ranges would mean 0.0.0.0/0, so none is made without peers).
  firewall_rules = merge([
    for g in local.groups : {
      for family, cidrs in { v4 = g.cidrs_ipv4, v6 = g.cidrs_ipv6 } :
      "${g.key}:${family}" => {
        name               = "${g.name}-${family}"
        family             = family
        network            = lookup(var.networks, coalesce(g.interface, "mgt"), null)
        direction          = upper(g.direction)
        protocol           = g.protocol
        ports              = g.ports
        source_ranges      = g.direction == "ingress" ? cidrs : null
        destination_ranges = g.direction == "egress" ? cidrs : null
        target_tags        = [local.network_tags[g.appliance]]
        description        = g.description
      }
      if length(cidrs) > 0
    }
  ]...)
}

output "network_tags" {
  description = "The network tag to put on each appliance's instances."
  value       = local.network_tags
}

output "firewall_rules" {
  description = "The VPC firewall rules, keyed GROUP_KEY:v4 / GROUP_KEY:v6."
  value       = local.firewall_rules

  precondition {
    condition     = alltrue([for r in values(local.firewall_rules) : r.network != null])
    error_message = "var.networks names no VPC network for the interfaces ${jsonencode(distinct([for g in local.groups : coalesce(g.interface, "mgt") if !contains(keys(var.networks), coalesce(g.interface, "mgt"))]))}."
  }
}

output "flow_count" {
  value = length(data.panorama_flow_matrix.estate.flows)
}
