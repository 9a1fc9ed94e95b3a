# Azure: Network Security Group rules for the quickstart estate, from `grouped_rules`.
#
# This file holds what our provider computes and the reshaping the NSG rules need; nsg.tf
# holds the azurerm resources and reads nothing but the locals below. Azure refuses a rule
# that mixes IPv4 and IPv6 prefixes (ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies),
# so every group becomes one rule per address family it has peers in: `NAME-v4` at the
# group's even priority and `NAME-v6` at the odd priority right after it.
#
# tests/contract.tftest.hcl checks with `terraform test` that these locals keep the limits
# Azure enforces. It mocks the azurerm provider (`mock_provider`), so it needs no
# credentials and creates nothing, but Terraform still loads the provider's schema: run
# `terraform init` with hashicorp/azurerm installable (or in a mirror), then `terraform test`.

terraform {
  required_version = ">= 1.6"
  required_providers {
    panorama = {
      source  = "flowmatrix/panorama"
      version = "~> 0.1"
    }
    azurerm = { # used by nsg.tf
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

provider "panorama" {}

variable "extra_firewalls" {
  description = "More firewall groups, added to the quickstart's (same attributes as `firewalls`)."
  type        = any
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
  # Each group with `at`, the network interface it applies to: `panorama.primary@mgt`, or
  # the appliance alone when it has no Panorama interface (`firewall.branches`).
  groups = [
    for g in data.panorama_flow_matrix.estate.grouped_rules :
    merge(g, { at = g.interface == null ? g.appliance : "${g.appliance}@${g.interface}" })
  ]

  # One NSG per network interface card, so a rule for the log-collection interface never
  # opens the MGT one. Azure names: 1-80 letters, digits, `_`, `.`, `-`, ending in a
  # letter, digit or `_`.
  nsgs = {
    for at in distinct([for g in local.groups : g.at]) :
    at => {
      name = trimsuffix(trimsuffix(substr("nsg-${replace(at, "/[^A-Za-z0-9_.-]/", "-")}", 0, 80), "-"), ".")
    }
  }

  # Every azurerm_network_security_rule, keyed "GROUP_KEY:v4" / "GROUP_KEY:v6".
  nsg_rules = merge([
    for g in local.groups : {
      for family, f in {
        v4 = { peers = g.cidrs_ipv4, own = g.appliance_cidrs_ipv4, offset = 0 }
        v6 = { peers = g.cidrs_ipv6, own = g.appliance_cidrs_ipv6, offset = 1 }
      } :
      "${g.key}:${family}" => {
        name      = "${g.name}-${family}"
        nsg       = g.at # key of local.nsgs
        family    = family
        priority  = g.priority + f.offset
        direction = g.direction == "ingress" ? "Inbound" : "Outbound"
        protocol  = title(g.protocol)
        ports     = g.ports
        # The peers on the far side; the appliance's own addresses of the same family on
        # the near side, or "*" when it declares no address at all: the NSG sits on the
        # appliance's NIC, so "*" there still means only that NIC.
        source_address_prefix        = g.direction == "egress" && length(f.own) == 0 ? "*" : null
        source_address_prefixes      = g.direction == "ingress" ? f.peers : (length(f.own) == 0 ? null : f.own)
        destination_address_prefix   = g.direction == "ingress" && length(f.own) == 0 ? "*" : null
        destination_address_prefixes = g.direction == "egress" ? f.peers : (length(f.own) == 0 ? null : f.own)
        description                  = g.description
      }
      # No rule for a family the appliance cannot use: it declares addresses, none of
      # that family (HA from an IPv6 peer into an IPv4-only node would never match).
      if length(f.peers) > 0 && (length(f.own) > 0 || length(concat(g.appliance_cidrs_ipv4, g.appliance_cidrs_ipv6)) == 0)
    }
  ]...)
}

output "nsgs" {
  description = "One NSG per appliance interface, keyed appliance@interface."
  value       = local.nsgs
}

output "nsg_rules" {
  description = "The NSG rules, keyed GROUP_KEY:v4 / GROUP_KEY:v6."
  value       = local.nsg_rules
}

output "flow_count" {
  value = length(data.panorama_flow_matrix.estate.flows)
}
