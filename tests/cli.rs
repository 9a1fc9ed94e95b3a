//! The command line against the real binary, and against the data source under the real
//! terraform: the same estate gives the same values, byte for byte, and the same
//! diagnostics.

mod support;

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::Value;
use support::{provider_binary, repo, unwrapped, Workspace};

/// What a run of the binary did.
#[derive(Debug)]
struct Ran {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary as a person would (no magic cookie), with `stdin` on standard input.
fn cli(args: &[&str], stdin: &str) -> Ran {
    let mut child = Command::new(provider_binary())
        .args(args)
        .current_dir(repo())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the provider binary");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).expect("write stdin");
    drop(input);
    let output = child.wait_with_output().expect("wait for the binary");
    Ran {
        status: output.status.code().expect("exit status"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Outputs that echo the data source's values as they are, added beside an example's own.
const ECHO: &str = r#"
output "cli_flows" {
  value = data.panorama_flow_matrix.estate.flows
}

output "cli_rules" {
  value = {
    egress_rules  = data.panorama_flow_matrix.estate.egress_rules
    ingress_rules = data.panorama_flow_matrix.estate.ingress_rules
  }
}

output "cli_estate" {
  value = { for name, value in {
    panorama         = data.panorama_flow_matrix.estate.panorama
    log_collectors   = data.panorama_flow_matrix.estate.log_collectors
    firewalls        = data.panorama_flow_matrix.estate.firewalls
    wildfire         = data.panorama_flow_matrix.estate.wildfire
    cortex_data_lake = data.panorama_flow_matrix.estate.cortex_data_lake
    services         = data.panorama_flow_matrix.estate.services
  } : name => value if value != null }
}
"#;

/// `terraform output` of `name` exactly as printed (`-json`, or `-raw` for strings).
fn printed(ws: &Workspace, flag: &str, name: &str) -> String {
    ws.terraform(&["output", flag, name])
        .expect_ok("output")
        .stdout
}

#[test]
fn the_quickstart_as_json_and_yaml_prints_what_the_data_source_gives() {
    let ws = Workspace::from_dir("examples/quickstart");
    std::fs::write(ws.dir.join("cli_echo.tf"), ECHO).expect("write cli_echo.tf");
    ws.init();
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");
    let flows = printed(&ws, "-json", "cli_flows");
    let rules = printed(&ws, "-json", "cli_rules");
    let markdown = printed(&ws, "-raw", "flows_markdown");
    let mermaid = printed(&ws, "-raw", "flows_mermaid");
    assert!(flows.contains("\\u003e"), "Terraform escapes `>` in keys");

    for file in [
        "examples/cli/quickstart.json",
        "examples/cli/quickstart.yaml",
    ] {
        let run = |args: &[&str]| {
            let ran = cli(args, "");
            assert_eq!(ran.status, 0, "{args:?}: {}", ran.stderr);
            assert_eq!(ran.stderr, "", "{args:?}");
            ran.stdout
        };
        assert_eq!(run(&["flows", file, "--format", "json"]), flows, "{file}");
        assert_eq!(run(&["flows", file]), flows, "{file}: json is the default");
        assert_eq!(run(&["rules", file, "--format", "json"]), rules, "{file}");
        assert_eq!(run(&["flows", file, "--format", "markdown"]), markdown);
        assert_eq!(run(&["flows", file, "--format", "mermaid"]), mermaid);
    }
    let count = serde_json::from_str::<Value>(&flows)
        .expect("flows JSON")
        .as_array()
        .map_or(0, Vec::len);
    println!(
        "quickstart: `flows --format json` of examples/cli/quickstart.{{json,yaml}} equals `terraform output -json` of the data source's flows byte for byte ({count} flows, {} bytes)",
        flows.len()
    );

    // And the files are the quickstart's estate, as Terraform holds it.
    let held: Value = serde_json::from_str(&printed(&ws, "-json", "cli_estate")).expect("JSON");
    let file = std::fs::read_to_string(repo().join("examples/cli/quickstart.json"))
        .expect("read quickstart.json");
    let file: Value = serde_json::from_str(&file).expect("quickstart.json is JSON");
    assert_eq!(held, file);
}

/// The quickstart's YAML with two mistakes: a misspelt attribute and a version written as
/// a number.
fn mistaken_yaml() -> String {
    let yaml = std::fs::read_to_string(repo().join("examples/cli/quickstart.yaml"))
        .expect("read quickstart.yaml");
    let mistaken = yaml
        .replacen(
            "    collector_group: east\n    model: m-600",
            "    colector_group: east\n    model: m-600",
            1,
        )
        .replacen("    version: \"10.1\"", "    version: 10.10", 1);
    assert_ne!(mistaken, yaml);
    mistaken
}

#[test]
fn a_yaml_typo_and_a_version_number_are_two_errors_as_terraform_prints_them() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("estate.yaml");
    std::fs::write(&path, mistaken_yaml()).expect("write estate.yaml");
    let path = path.to_str().expect("UTF-8 path");
    let ran = cli(&["flows", path], "");
    println!(
        "$ terraform-provider-panorama flows estate.yaml\n{}(exit status {})",
        ran.stderr, ran.status
    );
    assert_eq!(ran.status, 1);
    assert_eq!(ran.stdout, "");
    let expected = format!(
        "Error: Unknown attribute\n\
         \n  on {path} line 26, in log_collectors[\"lc-east-1\"].colector_group:\
         \n  26:     colector_group: east\
         \n\nThere is no attribute `colector_group` here. Did you mean `collector_group`? The attributes here are `addresses`, `collector_group`, `interfaces`, `model`, `version`.\n\n\
         Error: Incorrect value type\n\
         \n  on {path} line 33, in firewalls[\"branches\"].version:\
         \n  33:     version: 10.10\
         \n\nFound the number `10.10`, but `version` takes a string. Write it in quotes, exactly as it is named (`\"10.10\"`, not `10.10`): unquoted, it is a number and loses how it was written (`10.10` reads as `10.1`, `8.0` as `8`).\n\n"
    );
    assert_eq!(ran.stderr, expected);

    // The data source, given the same file through `yamldecode`, says the same. Terraform
    // has read `10.10` as the number 10.1 before the provider sees it, so it quotes that.
    let config = format!(
        "{}\nlocals {{\n  estate = yamldecode(file(\"estate.yaml\"))\n}}\n\ndata \"panorama_flow_matrix\" \"x\" {{\n  panorama       = local.estate.panorama\n  log_collectors = local.estate.log_collectors\n  firewalls      = local.estate.firewalls\n}}\n",
        support::HEADER
    );
    let ws = Workspace::with_config(&config);
    std::fs::write(ws.dir.join("estate.yaml"), mistaken_yaml()).expect("write estate.yaml");
    ws.init();
    let plan = ws
        .terraform(&["plan", "-input=false", "-no-color"])
        .expect_failure("plan");
    let terraform = unwrapped(&plan.stderr);
    for (path, summary, detail) in [
        (
            "log_collectors[\"lc-east-1\"].colector_group",
            "Unknown attribute",
            expected_detail(&ran.stderr, 0),
        ),
        (
            "firewalls[\"branches\"].version",
            "Incorrect value type",
            expected_detail(&ran.stderr, 1).replacen("`10.10`", "`10.1`", 1),
        ),
    ] {
        assert!(
            terraform.contains(&format!("Error: {summary}")),
            "{terraform}"
        );
        let located = format!("{path}: {detail}");
        assert!(
            terraform.contains(&unwrapped(&located)),
            "`{located}` in:\n{terraform}"
        );
    }
}

/// The detail of the `index`th diagnostic the command line printed.
fn expected_detail(stderr: &str, index: usize) -> String {
    let block = stderr
        .split("Error: ")
        .filter(|b| !b.is_empty())
        .nth(index)
        .expect("diagnostic");
    let paragraphs: Vec<&str> = block.trim_end().split("\n\n").collect();
    paragraphs.last().expect("detail").to_string()
}

#[test]
fn a_bare_run_tells_what_the_binary_is_and_exits_2() {
    let ran = cli(&[], "");
    assert_eq!(ran.status, 2, "{}", ran.stderr);
    assert_eq!(ran.stdout, "", "no handshake, nothing on stdout");
    for needle in [
        "This binary is the Terraform provider flowmatrix/panorama. Terraform starts it as a plugin",
        "terraform init",
        "  flows ",
        "  rules ",
        "  audit ",
        "  schema ",
    ] {
        assert!(ran.stderr.contains(needle), "`{needle}` in:\n{}", ran.stderr);
    }
    let help = cli(&["--help"], "");
    assert_eq!(help.status, 0);
    assert_eq!(help.stdout, ran.stderr, "a bare run prints the help");
}

#[test]
fn standard_input_and_exit_statuses() {
    let estate = std::fs::read_to_string(repo().join("examples/cli/quickstart.json"))
        .expect("read quickstart.json");
    let from_stdin = cli(&["flows", "-", "--format", "csv"], &estate);
    assert_eq!(from_stdin.status, 0, "{}", from_stdin.stderr);
    let from_file = cli(
        &["flows", "examples/cli/quickstart.json", "--format", "csv"],
        "",
    );
    assert_eq!(from_stdin.stdout, from_file.stdout);
    assert!(from_file.stdout.starts_with("key,source,source_kind,"));

    let usage = cli(
        &["flows", "examples/cli/quickstart.json", "--format", "xml"],
        "",
    );
    assert_eq!(usage.status, 2);
    assert!(
        usage.stderr.contains("invalid value 'xml'"),
        "{}",
        usage.stderr
    );
    let missing = cli(&["rules", "no/such/estate.yaml"], "");
    assert_eq!(missing.status, 2);
    assert!(
        missing
            .stderr
            .starts_with("error: cannot read `no/such/estate.yaml`"),
        "{}",
        missing.stderr
    );
    let invalid = cli(&["rules", "-"], "panorama: {}\n");
    assert_eq!(invalid.status, 1);
    assert!(
        invalid.stderr.contains("Error: Missing required attribute"),
        "{}",
        invalid.stderr
    );
}

#[test]
fn audit_of_the_quickstart_security_group() {
    let estate = "examples/cli/quickstart.yaml";
    let rules = cli(&["rules", estate], "");
    let rules: Value = serde_json::from_str(&rules.stdout).expect("rules JSON");
    let mgt: Vec<&Value> = rules["ingress_rules"]
        .as_array()
        .expect("ingress rules")
        .iter()
        .filter(|r| r["appliance"] == "panorama.primary" && r["interface"] == "mgt")
        .collect();
    assert!(mgt.len() > 1);
    let args = [
        "audit",
        estate,
        "-",
        "--appliance",
        "panorama.primary@mgt",
        "--direction",
        "ingress",
    ];

    // Exactly the required rules, as `aws ec2 describe-security-group-rules` prints them.
    let aws: Vec<Value> = mgt
        .iter()
        .map(|r| {
            serde_json::json!({
                "SecurityGroupRuleId": format!("sgr-{}", r["from_port"]),
                "IsEgress": false,
                "IpProtocol": r["protocol"],
                "FromPort": r["from_port"],
                "ToPort": r["to_port"],
                "CidrIpv4": r["cidr_ipv4"],
                "CidrIpv6": r["cidr_ipv6"],
            })
        })
        .collect();
    let egress = serde_json::json!({ "IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0" });
    let mut all = aws.clone();
    all.push(egress);
    let file = serde_json::json!({ "SecurityGroupRules": all }).to_string();
    let ok = cli(&args, &file);
    assert_eq!(ok.status, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout
            .starts_with("panorama.primary@mgt ingress: compliant\n"),
        "{}",
        ok.stdout
    );

    // One rule too wide, one missing.
    let mut wrong = aws[1..].to_vec();
    wrong.push(serde_json::json!({ "IsEgress": false, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "0.0.0.0/0" }));
    let file = serde_json::json!({ "SecurityGroupRules": wrong }).to_string();
    let text = cli(&args, &file);
    println!("$ terraform-provider-panorama audit ... --appliance panorama.primary@mgt --direction ingress\n{}(exit status {})", text.stdout, text.status);
    assert_eq!(text.status, 3, "{}", text.stderr);
    assert!(text
        .stdout
        .contains("\nMissing (required rules no actual rule covers):\n"));
    assert!(
        text.stdout.contains("  SecurityGroupRules["),
        "{}",
        text.stdout
    );
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json = cli(&json_args, &file);
    assert_eq!(json.status, 3);
    let result: Value = serde_json::from_str(&json.stdout).expect("audit JSON");
    assert_eq!(result["compliant"], false);
    assert_eq!(result["covered"], mgt.len() - 1);
    assert_eq!(result["missing"][0], *mgt[0]);
    assert_eq!(result["excess"][0]["rule"]["FromPort"], 22);
    let reasons: Vec<&str> = result["excess"][0]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("everyone: 0.0.0.0/0")),
        "{reasons:?}"
    );
}

// ---------------------------------------------------------------------------------------
// `schema`: every estate the project ships validates, a misspelt one does not, and the
// registry docs describe the same attributes.

/// The schema the binary prints, compiled by an independent validator.
fn validator() -> (Value, jsonschema::Validator) {
    let ran = cli(&["schema"], "");
    assert_eq!(ran.status, 0, "{}", ran.stderr);
    let schema: Value = serde_json::from_str(&ran.stdout).expect("the schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("a valid 2020-12 schema");
    (schema, validator)
}

/// Panics with every validation error unless `estate` is valid.
fn assert_valid(validator: &jsonschema::Validator, estate: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(estate)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate:\n  {}",
        errors.join("\n  ")
    );
}

/// `file` (JSON or YAML) as the command line reads it, as JSON.
fn estate_file(file: &str) -> Value {
    use panorama_provider::cli::document;
    let path = repo().join(file);
    let source = document::read(path.as_os_str(), &mut std::io::empty()).expect("read the estate");
    let parsed = document::parse(&source).unwrap_or_else(|e| panic!("{file}: {e:?}"));
    document::to_json(&parsed.input).expect("a JSON value")
}

/// Every file of examples/cli and what checks it, so a new file comes with its test.
#[test]
fn every_command_line_example_is_checked() {
    let mut files: Vec<String> = std::fs::read_dir(repo().join("examples/cli"))
        .expect("read examples/cli")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "estate.schema.json",        // the_committed_schema_is_what_the_binary_prints
            "ha-pair.yaml",              // the_readme_shows_what_the_commands_print
            "mistakes.yaml",             // the_readme_shows_what_the_commands_print
            "quickstart.json",           // the_quickstart_as_json_and_yaml_prints_...
            "quickstart.yaml",           // the_quickstart_as_json_and_yaml_prints_...
            "security-group-rules.json", // the_readme_shows_what_the_commands_print
        ],
        "a new file in examples/cli needs a test"
    );
}

#[test]
fn the_committed_schema_is_what_the_binary_prints() {
    let ran = cli(&["schema"], "");
    let committed = std::fs::read_to_string(repo().join("examples/cli/estate.schema.json"))
        .expect("read examples/cli/estate.schema.json");
    assert!(
        committed == ran.stdout,
        "examples/cli/estate.schema.json is out of date: run `make docs` and commit it"
    );
}

#[test]
fn the_schema_validates_the_example_files_and_refuses_unknown_names() {
    let (_, validator) = validator();
    for file in [
        "examples/cli/quickstart.json",
        "examples/cli/quickstart.yaml",
    ] {
        assert_valid(&validator, &estate_file(file), file);
    }
    let mut misspelt = estate_file("examples/cli/quickstart.json");
    let branches = &mut misspelt["firewalls"]["branches"];
    let group = branches["collector_group"].take();
    branches
        .as_object_mut()
        .expect("an object")
        .insert("colector_group".into(), group);
    branches
        .as_object_mut()
        .expect("an object")
        .remove("collector_group");
    assert!(!validator.is_valid(&misspelt));
    let errors: Vec<String> = validator
        .iter_errors(&misspelt)
        .map(|e| e.to_string())
        .collect();
    println!("the schema refuses `colector_group`: {errors:?}");
    assert!(
        errors.iter().any(|e| e.contains("colector_group")),
        "{errors:?}"
    );
    let ran = cli(&["flows", "-"], &misspelt.to_string());
    assert_eq!(ran.status, 1);
    assert!(
        ran.stderr.contains("Error: Unknown attribute"),
        "{}",
        ran.stderr
    );

    let mut number = estate_file("examples/cli/quickstart.json");
    number["panorama"]["version"] = serde_json::json!(10.2);
    assert!(!validator.is_valid(&number), "a version must be a string");
}

/// An example folder whose data source `estate` reads with our provider alone.
struct Example {
    dir: &'static str,
    /// Files left out: the target's resources, which only a real cloud provider plans.
    leave_out: &'static [&'static str],
    /// The schema-only stand-in for the target provider main.tf requires (as in
    /// tests/target_examples.rs): source, version, schema file.
    stub: Option<(&'static str, &'static str, &'static str)>,
}

const EXAMPLES: &[Example] = &[
    Example {
        dir: "examples/quickstart",
        leave_out: &[],
        stub: None,
    },
    Example {
        dir: "examples/azure",
        leave_out: &["nsg.tf", "tests"],
        stub: Some((
            "registry.terraform.io/hashicorp/azurerm",
            "4.0.0",
            "tests/support/target_schemas/azurerm.json",
        )),
    },
    Example {
        dir: "examples/gcp",
        leave_out: &["firewall.tf", "tests"],
        stub: Some((
            "registry.terraform.io/hashicorp/google",
            "6.0.0",
            "tests/support/target_schemas/google.json",
        )),
    },
    Example {
        dir: "examples/panos",
        leave_out: &["policy.tf", "tests"],
        stub: Some((
            "registry.terraform.io/paloaltonetworks/panos",
            "1.11.0",
            "tests/support/target_schemas/panos.json",
        )),
    },
];

/// Runs `ws` to the end and returns its estate and flows as the data source holds them.
fn estate_and_flows(ws: &Workspace) -> (Value, Value) {
    std::fs::write(ws.dir.join("cli_echo.tf"), ECHO).expect("write cli_echo.tf");
    ws.init();
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");
    (ws.output("cli_estate"), ws.output("cli_flows"))
}

#[test]
fn every_example_estate_validates_and_gives_the_data_source_flows() {
    let (_, validator) = validator();
    let mut workspaces: Vec<(String, Workspace)> = EXAMPLES
        .iter()
        .map(|example| {
            let builder = match example.stub {
                Some((source, version, schema)) => {
                    Workspace::builder().schema_stub(source, version, schema)
                }
                None => Workspace::builder(),
            };
            let ws = builder.build_from_dir_without(example.dir, example.leave_out);
            (example.dir.to_owned(), ws)
        })
        .collect();
    // The registry example, with the provider block it is documented with.
    let registry = Workspace::from_dir("examples/data-sources/panorama_flow_matrix");
    std::fs::copy(
        repo().join("examples/provider/provider.tf"),
        registry.dir.join("provider.tf"),
    )
    .expect("copy provider.tf");
    workspaces.push((
        "examples/data-sources/panorama_flow_matrix".into(),
        registry,
    ));
    for (dir, ws) in &workspaces {
        let (estate, flows) = estate_and_flows(ws);
        assert_valid(&validator, &estate, dir);
        let ran = cli(&["flows", "-"], &estate.to_string());
        assert_eq!(ran.status, 0, "{dir}: {}", ran.stderr);
        let printed: Value = serde_json::from_str(&ran.stdout).expect("flows JSON");
        assert_eq!(printed, flows, "{dir}");
        println!(
            "{dir}: the estate validates; the command line gives the data source's {} flows",
            flows.as_array().map_or(0, Vec::len)
        );
    }
}

/// The text of the block whose `{` is at byte `open`, braces excluded. Strings and `#`
/// comments are skipped; enough for the test files of this repository.
fn block_body(text: &str, open: usize) -> &str {
    let (mut depth, mut in_string, mut comment, mut escaped) = (0usize, false, false, false);
    for (i, c) in text.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            _ if comment => comment = c != '\n',
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            _ if in_string => {}
            '#' => comment = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced braces from byte {open}")
}

/// The `variables` block directly inside `body` (a file, or a run block's body), if any.
fn variables_in(body: &str, indent: &str) -> Option<String> {
    let start = format!("\n{indent}variables {{");
    let at = format!("\n{body}").find(&start)?;
    let open = at + start.len() - 2;
    Some(block_body(body, open).to_owned())
}

/// The estate one run of the acceptance suites plans.
struct Fixture {
    /// `file__run`.
    name: String,
    /// An HCL expression for the estate.
    value: String,
    /// Whether the run expects the estate to be refused.
    refused: bool,
}

/// Every run of the acceptance suites with the estate it plans: the file's `variables`,
/// overridden by the run's; for runs of the `refused` module, its `estate` variable.
fn fixture_estates() -> Vec<Fixture> {
    let dir = repo().join("acceptance-tests/flow_matrix/tests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read the acceptance tests")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".tftest.hcl"))
        .collect();
    files.sort();
    let mut estates = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a test file");
        let stem = file
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".tftest.hcl"))
            .expect("file name")
            .replace('-', "_");
        let shared = variables_in(&text, "").unwrap_or_default();
        let mut search = 0;
        while let Some(found) = text[search..].find("\nrun \"") {
            let start = search + found + "\nrun \"".len();
            let name_end = start + text[start..].find('"').expect("run name");
            let open = name_end + text[name_end..].find('{').expect("run block");
            let body = block_body(&text, open);
            let own = variables_in(body, "  ").unwrap_or_default();
            let mut value = format!("merge({{\n{shared}\n}}, {{\n{own}\n}})");
            if body.contains("\n  module {") {
                assert!(body.contains("./tests/refused"), "{stem}: another module");
                value.push_str(".estate");
            }
            estates.push(Fixture {
                name: format!("{stem}__{}", &text[start..name_end]),
                value,
                refused: body.contains("\n  expect_failures = [check.estate]"),
            });
            search = open + body.len();
        }
    }
    estates
}

#[test]
fn every_acceptance_fixture_validates_and_gives_the_data_source_flows() {
    let (_, validator) = validator();
    let estates = fixture_estates();
    let runs = std::fs::read_dir(repo().join("acceptance-tests/flow_matrix/tests"))
        .expect("read the acceptance tests")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).unwrap_or_default())
        .map(|text| text.matches("\nrun \"").count())
        .sum::<usize>();
    assert_eq!(estates.len(), runs, "one estate per run");
    let (refused, accepted): (Vec<&Fixture>, Vec<&Fixture>) =
        estates.iter().partition(|f| f.refused);
    // One configuration: each run's estate in a local; the accepted ones fed to the
    // acceptance module.
    let mut config = String::from(support::HEADER);
    config.push_str("\nlocals {\n");
    for fixture in &estates {
        config.push_str(&format!("  {} = {}\n", fixture.name, fixture.value));
    }
    config.push_str("}\n");
    let inputs = [
        "log_collectors",
        "firewalls",
        "wildfire",
        "cortex_data_lake",
        "services",
    ];
    for Fixture { name, .. } in &accepted {
        config.push_str(&format!(
            "\nmodule \"{name}\" {{\n  source   = \"./fixture\"\n  panorama = local.{name}.panorama\n"
        ));
        for input in inputs {
            config.push_str(&format!("  {input} = try(local.{name}.{input}, null)\n"));
        }
        config.push_str("}\n");
    }
    let list = |fixtures: &[&Fixture], what: &dyn Fn(&str) -> String| {
        let entries: Vec<String> = fixtures
            .iter()
            .map(|f| format!("    {} = {}", f.name, what(&f.name)))
            .collect();
        entries.join("\n")
    };
    let all: Vec<&Fixture> = estates.iter().collect();
    config.push_str(&format!(
        "\noutput \"estates\" {{\n  value = {{\n{}\n  }}\n}}\n",
        list(&all, &|n| format!("local.{n}"))
    ));
    config.push_str(&format!(
        "\noutput \"flows\" {{\n  value = {{\n{}\n  }}\n}}\n",
        list(&accepted, &|n| format!("module.{n}.flows_by_key"))
    ));
    let ws = Workspace::with_config(&config);
    std::fs::create_dir(ws.dir.join("fixture")).expect("mkdir fixture");
    std::fs::copy(
        repo().join("acceptance-tests/flow_matrix/main.tf"),
        ws.dir.join("fixture/main.tf"),
    )
    .expect("copy the acceptance module");
    ws.init();
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");
    let held = ws.output("estates");
    let flows = ws.output("flows");
    for Fixture { name, .. } in &accepted {
        let estate = &held[name];
        assert_valid(&validator, estate, name);
        let ran = cli(&["flows", "-"], &estate.to_string());
        assert_eq!(ran.status, 0, "{name}: {}", ran.stderr);
        let printed: Value = serde_json::from_str(&ran.stdout).expect("flows JSON");
        let by_key: serde_json::Map<String, Value> = printed
            .as_array()
            .expect("a list")
            .iter()
            .map(|flow| (flow["key"].as_str().expect("key").to_owned(), flow.clone()))
            .collect();
        assert_eq!(Value::Object(by_key), flows[name], "{name}");
    }
    // A refused estate is well formed (the schema takes it) but impossible: the command
    // line refuses it as the data source does.
    for Fixture { name, .. } in &refused {
        let estate = &held[name];
        assert_valid(&validator, estate, name);
        let ran = cli(&["flows", "-"], &estate.to_string());
        assert_eq!(ran.status, 1, "{name}: {}", ran.stdout);
        assert!(ran.stderr.starts_with("Error: "), "{name}: {}", ran.stderr);
    }
    println!(
        "{} acceptance runs: each estate validates against `schema`; the command line gives the data source's flows for the {} accepted and refuses the {} refused",
        estates.len(),
        accepted.len(),
        refused.len()
    );
}

/// The input attributes the registry docs list: section (`""` for the top, else e.g.
/// `panorama.nodes`) to `(name, type, required, description)`.
type Documented = std::collections::BTreeMap<String, Vec<(String, String, bool, String)>>;

fn documented_inputs() -> Documented {
    let page = std::fs::read_to_string(repo().join("docs/data-sources/flow_matrix.md"))
        .expect("read the registry page");
    let schema = &page[page.find("\n## Schema").expect("a Schema section")..];
    let mut found = Documented::new();
    let (mut section, mut required, mut inputs) = (String::new(), false, true);
    for line in schema.lines() {
        if let Some(name) = line.strip_prefix("### Nested Schema for `") {
            section = name.trim_end_matches('`').to_owned();
            continue;
        }
        match line {
            "### Required" | "Required:" => (required, inputs) = (true, true),
            "### Optional" | "Optional:" => (required, inputs) = (false, true),
            "### Read-Only" | "Read-Only:" => inputs = false,
            _ => {}
        }
        let Some(item) = line.strip_prefix("- `").filter(|_| inputs) else {
            continue;
        };
        let (name, rest) = item.split_once("` (").expect("- `name` (Type) ...");
        let (label, description) = rest
            .split_once(") ")
            .unwrap_or((rest.trim_end_matches(')'), ""));
        let description = description
            .split(" (see [below for nested schema]")
            .next()
            .unwrap_or_default();
        found.entry(section.clone()).or_default().push((
            name.to_owned(),
            label.to_owned(),
            required,
            description.to_owned(),
        ));
    }
    found
}

/// The same, from the schema the binary prints.
fn schema_inputs(schema: &Value) -> Documented {
    use panorama_provider::flows::schema::{Field, Shape};
    fn walk(fields: &[Field], section: &str, found: &mut Documented) {
        for field in fields {
            found.entry(section.to_owned()).or_default().push((
                field.name.clone(),
                field.shape.label(),
                field.required,
                field.description.clone(),
            ));
            if let Some(inner) = field.shape.fields() {
                let path = match section {
                    "" => field.name.clone(),
                    _ => format!("{section}.{}", field.name),
                };
                walk(inner, &path, found);
            }
        }
    }
    let Shape::Object(top) = Shape::compile(schema, "").expect("the printed schema compiles")
    else {
        panic!("the estate is an object")
    };
    let mut found = Documented::new();
    walk(&top, "", &mut found);
    for fields in found.values_mut() {
        fields.sort();
    }
    found
}

#[test]
fn the_registry_docs_and_the_schema_describe_the_same_inputs() {
    let (schema, _) = validator();
    let mut documented = documented_inputs();
    for fields in documented.values_mut() {
        fields.sort();
    }
    let printed = schema_inputs(&schema);
    let sections = |d: &Documented| d.keys().cloned().collect::<Vec<_>>();
    assert_eq!(sections(&documented), sections(&printed), "nested sections");
    for (section, fields) in &printed {
        let docs = &documented[section];
        let names = |f: &[(String, String, bool, String)]| {
            f.iter()
                .map(|(n, t, r, _)| (n.clone(), t.clone(), *r))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(docs),
            names(fields),
            "`{section}`: names, types, required"
        );
        // Same names in the same order: compare each description with its twin.
        for ((name, _, _, described), (_, _, _, documented)) in fields.iter().zip(docs) {
            assert_eq!(
                unwrapped(documented),
                unwrapped(described),
                "`{section}.{name}`"
            );
        }
    }
    let count: usize = printed.values().map(Vec::len).sum();
    println!(
        "the registry docs and `schema` agree on {count} input attributes in {} sections",
        printed.len()
    );
}

/// The `console` blocks of the README's "Without Terraform" section: each command, and
/// what it prints.
fn readme_sessions() -> Vec<(Vec<String>, String)> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("read README.md");
    let start = readme
        .find("\n## Without Terraform\n")
        .expect("a \"Without Terraform\" section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let mut sessions = Vec::new();
    for block in section.split("```console\n").skip(1) {
        let block = &block[..block.find("\n```").expect("a closed console block")];
        for session in block.split("$ ").filter(|s| !s.is_empty()) {
            let (command, output) = session.split_once('\n').unwrap_or((session, ""));
            let args: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
            assert_eq!(args[0], "terraform-provider-panorama", "{command}");
            sessions.push((args[1..].to_vec(), output.to_owned()));
        }
    }
    sessions
}

#[test]
fn the_readme_shows_what_the_commands_print() {
    let sessions = readme_sessions();
    assert!(sessions.len() >= 3, "{sessions:?}");
    for (args, shown) in sessions {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let ran = cli(&args, "");
        let printed = format!("{}{}", ran.stderr, ran.stdout);
        assert_eq!(
            printed.trim_end(),
            shown.trim_end(),
            "README.md shows other output for `{}`: update it",
            args.join(" ")
        );
    }
}
