# The same configuration with mock_provider "aws": no AWS account and no AWS API, only the
# real panorama provider. At plan the interfaces' addresses are unknown, as they are
# against AWS; at apply the mock interfaces get the addresses set below.

mock_provider "aws" {}

run "rules_plan_before_the_addresses_are_known" {
  command = plan

  assert {
    condition = alltrue([for k in [
      "log_collector.lc-1@mgt>panorama.primary@mgt:tcp:3978",
      "firewall.branches>panorama.primary@mgt:tcp:3978",
      "firewall.stores>panorama.primary@mgt:tcp:3978#east",
      "firewall.stores>panorama.primary@mgt:tcp:3978#west",
      "service.admin>panorama.primary@mgt:tcp:443",
    ] : contains(keys(aws_vpc_security_group_ingress_rule.flow), k)])
    error_message = "Ingress rules planned: ${jsonencode(keys(aws_vpc_security_group_ingress_rule.flow))}"
  }

  assert {
    condition     = contains(keys(aws_vpc_security_group_egress_rule.flow), "panorama.primary@mgt>service.dns:udp:53")
    error_message = "Egress rules planned: ${jsonencode(keys(aws_vpc_security_group_egress_rule.flow))}"
  }

  # Rules whose peer is known have their CIDR at plan already.
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.flow["firewall.branches>panorama.primary@mgt:tcp:3978"].cidr_ipv4 == "10.20.0.0/16" &&
      aws_vpc_security_group_ingress_rule.flow["firewall.stores>panorama.primary@mgt:tcp:3978#west"].cidr_ipv4 == "10.31.0.0/16" &&
      aws_vpc_security_group_egress_rule.flow["panorama.primary@mgt>service.dns:udp:53"].cidr_ipv4 == "10.0.0.2/32"
    )
    error_message = "Known peers keep their CIDRs."
  }

  assert {
    condition     = toset(keys(aws_security_group.appliance)) == toset(["panorama.primary@mgt", "log_collector.lc-1@mgt"])
    error_message = "One security group per interface: ${jsonencode(keys(aws_security_group.appliance))}"
  }
}

run "the_addresses_fill_the_rules_at_apply" {
  override_resource {
    target = aws_network_interface.panorama_mgt
    values = { private_ip = "10.0.0.10" }
  }
  override_resource {
    target = aws_network_interface.log_collector_mgt
    values = { private_ip = "10.0.0.20" }
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.flow["log_collector.lc-1@mgt>panorama.primary@mgt:tcp:3978"].cidr_ipv4 == "10.0.0.20/32" &&
      aws_vpc_security_group_egress_rule.flow["log_collector.lc-1@mgt>panorama.primary@mgt:tcp:3978"].cidr_ipv4 == "10.0.0.10/32" &&
      aws_vpc_security_group_ingress_rule.flow["log_collector.lc-1@mgt>panorama.primary@mgt:tcp:3978"].cidr_ipv6 == null
    )
    error_message = "Rules between the two interfaces carry their addresses once known."
  }

  assert {
    condition = (
      aws_network_interface_sg_attachment.appliance["panorama.primary@mgt"].network_interface_id == aws_network_interface.panorama_mgt.id &&
      aws_vpc_security_group_ingress_rule.flow["service.admin>panorama.primary@mgt:tcp:443"].security_group_id == aws_security_group.appliance["panorama.primary@mgt"].id
    )
    error_message = "Each group is attached to its interface and holds its rules."
  }

  assert {
    condition     = output.panorama_mgt_address == "10.0.0.10"
    error_message = "The mock interface has the address set above."
  }
}

run "a_small_quota_spreads_an_interface_over_several_groups" {
  command = plan

  variables {
    max_rules_per_security_group = 3
  }

  assert {
    condition     = toset([for g in keys(aws_security_group.appliance) : g if startswith(g, "panorama.primary@mgt")]) == toset(["panorama.primary@mgt", "panorama.primary@mgt#2", "panorama.primary@mgt#3", "panorama.primary@mgt#4"])
    error_message = "Groups: ${jsonencode(keys(aws_security_group.appliance))}"
  }
}

run "more_groups_than_an_interface_takes_is_an_error" {
  command = plan

  variables {
    max_rules_per_security_group = 2
  }

  expect_failures = [aws_network_interface_sg_attachment.appliance]
}
