# CG-DIST, CG-SSH and CG-3978: every collector of a group to every other one, on the
# collector-group interface; Panorama's local Log Collector joins the group it names.

variables {
  panorama = {
    version         = "10.2.4"
    model           = "m-500"
    collector_group = "east"
    interfaces      = { collector_group = "eth2" }
    nodes           = { p1 = { addresses = { mgt = ["10.0.0.10"], eth2 = ["10.0.2.10"] } } }
  }
  log_collectors = {
    lc1 = {
      version         = "10.2.4"
      collector_group = "east"
      model           = "m-500"
      interfaces      = { collector_group = "eth2" }
      addresses       = { mgt = ["10.1.0.5"], eth2 = ["10.1.2.5"] }
    }
  }
}

run "band_8x_uses_28270_28_and_3978_both_ways" {
  command = plan
  assert {
    condition = alltrue([for k in [
      "panorama.p1@eth2>log_collector.lc1@eth2:tcp:28270",
      "log_collector.lc1@eth2>panorama.p1@eth2:tcp:28270",
      "panorama.p1@eth2>log_collector.lc1@eth2:tcp:28",
      "log_collector.lc1@eth2>panorama.p1@eth2:tcp:28",
      "panorama.p1@eth2>log_collector.lc1@eth2:tcp:3978",
      "log_collector.lc1@eth2>panorama.p1@eth2:tcp:3978",
    ] : contains(output.keys, k)])
    error_message = "Collector Group traffic on eth2 both ways: ${jsonencode(output.keys)}"
  }
  assert {
    condition = (
      output.flows_by_key["log_collector.lc1@eth2>panorama.p1@eth2:tcp:28270"].source_addresses == tolist(["10.1.2.5/32"]) &&
      output.flows_by_key["log_collector.lc1@eth2>panorama.p1@eth2:tcp:28270"].destination_addresses == tolist(["10.0.2.10/32"])
    )
    error_message = "Collector Group flows use the eth2 addresses on both sides."
  }
  assert {
    condition     = output.flows_by_key["log_collector.lc1@eth2>panorama.p1@eth2:tcp:28"].application == "ssh"
    error_message = "CG-SSH is App-ID ssh."
  }
}

run "band_5x_uses_49190" {
  command = plan
  variables {
    panorama = {
      version         = "5.1"
      collector_group = "east"
      nodes           = { p1 = {} }
    }
    log_collectors = {
      lc1 = { version = "5.1", collector_group = "east" }
    }
  }
  assert {
    condition     = contains(output.connections, "panorama.p1>log_collector.lc1:tcp/49190") && contains(output.connections, "log_collector.lc1>panorama.p1:tcp/49190")
    error_message = "5.x Collector Groups distribute on 49190: ${jsonencode(output.connections)}"
  }
  assert {
    condition     = !contains(output.connections, "panorama.p1>log_collector.lc1:tcp/28270")
    error_message = "28270 starts with 6.0."
  }
}

run "lone_collector_has_no_group_traffic" {
  command = plan
  variables {
    panorama = { version = "10.2", mode = "management-only", nodes = { p1 = {} } }
    log_collectors = {
      lc1 = { version = "10.2", collector_group = "solo" }
    }
  }
  assert {
    condition     = length([for k in output.keys : k if strcontains(k, ":28270")]) == 0
    error_message = "A Collector Group with one collector has nobody to distribute to."
  }
}
