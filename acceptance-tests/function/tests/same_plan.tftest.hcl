# The function plans the rules of an estate whose Panorama address is known only after
# apply, and returns what the data source reads for the same estate.

variables {
  node = "a"
  estate = {
    panorama = {
      version = "10.2"
      nodes = {
        a = { addresses = { mgt = ["10.0.0.10"] } }
        b = { addresses = { mgt = ["10.0.0.11"] } }
      }
    }
    firewalls = {
      branches = { version = "10.1", addresses = ["10.20.0.0/16"] }
      stores   = { version = "10.1", addresses = { east = "10.30.0.0/16", west = "10.31.0.0/16" } }
    }
    services = { dns = { addresses = ["10.0.0.2"] } }
  }
}

run "keys_are_known_at_plan" {
  command = plan

  assert {
    condition = alltrue([for k in [
      "panorama.a@mgt>panorama.b@mgt:tcp:28260",
      "firewall.branches>panorama.a@mgt:tcp:3978",
      "firewall.stores>panorama.a@mgt:tcp:3978#east",
      "firewall.stores>panorama.b@mgt:tcp:28443#west",
    ] : contains(output.late_ingress_keys, k)])
    error_message = "Ingress keys at plan: ${jsonencode(output.late_ingress_keys)}"
  }

  assert {
    condition     = length(output.late_ingress_keys) == length(output.function.ingress_rules) && length(output.late_egress_keys) == length(output.function.egress_rules)
    error_message = "The same number of rules as with every address known."
  }

  assert {
    condition     = [for r in output.late.ingress_rules : r.cidr_ipv4 if r.peer == "firewall.branches"] == [for r in output.function.ingress_rules : r.cidr_ipv4 if r.peer == "firewall.branches"]
    error_message = "Rules whose peer is known have their CIDR at plan."
  }

  assert {
    condition     = length(output.chunks) == length(output.late_ingress_keys) && alltrue([for k, c in output.chunks : startswith(c, "panorama.")])
    error_message = "chunk_rules places the planned rules: ${jsonencode(output.chunks)}"
  }
}

run "the_function_returns_what_the_data_source_reads" {
  command = plan

  assert {
    condition     = output.function == output.data_source
    error_message = "flow_matrix(estate) differs from the data source for the same estate."
  }
}

run "apply_fills_in_what_plan_did_not_know" {
  assert {
    condition     = output.late == output.function
    error_message = "With the address known, the result is the same as with it written."
  }
}
