output "ingress_rules" {
  description = "Firewall -> Panorama ingress rules keyed like panorama_flow_matrix's ingress_rules, for aws_vpc_security_group_ingress_rule."
  value       = local.ingress_rules
}
