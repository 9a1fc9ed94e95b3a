//! The command line end to end, in memory: arguments in, streams and status out.

use super::*;

/// What a run printed and how it ended.
struct Ran {
    status: Status,
    stdout: String,
    stderr: String,
}

fn run_with(args: &[&str], stdin: &str) -> Ran {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut input = stdin.as_bytes();
    let mut io = Io {
        stdin: &mut input,
        stdout: &mut stdout,
        stderr: &mut stderr,
    };
    let mut argv = vec!["terraform-provider-panorama"];
    argv.extend_from_slice(args);
    let status = run(argv, &mut io);
    Ran {
        status,
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

const ESTATE: &str = "\
panorama:
  version: \"10.2\"
  nodes:
    a: { addresses: { mgt: [10.0.0.1] } }
    b: { addresses: { mgt: [10.0.0.2] } }
firewalls:
  branches: { version: \"10.1\", addresses: [10.20.0.0/16] }
";

#[test]
fn a_bare_run_says_what_it_is_and_is_a_usage_error() {
    let ran = run_with(&[], "");
    assert_eq!(ran.status, Status::Usage);
    assert_eq!(ran.stdout, "");
    for needle in [
        "Terraform provider flowmatrix/panorama",
        "Terraform starts it as a plugin",
        "terraform init",
        "flows",
        "rules",
        "audit",
        "schema",
        "Exit status: 0 success",
    ] {
        assert!(
            ran.stderr.contains(needle),
            "`{needle}` in:\n{}",
            ran.stderr
        );
    }
}

#[test]
fn help_and_version_go_to_stdout() {
    let help = run_with(&["--help"], "");
    assert_eq!(help.status, Status::Success);
    assert!(help
        .stdout
        .contains("Usage: terraform-provider-panorama <COMMAND>"));
    let version = run_with(&["--version"], "");
    assert_eq!(version.status, Status::Success);
    assert_eq!(
        version.stdout,
        format!(
            "terraform-provider-panorama {}\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["flows"][..],
        &["flows", "e.yaml", "--format", "xml"],
        &["flow", "e.yaml"],
        &["flows", "/nonexistent/e.yaml"],
        &[
            "audit",
            "-",
            "-",
            "--appliance",
            "x",
            "--direction",
            "ingress",
        ],
    ] {
        let ran = run_with(args, "");
        assert_eq!(ran.status, Status::Usage, "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.starts_with("error: "),
            "{args:?}: {}",
            ran.stderr
        );
        assert_eq!(ran.stdout, "");
    }
}

#[test]
fn flows_of_a_yaml_estate_on_stdin() {
    let ran = run_with(&["flows", "-"], ESTATE);
    assert_eq!(ran.status, Status::Success, "{}", ran.stderr);
    assert_eq!(ran.stderr, "");
    let flows: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let keys: Vec<&str> = flows
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"firewall.branches>panorama.a@mgt:tcp:3978"),
        "{keys:?}"
    );
    let markdown = run_with(&["flows", "-", "--format", "markdown"], ESTATE);
    assert!(markdown.stdout.starts_with("| Source |"));
    let mermaid = run_with(&["flows", "-", "--format", "mermaid"], ESTATE);
    assert!(mermaid.stdout.starts_with("flowchart LR\n"));
}

#[test]
fn a_typo_and_a_version_number_are_two_diagnostics_at_their_lines() {
    let estate = ESTATE
        .replace("version: \"10.2\"", "version: 10.10")
        .replace("addresses: [10.20.0.0/16]", "adresses: [10.20.0.0/16]");
    let ran = run_with(&["rules", "-"], &estate);
    assert_eq!(ran.status, Status::Invalid);
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr.matches("Error: ").count(), 2, "{}", ran.stderr);
    assert!(ran.stderr.contains(
        "Error: Unknown attribute\n\n  on <stdin> line 7, in firewalls[\"branches\"].adresses:\n   7:   branches: { version: \"10.1\", adresses: [10.20.0.0/16] }\n\nThere is no attribute `adresses` here. Did you mean `addresses`?"
    ), "{}", ran.stderr);
    assert!(ran.stderr.contains(
        "Error: Incorrect value type\n\n  on <stdin> line 2, in panorama.version:\n   2:   version: 10.10\n\nFound the number `10.10`, but `version` takes a string. Write it in quotes"
    ), "{}", ran.stderr);
}

#[test]
fn warnings_print_and_the_run_succeeds() {
    let estate = "panorama: { version: \"10.2\", ha_encryption: true, nodes: { a: {} } }\n";
    let ran = run_with(&["flows", "-", "--format", "csv"], estate);
    assert_eq!(ran.status, Status::Success, "{}", ran.stderr);
    assert!(ran.stderr.starts_with("Warning: "), "{}", ran.stderr);
    assert!(ran.stdout.starts_with("key,source,"));
}

#[test]
fn an_unreadable_estate_is_invalid_with_the_parser_s_words() {
    let ran = run_with(&["flows", "-"], "{\"panorama\": ");
    assert_eq!(ran.status, Status::Invalid);
    assert!(
        ran.stderr
            .starts_with("Error: Invalid JSON\n\n  on <stdin> line 1:\n"),
        "{}",
        ran.stderr
    );
    let ran = run_with(&["flows", "-"], "panorama: [\n");
    assert_eq!(ran.status, Status::Invalid);
    assert!(
        ran.stderr.starts_with("Error: Invalid YAML\n"),
        "{}",
        ran.stderr
    );
}

#[test]
fn schema_prints_the_estate_schema() {
    let ran = run_with(&["schema"], "");
    assert_eq!(ran.status, Status::Success);
    let printed: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(printed, schema::document());
}

#[test]
fn audit_exits_3_when_not_compliant_and_0_when_compliant() {
    let dir = tempfile::tempdir().unwrap();
    let estate = dir.path().join("estate.yaml");
    std::fs::write(&estate, ESTATE).unwrap();
    let estate = estate.to_str().unwrap();
    let rules = run_with(&["rules", estate], "");
    let rules: serde_json::Value = serde_json::from_str(&rules.stdout).unwrap();
    let exact: Vec<&serde_json::Value> = rules["ingress_rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["appliance"] == "panorama.a" && r["interface"] == "mgt")
        .collect();
    let args = [
        "audit",
        estate,
        "-",
        "--appliance",
        "panorama.a@mgt",
        "--direction",
        "ingress",
    ];
    let ok = run_with(&args, &serde_json::to_string(&exact).unwrap());
    assert_eq!(ok.status, Status::Success, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.starts_with("panorama.a@mgt ingress: compliant\n"));

    let open = r#"[{"protocol": "-1", "from_port": -1, "to_port": -1, "cidr_ipv4": "0.0.0.0/0"}]"#;
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let bad = run_with(&json_args, open);
    assert_eq!(bad.status, Status::NotCompliant, "{}", bad.stderr);
    let result: serde_json::Value = serde_json::from_str(&bad.stdout).unwrap();
    assert_eq!(result["compliant"], false);
    assert_eq!(result["covered"], exact.len());
    assert_eq!(result["excess"][0]["rule"]["protocol"], "-1");

    let invalid = run_with(
        &args,
        "- protocol: tcp\n  from_port: 22\n  to_port: 99999\n  cidr_ipv4: 10.0.0.0/8\n",
    );
    assert_eq!(invalid.status, Status::Invalid);
    assert!(
        invalid
            .stderr
            .contains("  on <stdin> line 3, in [0].to_port:\n"),
        "{}",
        invalid.stderr
    );

    let unknown = run_with(
        &[
            "audit",
            estate,
            "-",
            "--appliance",
            "panorama.z",
            "--direction",
            "ingress",
        ],
        "[]",
    );
    assert_eq!(unknown.status, Status::Usage);
    assert!(
        unknown
            .stderr
            .contains("the estate has no appliance `panorama.z`"),
        "{}",
        unknown.stderr
    );
}
