# Branch firewalls reach Panorama's MGT interface on 3978 and 28443. The security group
# opens 3978 to them, and SSH to everyone: 28443 is missing and port 22 is in excess.
locals {
  matrix = provider::panorama::flow_matrix({
    panorama = {
      version = "11.1.4"
      nodes   = { primary = { addresses = { mgt = ["10.0.0.10"] } } }
    }
    firewalls = {
      branches = { version = "11.1", addresses = ["10.20.0.0/16"] }
    }
  })

  required = [
    for r in local.matrix.ingress_rules : r
    if r.appliance == "panorama.primary" && r.interface == "mgt"
  ]

  # As aws_vpc_security_group_rule reports them (here written by hand).
  actual = [
    { ip_protocol = "tcp", from_port = 3978, to_port = 3978, cidr_ipv4 = "10.20.0.0/16", cidr_ipv6 = null },
    { ip_protocol = "tcp", from_port = 22, to_port = 22, cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null },
  ]

  audit = provider::panorama::audit(local.required, local.actual)
}

output "compliant" {
  value = local.audit.compliant # false
}

output "missing" {
  value = [for r in local.audit.missing : r.key] # ["firewall.branches>panorama.primary@mgt:tcp:28443"]
}

output "excess" {
  value = local.audit.excess # the SSH rule: other ports, everyone, wider CIDR
}
