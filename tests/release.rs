//! Release artefacts: `scripts/release.sh` (what `make release` runs) packs the provider
//! binary under test the way the registry expects, and the real `terraform init` installs
//! it both from the unpacked mirror and from the zip in a packed mirror.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::{platform, provider_binary, repo, Workspace, SOURCE, VERSION};

fn zip_name() -> String {
    format!("terraform-provider-panorama_{VERSION}_{}.zip", platform())
}

fn sums_name() -> String {
    format!("terraform-provider-panorama_{VERSION}_SHA256SUMS")
}

fn manifest_name() -> String {
    format!("terraform-provider-panorama_{VERSION}_manifest.json")
}

/// The executable's name inside the zip and in the mirror.
fn entry_name() -> String {
    format!("terraform-provider-panorama_v{VERSION}")
}

/// Where the unpacked mirror holds the executable, relative to OUTDIR.
fn mirror_file() -> String {
    format!("mirror/{SOURCE}/{VERSION}/{}/{}", platform(), entry_name())
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn binary() -> Vec<u8> {
    read(&provider_binary())
}

/// Terraform's `h1:` hash of a package directory holding only `name` with `contents`
/// (Go's dirhash.Hash1: SHA-256 over the sorted `sha256hex  name\n` lines, base64).
fn h1(name: &str, contents: &[u8]) -> String {
    let summary = format!("{}  {name}\n", sha256_hex(contents));
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(summary.as_bytes()))
    )
}

/// Runs `scripts/release.sh` on the binary under test into `out`; returns its stdout.
fn release(out: &Path) -> String {
    let output = Command::new(repo().join("scripts/release.sh"))
        .arg(provider_binary())
        .arg(out)
        .output()
        .expect("run scripts/release.sh");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "scripts/release.sh failed:\n--- stdout\n{stdout}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Every file under `dir`, as sorted paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(root, &path, found);
            } else {
                let relative = path.strip_prefix(root).expect("under root");
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, dir, &mut found);
    found.sort();
    found
}

/// The archive comment and every entry of a zip file as Python's zipfile reads them
/// (reading checks each entry's CRC): name, creator system, Unix mode, timestamp, extra
/// field (hex) and the SHA-256 of the contents.
fn zip_entries(zip: &Path) -> Value {
    let script = r#"
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    print(json.dumps({"comment": z.comment.hex(), "entries": [
        {"name": i.filename, "create_system": i.create_system, "mode": i.external_attr >> 16,
         "date_time": list(i.date_time), "extra": i.extra.hex(),
         "sha256": hashlib.sha256(z.read(i)).hexdigest()}
        for i in z.infolist()]}))
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(zip)
        .output()
        .expect("run python3");
    assert!(
        output.status.success(),
        "python3 could not read {}: {}",
        zip.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("zip listing is JSON")
}

/// The SHA256SUMS lines as (hash, file name), checking the `sha256sum` line format.
fn sums(text: &str) -> Vec<(String, String)> {
    assert!(text.ends_with('\n'), "SHA256SUMS ends with a newline");
    text.lines()
        .map(|line| {
            let (hash, name) = line
                .split_once("  ")
                .unwrap_or_else(|| panic!("not a sha256sum line: {line:?}"));
            assert!(
                hash.len() == 64
                    && hash
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "not a lower-case hex SHA-256: {line:?}"
            );
            (hash.to_owned(), name.to_owned())
        })
        .collect()
}

#[test]
fn release_writes_the_registry_artefacts_and_the_mirror() {
    let out = tempfile::tempdir().expect("temporary directory");
    let stdout = release(out.path());
    let binary = binary();

    let mut expected = vec![zip_name(), sums_name(), manifest_name(), mirror_file()];
    expected.sort();
    assert_eq!(files_under(out.path()), expected, "exactly the artefacts");
    for file in &expected {
        assert!(stdout.contains(file.as_str()), "`{file}` in:\n{stdout}");
    }

    // The zip: one executable entry holding the binary's bytes, nothing that varies.
    let listing = zip_entries(&out.path().join(zip_name()));
    assert_eq!(listing["comment"], "", "no archive comment");
    assert_eq!(
        listing["entries"],
        json!([{
            "name": entry_name(),
            "create_system": 3,
            "mode": 0o100755,
            "date_time": [1980, 1, 1, 0, 0, 0],
            "extra": "",
            "sha256": sha256_hex(&binary),
        }]),
        "one entry: Unix regular file, 0755, fixed time, no extra field, the binary's bytes"
    );

    // SHA256SUMS covers the zip and the manifest, sorted by name, and every hash holds.
    let lines = sums(&String::from_utf8(read(&out.path().join(sums_name()))).expect("UTF-8"));
    let names: Vec<&str> = lines.iter().map(|(_, name)| name.as_str()).collect();
    let mut sorted = vec![zip_name(), manifest_name()];
    sorted.sort();
    assert_eq!(
        names, sorted,
        "SHA256SUMS names the zip and the manifest, sorted"
    );
    for (hash, name) in &lines {
        assert_eq!(
            *hash,
            sha256_hex(&read(&out.path().join(name))),
            "{name}: FAILED"
        );
    }

    // The manifest is the repository's terraform-registry-manifest.json.
    let manifest = read(&out.path().join(manifest_name()));
    assert_eq!(
        manifest,
        read(&repo().join("terraform-registry-manifest.json"))
    );
    let manifest: Value = serde_json::from_slice(&manifest).expect("manifest is JSON");
    assert_eq!(
        manifest,
        json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    // The unpacked mirror holds the binary itself, executable.
    let unpacked = out.path().join(mirror_file());
    assert!(read(&unpacked) == binary, "mirror holds the binary's bytes");
    let mode = std::fs::metadata(&unpacked)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755, "mirror binary mode");
}

#[test]
fn the_zip_is_reproducible() {
    let first = tempfile::tempdir().expect("temporary directory");
    let second = tempfile::tempdir().expect("temporary directory");
    release(first.path());
    release(second.path());
    assert!(
        read(&first.path().join(zip_name())) == read(&second.path().join(zip_name())),
        "two runs on the same binary give byte-identical zips"
    );
    assert_eq!(
        read(&first.path().join(sums_name())),
        read(&second.path().join(sums_name()))
    );
}

/// A configuration that needs the released version and reads the data source.
fn config() -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    panorama = {{ source = "flowmatrix/panorama", version = "{VERSION}" }}
  }}
}}

data "panorama_flow_matrix" "x" {{
  panorama = {{ version = "10.2", nodes = {{ a = {{}}, b = {{}} }} }}
}}

output "flow_count" {{
  value = length(data.panorama_flow_matrix.x.flows)
}}
"#
    )
}

/// `terraform plan` in `ws`, which must succeed and show `flow_count` (the HA flows of
/// the two nodes, so more than zero: the provider really ran).
fn plan_shows_flows(ws: &Workspace) {
    let plan = ws
        .terraform(&["plan", "-input=false", "-no-color"])
        .expect_ok("plan");
    let count = plan
        .stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("+ flow_count = "))
        .unwrap_or_else(|| panic!("plan shows flow_count:\n{}", plan.stdout));
    assert!(
        count.parse::<u64>().is_ok_and(|n| n > 0),
        "flow_count = {count}:\n{}",
        plan.stdout
    );
}

/// The quoted `h1:`/`zh:` hashes in a workspace's lock file.
fn locked_hashes(ws: &Workspace) -> Vec<String> {
    let lock = String::from_utf8(read(&ws.dir.join(".terraform.lock.hcl"))).expect("UTF-8");
    let mut hashes: Vec<String> = lock
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"'))
        .filter_map(|rest| rest.split_once('"').map(|(hash, _)| hash.to_owned()))
        .filter(|hash| hash.starts_with("h1:") || hash.starts_with("zh:"))
        .collect();
    hashes.sort();
    hashes
}

#[test]
fn terraform_installs_from_the_unpacked_mirror() {
    let out = tempfile::tempdir().expect("temporary directory");
    release(out.path());
    let ws = Workspace::with_mirror(&config(), &out.path().join("mirror"));
    let init = ws
        .terraform(&["init", "-input=false", "-no-color"])
        .expect_ok("init");
    assert!(
        init.stdout
            .contains(&format!("Installed flowmatrix/panorama v{VERSION}")),
        "init installs the release:\n{}",
        init.stdout
    );
    plan_shows_flows(&ws);
    assert_eq!(locked_hashes(&ws), [h1(&entry_name(), &binary())]);
}

/// A lock file for the provider at VERSION holding only `hash`.
fn lock_with(hash: &str) -> String {
    format!("provider \"{SOURCE}\" {{\n  version = \"{VERSION}\"\n  hashes = [\n    \"{hash}\",\n  ]\n}}\n")
}

// Terraform installs a zip from a filesystem mirror but does not record its `zh:` hash on
// its own (1.11 writes only `h1:`, a hash of the unpacked contents). It does check a
// `zh:` hash already in the lock file against the zip's SHA-256, and refuses a mismatch:
// so the test seeds the lock with the hash SHA256SUMS gives for the zip.
#[test]
fn terraform_installs_the_zip_and_checks_it_against_sha256sums() {
    let out = tempfile::tempdir().expect("temporary directory");
    release(out.path());
    let zip_sha = sums(&String::from_utf8(read(&out.path().join(sums_name()))).expect("UTF-8"))
        .into_iter()
        .find(|(_, name)| *name == zip_name())
        .map(|(hash, _)| hash)
        .expect("SHA256SUMS names the zip");

    // Packed layout: HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip.
    let packed = tempfile::tempdir().expect("temporary directory");
    let provider_dir: PathBuf = packed.path().join(SOURCE);
    std::fs::create_dir_all(&provider_dir).expect("create packed mirror");
    std::fs::copy(out.path().join(zip_name()), provider_dir.join(zip_name())).expect("copy zip");

    // A wrong checksum is refused: Terraform really compares the zip with the lock file.
    let wrong = Workspace::with_mirror(&config(), packed.path());
    std::fs::write(
        wrong.dir.join(".terraform.lock.hcl"),
        lock_with(&format!("zh:{}", "0".repeat(64))),
    )
    .expect("write lock file");
    let refused = wrong
        .terraform(&["init", "-input=false", "-no-color"])
        .expect_failure("init with a wrong zh: checksum");
    // Terraform wraps the message: compare with the line breaks undone.
    let words = refused
        .stderr
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("doesn't match any of the checksums previously recorded"),
        "{}",
        refused.stderr
    );

    // The checksum from SHA256SUMS is accepted and stays in the lock file with the h1:
    // hash of what Terraform unpacked, which is the same as the unpacked mirror's.
    let ws = Workspace::with_mirror(&config(), packed.path());
    std::fs::write(
        ws.dir.join(".terraform.lock.hcl"),
        lock_with(&format!("zh:{zip_sha}")),
    )
    .expect("write lock file");
    ws.init();
    let binary = binary();
    assert_eq!(
        locked_hashes(&ws),
        [h1(&entry_name(), &binary), format!("zh:{zip_sha}")]
    );
    plan_shows_flows(&ws);

    // What Terraform unpacked from the zip is the binary, executable.
    let installed = ws.dir.join(format!(
        ".terraform/providers/{SOURCE}/{VERSION}/{}/{}",
        platform(),
        entry_name()
    ));
    assert!(
        read(&installed) == binary,
        "unpacked provider is the binary"
    );
    let mode = std::fs::metadata(&installed)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755, "unpacked provider mode");
}
