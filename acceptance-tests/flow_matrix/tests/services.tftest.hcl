# External services: direction, ports, App-ID, syslog transports, port overrides, port
# ranges and include_log_collectors.
# (Provider errors fail a run outright, so refused estates are covered by tests/acceptance.rs.)

variables {
  panorama = {
    version = "10.2.4"
    nodes   = { p1 = { addresses = { mgt = ["10.0.0.10"] } } }
  }
  log_collectors = {
    lc1 = { version = "10.2.4", collector_group = "east", addresses = { mgt = ["10.1.0.5"] } }
  }
  services = {
    admin     = { addresses = ["192.0.2.0/24"] }
    ntp       = { addresses = ["10.0.0.123"], include_log_collectors = true }
    syslog    = { addresses = ["10.9.0.5"], transport = "ssl" }
    ldap      = { addresses = ["10.9.0.7"], ports = [636] }
    snmp      = { addresses = ["10.9.0.8"] }
    traps_esm = { addresses = ["10.7.0.0/24"] }
  }
}

run "outbound_services_leave_panorama_mgt" {
  command = plan
  assert {
    condition = alltrue([for k in [
      "panorama.p1@mgt>service.ntp:udp:123",
      "log_collector.lc1@mgt>service.ntp:udp:123",
      "panorama.p1@mgt>service.syslog:tcp:6514",
      "panorama.p1@mgt>service.ldap:tcp:636",
      "panorama.p1@mgt>service.snmp:udp:162",
    ] : contains(output.keys, k)])
    error_message = "Outbound service flows: ${jsonencode(output.keys)}"
  }
  assert {
    condition     = !contains(output.keys, "panorama.p1@mgt>service.ldap:tcp:389")
    error_message = "ports = [636] replaces LDAP's default ports."
  }
  assert {
    condition     = !contains(output.keys, "log_collector.lc1@mgt>service.syslog:tcp:6514")
    error_message = "Log Collectors are left out unless include_log_collectors is set."
  }
  assert {
    condition = (
      output.flows_by_key["panorama.p1@mgt>service.syslog:tcp:6514"].application == "syslog" &&
      output.flows_by_key["panorama.p1@mgt>service.syslog:tcp:6514"].destination_kind == "service" &&
      output.flows_by_key["panorama.p1@mgt>service.syslog:tcp:6514"].destination_interface == null &&
      output.flows_by_key["panorama.p1@mgt>service.syslog:tcp:6514"].purpose == "syslog"
    )
    error_message = "Syslog over ssl: App-ID syslog, a service endpoint with no interface."
  }
}

run "inbound_services_make_ingress_rules_on_panorama" {
  command = plan
  assert {
    condition = alltrue([for k in [
      "service.admin>panorama.p1@mgt:tcp:22",
      "service.admin>panorama.p1@mgt:tcp:443",
      "service.snmp>panorama.p1@mgt:udp:161",
      "service.traps_esm>panorama.p1@mgt:tcp:23000-23999",
      "service.traps_esm>panorama.p1@mgt:udp:23000-23999",
    ] : contains(output.keys, k)])
    error_message = "Inbound service flows: ${jsonencode(output.keys)}"
  }
  assert {
    condition = (
      output.ingress_by_key["service.traps_esm>panorama.p1@mgt:udp:23000-23999"].from_port == 23000 &&
      output.ingress_by_key["service.traps_esm>panorama.p1@mgt:udp:23000-23999"].to_port == 23999 &&
      output.ingress_by_key["service.traps_esm>panorama.p1@mgt:udp:23000-23999"].cidr_ipv4 == "10.7.0.0/24" &&
      output.ingress_by_key["service.admin>panorama.p1@mgt:tcp:443"].cidr_ipv4 == "192.0.2.0/24"
    )
    error_message = "traps_esm is one rule for the whole range; admin is an ingress rule keyed by its flow (one address)."
  }
}
