# AWS: aws_vpc_security_group_rule reports its rules as the audit reads them (ip_protocol,
# from_port, to_port, cidr_ipv4, cidr_ipv6, referenced_security_group_id, prefix_list_id);
# only the direction is to choose.
locals {
  aws_actual = [
    for r in var.aws_rules : r
    if r.is_egress == (var.direction == "egress")
  ]
}
