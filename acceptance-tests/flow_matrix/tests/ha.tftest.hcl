# HA-ENC and HA-CLEAR: each Panorama HA peer initiates to the other, over MGT; and
# LC-LOCAL-HA: in panorama mode each peer's local Log Collector reaches the other peer on
# 3978, on its device-management interface.

variables {
  panorama = {
    version = "10.2.4"
    nodes = {
      a = { addresses = { mgt = ["10.0.0.1"] } }
      b = { addresses = { mgt = ["10.0.0.2"] } }
    }
  }
}

run "clear_text_8x_opens_28260_and_28769_both_ways" {
  command = plan
  assert {
    condition = alltrue([for c in [
      "panorama.a>panorama.b:tcp/28260", "panorama.b>panorama.a:tcp/28260",
      "panorama.a>panorama.b:tcp/28769", "panorama.b>panorama.a:tcp/28769",
    ] : contains(output.connections, c)])
    error_message = "HA in clear text on 8.x+ needs 28260 and 28769 both ways: ${jsonencode(output.connections)}"
  }
  assert {
    condition     = !contains(output.connections, "panorama.a>panorama.b:tcp/28")
    error_message = "Port 28 is for encrypted HA only."
  }
  assert {
    condition = (
      output.flows_by_key["panorama.a@mgt>panorama.b@mgt:tcp:28260"].destination_addresses == tolist(["10.0.0.2/32"]) &&
      output.flows_by_key["panorama.a@mgt>panorama.b@mgt:tcp:28260"].application == "panorama" &&
      output.flows_by_key["panorama.a@mgt>panorama.b@mgt:tcp:28260"].purpose == "ha-sync"
    )
    error_message = "HA flow carries MGT addresses, App-ID panorama and purpose ha-sync."
  }
}

run "encrypted_uses_port_28_only" {
  command = plan
  variables {
    panorama = {
      version       = "9.1"
      ha_encryption = true
      nodes         = { a = {}, b = {} }
    }
  }
  assert {
    condition     = contains(output.connections, "panorama.a>panorama.b:tcp/28") && contains(output.connections, "panorama.b>panorama.a:tcp/28")
    error_message = "Encrypted HA needs 28 both ways."
  }
  assert {
    condition     = length(output.keys) == 4
    error_message = "The two encrypted HA flows and the two LC-LOCAL-HA flows are expected: ${jsonencode(output.keys)}"
  }
  assert {
    condition     = output.flows_by_key["panorama.a@mgt>panorama.b@mgt:tcp:28"].application == "ssh"
    error_message = "Encrypted HA is App-ID ssh."
  }
}

run "band_6x_7x_clear_text" {
  command = plan
  variables {
    panorama = { version = "7.1.3", nodes = { a = {}, b = {} } }
  }
  assert {
    condition     = toset(output.connections) == toset(["panorama.a>panorama.b:tcp/28260", "panorama.b>panorama.a:tcp/28260", "panorama.a>panorama.b:tcp/28769", "panorama.b>panorama.a:tcp/28769", "panorama.a>panorama.b:tcp/3978", "panorama.b>panorama.a:tcp/3978"])
    error_message = "6.x-7.x clear-text HA: 28260 and 28769 (and LC-LOCAL-HA on 3978). Got ${jsonencode(output.connections)}"
  }
}

run "band_5_1_clear_text" {
  command = plan
  variables {
    panorama = { version = "5.1", nodes = { a = {}, b = {} } }
  }
  assert {
    condition     = toset(output.connections) == toset(["panorama.a>panorama.b:tcp/28260", "panorama.b>panorama.a:tcp/28260", "panorama.a>panorama.b:tcp/28769", "panorama.b>panorama.a:tcp/28769", "panorama.a>panorama.b:tcp/3978", "panorama.b>panorama.a:tcp/3978"])
    error_message = "5.1 clear-text HA: 28769 and 28260 (and LC-LOCAL-HA on 3978). Got ${jsonencode(output.connections)}"
  }
}

run "band_5_0_clear_text_uses_49160" {
  command = plan
  variables {
    # Management-only: no local Log Collectors, so HA synchronisation alone.
    panorama = { version = "5.0.6", mode = "management-only", nodes = { a = {}, b = {} } }
  }
  assert {
    condition     = toset(output.connections) == toset(["panorama.a>panorama.b:tcp/28769", "panorama.b>panorama.a:tcp/28769", "panorama.a>panorama.b:tcp/49160", "panorama.b>panorama.a:tcp/49160"])
    error_message = "5.0 clear-text HA: 28769 and 49160. Got ${jsonencode(output.connections)}"
  }
}

run "single_node_has_no_ha_flows" {
  command = plan
  variables {
    panorama = { version = "10.2", nodes = { only = {} } }
  }
  assert {
    condition     = length(output.keys) == 0
    error_message = "A single Panorama node with nothing else declared needs no flow."
  }
}

run "local_log_collectors_reach_the_other_peer_on_device_management" {
  command = plan
  variables {
    panorama = {
      version    = "10.1"
      model      = "m-600"
      interfaces = { device_management = "eth1", log_collection = "eth2" }
      nodes = {
        a = { addresses = { mgt = ["10.0.0.1"], eth1 = ["10.0.1.1"], eth2 = ["10.0.2.1"] } }
        b = { addresses = { mgt = ["10.0.0.2"], eth1 = ["10.0.1.2"], eth2 = ["10.0.2.2"] } }
      }
    }
  }
  assert {
    condition = alltrue([for k in [
      "panorama.a@eth1>panorama.b@eth1:tcp:3978",
      "panorama.b@eth1>panorama.a@eth1:tcp:3978",
    ] : contains(output.keys, k)])
    error_message = "LC-LOCAL-HA on the device-management interfaces: ${jsonencode(output.keys)}"
  }
  assert {
    condition = (
      output.flows_by_key["panorama.a@eth1>panorama.b@eth1:tcp:3978"].destination_addresses == tolist(["10.0.1.2/32"]) &&
      output.flows_by_key["panorama.a@eth1>panorama.b@eth1:tcp:3978"].source_addresses == tolist(["10.0.1.1/32"])
    )
    error_message = "LC-LOCAL-HA carries the eth1 addresses on both sides."
  }
}
