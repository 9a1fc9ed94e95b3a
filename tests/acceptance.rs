//! Acceptance tests: the real `terraform` binary installs the real provider binary from a
//! temporary filesystem mirror and runs init, validate, plan, apply and `terraform test`.

mod support;

use serde_json::Value;
use support::{assert_plan_error, assert_plan_warning, repo, unwrapped, Workspace, HEADER};

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

/// `terraform test` in a copy of the folder `dir`, which must pass.
fn suites_pass(dir: &str) -> support::Run {
    let ws = Workspace::from_dir(dir);
    ws.init();
    let run = ws.terraform(&["test", "-no-color"]);
    assert!(
        run.ok,
        "terraform test failed in {dir}:\n{}\n{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.contains("0 failed"), "{}", run.stdout);
    run
}

#[test]
fn terraform_test_suites_pass() {
    let run = suites_pass("acceptance-tests/flow_matrix");
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

#[test]
fn terraform_test_suites_with_the_functions_pass() {
    let run = suites_pass("acceptance-tests/function");
    assert!(
        run.stdout.contains("Success! 4 passed, 0 failed."),
        "{}",
        run.stdout
    );
}

/// The audit's adapters (acceptance-tests/audit/aws.tf, azure.tf, gcp.tf, which the docs
/// show as they are) fed literal rules of each cloud, drifted and as required.
#[test]
fn terraform_test_suites_of_the_audit_adapters_pass() {
    let run = suites_pass("acceptance-tests/audit");
    for file in ["aws", "azure", "gcp"] {
        let line = format!("tests/{file}.tftest.hcl... pass");
        assert!(run.stdout.contains(&line), "{line}:\n{}", run.stdout);
    }
    assert!(
        run.stdout.contains("Success! 8 passed, 0 failed."),
        "{}",
        run.stdout
    );
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
fn addresses_known_only_after_apply_listed_or_named_plan_and_apply() {
    let ws = Workspace::with_config(&format!(
        r#"{HEADER}
resource "terraform_data" "firewall_ip" {{
  input = "10.20.0.7"
}}

resource "terraform_data" "subnet" {{
  input = "10.21.0.0/16"
}}

data "panorama_flow_matrix" "x" {{
  panorama = {{
    version = "10.2"
    nodes   = {{ a = {{ addresses = {{ mgt = ["10.0.0.10"] }} }} }}
  }}
  firewalls = {{
    branch = {{ version = "10.1", addresses = [terraform_data.firewall_ip.output] }}
    named  = {{ version = "10.1", addresses = {{ east = "10.22.0.0/16", west = terraform_data.subnet.output }} }}
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
    for rule in [
        "firewall.branch 10.20.0.7/32 3978",
        "firewall.named 10.22.0.0/16 3978",
        "firewall.named 10.21.0.0/16 3978",
    ] {
        assert!(ingress.contains(&rule.to_owned()), "{rule} in {ingress:?}");
    }
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

// Issue 9: the flow catalog's second pass and rules a cloud accepts.

#[test]
fn a_firewall_group_logging_to_cortex_before_8_0_5_is_an_error_naming_both_releases() {
    assert_plan_error(
        r#"  panorama = { version = "10.1", nodes = { a = {} } }
  cortex_data_lake = { addresses = ["203.0.113.0/24"] }
  firewalls = {
    cloud = {
      version          = "8.0.4"
      cortex_data_lake = true
    }
  }
"#,
        "Firewall group too old for Cortex Data Lake",
        "firewalls[\"cloud\"].version: The firewall group `cloud` runs 8.0.4 and sets cortex_data_lake = true, but firewalls log to Cortex Data Lake from PAN-OS 8.0.5 on. To fix, upgrade the group to a release from 8.0.5 to 10.1, or leave cortex_data_lake off.",
        "cloud = {",
    );
}

#[test]
fn cortex_data_lake_without_the_top_level_block_is_a_warning() {
    assert_plan_warning(
        r#"  panorama = { version = "10.1", nodes = { a = {} } }
  firewalls = {
    cloud = {
      version          = "10.1"
      cortex_data_lake = true
    }
  }
"#,
        "Cortex Data Lake without addresses",
        "firewalls[\"cloud\"].cortex_data_lake: The firewall group `cloud` logs to Cortex Data Lake, but the top-level cortex_data_lake is not declared",
        "cloud = {",
    );
}

#[test]
fn duplicate_logging_without_cortex_data_lake_is_a_warning() {
    assert_plan_warning(
        r#"  panorama = { version = "10.1", nodes = { a = {} } }
  firewalls = {
    branch = {
      version           = "10.1"
      duplicate_logging = true
    }
  }
"#,
        "Duplicate logging without Cortex Data Lake",
        "firewalls[\"branch\"].duplicate_logging: duplicate_logging has no effect unless the group also logs to Cortex Data Lake",
        "branch = {",
    );
}

#[test]
fn a_collector_group_mixing_version_bands_is_an_error_naming_each_release() {
    assert_plan_error(
        r#"  panorama = { version = "10.2", collector_group = "east", nodes = { a = {} } }
  log_collectors = {
    lc-new = {
      version         = "10.2"
      collector_group = "east"
    }
    lc-old = {
      version         = "7.1"
      collector_group = "east"
    }
  }
"#,
        "Collector Group mixes version bands",
        "log_collectors[\"lc-old\"].version: The collectors of Collector Group `east` run releases of different version bands: Panorama's local Log Collector runs 10.2 (8.x and later), `lc-new` runs 10.2 (8.x and later), `lc-old` runs 7.1 (6.x-7.x).",
        "lc-old = {",
    );
}

#[test]
fn a_collector_group_on_a_management_only_panorama_is_an_error() {
    assert_plan_error(
        r#"  panorama = {
    version         = "10.2"
    mode            = "management-only"
    collector_group = "east"
    nodes           = { a = {} }
  }
"#,
        "Collector Group on a management-only Panorama",
        "panorama.collector_group: Panorama runs in `management-only` mode, which has no local Log Collector, so it cannot join Collector Group `east`. Leave collector_group out (dedicated Log Collectors name their group themselves), or set mode = \"panorama\"",
        "panorama = {",
    );
}

#[test]
fn an_m_200_has_no_eth4() {
    assert_plan_error(
        r#"  panorama = {
    version = "10.2"
    model   = "m-200"
    nodes   = { a = { addresses = { eth4 = ["10.0.4.10"] } } }
  }
"#,
        "Interface not on this model",
        "panorama.nodes[\"a\"].addresses[\"eth4\"]: Panorama has model `m-200`, which has no `eth4`. `m-200` has `mgt` and `eth1` .. `eth3`.",
        "panorama = {",
    );
}

#[test]
fn a_newer_wildfire_proposes_only_a_valid_panorama_upgrade() {
    assert_plan_error(
        r#"  panorama = { version = "7.1", nodes = { a = {} } }
  wildfire = {
    wf = {
      version = "8.0.1"
    }
  }
"#,
        "Device is newer than Panorama",
        "wildfire[\"wf\"].version: The WildFire `wf` runs 8.0.1 but Panorama runs 7.1. Panorama manages only devices on its own release or earlier: upgrade Panorama to 8.0.1 or later.",
        "wf = {",
    );
}

#[test]
fn one_address_on_two_appliances_is_an_error_naming_both_places() {
    assert_plan_error(
        r#"  panorama = {
    version = "10.2"
    nodes = {
      a = { addresses = { mgt = ["10.0.0.10"] } }
      b = { addresses = { mgt = ["10.0.0.11"] } }
    }
  }
  firewalls = {
    branch = {
      version   = "10.2"
      addresses = ["10.0.0.10"]
    }
  }
"#,
        "Address on two appliances",
        "firewalls[\"branch\"].addresses[0]: `10.0.0.10/32` is the address of the firewall group `branch` here and of Panorama node `a` at panorama.nodes[\"a\"].addresses[\"mgt\"][0].",
        "branch = {",
    );
}

#[test]
fn an_address_open_to_everyone_is_a_warning_naming_its_flows() {
    assert_plan_warning(
        r#"  panorama = { version = "10.2", nodes = { a = { addresses = { mgt = ["10.0.0.10"] } } } }
  firewalls = {
    anywhere = {
      version   = "10.2"
      addresses = ["0.0.0.0/0"]
    }
  }
"#,
        "Address open to everyone",
        "firewalls[\"anywhere\"].addresses[0]: `0.0.0.0/0` stands for every IPv4 address, the address of the firewall group `anywhere`: the rules built from it open the flows `firewall.anywhere>panorama.a@mgt:tcp:28443`, `firewall.anywhere>panorama.a@mgt:tcp:3978` to everyone.",
        "anywhere = {",
    );
}

#[test]
fn the_address_findings_name_named_addresses() {
    assert_plan_error(
        r#"  panorama = {
    version = "10.2"
    nodes   = { a = { addresses = { mgt = { primary = "10.0.0.10" } } } }
  }
  firewalls = {
    branch = {
      version   = "10.2"
      addresses = { office = "10.20.0.0/16", printer = "10.0.0.10" }
    }
  }
"#,
        "Address on two appliances",
        "firewalls[\"branch\"].addresses[\"printer\"]: `10.0.0.10/32` is the address of the firewall group `branch` here and of Panorama node `a` at panorama.nodes[\"a\"].addresses[\"mgt\"][\"primary\"].",
        "branch = {",
    );
    assert_plan_warning(
        r#"  panorama = { version = "10.2", nodes = { a = { addresses = { mgt = ["10.0.0.10"] } } } }
  firewalls = {
    anywhere = {
      version   = "10.2"
      addresses = { everyone = "0.0.0.0/0" }
    }
  }
"#,
        "Address open to everyone",
        "firewalls[\"anywhere\"].addresses[\"everyone\"]: `0.0.0.0/0` stands for every IPv4 address, the address of the firewall group `anywhere`",
        "anywhere = {",
    );
}

#[test]
fn peers_sharing_a_cidr_share_one_rule_that_a_cloud_accepts() {
    let ws = Workspace::with_config(&format!(
        r#"{HEADER}
data "panorama_flow_matrix" "x" {{
  panorama = {{
    version = "10.2"
    nodes   = {{ a = {{ addresses = {{ mgt = ["10.0.0.10"] }} }} }}
  }}
  firewalls = {{
    east = {{ version = "10.1", addresses = ["10.20.0.0/16", "::ffff:10.21.0.5"] }}
    west = {{ version = "10.1", addresses = ["10.20.0.0/16", "2001:db8:20::/48"] }}
  }}
}}

output "ingress" {{
  value = [for r in data.panorama_flow_matrix.x.ingress_rules : "${{r.from_port}} ${{coalesce(r.cidr_ipv4, r.cidr_ipv6)}} ${{join(",", r.peers)}}"]
}}
"#
    ));
    ws.init();
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");
    let mut ingress = strings(&ws.output("ingress"));
    ingress.sort();
    // One rule per port for the shared CIDR naming both groups; the IPv4-mapped host is
    // IPv4; IPv6 has no rule on an IPv4-only Panorama.
    assert_eq!(
        ingress,
        [
            "28443 10.20.0.0/16 firewall.east,firewall.west",
            "28443 10.21.0.5/32 firewall.east",
            "3978 10.20.0.0/16 firewall.east,firewall.west",
            "3978 10.21.0.5/32 firewall.east",
        ]
    );
}
