# aws_vpc_security_group_rule objects through the adapter of aws.tf: the direction is
# chosen by is_egress, the rules are audited as AWS reports them.

variables {
  aws_rules = [
    { security_group_rule_id = "sgr-1", is_egress = false, ip_protocol = "tcp", from_port = 3978, to_port = 3978,
    cidr_ipv4 = "10.20.0.0/16", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null },
    { security_group_rule_id = "sgr-2", is_egress = false, ip_protocol = "6", from_port = 0, to_port = 65535,
    cidr_ipv4 = "10.50.0.0/24", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null },
    { security_group_rule_id = "sgr-3", is_egress = false, ip_protocol = "tcp", from_port = 28443, to_port = 28443,
    cidr_ipv4 = null, cidr_ipv6 = null, referenced_security_group_id = "sg-0abc", prefix_list_id = null },
    { security_group_rule_id = "sgr-4", is_egress = true, ip_protocol = "udp", from_port = 53, to_port = 53,
    cidr_ipv4 = "10.0.0.2/32", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null },
  ]
}

run "inbound_rules_against_ingress_rules" {
  command = plan

  assert {
    condition = (
      output.aws.covered == 3 &&
      [for r in output.aws.missing : r.key] == ["firewall.branches>panorama.primary@mgt:tcp:28443"] &&
      [for e in output.aws.excess : "${e.rule.security_group_rule_id}: ${join(", ", [for r in e.reasons : split(":", r)[0]])}"] == ["sgr-2: other ports", "sgr-3: not comparable"]
    )
    error_message = "Ingress: ${jsonencode(output.aws)}"
  }
}

run "outbound_rules_against_egress_rules" {
  command = plan

  variables {
    direction = "egress"
  }

  assert {
    condition     = output.aws.compliant && output.aws.covered == 1
    error_message = "Egress: ${jsonencode(output.aws)}"
  }
}
