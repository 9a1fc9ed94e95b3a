# AWS security groups for the quickstart estate (an HA pair of M-600 Panoramas, Collector
# Group "east" with one dedicated Log Collector, firewall groups branches and legacy-dc):
# one group per appliance network interface, filled straight from the `ingress_rules` and
# `egress_rules` of panorama_flow_matrix with aws_vpc_security_group_ingress_rule and
# aws_vpc_security_group_egress_rule. Attach each group to its ENI, e.g.
# aws_security_group.appliance["panorama.primary@eth1"] to the primary's eth1 interface.
#
# To plan without an AWS account, add the offline_override.tf the README shows (a provider
# "aws" block with dummy credentials and the skip_* settings); tests/aws_example.rs plans
# with exactly that file.

terraform {
  required_version = ">= 1.3"
  required_providers {
    panorama = {
      source  = "flowmatrix/panorama"
      version = "~> 0.1"
    }
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "panorama" {}

provider "aws" {
  region = var.region
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
        # Dual-stack MGT: IPv6 peers get IPv6 rules here; an IPv4-only interface gets none.
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

  firewalls = var.firewalls
}

locals {
  # The rules of the appliance kinds managed here (the kind is what precedes the first
  # "." of `appliance`, e.g. "panorama" in "panorama.primary"), by their stable keys.
  ingress_rules = {
    for r in data.panorama_flow_matrix.estate.ingress_rules : r.key => r
    if contains(var.appliance_kinds, split(".", r.appliance)[0])
  }
  egress_rules = {
    for r in data.panorama_flow_matrix.estate.egress_rules : r.key => r
    if contains(var.appliance_kinds, split(".", r.appliance)[0])
  }

  # The security group of each rule: "appliance@interface" (Panorama, Log Collectors), or
  # the appliance alone when the rule names no interface (firewall groups, WildFire).
  ingress_group = { for k, r in local.ingress_rules : k => "${r.appliance}${r.interface == null ? "" : "@${r.interface}"}" }
  egress_group  = { for k, r in local.egress_rules : k => "${r.appliance}${r.interface == null ? "" : "@${r.interface}"}" }

  security_groups = toset(concat(values(local.ingress_group), values(local.egress_group)))

  # Rules per group, direction and IP version: the units of the AWS quota.
  rule_counts = {
    for g in local.security_groups : g => {
      ingress_ipv4 = length([for k, r in local.ingress_rules : k if local.ingress_group[k] == g && r.cidr_ipv4 != null])
      ingress_ipv6 = length([for k, r in local.ingress_rules : k if local.ingress_group[k] == g && r.cidr_ipv6 != null])
      egress_ipv4  = length([for k, r in local.egress_rules : k if local.egress_group[k] == g && r.cidr_ipv4 != null])
      egress_ipv6  = length([for k, r in local.egress_rules : k if local.egress_group[k] == g && r.cidr_ipv6 != null])
    }
  }
}

# No inline ingress/egress blocks: the rules are separate resources below. On create,
# Terraform deletes the allow-all egress rule AWS puts in every new group, so an interface
# sends only the flows listed (replies to allowed flows pass: groups are stateful).
resource "aws_security_group" "appliance" {
  for_each = local.security_groups

  name        = "${var.name_prefix}-${each.key}"
  description = "Panorama estate flows of ${each.key}"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name_prefix}-${each.key}" }

  lifecycle {
    # AWS counts inbound and outbound rules separately, and IPv4 and IPv6 rules separately.
    precondition {
      condition     = max(values(local.rule_counts[each.key])...) <= var.max_rules_per_security_group
      error_message = <<-EOT
        Security group ${each.key} needs ${local.rule_counts[each.key].ingress_ipv4} inbound IPv4, ${local.rule_counts[each.key].ingress_ipv6} inbound IPv6, ${local.rule_counts[each.key].egress_ipv4} outbound IPv4 and ${local.rule_counts[each.key].egress_ipv6} outbound IPv6 rules, more than max_rules_per_security_group = ${var.max_rules_per_security_group} (the AWS quota "Inbound or outbound rules per security group", 60 by default). Summarize the peers' addresses into fewer CIDRs, move Panorama functions to other interfaces (panorama.interfaces) so the rules spread over more groups, or raise the quota and max_rules_per_security_group with it.
      EOT
    }
  }
}

resource "aws_vpc_security_group_ingress_rule" "flow" {
  for_each = local.ingress_rules

  security_group_id = aws_security_group.appliance[local.ingress_group[each.key]].id
  ip_protocol       = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  cidr_ipv4         = each.value.cidr_ipv4
  cidr_ipv6         = each.value.cidr_ipv6
  description       = each.value.description
}

resource "aws_vpc_security_group_egress_rule" "flow" {
  for_each = local.egress_rules

  security_group_id = aws_security_group.appliance[local.egress_group[each.key]].id
  ip_protocol       = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  cidr_ipv4         = each.value.cidr_ipv4
  cidr_ipv6         = each.value.cidr_ipv6
  description       = each.value.description
}
