output "security_group_ids" {
  description = "Security group id per appliance interface, e.g. \"panorama.primary@mgt\"."
  value       = { for k, sg in aws_security_group.appliance : k => sg.id }
}

output "rule_counts" {
  description = "Rules per security group, direction and IP version, against the AWS quota."
  value       = local.rule_counts
}

output "rule_totals" {
  description = "Ingress and egress rule resources this configuration plans."
  value = {
    ingress = length(local.ingress_rules)
    egress  = length(local.egress_rules)
  }
}
