//! The examples for port-list targets (examples/azure, examples/gcp, examples/panos), tested
//! as shipped: each folder is one configuration whose main.tf requires our provider and
//! the target's, and whose target file (nsg.tf, firewall.tf, policy.tf) holds the target's
//! resources over locals of main.tf.
//!
//! - Every example folder loads: `terraform init` gets past configuration loading, and the
//!   only error allowed is that a third-party provider cannot be installed (the tests run
//!   without registry access), named exactly.
//! - The contract suites in each folder's tests/ run with `terraform test` on a whole copy
//!   of the folder. They mock the target provider (`mock_provider`), as a user without
//!   credentials would; Terraform still needs the provider's schema, which here comes from
//!   a schema-only stand-in (tests/support/schema_stub.rs serving
//!   tests/support/target_schemas/), installed from a filesystem mirror like any provider.
//! - The folders are `terraform fmt` clean.

mod support;

use std::path::Path;

use support::{repo, unwrapped, Workspace};

/// An example folder, its target file and the provider that file needs.
struct Target {
    dir: &'static str,
    file: &'static str,
    /// Source address as written in required_providers.
    provider: &'static str,
    /// The version the schema stand-in is installed as: the lowest the folder accepts.
    stub_version: &'static str,
    /// The schema the stand-in serves.
    schema: &'static str,
}

const AZURE: Target = Target {
    dir: "examples/azure",
    file: "nsg.tf",
    provider: "hashicorp/azurerm",
    stub_version: "4.0.0",
    schema: "tests/support/target_schemas/azurerm.json",
};

const GCP: Target = Target {
    dir: "examples/gcp",
    file: "firewall.tf",
    provider: "hashicorp/google",
    stub_version: "6.0.0",
    schema: "tests/support/target_schemas/google.json",
};

const PANOS: Target = Target {
    dir: "examples/panos",
    file: "policy.tf",
    provider: "PaloAltoNetworks/panos",
    stub_version: "1.11.0",
    schema: "tests/support/target_schemas/panos.json",
};

impl Target {
    /// The full source address, as Terraform writes it (lower case).
    fn address(&self) -> String {
        format!("registry.terraform.io/{}", self.provider.to_lowercase())
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// How many `run` blocks the example's test files hold.
fn run_blocks(target: &Target) -> usize {
    let tests = repo().join(target.dir).join("tests");
    std::fs::read_dir(&tests)
        .unwrap_or_else(|e| panic!("read {}: {e}", tests.display()))
        .map(|entry| entry.expect("test file").path())
        .filter(|path| path.to_string_lossy().ends_with(".tftest.hcl"))
        .map(|path| {
            read(&path)
                .lines()
                .filter(|line| line.starts_with("run \""))
                .count()
        })
        .sum()
}

/// Runs `terraform init` in a whole copy of `dir` whose CLI configuration offers our
/// provider only. Configuration loading must succeed; the only errors allowed are that
/// the providers in `third_party` cannot be found, one each, worded exactly.
fn loads_as_shipped(dir: &str, third_party: &[&str]) {
    let ws = Workspace::from_dir(dir);
    let run = ws.terraform(&["init", "-input=false", "-no-color"]);
    let stderr = unwrapped(&run.stderr);
    assert!(
        !stderr.contains("problems with the configuration"),
        "{dir} is not a valid configuration:\n{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("- Installed flowmatrix/panorama v"),
        "{dir}: init did not get to installing our provider:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    if third_party.is_empty() {
        assert!(run.ok, "{dir}: init failed:\n{}", run.stderr);
        return;
    }
    assert!(!run.ok, "{dir}: init installed {third_party:?} offline?");
    for provider in third_party {
        let message = format!(
            "Error: Failed to query available provider packages Could not retrieve the list of \
             available versions for provider {provider}: provider \
             registry.terraform.io/{provider} was not found in any of the search locations"
        );
        assert!(
            stderr.contains(&message),
            "{dir}: expected `{message}` in:\n{stderr}"
        );
    }
    assert_eq!(
        stderr.matches("Error: ").count(),
        third_party.len(),
        "{dir}: init failed for more than the providers it cannot install:\n{}",
        run.stderr
    );
}

/// Runs the example's contract suites on a whole copy of the folder, the target provider
/// being the schema stand-in: init installs both providers, and every run block passes.
fn contract_holds(target: &Target) {
    let ws = Workspace::builder()
        .schema_stub(&target.address(), target.stub_version, target.schema)
        .build_from_dir(target.dir);
    assert!(ws.dir.join(target.file).exists(), "the copy is whole");
    ws.init();
    let lock = read(&ws.dir.join(".terraform.lock.hcl"));
    let providers: Vec<&str> = lock
        .lines()
        .filter(|line| line.starts_with("provider "))
        .collect();
    let mut expected = vec![
        "provider \"registry.terraform.io/flowmatrix/panorama\" {".to_owned(),
        format!("provider \"{}\" {{", target.address()),
    ];
    expected.sort();
    assert_eq!(providers, expected, "the providers {} requires", target.dir);

    let run = ws.terraform(&["test", "-no-color"]);
    assert!(
        run.ok,
        "terraform test failed in {}:\n{}\n{}",
        target.dir, run.stdout, run.stderr
    );
    let runs = run_blocks(target);
    assert!(runs >= 2, "{} has contract runs", target.dir);
    let summary = format!("Success! {runs} passed, 0 failed.");
    assert!(
        run.stdout.contains(&summary),
        "expected `{summary}` in:\n{}",
        run.stdout
    );
}

/// main.tf declares the target's provider (one `required_providers` per folder); the
/// target file reads only locals that main.tf defines, and never the data source itself.
fn target_file_reads_only_locals(target: &Target) {
    let dir = repo().join(target.dir);
    let file = read(&dir.join(target.file));
    let main = read(&dir.join("main.tf"));
    assert!(
        main.contains(&format!("source  = \"{}\"", target.provider)),
        "main.tf requires {}",
        target.provider
    );
    assert!(
        !file.contains("required_providers"),
        "{}: a folder has one required_providers block, in main.tf",
        target.file
    );
    assert!(
        !file.contains("data.panorama_flow_matrix"),
        "{} reads the locals, not the data source",
        target.file
    );
    let mut names: Vec<&str> = file
        .match_indices("local.")
        .map(|(at, _)| {
            let rest = &file[at + "local.".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    assert!(!names.is_empty(), "{} uses the locals", target.file);
    for name in names {
        let defined = main.lines().any(|line| {
            line.strip_prefix("  ")
                .and_then(|l| l.strip_prefix(name))
                .is_some_and(|l| l.trim_start().starts_with('='))
        });
        assert!(
            defined,
            "{} reads local.{name}, which main.tf does not define",
            target.file
        );
    }
}

#[test]
fn azure_loads_as_shipped() {
    loads_as_shipped(AZURE.dir, &["hashicorp/azurerm"]);
}

#[test]
fn gcp_loads_as_shipped() {
    loads_as_shipped(GCP.dir, &["hashicorp/google"]);
}

#[test]
fn panos_loads_as_shipped() {
    loads_as_shipped(PANOS.dir, &["paloaltonetworks/panos"]);
}

#[test]
fn quickstart_and_aws_load_as_shipped() {
    loads_as_shipped("examples/quickstart", &[]);
    loads_as_shipped("examples/aws", &["hashicorp/aws"]);
    loads_as_shipped("examples/aws-same-plan", &["hashicorp/aws"]);
    loads_as_shipped("examples/audit-aws", &["hashicorp/aws"]);
}

/// Every folder under examples/ is one of the configurations above, a Registry fragment
/// (provider/, data-sources/, functions/) that tests/docs.rs plans with the provider
/// block, or the command line's estate files (cli/, no Terraform configuration), which
/// tests/cli.rs checks file by file.
#[test]
fn every_example_folder_is_tested_as_shipped() {
    let mut folders: Vec<String> = std::fs::read_dir(repo().join("examples"))
        .expect("read examples")
        .map(|entry| {
            entry
                .expect("examples entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    folders.sort();
    assert_eq!(
        folders,
        [
            "audit-aws",
            "aws",
            "aws-same-plan",
            "azure",
            "cli",
            "data-sources",
            "functions",
            "gcp",
            "panos",
            "provider",
            "quickstart"
        ],
        "a new example folder needs a loads_as_shipped test"
    );
}

#[test]
fn azure_contract_holds() {
    contract_holds(&AZURE);
}

#[test]
fn gcp_contract_holds() {
    contract_holds(&GCP);
}

#[test]
fn panos_contract_holds() {
    contract_holds(&PANOS);
}

#[test]
fn target_files_read_only_the_locals_of_main_tf() {
    for target in [&AZURE, &GCP, &PANOS] {
        target_file_reads_only_locals(target);
    }
}

#[test]
fn examples_are_terraform_fmt_clean() {
    // A copy, so that a failing check can never rewrite the repository.
    let ws = Workspace::from_dir("examples");
    for target in [&AZURE, &GCP, &PANOS] {
        let example = target.dir.trim_start_matches("examples/");
        assert!(
            ws.dir.join(example).join(target.file).exists(),
            "the copy holds {}/{}",
            target.dir,
            target.file
        );
    }
    let run = ws.terraform(&["fmt", "-check", "-recursive", "-diff", "-no-color"]);
    assert!(
        run.ok,
        "terraform fmt -check found unformatted files:\n{}\n{}",
        run.stdout, run.stderr
    );
}
