# Audit a security group that exists against the flow matrix: are the rules Panorama's MGT
# interface needs all there, and is anything open beyond them? The group's rules are read
# with aws_vpc_security_group_rules (their ids) and aws_vpc_security_group_rule (each rule),
# compared with provider::panorama::audit for each direction, and a check block warns on
# drift at every plan and apply, naming what is missing and what is in excess.
#
# tests/audit.tftest.hcl runs it with mock_provider "aws" (terraform test, no AWS account);
# The repository's tests/aws_example.rs also plans it against the real AWS provider,
# pointed at a local stand-in for the EC2 API, and checks the warning below.

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

data "panorama_flow_matrix" "estate" {
  panorama = {
    version = "11.1.4"
    nodes   = { primary = { addresses = { mgt = ["10.0.0.10"] } } }
  }
  firewalls = {
    branches = { version = "11.1", addresses = ["10.20.0.0/16"] }
  }
  services = {
    admin = { addresses = ["10.50.0.0/24"] }
    dns   = { addresses = ["10.0.0.2"] }
  }
}

# Every rule of the security group, in both directions.
data "aws_vpc_security_group_rules" "group" {
  filter {
    name   = "group-id"
    values = [var.security_group_id]
  }
}

data "aws_vpc_security_group_rule" "rule" {
  for_each               = toset(data.aws_vpc_security_group_rules.group.ids)
  security_group_rule_id = each.value
}

locals {
  # The group belongs to one appliance interface: audit its rules of each direction.
  required = {
    ingress = [
      for r in data.panorama_flow_matrix.estate.ingress_rules : r
      if r.appliance == var.appliance && r.interface == var.interface
    ]
    egress = [
      for r in data.panorama_flow_matrix.estate.egress_rules : r
      if r.appliance == var.appliance && r.interface == var.interface
    ]
  }
  actual = {
    ingress = [for r in data.aws_vpc_security_group_rule.rule : r if !r.is_egress]
    egress  = [for r in data.aws_vpc_security_group_rule.rule : r if r.is_egress]
  }
  audit = {
    for direction in ["ingress", "egress"] :
    direction => provider::panorama::audit(local.required[direction], local.actual[direction])
  }

  # One line per finding, for the check's messages: "missing: tcp 28443 from 10.20.0.0/16
  # (updates from firewall.branches)", "excess: sgr-0abc (tcp 22 10.0.0.0/8): wider CIDR: ...".
  findings = {
    for direction, a in local.audit : direction => concat(
      [
        for r in a.missing :
        "missing: ${r.protocol} ${r.from_port == r.to_port ? r.from_port : "${r.from_port}-${r.to_port}"} ${direction == "ingress" ? "from" : "to"} ${coalesce(r.cidr_ipv4, r.cidr_ipv6)} (${r.description})"
      ],
      [
        for e in a.excess :
        "excess: ${e.rule.security_group_rule_id} (${e.rule.ip_protocol}${contains(["tcp", "udp", "6", "17"], e.rule.ip_protocol) ? " ${e.rule.from_port == e.rule.to_port ? e.rule.from_port : "${e.rule.from_port}-${e.rule.to_port}"}" : ""} ${coalesce(e.rule.cidr_ipv4, e.rule.cidr_ipv6, e.rule.referenced_security_group_id, e.rule.prefix_list_id, "-")}): ${join("; ", e.reasons)}"
      ],
    )
  }
}

check "security_group_matches_the_flow_matrix" {
  assert {
    condition     = local.audit.ingress.compliant
    error_message = "Inbound rules of ${var.security_group_id} (${var.appliance}@${var.interface}) differ from the flow matrix:\n${join("\n", local.findings.ingress)}"
  }

  assert {
    condition     = local.audit.egress.compliant
    error_message = "Outbound rules of ${var.security_group_id} (${var.appliance}@${var.interface}) differ from the flow matrix:\n${join("\n", local.findings.egress)}"
  }
}

output "audit" {
  description = "The audit of each direction: compliant, covered, missing and excess."
  value       = local.audit
}
