# Panorama and a dedicated Log Collector created in the same configuration as their
# security groups: the addresses of their network interfaces are known only after apply,
# yet every rule is planned, because the function provider::panorama::flow_matrix
# (Terraform 1.8 and later) computes the rules at plan time. A data source would defer
# its read to apply, and `for_each` over its rules would fail ("Invalid for_each argument").
#
# Each rule is planned under its key with its ports and description; its cidr_ipv4 shows
# "(known after apply)" where the peer is one of these interfaces. One security group per
# appliance interface and chunk of at most max_rules_per_security_group rules per
# direction and IP version (provider::panorama::chunk_rules), each attached to the
# interface.
#
# To plan without an AWS account, add a provider "aws" block with dummy credentials and
# the skip_* settings in an *_override.tf file, as tests/aws_example.rs does; tests/ holds
# a `terraform test` suite that runs with mock_provider "aws".

terraform {
  required_version = ">= 1.8"
  required_providers {
    panorama = {
      source  = "flowmatrix/panorama"
      version = "~> 0.2"
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

resource "aws_vpc" "management" {
  cidr_block = var.vpc_cidr
  tags       = { Name = "${var.name_prefix}-management" }
}

resource "aws_subnet" "management" {
  vpc_id     = aws_vpc.management.id
  cidr_block = cidrsubnet(var.vpc_cidr, 8, 0)
  tags       = { Name = "${var.name_prefix}-management" }
}

# The MGT interfaces. Their private_ip is chosen by AWS: "(known after apply)" at plan.
resource "aws_network_interface" "panorama_mgt" {
  subnet_id = aws_subnet.management.id
  tags      = { Name = "${var.name_prefix}-panorama-mgt" }
}

resource "aws_network_interface" "log_collector_mgt" {
  subnet_id = aws_subnet.management.id
  tags      = { Name = "${var.name_prefix}-log-collector-mgt" }
}

locals {
  # One address per interface, unnamed: the rules of that interface are keyed by their
  # flow alone, and those keys are known at plan.
  matrix = provider::panorama::flow_matrix({
    panorama = {
      version         = var.panorama_version
      collector_group = "cloud"
      nodes = {
        primary = { addresses = { mgt = [aws_network_interface.panorama_mgt.private_ip] } }
      }
    }
    log_collectors = {
      lc-1 = {
        version         = var.panorama_version
        collector_group = "cloud"
        addresses       = { mgt = [aws_network_interface.log_collector_mgt.private_ip] }
      }
    }
    firewalls = var.firewalls
    services  = var.services
  })

  # The network interface of each appliance interface this configuration creates.
  interfaces = {
    "panorama.primary@mgt"   = aws_network_interface.panorama_mgt.id
    "log_collector.lc-1@mgt" = aws_network_interface.log_collector_mgt.id
  }

  # The rules of the appliances created here, by their stable keys.
  ingress_rules = { for r in local.matrix.ingress_rules : r.key => r if contains(keys(local.interfaces), "${r.appliance}@${coalesce(r.interface, "-")}") }
  egress_rules  = { for r in local.matrix.egress_rules : r.key => r if contains(keys(local.interfaces), "${r.appliance}@${coalesce(r.interface, "-")}") }

  # The security group of each rule: "appliance@interface", then "#2", "#3"... when an
  # interface needs more groups than one to stay within the quota.
  ingress_group = provider::panorama::chunk_rules(local.ingress_rules, var.max_rules_per_security_group)
  egress_group  = provider::panorama::chunk_rules(local.egress_rules, var.max_rules_per_security_group)

  security_groups = toset(concat(values(local.ingress_group), values(local.egress_group)))
}

resource "aws_security_group" "appliance" {
  for_each = local.security_groups

  name        = "${var.name_prefix}-${each.key}"
  description = "Panorama estate flows of ${each.key}"
  vpc_id      = aws_vpc.management.id
  tags        = { Name = "${var.name_prefix}-${each.key}" }
}

resource "aws_network_interface_sg_attachment" "appliance" {
  for_each = local.security_groups

  security_group_id    = aws_security_group.appliance[each.key].id
  network_interface_id = local.interfaces[split("#", each.key)[0]]

  lifecycle {
    # An interface takes 5 security groups by default (AWS quota "Security groups per
    # network interface"); one of them is the VPC's default group.
    precondition {
      condition     = length([for g in local.security_groups : g if split("#", g)[0] == split("#", each.key)[0]]) < var.max_security_groups_per_interface
      error_message = "Interface ${split("#", each.key)[0]} needs ${length([for g in local.security_groups : g if split("#", g)[0] == split("#", each.key)[0]])} security groups besides the VPC's default one, more than max_security_groups_per_interface = ${var.max_security_groups_per_interface} allows. Summarize the peers' addresses into fewer CIDRs, or raise the quotas and the variables with them."
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
