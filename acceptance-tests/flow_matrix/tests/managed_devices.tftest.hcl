# FW-MGMT, FW-LOG-PANO, FW-LOG-LC, LC-MGMT, UPDATES and WF-MGMT.

variables {
  panorama = {
    version = "10.2.4"
    model   = "m-600"
    interfaces = {
      device_management = "mgt"
      log_collection    = "eth1"
      device_deployment = "eth3"
    }
    nodes = {
      p1 = { addresses = { mgt = ["10.0.0.10"], eth1 = ["10.0.1.10"], eth3 = ["10.0.3.10"] } }
    }
  }
  firewalls = {
    modern = { version = "10.1", addresses = ["10.20.0.0/16"] }
    legacy = { version = "7.1", addresses = ["10.30.0.0/24"] }
  }
  wildfire = {
    wf = { version = "10.1", addresses = ["10.5.0.0/28"] }
  }
}

run "firewalls_manage_and_log_over_3978" {
  command = plan
  assert {
    condition = alltrue([for k in [
      "firewall.modern>panorama.p1@mgt:tcp:3978",
      "firewall.modern>panorama.p1@eth1:tcp:3978",
      "firewall.legacy>panorama.p1@mgt:tcp:3978",
      "firewall.legacy>panorama.p1@eth1:tcp:3978",
    ] : contains(output.keys, k)])
    error_message = "Firewalls need 3978 to device management (mgt) and to log collection (eth1): ${jsonencode(output.keys)}"
  }
  assert {
    condition     = output.flows_by_key["firewall.modern>panorama.p1@eth1:tcp:3978"].destination_addresses == tolist(["10.0.1.10/32"])
    error_message = "Log forwarding goes to the addresses of the log-collection interface."
  }
  assert {
    condition     = output.flows_by_key["firewall.modern>panorama.p1@mgt:tcp:3978"].source_interface == null
    error_message = "Firewalls are not Panorama appliances: no source interface."
  }
}

run "updates_port_28443_only_for_devices_on_8x_or_later" {
  command = plan
  assert {
    condition     = contains(output.keys, "firewall.modern>panorama.p1@eth3:tcp:28443")
    error_message = "PAN-OS 10.1 fetches updates on 28443 from the device-deployment interface."
  }
  assert {
    condition     = !contains(output.connections, "firewall.legacy>panorama.p1:tcp/28443")
    error_message = "PAN-OS 7.1 gets updates pushed over 3978 and needs no 28443."
  }
  assert {
    condition     = contains(output.keys, "wildfire.wf>panorama.p1@eth3:tcp:28443") && contains(output.keys, "wildfire.wf>panorama.p1@mgt:tcp:3978")
    error_message = "WildFire on 10.1 needs WF-MGMT 3978 and UPDATES 28443."
  }
  assert {
    condition = (
      output.flows_by_key["firewall.modern>panorama.p1@eth3:tcp:28443"].application == "paloalto-updates" &&
      output.flows_by_key["firewall.modern>panorama.p1@eth3:tcp:28443"].applications == tolist(["paloalto-updates", "panorama"])
    )
    error_message = "Updates are App-IDs paloalto-updates and panorama, the first being application."
  }
}

run "management_only_panorama_receives_no_logs" {
  command = plan
  variables {
    panorama = {
      version = "10.2.4"
      mode    = "management-only"
      nodes   = { p1 = {} }
    }
  }
  assert {
    condition     = contains(output.keys, "firewall.modern>panorama.p1@mgt:tcp:3978")
    error_message = "Management still needs 3978."
  }
  assert {
    condition     = !strcontains(output.flows_by_key["firewall.modern>panorama.p1@mgt:tcp:3978"].purpose, "log-forwarding")
    error_message = "A management-only Panorama has no local Log Collector to send logs to."
  }
}

run "merged_flow_joins_purposes" {
  command = plan
  variables {
    panorama = { version = "10.2.4", nodes = { p1 = {} } }
  }
  assert {
    condition     = output.flows_by_key["firewall.modern>panorama.p1@mgt:tcp:3978"].purpose == "device-management,log-forwarding"
    error_message = "FW-MGMT and FW-LOG-PANO on the same interface are one flow with both purposes."
  }
}

run "log_collectors_to_their_collector_group" {
  command = plan
  variables {
    log_collectors = {
      lc1 = { version = "10.2", collector_group = "cg", addresses = { mgt = ["10.1.0.5"] } }
      lc2 = { version = "10.1", collector_group = "cg", addresses = { mgt = ["10.1.0.6"] } }
      # One Collector Group, one version band: a 7.1 collector has a group of its own.
      lc3 = { version = "7.1", collector_group = "legacy", addresses = { mgt = ["10.1.0.7"] } }
    }
    firewalls = {
      modern = { version = "10.1", addresses = ["10.20.0.0/16"], collector_group = "cg" }
    }
    wildfire = null
  }
  assert {
    condition     = contains(output.keys, "firewall.modern>log_collector.lc1@mgt:tcp:3978") && contains(output.keys, "firewall.modern>log_collector.lc2@mgt:tcp:3978")
    error_message = "FW-LOG-LC: firewalls send logs to every collector of their group."
  }
  assert {
    condition     = !contains(output.keys, "firewall.modern>panorama.p1@eth1:tcp:3978")
    error_message = "A firewall group with a Collector Group does not log to Panorama."
  }
  assert {
    condition     = contains(output.keys, "log_collector.lc1@mgt>panorama.p1@mgt:tcp:3978") && contains(output.keys, "log_collector.lc1@mgt>panorama.p1@eth3:tcp:28443")
    error_message = "LC-MGMT 3978 and UPDATES 28443 for a 10.2 Log Collector."
  }
  assert {
    condition     = !contains(output.connections, "log_collector.lc3>panorama.p1:tcp/28443")
    error_message = "A 7.1 Log Collector needs no 28443."
  }
}
