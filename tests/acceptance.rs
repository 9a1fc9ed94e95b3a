//! Acceptance tests: the real `terraform` binary installs the real provider binary from a
//! temporary filesystem mirror and runs init, validate, plan, apply and `terraform test`.

mod support;

use serde_json::Value;
use support::{repo, unwrapped, Workspace};

const HEADER: &str = r#"
terraform {
  required_providers {
    panorama = { source = "flowmatrix/panorama" }
  }
}
"#;

/// The 1-based line of `config` that reads `needle`, leading and trailing blanks aside.
fn line_of(config: &str, needle: &str) -> usize {
    config
        .lines()
        .position(|line| line.trim() == needle)
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no `{needle}` in config"))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn quickstart_inits_validates_plans_and_applies() {
    let ws = Workspace::from_dir("examples/quickstart");
    ws.init();
    ws.terraform(&["validate", "-no-color"])
        .expect_ok("validate");
    let plan = ws
        .terraform(&["plan", "-input=false", "-no-color"])
        .expect_ok("plan");
    assert!(
        plan.stdout.contains("flow_count"),
        "plan shows the outputs:\n{}",
        plan.stdout
    );
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");

    let lines = strings(&ws.output("flows"));
    let has = |source: &str, destination: &str, port: &str| {
        lines.iter().any(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            words.first() == Some(&source)
                && words
                    .get(2)
                    .is_some_and(|d| d.starts_with(&format!("{destination}@")))
                && words.get(3).is_some_and(|p| *p == format!("tcp/{port}"))
        })
    };
    // HA in clear text on 10.2: 28260 and 28769, each peer initiating.
    for port in ["28260", "28769"] {
        assert!(
            has("panorama.primary", "panorama.secondary", port),
            "HA {port} primary->secondary:\n{lines:#?}"
        );
        assert!(
            has("panorama.secondary", "panorama.primary", port),
            "HA {port} secondary->primary"
        );
    }
    // Updates on 28443 for the 10.1 group, not for the 7.1 group.
    assert!(has("firewall.branches", "panorama.primary", "28443"));
    assert!(
        !has("firewall.legacy-dc", "panorama.primary", "28443"),
        "7.x gets no 28443:\n{lines:#?}"
    );
    // Collector Group "east": Panorama's local collectors and lc-east-1 on eth2.
    assert!(has(
        "log_collector.lc-east-1",
        "panorama.secondary",
        "28270"
    ));
    assert!(has("panorama.primary", "log_collector.lc-east-1", "28270"));

    let counts = ws.output("rule_counts");
    assert!(
        counts["ingress"].as_u64().unwrap_or(0) > 0 && counts["egress"].as_u64().unwrap_or(0) > 0
    );

    // Same configuration, same outputs: re-applying changes nothing and keeps the id.
    let id = ws.output("id");
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("second apply");
    assert_eq!(ws.output("id"), id);
    assert_eq!(id.as_str().map(str::len), Some(64), "id is a hex SHA-256");
}

/// `make quickstart` (scripts/quickstart.sh) shows the result once: a summary, the table,
/// then the diagram, without Terraform's plan and apply output.
#[test]
fn quickstart_script_shows_the_result_once() {
    let ws = Workspace::from_dir("examples/quickstart");
    let run: support::Run = ws
        .command(repo().join("scripts/quickstart.sh"))
        .arg(&ws.dir)
        .output()
        .expect("run scripts/quickstart.sh")
        .into();
    let run = run.expect_ok("(scripts/quickstart.sh)");
    let lines: Vec<&str> = run.stdout.lines().collect();
    let flows = ws.output("flow_count").as_u64().expect("flow_count");
    assert!(
        lines[0].starts_with(&format!("{flows} flows (")),
        "the summary comes first:\n{}",
        run.stdout
    );
    let header = "| Source | Source addresses | Destination |";
    assert_eq!(
        lines.iter().filter(|l| l.starts_with(header)).count(),
        1,
        "one table:\n{}",
        run.stdout
    );
    let rows = lines.iter().filter(|l| l.starts_with("| ")).count() as u64;
    assert_eq!(
        rows,
        flows + 1,
        "the table has a row per flow and its header"
    );
    assert_eq!(
        lines.iter().filter(|l| **l == "flowchart LR").count(),
        1,
        "one diagram"
    );
    let diagram = run.stdout.find("flowchart LR").expect("diagram");
    assert!(
        diagram > run.stdout.find(header).expect("table"),
        "the diagram comes last"
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.trim_start().starts_with('n') && l.contains("-->")),
        "the output ends with the diagram's last edge:\n{}",
        run.stdout
    );
    for noise in [
        "Terraform will perform",
        "Apply complete",
        "Changes to Outputs",
        "Initializing",
    ] {
        assert!(
            !run.stdout.contains(noise),
            "`{noise}` is Terraform's noise:\n{}",
            run.stdout
        );
    }
    assert!(lines.len() < 100, "{} lines", lines.len());
}

#[test]
fn terraform_test_suites_pass() {
    let ws = Workspace::from_dir("acceptance-tests/flow_matrix");
    ws.init();
    let run = ws.terraform(&["test", "-no-color"]);
    assert!(
        run.ok,
        "terraform test failed:\n{}\n{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.contains("0 failed"), "{}", run.stdout);
    for refused in [
        "a_firewall_newer_than_panorama_is_refused",
        "wildfire_before_8_0_1_is_refused",
    ] {
        let line = format!("run \"{refused}\"... pass");
        assert!(run.stdout.contains(&line), "{line}:\n{}", run.stdout);
    }
}

/// The README's pattern for asserting a refusal (tests/refused: the estate read inside a
/// check block, `expect_failures = [check.estate]`) can fail both ways: a refused estate
/// fails a run that does not expect it, with the provider's error, and an accepted estate
/// fails a run that expects a refusal. (Naming the data source itself in
/// `expect_failures` never works: its error is not a checkable failure.)
#[test]
fn the_refusal_pattern_tells_refused_from_accepted() {
    let ws = Workspace::from_dir("acceptance-tests/flow_matrix");
    let suite = |name: &str, firewall: &str, expect: &str| {
        format!(
            "run \"{name}\" {{\n  command = plan\n  module {{\n    source = \"./tests/refused\"\n  }}\n  \
             variables {{\n    estate = {{\n      panorama  = {{ version = \"10.2\", nodes = {{ a = {{}} }} }}\n      \
             firewalls = {{ f = {{ version = \"{firewall}\" }} }}\n    }}\n  }}\n{expect}}}\n"
        )
    };
    // One run per file: a failed run skips the runs after it in its file.
    let files = [
        ("refused_but_not_expected", "11.1", ""),
        (
            "accepted_but_expected_refused",
            "10.2",
            "  expect_failures = [check.estate]\n",
        ),
    ];
    for (name, firewall, expect) in files {
        std::fs::write(
            ws.dir.join(format!("tests/{name}.tftest.hcl")),
            suite(name, firewall, expect),
        )
        .expect("write suite");
    }
    ws.init();
    let test = |name: &str| {
        let run = ws.terraform(&[
            "test",
            "-no-color",
            &format!("-filter=tests/{name}.tftest.hcl"),
        ]);
        let out = unwrapped(&format!("{}{}", run.stdout, run.stderr));
        assert!(!run.ok, "{out}");
        assert!(out.contains(&format!("run \"{name}\"... fail")), "{out}");
        out
    };
    let out = test(files[0].0);
    assert!(
        out.contains("Error: Device is newer than Panorama"),
        "{out}"
    );
    let out = test(files[1].0);
    assert!(
        out.contains(
            "The checkable object, check.estate, was expected to report an error but did not."
        ),
        "{out}"
    );
}

/// Plans a configuration holding `data "panorama_flow_matrix" "x" { BODY }`, which must
/// fail, and checks Terraform's rendering of the error: the summary, the detail (line
/// wrapping undone) and the configuration line Terraform points at, given by its text.
fn assert_plan_error(body: &str, summary: &str, detail: &str, line: &str) {
    let config = format!("{HEADER}\ndata \"panorama_flow_matrix\" \"x\" {{\n{body}}}\n");
    let ws = Workspace::with_config(&config);
    ws.init();
    let run = ws
        .terraform(&["plan", "-input=false", "-no-color"])
        .expect_failure("plan");
    let stderr = &run.stderr;
    assert!(
        stderr.contains(&format!("Error: {summary}")),
        "expected `{summary}` in:\n{stderr}"
    );
    assert!(
        unwrapped(stderr).contains(detail),
        "expected `{detail}` in:\n{stderr}"
    );
    let at = format!(
        "on main.tf line {}, in data \"panorama_flow_matrix\" \"x\"",
        line_of(&config, line)
    );
    assert!(stderr.contains(&at), "expected `{at}` in:\n{stderr}");
}

// Terraform (1.11 to 1.15) places a diagnostic no deeper than a top-level attribute and
// one map key, so errors inside `panorama` point at `panorama = {` and errors inside a
// firewall group at its `NAME = {` line; the detail starts with the full path.

#[test]
fn an_invalid_version_is_an_error_at_its_line() {
    assert_plan_error(
        r#"  panorama = { version = "10.2", nodes = { a = {} } }
  firewalls = {
    branches = {
      version = "ten.one"
    }
  }
"#,
        "Invalid version",
        "firewalls[\"branches\"].version: `ten.one` is not a Panorama or PAN-OS release",
        "branches = {",
    );
}

#[test]
fn a_version_with_the_product_name_asks_for_the_number_alone() {
    assert_plan_error(
        r#"  panorama = {
    version = "PAN-OS 9.1"
    nodes   = { a = {} }
  }
"#,
        "Invalid version",
        "panorama.version: `PAN-OS 9.1` is not a Panorama or PAN-OS release: write only the \
         release number, such as `9.1`, without a product name or other words.",
        "panorama = {",
    );
}

#[test]
fn a_cidr_with_host_bits_suggests_the_network() {
    assert_plan_error(
        r#"  panorama = {
    version = "10.2"
    nodes   = { a = { addresses = { mgt = ["10.0.0.5/24"] } } }
  }
"#,
        "CIDR has host bits set",
        "panorama.nodes[\"a\"].addresses[\"mgt\"][0]: `10.0.0.5/24` has bits set after its /24 prefix. Write `10.0.0.0/24` for the network",
        "panorama = {",
    );
}

#[test]
fn an_interface_the_model_and_release_cannot_use_is_an_error_at_its_line() {
    assert_plan_error(
        r#"  panorama = {
    version    = "7.1"
    model      = "m-500"
    interfaces = { log_collection = "eth3" }
    nodes      = { a = { addresses = { mgt = ["10.0.0.10"], eth3 = ["10.0.3.10"] } } }
  }
"#,
        "Interface assignment not supported",
        "panorama.interfaces.log_collection: Panorama cannot carry log_collection on `eth3`: `m-500` on 7.1 can move only `log_collection`, `collector_group` off `mgt`, and only to `eth1`, `eth2`.",
        "panorama = {",
    );
}

#[test]
fn a_device_newer_than_panorama_is_an_error_naming_both_versions() {
    assert_plan_error(
        r#"  panorama = { version = "10.1.9", nodes = { a = {} } }
  firewalls = {
    edge = {
      version = "11.1.4-h7"
    }
  }
"#,
        "Device is newer than Panorama",
        "firewalls[\"edge\"].version: The firewall group `edge` runs 11.1.4-h7 but Panorama runs 10.1.9.",
        "edge = {",
    );
}

#[test]
fn an_address_known_only_after_apply_plans_and_applies() {
    let ws = Workspace::with_config(&format!(
        r#"{HEADER}
resource "terraform_data" "firewall_ip" {{
  input = "10.20.0.7"
}}

data "panorama_flow_matrix" "x" {{
  panorama = {{
    version = "10.2"
    nodes   = {{ a = {{ addresses = {{ mgt = ["10.0.0.10"] }} }} }}
  }}
  firewalls = {{
    branch = {{ version = "10.1", addresses = [terraform_data.firewall_ip.output] }}
  }}
}}

output "ingress" {{
  value = [for r in data.panorama_flow_matrix.x.ingress_rules : "${{r.peer}} ${{r.cidr_ipv4}} ${{r.from_port}}"]
}}
"#
    ));
    ws.init();
    ws.terraform(&["validate", "-no-color"])
        .expect_ok("validate");
    let plan = ws
        .terraform(&["plan", "-input=false", "-no-color"])
        .expect_ok("plan");
    assert!(plan.stdout.contains("known after apply"), "{}", plan.stdout);
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");
    let ingress = strings(&ws.output("ingress"));
    assert!(
        ingress.contains(&"firewall.branch 10.20.0.7/32 3978".to_owned()),
        "{ingress:?}"
    );
}

#[test]
fn validate_with_unknown_variables_reports_only_known_problems() {
    let ws = Workspace::with_config(&format!(
        r#"{HEADER}
variable "panorama_version" {{
  type = string
}}

data "panorama_flow_matrix" "x" {{
  panorama = {{
    version = var.panorama_version
    nodes   = {{ a = {{ addresses = {{ mgt = ["not-an-address"] }} }} }}
  }}
}}
"#
    ));
    ws.init();
    // `terraform validate` leaves variables unknown: the unknown version is no error, the
    // bad address is.
    let run = ws
        .terraform(&["validate", "-no-color"])
        .expect_failure("validate");
    assert!(run.stderr.contains("Invalid address"), "{}", run.stderr);
    assert!(!run.stderr.contains("Invalid version"), "{}", run.stderr);
}

#[test]
fn a_newer_device_known_only_after_apply_is_reported_once_known() {
    let ws = Workspace::with_config(&format!(
        r#"{HEADER}
resource "terraform_data" "fw_version" {{
  input = "11.1"
}}

data "panorama_flow_matrix" "x" {{
  panorama = {{
    version = "10.2"
    nodes   = {{ a = {{}} }}
  }}
  firewalls = {{
    edge = {{ version = terraform_data.fw_version.output }}
  }}
  services = {{
    syslog = {{ addresses = ["10.9.0.5"], transport = "ssl" }}
  }}
}}
"#
    ));
    ws.init();
    // While the version is unknown the cross-field check waits: validate and plan pass.
    ws.terraform(&["validate", "-no-color"])
        .expect_ok("validate");
    ws.terraform(&["plan", "-input=false", "-no-color"])
        .expect_ok("plan");
    // Once known, the newer firewall group is refused.
    let run = ws
        .terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_failure("apply");
    assert!(
        run.stderr.contains("Error: Device is newer than Panorama"),
        "{}",
        run.stderr
    );
}
