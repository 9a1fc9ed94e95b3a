output "rule_keys" {
  description = "Keys of the planned rules, by direction: known at plan, like the rules themselves."
  value = {
    ingress = keys(local.ingress_rules)
    egress  = keys(local.egress_rules)
  }
}

output "security_groups" {
  description = "Security group of each rule chunk, e.g. \"panorama.primary@mgt\"."
  value       = { for k, sg in aws_security_group.appliance : k => sg.id }
}

output "panorama_mgt_address" {
  description = "Panorama's MGT address, chosen by AWS at apply."
  value       = aws_network_interface.panorama_mgt.private_ip
}
