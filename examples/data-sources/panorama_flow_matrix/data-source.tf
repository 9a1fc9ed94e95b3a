# An HA pair of Panorama M-600s, one group of branch firewalls, the administrators'
# network and a DNS server.
data "panorama_flow_matrix" "estate" {
  panorama = {
    version = "10.2.4"
    model   = "m-600"
    nodes = {
      primary   = { addresses = { mgt = ["10.0.0.10"] } }
      secondary = { addresses = { mgt = ["10.0.0.11"] } }
    }
  }

  firewalls = {
    branches = { version = "10.1", addresses = ["10.20.0.0/16"] }
  }

  services = {
    admin = { addresses = ["192.0.2.0/24"] } # inbound: ssh and https to Panorama
    dns   = { addresses = ["10.0.0.2"] }     # outbound: udp 53
  }
}

# One line per flow, e.g. "firewall.branches -> panorama.primary tcp/3978 panorama".
output "flows" {
  value = [
    for f in data.panorama_flow_matrix.estate.flows :
    "${f.source} -> ${f.destination} ${f.protocol}/${f.from_port} ${f.application}"
  ]
}

# Rules keyed by their stable key, so a for_each never replaces an unchanged rule:
#
# resource "aws_vpc_security_group_ingress_rule" "panorama" {
#   for_each          = local.ingress_rules
#   security_group_id = aws_security_group.panorama[each.value.appliance].id
#   ip_protocol       = each.value.protocol
#   from_port         = each.value.from_port
#   to_port           = each.value.to_port
#   cidr_ipv4         = each.value.cidr_ipv4
#   cidr_ipv6         = each.value.cidr_ipv6
#   description       = each.value.description
# }
locals {
  ingress_rules = {
    for r in data.panorama_flow_matrix.estate.ingress_rules : r.key => r
  }
}

output "ingress_rules" {
  value = { for key, r in local.ingress_rules : key => r.description }
}
