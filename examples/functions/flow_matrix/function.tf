# Panorama on a network interface created in the same plan: its address is known only
# after apply, yet the rules and their keys are known at plan (terraform_data stands in
# for the interface; in AWS, aws_network_interface.private_ip).
resource "terraform_data" "panorama_mgt" {
  input = "10.0.0.10"
}

locals {
  matrix = provider::panorama::flow_matrix({
    panorama = {
      version = "11.1.4"
      nodes = {
        primary = { addresses = { mgt = [terraform_data.panorama_mgt.output] } }
      }
    }
    firewalls = {
      branches = { version = "11.1", addresses = ["10.20.0.0/16"] }
      # Several addresses, some known only after apply: name them, so the keys are known.
      stores = { version = "10.2", addresses = { east = "10.30.0.0/16", west = "10.31.0.0/16" } }
    }
    services = {
      dns = { addresses = ["10.0.0.2"] }
    }
  })
}

# Known at plan: every key (firewall.branches>panorama.primary@mgt:tcp:3978,
# firewall.stores>panorama.primary@mgt:tcp:3978#east, ...), so for_each plans.
output "ingress_rule_keys" {
  value = [for r in local.matrix.ingress_rules : r.key]
}

# Known at plan where the peer is known (10.20.0.0/16 from the branches), after apply
# where the peer is Panorama's own interface.
output "egress_rules" {
  value = { for r in local.matrix.egress_rules : r.key => r.cidr_ipv4 }
}
