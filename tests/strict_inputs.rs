//! Acceptance tests for strict inputs: the real `terraform` binary sends the estate as
//! written (the inputs are `dynamic` attributes) and the provider refuses what it does
//! not understand, with a diagnostic Terraform places at the right line; what users rely
//! on (typed variables, `for` expressions, `validate` with unknown variables) keeps
//! working. Values known only after apply, listed or named: `tests/acceptance.rs`.
//!
//! Terraform (1.11 to 1.15) places a diagnostic no deeper than a top-level attribute and
//! one map key or list index, so an error inside `panorama` points at `panorama = {` and
//! one inside a firewall group at its `NAME = {` line; the detail starts with the full path.

mod support;

use serde_json::Value;
use support::{assert_plan_error, unwrapped, Workspace, HEADER};

#[test]
fn a_misspelt_collector_group_is_an_error_proposing_the_name() {
    let stderr = assert_plan_error(
        r#"  panorama = { version = "10.2", mode = "management-only", nodes = { a = {} } }
  log_collectors = {
    lc-1 = { version = "10.2", collector_group = "cg-aws" }
  }
  firewalls = {
    branches = {
      version        = "10.1"
      colector_group = "cg-aws"
    }
  }
"#,
        "Unknown attribute",
        "firewalls[\"branches\"].colector_group: There is no attribute `colector_group` here. Did you mean `collector_group`? The attributes here are `addresses`, `collector_group`, `cortex_data_lake`, `duplicate_logging`, `version`.",
        "branches = {",
    );
    assert_eq!(stderr.matches("Error:").count(), 1, "{stderr}");
}

#[test]
fn protocol_on_syslog_proposes_transport() {
    assert_plan_error(
        r#"  panorama = { version = "10.2", nodes = { a = {} } }
  services = {
    syslog = {
      addresses = ["10.9.0.5"]
      protocol  = "tcp"
    }
  }
"#,
        "Unknown attribute",
        "services[\"syslog\"].protocol: There is no attribute `protocol` here. Did you mean `transport`?",
        "syslog = {",
    );
}

#[test]
fn a_misspelt_model_is_an_error_at_panorama() {
    let stderr = assert_plan_error(
        r#"  panorama = {
    version = "10.2"
    modle   = "m-600"
    nodes   = { a = {} }
  }
"#,
        "Unknown attribute",
        "panorama.modle: There is no attribute `modle` here. Did you mean `model`?",
        "panorama = {",
    );
    assert_eq!(stderr.matches("Error:").count(), 1, "{stderr}");
}

#[test]
fn a_version_written_as_a_number_must_be_quoted() {
    assert_plan_error(
        r#"  panorama = { version = "10.10", nodes = { a = {} } }
  firewalls = {
    branches = {
      version = 10.10
    }
  }
"#,
        "Incorrect value type",
        "firewalls[\"branches\"].version: Found the number `10.1`, but `version` takes a string. Write it in quotes, exactly as it is named (`\"10.10\"`, not `10.10`): unquoted, it is a number and loses how it was written (`10.10` reads as `10.1`, `8.0` as `8`).",
        "branches = {",
    );
}

#[test]
fn a_null_in_an_address_list_is_an_error_at_its_index() {
    assert_plan_error(
        r#"  panorama = { version = "10.2", nodes = { a = {} } }
  firewalls = {
    branches = {
      version   = "10.1"
      addresses = ["10.20.0.0/16", null]
    }
  }
"#,
        "Null where a value is required",
        "firewalls[\"branches\"].addresses[1]: A list element cannot be null: remove it, or give a string.",
        "branches = {",
    );
}

#[test]
fn a_port_that_is_not_a_whole_number_is_an_error_at_its_index() {
    assert_plan_error(
        r#"  panorama = { version = "10.2", nodes = { a = {} } }
  services = {
    ldap = {
      addresses = ["10.9.0.7"]
      ports     = [443.5]
    }
  }
"#,
        "Invalid port",
        "services[\"ldap\"].ports[0]: `443.5` is not a port. Ports are whole numbers from 1 to 65535.",
        "ldap = {",
    );
}

#[test]
fn a_port_written_as_a_string_must_lose_its_quotes() {
    assert_plan_error(
        r#"  panorama = { version = "10.2", nodes = { a = {} } }
  services = {
    ldap = {
      ports = ["636"]
    }
  }
"#,
        "Incorrect value type",
        "services[\"ldap\"].ports[0]: Found the string `\"636\"`, but element 0 takes a number. Write it without quotes: `636`.",
        "ldap = {",
    );
}

#[test]
fn a_list_where_a_map_belongs_says_what_is_accepted() {
    assert_plan_error(
        r#"  panorama = {
    version = "10.2"
    nodes   = ["a", "b"]
  }
"#,
        "Incorrect value type",
        "panorama.nodes: Found a list, but `nodes` takes a map of names to objects of attributes.",
        "panorama = {",
    );
}

#[test]
fn a_missing_required_attribute_is_an_error_at_its_object() {
    assert_plan_error(
        r#"  panorama = { version = "10.2", nodes = { a = {} } }
  log_collectors = {
    lc-1 = { version = "10.2" }
  }
"#,
        "Missing required attribute",
        "log_collectors[\"lc-1\"].collector_group: `collector_group` is required here: Collector Group the Log Collector belongs to.",
        "lc-1 = { version = \"10.2\" }",
    );
}

/// Lines of the `flows` output: `SOURCE -> DESTINATION PROTOCOL/PORT`.
fn flow_lines(ws: &Workspace) -> Vec<String> {
    let flows = ws.output("flows");
    flows
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

const FLOWS_OUTPUT: &str = r#"
output "flows" {
  value = [for f in data.panorama_flow_matrix.x.flows : "${f.source} -> ${f.destination} ${f.protocol}/${f.from_port}"]
}
"#;

#[test]
fn typed_variables_and_for_expressions_validate_plan_and_apply() {
    let ws = Workspace::with_config(&format!(
        r#"{HEADER}
variable "firewalls" {{
  type = map(object({{
    version         = string
    addresses       = optional(list(string))
    collector_group = optional(string)
  }}))
  default = {{
    branches = {{ version = "10.1", addresses = ["10.20.0.0/16"] }}
  }}
}}

locals {{
  wildfire_cidrs = {{ wf-east = "10.5.0.0/28", wf-west = "10.6.0.0/28" }}
}}

data "panorama_flow_matrix" "x" {{
  panorama = {{
    version = "10.2"
    nodes   = {{ a = {{ addresses = {{ mgt = ["10.0.0.10"] }} }} }}
  }}
  firewalls = var.firewalls
  wildfire  = {{ for name, cidr in local.wildfire_cidrs : name => {{ version = "10.1", addresses = [cidr] }} }}
}}
{FLOWS_OUTPUT}"#
    ));
    ws.init();
    ws.terraform(&["validate", "-no-color"])
        .expect_ok("validate");
    ws.terraform(&["plan", "-input=false", "-no-color"])
        .expect_ok("plan");
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");
    let flows = flow_lines(&ws);
    for flow in [
        "firewall.branches -> panorama.a tcp/3978",
        "wildfire.wf-east -> panorama.a tcp/3978",
        "wildfire.wf-west -> panorama.a tcp/28443",
    ] {
        assert!(flows.contains(&flow.to_owned()), "{flow} in {flows:#?}");
    }
}

#[test]
fn validate_with_unknown_variables_is_silent_but_still_reads_names() {
    let config = format!(
        r#"{HEADER}
variable "panorama_version" {{
  type = string
}}

variable "firewalls" {{}}

variable "admin_cidrs" {{
  type = list(string)
}}

data "panorama_flow_matrix" "x" {{
  panorama = {{
    version = var.panorama_version
    nodes   = {{ a = {{}}, b = {{}} }}
  }}
  firewalls = var.firewalls
  services = {{
    admin = {{ addresses = var.admin_cidrs }}
  }}
}}
"#
    );
    let ws = Workspace::with_config(&config);
    ws.init();
    let run = ws
        .terraform(&["validate", "-no-color"])
        .expect_ok("validate");
    assert!(run.stdout.contains("Success!"), "{}", run.stdout);
    assert!(!run.stdout.contains("Warning"), "{}", run.stdout);
    assert!(run.stderr.trim().is_empty(), "{}", run.stderr);

    // An unknown value does not hide a misspelt name beside it.
    let misspelt = config.replace(
        "version = var.panorama_version",
        "verison = var.panorama_version",
    );
    let ws = Workspace::with_config(&misspelt);
    ws.init();
    let run = ws
        .terraform(&["validate", "-no-color"])
        .expect_failure("validate");
    assert!(
        run.stderr.contains("Error: Unknown attribute"),
        "{}",
        run.stderr
    );
    assert!(
        unwrapped(&run.stderr).contains(
            "panorama.verison: There is no attribute `verison` here. Did you mean `version`?"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("Error:").count(), 1, "{}", run.stderr);
}
