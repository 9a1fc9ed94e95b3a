# CDL-PANO and CDL-FW: Panorama (8.0.5 and later) to Cortex Data Lake on 444, firewall
# groups (8.0.5 and later) with cortex_data_lake = true on 3978; those groups send their
# logs to Panorama too only with duplicate_logging.

variables {
  panorama = {
    version = "10.2.4"
    nodes = {
      a = { addresses = { mgt = ["10.0.0.1"] } }
      b = { addresses = { mgt = ["10.0.0.2"] } }
    }
  }
  cortex_data_lake = { addresses = ["203.0.113.0/24"] }
  firewalls = {
    cloud  = { version = "10.1", addresses = ["10.20.0.0/16"], cortex_data_lake = true }
    onprem = { version = "10.1", addresses = ["10.30.0.0/16"] }
  }
}

run "panorama_and_cloud_firewalls_reach_cortex" {
  command = plan
  assert {
    condition = alltrue([for k in [
      "panorama.a@mgt>cortex_data_lake:tcp:444",
      "panorama.b@mgt>cortex_data_lake:tcp:444",
      "firewall.cloud>cortex_data_lake:tcp:3978",
    ] : contains(output.keys, k)])
    error_message = "Cortex Data Lake flows: ${jsonencode(output.keys)}"
  }
  assert {
    condition     = !contains(output.keys, "firewall.onprem>cortex_data_lake:tcp:3978")
    error_message = "Only groups with cortex_data_lake = true forward to Cortex Data Lake."
  }
  assert {
    condition = (
      output.flows_by_key["panorama.a@mgt>cortex_data_lake:tcp:444"].application == "paloalto-logging-service" &&
      output.flows_by_key["panorama.a@mgt>cortex_data_lake:tcp:444"].destination_kind == "cortex_data_lake" &&
      output.flows_by_key["panorama.a@mgt>cortex_data_lake:tcp:444"].destination_addresses == tolist(["203.0.113.0/24"]) &&
      output.flows_by_key["firewall.cloud>cortex_data_lake:tcp:3978"].purpose == "cortex" &&
      output.flows_by_key["firewall.cloud>cortex_data_lake:tcp:3978"].application == "paloalto-logging-service"
    )
    error_message = "CDL-PANO is App-ID paloalto-logging-service to the declared addresses."
  }
}

run "groups_logging_to_cortex_send_panorama_no_logs" {
  command = plan
  assert {
    condition = (
      output.flows_by_key["firewall.cloud>panorama.a@mgt:tcp:3978"].purpose == "device-management" &&
      output.flows_by_key["firewall.onprem>panorama.a@mgt:tcp:3978"].purpose == "device-management,log-forwarding"
    )
    error_message = "Only groups that do not log to Cortex Data Lake forward logs to Panorama."
  }
}

run "duplicate_logging_sends_logs_to_both" {
  command = plan
  variables {
    firewalls = {
      cloud = { version = "10.1", addresses = ["10.20.0.0/16"], cortex_data_lake = true, duplicate_logging = true }
    }
  }
  assert {
    condition = (
      output.flows_by_key["firewall.cloud>panorama.a@mgt:tcp:3978"].purpose == "device-management,log-forwarding" &&
      contains(output.keys, "firewall.cloud>cortex_data_lake:tcp:3978")
    )
    error_message = "With duplicate_logging the group logs to Panorama and to Cortex Data Lake."
  }
}

run "a_group_flag_alone_puts_cortex_in_use" {
  command = plan
  variables {
    cortex_data_lake = null
  }
  assert {
    condition = (
      contains(output.keys, "panorama.a@mgt>cortex_data_lake:tcp:444") &&
      length(output.flows_by_key["panorama.a@mgt>cortex_data_lake:tcp:444"].destination_addresses) == 0
    )
    error_message = "Without the top-level block CDL-PANO exists with no addresses: ${jsonencode(output.keys)}"
  }
}
