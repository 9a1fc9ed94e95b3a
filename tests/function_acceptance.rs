//! The functions with the real `terraform` binary: the function against the data source,
//! `terraform validate` with every argument unknown, and how Terraform shows a function's
//! error. The `terraform test` suites that use them (acceptance-tests/function) run in
//! `acceptance.rs`.

mod support;

use support::{unwrapped, Workspace, HEADER};

/// An HA pair with a dual-stack MGT, a Log Collector on eth1, and firewall groups that
/// name their addresses or list them, with services.
const ESTATE: &str = r#"
locals {
  estate = {
    panorama = {
      version         = "11.1.4"
      model           = "m-700"
      collector_group = "west"
      interfaces      = { log_collection = "eth1" }
      nodes = {
        a = { addresses = { mgt = ["10.8.0.10", "2001:db8:8::10"], eth1 = ["10.8.1.10"] } }
        b = { addresses = { mgt = ["10.8.0.11"], eth1 = ["10.8.1.11"] } }
      }
    }
    log_collectors = {
      lc-west = { version = "11.1", collector_group = "west", addresses = { mgt = ["10.9.0.5"] } }
    }
    firewalls = {
      shops = { version = "11.1", addresses = { north = "10.60.0.0/16", south = "10.61.0.0/16" }, collector_group = "west" }
      depot = { version = "9.1", addresses = ["10.70.0.0/24", "2001:db8:70::/64"] }
    }
    services = {
      admin  = { addresses = ["198.51.100.0/24"] }
      syslog = { addresses = ["10.9.9.5"], transport = "tcp", include_log_collectors = true }
    }
  }
}
"#;

#[test]
fn the_function_returns_what_the_data_source_reads() {
    let config = format!(
        r#"{HEADER}{ESTATE}
data "panorama_flow_matrix" "estate" {{
  panorama       = local.estate.panorama
  log_collectors = local.estate.log_collectors
  firewalls      = local.estate.firewalls
  services       = local.estate.services
}}

output "function" {{
  value = provider::panorama::flow_matrix(local.estate)
}}

output "data_source" {{
  value = data.panorama_flow_matrix.estate
}}
"#
    );
    let ws = Workspace::with_config(&config);
    ws.init();
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");
    let function = ws.output("function");
    let data_source = ws.output("data_source");
    let outputs = function.as_object().expect("an object");
    assert_eq!(outputs.len(), 7, "{:?}", outputs.keys());
    for (name, value) in outputs {
        assert_eq!(value, &data_source[name], "{name}");
    }
    let rules = function["ingress_rules"].as_array().expect("rules");
    assert!(rules.len() > 20, "{}", rules.len());
    assert!(rules
        .iter()
        .any(|r| r["key"] == "firewall.shops>panorama.a@eth1:tcp:3978#south"));
}

#[test]
fn validate_calls_the_functions_with_every_argument_unknown_and_passes() {
    let config = format!(
        r#"{HEADER}
variable "estate" {{
  type = any
}}

variable "limit" {{
  type = number
}}

locals {{
  matrix = provider::panorama::flow_matrix(var.estate)
}}

output "ids" {{
  value = local.matrix.id
}}

output "chunks" {{
  value = provider::panorama::chunk_rules(local.matrix.ingress_rules, var.limit)
}}

output "audit" {{
  value = provider::panorama::audit(local.matrix.ingress_rules, var.estate.actual)
}}
"#
    );
    let ws = Workspace::with_config(&config);
    ws.init();
    let run = ws.terraform_traced(&["validate", "-no-color"]);
    assert!(run.ok, "validate failed:\n{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Success! The configuration is valid."),
        "{}",
        run.stdout
    );
    // Terraform did call the provider, with the unknown variables; an error from a call
    // would have failed the validation.
    for function in ["flow_matrix", "chunk_rules", "audit"] {
        assert!(
            run.stderr.contains(&format!("CallFunction={function}")),
            "Terraform did not call {function}"
        );
    }
}

#[test]
fn an_invalid_estate_is_an_error_at_the_call_naming_each_path() {
    let config = format!(
        r#"{HEADER}
output "matrix" {{
  value = provider::panorama::flow_matrix({{
    panorama  = {{ version = "10.2", nodes = {{ a = {{}} }} }}
    firewalls = {{ b = {{ version = "ten", colector_group = "east" }} }}
  }}).id
}}
"#
    );
    let ws = Workspace::with_config(&config);
    ws.init();
    let run = ws
        .terraform(&["plan", "-input=false", "-no-color"])
        .expect_failure("plan");
    let stderr = unwrapped(&run.stderr);
    for expected in [
        "Error: Invalid function argument",
        "on main.tf line 9, in output \"matrix\":",
        "while calling provider::panorama::flow_matrix(estate)",
        "Invalid value for \"estate\" parameter: estate.firewalls[\"b\"].colector_group: Unknown attribute: There is no attribute `colector_group` here. Did you mean `collector_group`?",
        "estate.firewalls[\"b\"].version: Invalid version: `ten` is not a Panorama or PAN-OS release",
        "(5.0 or later).",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{}", run.stderr);
    }
    assert!(!stderr.contains(".."), "{}", run.stderr);
}

/// The audit's errors reach Terraform at the call, naming the argument and the path
/// inside it: rules of two Panorama nodes at once, and an actual rule's bad protocol.
#[test]
fn audit_errors_name_the_argument_and_the_rule() {
    let config = format!(
        r#"{HEADER}
locals {{
  matrix = provider::panorama::flow_matrix({{
    panorama  = {{ version = "11.1", nodes = {{ a = {{ addresses = {{ mgt = ["10.0.0.1"] }} }}, b = {{ addresses = {{ mgt = ["10.0.0.2"] }} }} }} }}
    firewalls = {{ f = {{ version = "11.1", addresses = ["10.1.0.0/16"] }} }}
  }})
}}

output "both_nodes" {{
  value = provider::panorama::audit(local.matrix.ingress_rules, [])
}}

output "bad_protocol" {{
  value = provider::panorama::audit([], [{{ ip_protocol = "http", from_port = 80, to_port = 80, cidr_ipv4 = "10.0.0.0/8" }}])
}}
"#
    );
    let ws = Workspace::with_config(&config);
    ws.init();
    let run = ws
        .terraform(&["plan", "-input=false", "-no-color"])
        .expect_failure("plan");
    let stderr = unwrapped(&run.stderr);
    for expected in [
        "while calling provider::panorama::audit(required, actual)",
        "Invalid value for \"required\" parameter: required[",
        "].appliance: Rules of several appliance interfaces: required[0] is a rule of `panorama.a@mgt`,",
        "filter `ingress_rules` or `egress_rules` per interface and direction",
        "Invalid value for \"actual\" parameter: actual[0].protocol: Unknown protocol: `http` is not a protocol.",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{}", run.stderr);
    }
}
