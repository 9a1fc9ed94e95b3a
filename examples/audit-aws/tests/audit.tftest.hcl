# The audit with mock_provider "aws": no AWS account and no AWS API. override_data feeds
# the security group's rules as aws_vpc_security_group_rule reports them (attributes left
# out are set to null, as AWS leaves them); the real panorama provider computes the matrix
# and the audit.

mock_provider "aws" {}

# A group that drifted: 28443 from the branches was never opened, 443 is open to everyone,
# SSH to all of 10.0.0.0/8 rather than the admin network, and the default egress rule
# allows every protocol everywhere.
run "a_drifted_group_fails_the_check_naming_each_finding" {
  command = plan

  override_data {
    target = data.aws_vpc_security_group_rules.group
    values = { ids = ["sgr-mgmt", "sgr-https", "sgr-ssh", "sgr-dns", "sgr-all"] }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-mgmt"]
    values = { security_group_rule_id = "sgr-mgmt", is_egress = false, ip_protocol = "tcp", from_port = 3978, to_port = 3978, cidr_ipv4 = "10.20.0.0/16", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-https"]
    values = { security_group_rule_id = "sgr-https", is_egress = false, ip_protocol = "tcp", from_port = 443, to_port = 443, cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-ssh"]
    values = { security_group_rule_id = "sgr-ssh", is_egress = false, ip_protocol = "tcp", from_port = 22, to_port = 22, cidr_ipv4 = "10.0.0.0/8", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-dns"]
    values = { security_group_rule_id = "sgr-dns", is_egress = true, ip_protocol = "udp", from_port = 53, to_port = 53, cidr_ipv4 = "10.0.0.2/32", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-all"]
    values = { security_group_rule_id = "sgr-all", is_egress = true, ip_protocol = "-1", from_port = -1, to_port = -1, cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }

  # The check block warns; the run expects exactly that.
  expect_failures = [check.security_group_matches_the_flow_matrix]

  assert {
    condition     = !output.audit.ingress.compliant && output.audit.ingress.covered == 3
    error_message = "Ingress: 3978, 443 and 22 are covered (the last two too widely): ${jsonencode(output.audit.ingress)}"
  }

  assert {
    condition     = [for r in output.audit.ingress.missing : r.key] == ["firewall.branches>panorama.primary@mgt:tcp:28443"]
    error_message = "Missing: ${jsonencode(output.audit.ingress.missing)}"
  }

  assert {
    condition = {
      for e in output.audit.ingress.excess : e.rule.security_group_rule_id => [for r in e.reasons : split(":", r)[0]]
      } == {
      "sgr-https" = ["everyone", "wider CIDR"]
      "sgr-ssh"   = ["wider CIDR"]
    }
    error_message = "Ingress excess: ${jsonencode(output.audit.ingress.excess)}"
  }

  assert {
    condition = (
      output.audit.egress.covered == 1 && length(output.audit.egress.missing) == 0 &&
      [for e in output.audit.egress.excess : e.rule.security_group_rule_id] == ["sgr-all"] &&
      [for r in output.audit.egress.excess[0].reasons : split(":", r)[0]] == ["all protocols", "everyone", "wider CIDR"]
    )
    error_message = "Egress: the all-protocols rule is excess: ${jsonencode(output.audit.egress)}"
  }

  assert {
    condition = (
      local.findings.ingress[0] == "missing: tcp 28443 from 10.20.0.0/16 (updates from firewall.branches)" &&
      startswith(one(local.findings.egress), "excess: sgr-all (-1 0.0.0.0/0): all protocols: ")
    )
    error_message = "The check's message lines: ${jsonencode(local.findings)}"
  }
}

# The group as the matrix requires it, rule for rule: both directions are compliant and the
# check passes.
run "a_group_that_matches_passes_the_check" {
  command = plan

  override_data {
    target = data.aws_vpc_security_group_rules.group
    values = { ids = ["sgr-mgmt", "sgr-updates", "sgr-ssh", "sgr-https", "sgr-dns"] }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-mgmt"]
    values = { security_group_rule_id = "sgr-mgmt", is_egress = false, ip_protocol = "tcp", from_port = 3978, to_port = 3978, cidr_ipv4 = "10.20.0.0/16", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-updates"]
    values = { security_group_rule_id = "sgr-updates", is_egress = false, ip_protocol = "6", from_port = 28443, to_port = 28443, cidr_ipv4 = "10.20.0.0/16", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-ssh"]
    values = { security_group_rule_id = "sgr-ssh", is_egress = false, ip_protocol = "tcp", from_port = 22, to_port = 22, cidr_ipv4 = "10.50.0.0/24", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-https"]
    values = { security_group_rule_id = "sgr-https", is_egress = false, ip_protocol = "tcp", from_port = 443, to_port = 443, cidr_ipv4 = "10.50.0.0/24", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }
  override_data {
    target = data.aws_vpc_security_group_rule.rule["sgr-dns"]
    values = { security_group_rule_id = "sgr-dns", is_egress = true, ip_protocol = "udp", from_port = 53, to_port = 53, cidr_ipv4 = "10.0.0.2/32", cidr_ipv6 = null, referenced_security_group_id = null, prefix_list_id = null }
  }

  assert {
    condition     = output.audit.ingress.compliant && output.audit.ingress.covered == 4 && output.audit.egress.compliant && output.audit.egress.covered == 1
    error_message = "Both directions are compliant: ${jsonencode(output.audit)}"
  }

  assert {
    condition     = length(output.audit.ingress.missing) == 0 && length(output.audit.ingress.excess) == 0
    error_message = "Nothing missing or in excess: ${jsonencode(output.audit.ingress)}"
  }
}
