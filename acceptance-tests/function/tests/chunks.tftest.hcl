# chunk_rules keeps every security group within the quota, per interface and family.

variables {
  node  = "a"
  limit = 2
  estate = {
    panorama = {
      version = "10.2"
      nodes   = { a = { addresses = { mgt = ["10.0.0.10"] } } }
    }
    firewalls = {
      branches = { version = "10.1", addresses = ["10.20.0.0/16", "10.21.0.0/16", "10.22.0.0/16"] }
    }
  }
}

run "an_interface_over_the_quota_gets_more_groups" {
  command = plan

  # Three networks on 3978 and 28443: six IPv4 rules, two per group.
  assert {
    condition     = sort(distinct(values(output.chunks))) == tolist(["panorama.a@mgt", "panorama.a@mgt#2", "panorama.a@mgt#3"])
    error_message = "Chunks: ${jsonencode(output.chunks)}"
  }

  assert {
    condition     = alltrue([for c in distinct(values(output.chunks)) : length([for k, v in output.chunks : k if v == c]) <= 2])
    error_message = "A chunk holds more than the limit: ${jsonencode(output.chunks)}"
  }
}
