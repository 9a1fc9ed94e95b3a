//! Registry documentation cannot drift from the provider.
//!
//! `docs/` is rendered from `templates/`, `examples/` and the provider's real schema: the
//! one `terraform providers schema -json` reports for the provider binary under test (as
//! HashiCorp's tfplugindocs reads it), its `dynamic` inputs spelled out from the estate's
//! JSON Schema, which the provider's reader checks them against. The check fails when an attribute has no
//! description or when `docs/` differs from the rendering; `make docs` (which sets
//! `PANORAMA_UPDATE_DOCS=1`) rewrites `docs/` instead. The examples the pages embed must
//! be formatted and plan against the real provider.

mod support;

#[path = "docs/render.rs"]
mod render;

use std::collections::BTreeSet;
use std::path::Path;

use panorama_provider::flows::catalog::MANAGED_ESTATE;
use panorama_provider::flows::schema;
use serde_json::Value;
use support::{platform, provider_binary, repo, unwrapped, Workspace, SOURCE, VERSION};

/// The provider's entry of `terraform providers schema -json`, the data source's inputs
/// spelled out from the model.
fn provider_schema() -> Value {
    let ws = Workspace::with_config(
        "terraform {\n  required_providers {\n    panorama = { source = \"flowmatrix/panorama\" }\n  }\n}\n",
    );
    ws.init();
    let run = ws
        .terraform(&["providers", "schema", "-json"])
        .expect_ok("providers schema -json");
    let mut json: Value = serde_json::from_str(&run.stdout).expect("schema is JSON");
    let mut provider = json["provider_schemas"][SOURCE].take();
    let block = &mut provider["data_source_schemas"]["panorama_flow_matrix"]["block"];
    let inputs = schema::estate_fields().expect("the estate's schema compiles");
    render::with_model_inputs(block, inputs).unwrap_or_else(|e| panic!("{e}"));
    provider
}

/// Line number and both versions of the first line where two texts differ.
fn first_difference(committed: &str, generated: &str) -> String {
    let (committed, generated): (Vec<_>, Vec<_>) =
        (committed.lines().collect(), generated.lines().collect());
    let length = committed.len().max(generated.len());
    match (0..length).find(|&i| committed.get(i) != generated.get(i)) {
        Some(i) => format!(
            "first difference at line {}:\n    committed: {}\n    generated: {}",
            i + 1,
            committed.get(i).unwrap_or(&"<end of file>"),
            generated.get(i).unwrap_or(&"<end of file>"),
        ),
        None => "the files differ in line endings or the final newline".into(),
    }
}

/// Every `.md` file under `dir`, as paths from the repository root.
fn markdown_files(root: &Path, dir: &str, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    for entry in entries.map(|e| e.expect("docs entry")) {
        let path = format!("{dir}/{}", entry.file_name().to_string_lossy());
        if entry.file_type().expect("file type").is_dir() {
            markdown_files(root, &path, found);
        } else if path.ends_with(".md") {
            found.push(path);
        }
    }
}

#[test]
fn registry_docs_match_the_provider_schema() {
    let schema = provider_schema();
    assert!(
        schema["data_source_schemas"].is_object(),
        "`terraform providers schema -json` has no data sources for {SOURCE}"
    );
    let undocumented = render::undocumented(&schema);
    assert!(
        undocumented.is_empty(),
        "the docs would leave these without a description (add a doc comment to the field \
         in src/flows/config.rs or src/flows/matrix.rs):\n  {}",
        undocumented.join("\n  ")
    );

    let root = repo();
    let pages = render::pages(&schema, "panorama", &root).unwrap_or_else(|e| panic!("{e}"));
    let update = std::env::var_os("PANORAMA_UPDATE_DOCS").is_some_and(|v| v == "1");
    let mut problems = Vec::new();
    for page in &pages {
        let path = root.join(&page.path);
        if update {
            std::fs::create_dir_all(path.parent().expect("docs directory")).expect("mkdir");
            std::fs::write(&path, &page.text).expect("write docs page");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(committed) if committed == page.text => {}
            Ok(committed) => problems.push(format!(
                "{} is out of date; {}",
                page.path,
                first_difference(&committed, &page.text)
            )),
            Err(e) => problems.push(format!("{} cannot be read: {e}", page.path)),
        }
    }
    let mut files = Vec::new();
    markdown_files(&root, "docs", &mut files);
    files.retain(|file| !pages.iter().any(|page| page.path == *file));
    problems.extend(
        files
            .into_iter()
            .map(|file| format!("{file} has no template or schema: delete it")),
    );
    assert!(
        problems.is_empty(),
        "docs/ disagrees with templates/, examples/ and the provider schema; run `make docs` \
         and commit the result:\n{}",
        problems.join("\n")
    );
}

#[test]
fn registry_examples_are_formatted_and_plan() {
    let root = repo();
    let provider = std::fs::read_to_string(root.join("examples/provider/provider.tf"))
        .expect("read examples/provider/provider.tf");
    let mut examples: Vec<_> = ["examples/data-sources", "examples/functions"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(root.join(dir)).unwrap_or_else(|e| panic!("read {dir}: {e}"))
        })
        .map(|entry| entry.expect("example entry").path())
        .collect();
    examples.sort();
    assert!(
        examples.len() >= 3,
        "data source and function examples: {examples:?}"
    );
    for example in examples {
        let ws = Workspace::with_config("");
        std::fs::remove_file(ws.dir.join("main.tf")).expect("remove main.tf");
        std::fs::write(ws.dir.join("provider.tf"), &provider).expect("write provider.tf");
        for file in std::fs::read_dir(&example).expect("read example") {
            let file = file.expect("example file").path();
            std::fs::copy(&file, ws.dir.join(file.file_name().expect("file name")))
                .expect("copy example file");
        }
        let what = example.strip_prefix(&root).unwrap_or(&example).display();
        ws.terraform(&["fmt", "-check", "-diff", "-no-color"])
            .expect_ok(&format!("fmt -check ({what} with examples/provider)"));
        ws.init();
        let plan = ws
            .terraform(&["plan", "-input=false", "-no-color"])
            .expect_ok(&format!("plan ({what} with examples/provider)"));
        assert!(
            plan.stdout.contains("Changes to Outputs:"),
            "{what}: the plan shows no outputs:\n{}",
            plan.stdout
        );
        if example.ends_with("functions/flow_matrix") {
            // The interface's address is known only after apply; the keys are not.
            for key in [
                "firewall.branches>panorama.primary@mgt:tcp:3978",
                "firewall.stores>panorama.primary@mgt:tcp:3978#east",
            ] {
                assert!(
                    plan.stdout.contains(key),
                    "{what}: no `{key}` in the plan:\n{}",
                    plan.stdout
                );
            }
        }
        if example.ends_with("functions/audit") {
            let shown = unwrapped(&plan.stdout);
            for finding in [
                "+ compliant = false",
                "+ \"firewall.branches>panorama.primary@mgt:tcp:28443\",",
                "+ \"everyone: 0.0.0.0/0 allows every IPv4 address\",",
            ] {
                assert!(
                    shown.contains(finding),
                    "{what}: no `{finding}`:\n{}",
                    plan.stdout
                );
            }
        }
        if example.ends_with("functions/chunk_rules") {
            assert!(
                plan.stdout.contains("\"panorama.primary@mgt#2\""),
                "{what}:\n{}",
                plan.stdout
            );
        }
        if example.ends_with("panorama_flow_matrix") {
            the_template_shows_what_the_example_draws(&ws);
            for flow in [
                "panorama.primary -> panorama.secondary tcp/28260 panorama",
                "firewall.branches -> panorama.secondary tcp/3978 panorama",
                "service.admin -> panorama.primary tcp/443 ssl",
                "panorama.secondary -> service.dns udp/53 dns",
            ] {
                assert!(
                    plan.stdout.contains(flow),
                    "{what}: no `{flow}` in the plan:\n{}",
                    plan.stdout
                );
            }
        }
    }
}

/// The data source page shows the example's real `flows_mermaid` and `flows_markdown`, so
/// the pictures in the docs cannot drift from what the provider computes.
fn the_template_shows_what_the_example_draws(ws: &Workspace) {
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply (the data source example)");
    let template =
        std::fs::read_to_string(repo().join("templates/data-sources/flow_matrix.md.tmpl"))
            .expect("read the data source template");
    let raw = |name: &str| {
        ws.terraform(&["output", "-raw", name])
            .expect_ok(&format!("output {name}"))
            .stdout
    };
    let mermaid = format!("```mermaid\n{}```", raw("flows_mermaid"));
    let markdown = raw("flows_markdown");
    for (what, shown) in [("flows_mermaid", &mermaid), ("flows_markdown", &markdown)] {
        assert!(
            template.contains(shown.as_str()),
            "templates/data-sources/flow_matrix.md.tmpl does not show the example's {what}; \
             it is now:\n{shown}"
        );
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// The body of the first ```` ```hcl ```` block in `text` whose first line starts with
/// `first`.
fn hcl_block(text: &str, first: &str, what: &str) -> String {
    let start = text
        .find(&format!("```hcl\n{first}"))
        .unwrap_or_else(|| panic!("{what} has no hcl block starting with `{first}`"));
    let body = &text[start + "```hcl\n".len()..];
    let end = body.find("```").expect("the block ends");
    body[..end].to_owned()
}

/// The Registry shows docs/ alone: every link in it is absolute or leads to another page
/// of docs/ (a link to ../README.md is dead there; ../functions/x.md from a data source
/// page is not).
#[test]
fn docs_link_only_to_pages_the_registry_has() {
    let root = repo();
    let mut files = Vec::new();
    markdown_files(&root, "docs", &mut files);
    assert!(!files.is_empty());
    let mut dead = Vec::new();
    for file in &files {
        let text = read(file);
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')').unwrap_or(rest.len())];
            if target.starts_with("https://") || target.starts_with('#') {
                continue;
            }
            let path = target.split('#').next().unwrap_or_default();
            let dir = Path::new(file).parent().expect("page directory");
            // `..` may lead from one kind of page to another (data-sources/ to
            // functions/), never out of docs/.
            let mut resolved = std::path::PathBuf::new();
            let mut inside = true;
            for component in dir.join(path).components() {
                match component {
                    std::path::Component::ParentDir => inside &= resolved.pop(),
                    other => resolved.push(other),
                }
            }
            let inside = inside && resolved.starts_with("docs");
            if !inside || !root.join(&resolved).is_file() {
                dead.push(format!("{file}: ({target})"));
            }
        }
    }
    assert!(
        dead.is_empty(),
        "links the Registry cannot follow:\n{}",
        dead.join("\n")
    );
}

/// The `provider_installation` block the README and docs/index.md show for users who
/// already have one installs the provider from where `make install` puts it.
#[test]
fn the_documented_provider_installation_block_installs_the_provider() {
    let block = hcl_block(&read("README.md"), "provider_installation {", "README.md");
    assert!(
        read("docs/index.md").contains(&block),
        "docs/index.md shows the README's block:\n{block}"
    );
    let ws = Workspace::with_config(
        "terraform {\n  required_providers {\n    panorama = { source = \"flowmatrix/panorama\" }\n  }\n}\n",
    );
    // A home directory after `make install`.
    let home = ws.dir.with_file_name("home");
    let plugins = home.join(format!(
        ".terraform.d/plugins/{SOURCE}/{VERSION}/{}",
        platform()
    ));
    std::fs::create_dir_all(&plugins).expect("create plugin directory");
    std::fs::copy(
        provider_binary(),
        plugins.join(format!("terraform-provider-panorama_v{VERSION}")),
    )
    .expect("install the provider");
    assert!(
        block.contains("\"/home/you/.terraform.d/plugins\""),
        "{block}"
    );
    ws.set_cli_config(&block.replace("/home/you", &home.to_string_lossy()));
    let run = ws
        .terraform(&["init", "-input=false", "-no-color"])
        .expect_ok("init with the documented provider_installation block");
    assert!(
        run.stdout.contains("- Installed flowmatrix/panorama v"),
        "{}",
        run.stdout
    );
}

/// Every row of the flow catalog has its description tag explained on the data source
/// page, and so do service tags; the table explains no tag the catalog lacks.
#[test]
fn every_description_tag_is_explained() {
    let template = read("templates/data-sources/flow_matrix.md.tmpl");
    let page = read("docs/data-sources/flow_matrix.md");
    for rule in MANAGED_ESTATE {
        let row = format!("| `{}` | ", rule.id);
        assert!(template.contains(&row), "the tag table has no row `{row}`");
    }
    assert!(template.contains("| `service.KEY` | "));
    let known: BTreeSet<&str> = MANAGED_ESTATE
        .iter()
        .map(|rule| rule.id)
        .chain(["service.KEY"])
        .collect();
    let table = &template[template.find("| tag | the flow |").expect("the tag table")..];
    let table = &table[..table.find("\n\n").unwrap_or(table.len())];
    for line in table.lines().skip(2) {
        let tag = line.split('`').nth(1).unwrap_or_default();
        assert!(
            known.contains(tag),
            "the tag table explains no catalog tag: {line}"
        );
    }
    assert!(page.contains("## Why a flow exists: the tags in descriptions"));
}

/// The refused-estate pattern the data source page shows works as shown: a `check` block
/// around the data source, and a run that expects the check to fail.
#[test]
fn the_documented_refusal_pattern_passes() {
    let template = read("templates/data-sources/flow_matrix.md.tmpl");
    let what = "the data source template";
    let module = hcl_block(&template, "# tests/refused/main.tf", what);
    let suite = hcl_block(&template, "# tests/refusals.tftest.hcl", what);
    assert!(
        suite.contains("expect_failures = [check.estate]"),
        "{suite}"
    );
    let ws = Workspace::with_config(
        "terraform {\n  required_providers {\n    panorama = { source = \"flowmatrix/panorama\" }\n  }\n}\n",
    );
    std::fs::create_dir_all(ws.dir.join("tests/refused")).expect("mkdir");
    std::fs::write(ws.dir.join("tests/refused/main.tf"), module).expect("write module");
    std::fs::write(ws.dir.join("tests/refusals.tftest.hcl"), suite).expect("write suite");
    ws.init();
    let run = ws.terraform(&["test", "-no-color"]);
    assert!(
        run.ok && run.stdout.contains("Success! 1 passed, 0 failed."),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}

/// The key examples and the counts the README gives are those of the quickstart estate.
#[test]
fn the_readme_key_examples_and_counts_are_real() {
    let readme = read("README.md");
    let start = readme
        .find("Every `key` is stable")
        .expect("the keys paragraph");
    let paragraph = &readme[start..start + readme[start..].find("\n\n").unwrap_or(0)];
    let examples: Vec<&str> = paragraph
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains('>') && s.contains(":tcp:") && !s.contains('['))
        .collect();
    assert!(examples.len() >= 3, "{paragraph}");
    let ws = Workspace::from_dir("examples/quickstart");
    ws.init();
    ws.terraform(&["apply", "-input=false", "-auto-approve", "-no-color"])
        .expect_ok("apply");
    let show = ws.terraform(&["show", "-json"]).expect_ok("show -json");
    let state: Value = serde_json::from_str(&show.stdout).expect("state JSON");
    let values = state["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["type"] == "panorama_flow_matrix"))
        .map(|r| &r["values"])
        .expect("data source in state");
    let flows = values["flows"].as_array().map_or(0, Vec::len);
    for claim in [
        format!("(10.1 and 7.1): {flows} flows."),
        format!("({flows} rows in all.)"),
    ] {
        assert!(
            readme.contains(&claim),
            "README.md should say `{claim}` of the quickstart"
        );
    }
    let keys: BTreeSet<&str> = ["flows", "ingress_rules", "egress_rules"]
        .iter()
        .flat_map(|list| values[*list].as_array().into_iter().flatten())
        .filter_map(|element| element["key"].as_str())
        .collect();
    for example in examples {
        assert!(
            keys.contains(example),
            "README key `{example}` is not a real key"
        );
    }
}
