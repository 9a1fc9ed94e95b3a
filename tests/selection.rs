//! Outputs a user selects (`views`, `appliances`) with the real `terraform` binary: the
//! data source and the function leave the other outputs null and keep the selected
//! appliances' rules as they are without the selection; a typo is an error at its line.

mod support;

use serde_json::Value;
use support::{assert_plan_error, Workspace, HEADER};

/// An HA pair with logs on eth1, a Log Collector and two firewall groups.
const ESTATE: &str = r#"
locals {
  node = { mgt = "10.8.0", eth1 = "10.8.1" }
  estate = {
    panorama = {
      version         = "11.1.4"
      model           = "m-700"
      collector_group = "west"
      interfaces      = { log_collection = "eth1" }
      nodes = { for name, host in { a = 10, b = 11 } :
        name => { addresses = { for nic, net in local.node : nic => ["${net}.${host}"] } }
      }
    }
    log_collectors = {
      lc-west = { version = "11.1", collector_group = "west", addresses = { mgt = ["10.9.0.5"] } }
    }
    firewalls = {
      shops = { version = "11.1", addresses = { north = "10.60.0.0/16", south = "10.61.0.0/16" }, collector_group = "west" }
      depot = { version = "9.1", addresses = ["10.70.0.0/24"] }
    }
  }
}
"#;

fn array(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("a list: {value}"))
}

#[test]
fn unselected_outputs_are_null_and_selected_rules_unchanged() {
    let config = format!(
        r#"{HEADER}{ESTATE}
data "panorama_flow_matrix" "all" {{
  panorama       = local.estate.panorama
  log_collectors = local.estate.log_collectors
  firewalls      = local.estate.firewalls
}}

data "panorama_flow_matrix" "grouped" {{
  panorama       = local.estate.panorama
  log_collectors = local.estate.log_collectors
  firewalls      = local.estate.firewalls
  views          = ["grouped_rules"]
}}

output "all" {{
  value = data.panorama_flow_matrix.all
}}

output "grouped" {{
  value = data.panorama_flow_matrix.grouped
}}

output "function" {{
  value = provider::panorama::flow_matrix(merge(local.estate, {{
    views      = ["ingress_rules", "flows"]
    appliances = ["panorama.*"]
  }}))
}}
"#
    );
    let ws = Workspace::with_config(&config);
    ws.init();
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");
    let all = ws.output("all");
    let grouped = ws.output("grouped");
    for name in [
        "flows",
        "ingress_rules",
        "egress_rules",
        "flows_markdown",
        "flows_mermaid",
    ] {
        assert_eq!(grouped[name], Value::Null, "{name} is not selected");
    }
    assert!(!array(&grouped["grouped_rules"]).is_empty());
    assert_eq!(grouped["grouped_rules"], all["grouped_rules"]);
    assert_eq!(grouped["id"], all["id"]);

    let function = ws.output("function");
    for name in [
        "egress_rules",
        "grouped_rules",
        "flows_markdown",
        "flows_mermaid",
    ] {
        assert_eq!(function[name], Value::Null, "{name} is not selected");
    }
    let on_panorama = |rule: &&Value| {
        rule["appliance"]
            .as_str()
            .is_some_and(|a| a.starts_with("panorama."))
    };
    let expected: Vec<&Value> = array(&all["ingress_rules"])
        .iter()
        .filter(on_panorama)
        .collect();
    let ingress: Vec<&Value> = array(&function["ingress_rules"]).iter().collect();
    assert!(expected.len() > 4, "{}", expected.len());
    assert!(expected.len() < array(&all["ingress_rules"]).len());
    assert_eq!(ingress, expected, "the same rules, keys included");
    // Every flow kept has a Panorama node at one end.
    let flows = array(&function["flows"]);
    assert!(!flows.is_empty());
    assert!(flows.iter().all(|f| {
        [&f["source"], &f["destination"]]
            .iter()
            .any(|end| end.as_str().is_some_and(|e| e.starts_with("panorama.")))
    }));
    assert!(flows.len() < array(&all["flows"]).len());
}

#[test]
fn a_misspelt_appliance_pattern_is_an_error_at_its_line() {
    assert_plan_error(
        r#"  panorama   = { version = "10.2", nodes = { primary = {} } }
  firewalls  = { branches = { version = "10.1" } }
  appliances = ["firewall.*", "panorma.*"]
"#,
        "Pattern matches no appliance",
        "appliances[1]: `panorma.*` matches no appliance of the estate. Did you mean \
         `panorama.*`? The appliances are `firewall.branches`, `panorama.primary`.",
        r#"appliances = ["firewall.*", "panorma.*"]"#,
    );
}

#[test]
fn an_unknown_view_is_an_error_naming_the_closest() {
    assert_plan_error(
        r#"  panorama = { version = "10.2", nodes = { primary = {} } }
  views    = ["grouped_rule"]
"#,
        "Unknown view",
        "views[0]: There is no view `grouped_rule`. Did you mean `grouped_rules`?",
        r#"views    = ["grouped_rule"]"#,
    );
}
