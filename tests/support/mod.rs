//! Drives the real `terraform` binary against the real provider binary.
//!
//! Every workspace gets its own filesystem mirror holding the provider under test (or uses
//! a mirror the test built, such as release artefacts) and a CLI configuration of its own
//! (`TF_CLI_CONFIG_FILE`), so the user's files are never read. [`Builder`] adds other
//! providers' filesystem mirrors to it, or a schema-only stand-in for a provider that
//! cannot be installed offline. [`aws_mirror`] decides whether the tests that need the
//! real `hashicorp/aws` run, skip or fail.

#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

/// Provider version, as in Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The provider's source address.
pub const SOURCE: &str = "registry.terraform.io/flowmatrix/panorama";

/// Terraform's name for the host platform (`OS_ARCH`, e.g. `linux_amd64`).
pub fn platform() -> String {
    format!(
        "{}_{}",
        std::env::consts::OS,
        match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            other => other,
        }
    )
}

/// The provider binary under test: `PANORAMA_PROVIDER_BIN` (the release build, set by
/// `make test`), else the binary cargo built for this test run.
pub fn provider_binary() -> PathBuf {
    match std::env::var_os("PANORAMA_PROVIDER_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-panorama")),
    }
}

/// Root of the repository.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A Terraform working directory with its own mirror and CLI configuration.
pub struct Workspace {
    _temp: tempfile::TempDir,
    /// The Terraform working directory.
    pub dir: PathBuf,
    cli_config: PathBuf,
    env_remove: Vec<String>,
}

/// What a Terraform command did.
#[derive(Debug)]
pub struct Run {
    /// Exit status was zero.
    pub ok: bool,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            ok: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Panics with the command's output unless it succeeded.
    pub fn expect_ok(self, what: &str) -> Self {
        assert!(
            self.ok,
            "terraform {what} failed:\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics with the command's output unless it failed.
    pub fn expect_failure(self, what: &str) -> Self {
        assert!(
            !self.ok,
            "terraform {what} succeeded but should have failed:\n{}",
            self.stdout
        );
        self
    }
}

/// Files a local Terraform run leaves behind, which a fresh workspace must not inherit.
fn is_local_state(name: &str) -> bool {
    name == ".terraform" || name == ".terraform.lock.hcl" || name.starts_with("terraform.tfstate")
}

/// Copies `from` into `to`, recursively, without local state and without the entries of
/// `from` itself named in `leave_out`.
fn copy_dir(from: &Path, to: &Path, leave_out: &[&str]) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read fixture directory") {
        let entry = entry.expect("fixture entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_local_state(&name) || leave_out.contains(&name.as_str()) {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target, &[]);
        } else {
            std::fs::copy(entry.path(), target).expect("copy fixture file");
        }
    }
}

/// The `hashicorp/aws` release the AWS example is tested with.
pub const AWS_VERSION: &str = "5.100.0";

/// The `hashicorp/aws` source address.
pub const AWS: &str = "registry.terraform.io/hashicorp/aws";

/// Whether `CI` says this is a CI run (`CI=true`, as CI services set it).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// The filesystem mirror holding `hashicorp/aws` [`AWS_VERSION`]: `PANORAMA_AWS_MIRROR`,
/// else `/opt/tf-plugins`. Without one, a CI run fails here, naming the missing directory;
/// any other run gets `None` (the caller returns early, skipping its test) and one line on
/// standard error, once per test binary, saying what is skipped and how to enable it.
pub fn aws_mirror(what: &str) -> Option<PathBuf> {
    let (mirror, named) = match std::env::var_os("PANORAMA_AWS_MIRROR") {
        Some(path) => (PathBuf::from(path), "PANORAMA_AWS_MIRROR"),
        None => (PathBuf::from("/opt/tf-plugins"), "the default mirror"),
    };
    // Unpacked layout (AWS/VERSION/OS_ARCH/) or the packed one `terraform providers mirror`
    // writes (AWS/terraform-provider-aws_VERSION_OS_ARCH.zip).
    let package = mirror.join(AWS).join(AWS_VERSION);
    let zip = mirror.join(AWS).join(format!(
        "terraform-provider-aws_{AWS_VERSION}_{}.zip",
        platform()
    ));
    if package.join(platform()).is_dir() || zip.is_file() {
        return Some(mirror);
    }
    let how = format!(
        "enable with `terraform providers mirror DIR` in a folder requiring hashicorp/aws \
         {AWS_VERSION}, then PANORAMA_AWS_MIRROR=DIR"
    );
    assert!(
        !in_ci(),
        "CI=true but {} ({named}) does not exist: the {what} needs hashicorp/aws {AWS_VERSION} \
         in a filesystem mirror; {how}",
        package.display()
    );
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Straight to stderr: the test harness captures eprintln! of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: every test in this file that needs hashicorp/aws {AWS_VERSION}, such as the {what} \
             (no mirror at {}); {how}",
            package.display()
        );
    });
    None
}

/// A schema-only stand-in for a provider no test can install offline: the
/// `schema-stub-provider` binary (tests/support/schema_stub.rs) serving `schema` (a file
/// in the format of `terraform providers schema -json`) as `source` at `version`.
struct Stub {
    source: String,
    version: String,
    schema: PathBuf,
}

/// Builds a workspace whose CLI configuration also installs other providers from existing
/// filesystem mirrors or as schema stand-ins (our provider always comes from the
/// workspace's own mirror).
#[derive(Default)]
pub struct Builder {
    mirrors: Vec<(PathBuf, String)>,
    stubs: Vec<Stub>,
    env_remove: Vec<String>,
}

impl Builder {
    /// Installs `provider` (e.g. `registry.terraform.io/hashicorp/aws`) from the filesystem
    /// mirror at `path`, which must hold it.
    pub fn mirror(mut self, path: impl Into<PathBuf>, provider: &str) -> Self {
        let path = path.into();
        assert!(
            path.join(provider).is_dir(),
            "filesystem mirror {} has no {provider}",
            path.display()
        );
        self.mirrors.push((path, provider.to_owned()));
        self
    }

    /// Installs a schema-only stand-in as `source` (e.g. `registry.terraform.io/hashicorp/azurerm`)
    /// `version`, serving the schema in `schema` (relative to the repository root). It
    /// answers schema and validation calls only, so configurations that use it must be
    /// run with `mock_provider` (terraform test).
    pub fn schema_stub(mut self, source: &str, version: &str, schema: &str) -> Self {
        let schema = repo().join(schema);
        assert!(schema.is_file(), "no schema file {}", schema.display());
        self.stubs.push(Stub {
            source: source.to_owned(),
            version: version.to_owned(),
            schema,
        });
        self
    }

    /// Runs terraform without the environment variable `name` (e.g. `AWS_PROFILE`).
    pub fn env_remove(mut self, name: &str) -> Self {
        self.env_remove.push(name.to_owned());
        self
    }

    /// A workspace holding `main.tf` with `config`.
    pub fn build_with_config(self, config: &str) -> Workspace {
        let workspace = Workspace::empty(self);
        std::fs::write(workspace.dir.join("main.tf"), config).expect("write main.tf");
        workspace
    }

    /// A workspace holding a copy of `dir` (relative to the repository root).
    pub fn build_from_dir(self, dir: &str) -> Workspace {
        self.build_from_dir_without(dir, &[])
    }

    /// A workspace holding a copy of `dir` (relative to the repository root) without the
    /// entries of `dir` itself named in `leave_out` (e.g. a file that needs a provider
    /// the tests cannot install).
    pub fn build_from_dir_without(self, dir: &str, leave_out: &[&str]) -> Workspace {
        let workspace = Workspace::empty(self);
        copy_dir(&repo().join(dir), &workspace.dir, leave_out);
        workspace
    }
}

impl Workspace {
    /// A workspace holding `main.tf` with `config`.
    pub fn with_config(config: &str) -> Self {
        Builder::default().build_with_config(config)
    }

    /// A workspace holding a copy of `dir` (relative to the repository root).
    pub fn from_dir(dir: &str) -> Self {
        Builder::default().build_from_dir(dir)
    }

    /// A workspace holding a copy of `dir` without the entries named in `leave_out`.
    pub fn from_dir_without(dir: &str, leave_out: &[&str]) -> Self {
        Builder::default().build_from_dir_without(dir, leave_out)
    }

    /// A workspace with more providers than ours: see [`Builder`].
    pub fn builder() -> Builder {
        Builder::default()
    }

    fn empty(options: Builder) -> Self {
        let temp = tempfile::tempdir().expect("temporary directory");
        let mirror = temp.path().join("mirror");
        let plugin_dir = mirror.join(format!("{SOURCE}/{VERSION}/{}", platform()));
        std::fs::create_dir_all(&plugin_dir).expect("create mirror");
        let binary = provider_binary();
        std::fs::copy(
            &binary,
            plugin_dir.join(format!("terraform-provider-panorama_v{VERSION}")),
        )
        .unwrap_or_else(|e| {
            panic!(
                "copy provider binary {}: {e} (run `make build` first)",
                binary.display()
            )
        });
        let mut options = options;
        if !options.stubs.is_empty() {
            let stubs = temp.path().join("stubs");
            for stub in std::mem::take(&mut options.stubs) {
                let name = stub.source.rsplit('/').next().unwrap_or_default();
                let dir = stubs.join(format!("{}/{}/{}", stub.source, stub.version, platform()));
                std::fs::create_dir_all(&dir).expect("create stub mirror");
                std::fs::copy(
                    env!("CARGO_BIN_EXE_schema-stub-provider"),
                    dir.join(format!("terraform-provider-{name}_v{}", stub.version)),
                )
                .expect("copy the schema stub");
                std::fs::copy(&stub.schema, dir.join("schema.json")).expect("copy stub schema");
                options.mirrors.push((stubs.clone(), stub.source));
            }
        }
        Workspace::using_mirror(temp, &mirror, options, "")
    }

    /// A workspace holding `main.tf` with `config`, whose CLI configuration is a
    /// pipeline's: the provider comes from the filesystem mirror at `mirror` (packed or
    /// unpacked layout, nothing is copied into it), every other provider directly from
    /// its registry.
    pub fn with_mirror(config: &str, mirror: &Path) -> Self {
        let temp = tempfile::tempdir().expect("temporary directory");
        let direct = format!("  direct {{\n    exclude = [\"{SOURCE}\"]\n  }}\n");
        let workspace = Workspace::using_mirror(temp, mirror, Builder::default(), &direct);
        std::fs::write(workspace.dir.join("main.tf"), config).expect("write main.tf");
        workspace
    }

    /// A workspace in `temp` whose CLI configuration installs the provider from `mirror`,
    /// other providers from the mirrors in `options`, then the installation methods in
    /// `other_methods` (HCL, may be empty).
    fn using_mirror(
        temp: tempfile::TempDir,
        mirror: &Path,
        options: Builder,
        other_methods: &str,
    ) -> Self {
        let cli_config = temp.path().join("terraform.rc");
        let mirror_block = |path: &Path, provider: &str| {
            format!(
                "  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"{provider}\"]\n  }}\n",
                path.display()
            )
        };
        let mut config = String::from("provider_installation {\n");
        config.push_str(&mirror_block(mirror, SOURCE));
        for (path, provider) in &options.mirrors {
            config.push_str(&mirror_block(path, provider));
        }
        config.push_str(other_methods);
        config.push_str("}\n");
        std::fs::write(&cli_config, config).expect("write CLI config");
        let dir = temp.path().join("work");
        std::fs::create_dir_all(&dir).expect("create working directory");
        Workspace {
            _temp: temp,
            dir,
            cli_config,
            env_remove: options.env_remove,
        }
    }

    /// `program` to run in the workspace with the workspace's Terraform environment (its
    /// CLI configuration, no checkpoint calls, no colour).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        for name in &self.env_remove {
            command.env_remove(name);
        }
        command
            .current_dir(&self.dir)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("NO_COLOR", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_PLUGIN_CACHE_DIR");
        command
    }

    /// Replaces the workspace's CLI configuration with `text`.
    pub fn set_cli_config(&self, text: &str) {
        std::fs::write(&self.cli_config, text).expect("write CLI config");
    }

    /// Runs `terraform ARGS` in the workspace.
    pub fn terraform(&self, args: &[&str]) -> Run {
        self.command("terraform")
            .args(args)
            .output()
            .expect("run terraform (is it on PATH?)")
            .into()
    }

    /// Runs `terraform ARGS` with Terraform's trace log on standard error, which names
    /// every call Terraform makes to a provider (`GRPCProvider.v6: CallFunction=NAME`).
    pub fn terraform_traced(&self, args: &[&str]) -> Run {
        self.command("terraform")
            .args(args)
            .env("TF_LOG", "trace")
            .output()
            .expect("run terraform (is it on PATH?)")
            .into()
    }

    /// `terraform init`, which must succeed.
    pub fn init(&self) -> &Self {
        self.terraform(&["init", "-input=false", "-no-color"])
            .expect_ok("init");
        self
    }

    /// `terraform output -json NAME`, parsed.
    pub fn output(&self, name: &str) -> serde_json::Value {
        let run = self
            .terraform(&["output", "-json", name])
            .expect_ok("output");
        serde_json::from_str(&run.stdout).expect("output is JSON")
    }
}

/// `text` with Terraform's line wrapping of diagnostic details undone.
pub fn unwrapped(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `terraform` block every test configuration starts with.
pub const HEADER: &str = r#"
terraform {
  required_providers {
    panorama = { source = "flowmatrix/panorama" }
  }
}
"#;

/// The 1-based line of `config` that reads `needle`, leading and trailing blanks aside.
pub fn line_of(config: &str, needle: &str) -> usize {
    config
        .lines()
        .position(|line| line.trim() == needle)
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no `{needle}` in config"))
}

/// Plans a configuration holding `data "panorama_flow_matrix" "x" { BODY }`, which must
/// fail, and checks Terraform's rendering of the error: the summary, the detail (line
/// wrapping undone) and the configuration line Terraform points at, given by its text.
/// Returns Terraform's standard error.
pub fn assert_plan_error(body: &str, summary: &str, detail: &str, line: &str) -> String {
    assert_plan_diagnostic(Severity::Error, body, summary, detail, line)
}

/// The same for a warning: the plan succeeds and shows it. Returns Terraform's standard
/// output.
pub fn assert_plan_warning(body: &str, summary: &str, detail: &str, line: &str) -> String {
    assert_plan_diagnostic(Severity::Warning, body, summary, detail, line)
}

/// What Terraform calls a diagnostic, and where it prints it.
#[derive(Debug, Clone, Copy)]
pub enum Severity {
    /// The plan fails; Terraform prints the error on standard error.
    Error,
    /// The plan succeeds; Terraform prints the warning on standard output.
    Warning,
}

/// Plans `data "panorama_flow_matrix" "x" { BODY }` and checks Terraform's rendering of a
/// diagnostic of `severity`: summary, detail (line wrapping undone) and the line it points
/// at. Returns the stream Terraform printed it on.
pub fn assert_plan_diagnostic(
    severity: Severity,
    body: &str,
    summary: &str,
    detail: &str,
    line: &str,
) -> String {
    let config = format!("{HEADER}\ndata \"panorama_flow_matrix\" \"x\" {{\n{body}}}\n");
    let ws = Workspace::with_config(&config);
    ws.init();
    let run = ws.terraform(&["plan", "-input=false", "-no-color"]);
    let (word, shown) = match severity {
        Severity::Error => ("Error", run.expect_failure("plan").stderr),
        Severity::Warning => ("Warning", run.expect_ok("plan").stdout),
    };
    assert!(
        shown.contains(&format!("{word}: {summary}")),
        "expected `{word}: {summary}` in:\n{shown}"
    );
    assert!(
        unwrapped(&shown).contains(detail),
        "expected `{detail}` in:\n{shown}"
    );
    let at = format!(
        "on main.tf line {}, in data \"panorama_flow_matrix\" \"x\"",
        line_of(&config, line)
    );
    assert!(shown.contains(&at), "expected `{at}` in:\n{shown}");
    shown
}
