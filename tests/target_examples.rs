//! The examples for port-list targets (examples/azure, examples/gcp, examples/panos): each
//! splits into main.tf (our provider and the locals a target iterates) and one target file
//! that needs a cloud provider no test can install offline. The contract suites in their
//! tests/ folders run with `terraform test` against the real provider binary on a copy of
//! the example without its target file; the target files are checked for formatting and
//! for reading nothing but locals that main.tf defines.

mod support;

use std::path::Path;

use support::{repo, Workspace};

/// An example folder, its target file and the provider that file needs.
struct Target {
    dir: &'static str,
    file: &'static str,
    provider: &'static str,
}

const AZURE: Target = Target {
    dir: "examples/azure",
    file: "nsg.tf",
    provider: "hashicorp/azurerm",
};

const GCP: Target = Target {
    dir: "examples/gcp",
    file: "firewall.tf",
    provider: "hashicorp/google",
};

const PANOS: Target = Target {
    dir: "examples/panos",
    file: "policy.tf",
    provider: "PaloAltoNetworks/panos",
};

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

/// Runs the example's contract suites without its target file: init must install our
/// provider only, and every run block must pass.
fn contract_holds(target: &Target) {
    let ws = Workspace::from_dir_without(target.dir, &[target.file]);
    assert!(!ws.dir.join(target.file).exists());
    ws.init();
    let lock = read(&ws.dir.join(".terraform.lock.hcl"));
    let providers: Vec<&str> = lock
        .lines()
        .filter(|line| line.starts_with("provider "))
        .collect();
    assert_eq!(
        providers,
        ["provider \"registry.terraform.io/flowmatrix/panorama\" {"],
        "main.tf needs our provider only"
    );

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

/// The target file declares its provider, reads only locals that main.tf defines, and
/// never the data source itself.
fn target_file_reads_only_locals(target: &Target) {
    let dir = repo().join(target.dir);
    let file = read(&dir.join(target.file));
    let main = read(&dir.join("main.tf"));
    assert!(
        file.contains(&format!("source  = \"{}\"", target.provider)),
        "{} requires {}",
        target.file,
        target.provider
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
