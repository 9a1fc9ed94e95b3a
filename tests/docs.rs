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

use std::path::Path;

use panorama_provider::flows::schema;
use serde_json::Value;
use support::{repo, Workspace, SOURCE};

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
