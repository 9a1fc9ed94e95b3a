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

# Rules keyed by their stable key, so a for_each never replaces an unchanged rule; see
# examples/aws for the security groups, examples/azure, gcp and panos for the others.
locals {
  ingress_rules = {
    for r in data.panorama_flow_matrix.estate.ingress_rules : r.key => r
  }
}

output "ingress_rules" {
  value = { for key, r in local.ingress_rules : key => r.description }
}

# For people: a Markdown table for the change request and a Mermaid diagram.
output "flows_markdown" {
  value = data.panorama_flow_matrix.estate.flows_markdown
}

output "flows_mermaid" {
  value = data.panorama_flow_matrix.estate.flows_mermaid
}
