# Three networks of branch firewalls reach Panorama on two ports: six inbound IPv4 rules.
# With a quota of four rules per security group, Panorama's interface takes two groups.
locals {
  matrix = provider::panorama::flow_matrix({
    panorama = {
      version = "11.1.4"
      nodes   = { primary = { addresses = { mgt = ["10.0.0.10"] } } }
    }
    firewalls = {
      branches = { version = "11.1", addresses = ["10.20.0.0/16", "10.21.0.0/16", "10.22.0.0/16"] }
    }
  })

  # Rule key => security group: "panorama.primary@mgt" or "panorama.primary@mgt#2".
  ingress_group = provider::panorama::chunk_rules(local.matrix.ingress_rules, 4)
}

output "security_groups" {
  value = sort(distinct(values(local.ingress_group)))
}

output "rules_per_group" {
  value = { for g in distinct(values(local.ingress_group)) : g => length([for k, v in local.ingress_group : k if v == g]) }
}
