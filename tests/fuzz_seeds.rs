//! The fuzz targets' seed corpus (`fuzz/corpus/`): the estates of the examples, as the
//! provider receives them, each one an estate the engine computes without error.
//!
//! `PANORAMA_UPDATE_FUZZ_SEEDS=1` (`make fuzz-corpus`) rewrites the corpus first: every
//! `panorama_flow_matrix` of the examples is planned by the real terraform against the
//! release build, and its arguments are read back from `terraform show -json`. Each estate
//! becomes a seed of every target, in that target's input form.

mod support;

use std::path::{Path, PathBuf};

use panorama_provider::flows::{self, config::EstateConfig};
use panorama_provider::provider::flow_matrix::FlowMatrixDataSource;
use panorama_provider::provider::schema::computed_attribute_names;
use panorama_provider::tfproto::{msgpack, Value};
use support::{repo, Workspace};

/// Example directories that plan with this provider alone, each without the entries
/// named (the target examples need their cloud's provider; their estate is the
/// quickstart's shape with services, which SPEC.md's estate below covers too).
const EXAMPLES: &[(&str, &[&str])] = &[
    ("examples/quickstart", &[]),
    ("examples/data-sources/panorama_flow_matrix", &[]),
];

fn corpus(target: &str) -> PathBuf {
    repo().join("fuzz/corpus").join(target)
}

/// `value` without its null attributes, as the estate would be written by hand.
fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(fields) => fields
            .into_iter()
            .filter(|(_, item)| !item.is_null())
            .map(|(name, item)| (name, without_nulls(item)))
            .collect(),
        serde_json::Value::Array(items) => items.into_iter().map(without_nulls).collect(),
        other => other,
    }
}

/// Every flow-matrix estate of the examples, named `example-dir.data-source`.
fn example_estates() -> Vec<(String, serde_json::Value)> {
    let computed = computed_attribute_names().expect("schema");
    let mut estates = Vec::new();
    for (dir, leave_out) in EXAMPLES {
        let ws = Workspace::from_dir_without(dir, leave_out);
        // Registry snippets leave out the provider's source address.
        let declares_source = std::fs::read_dir(&ws.dir)
            .expect("workspace")
            .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
            .any(|text| text.contains("required_providers"));
        if !declares_source {
            let terraform = "terraform {\n  required_providers {\n    panorama = { source = \"flowmatrix/panorama\" }\n  }\n}\n";
            std::fs::write(ws.dir.join("terraform.tf"), terraform).expect("write terraform.tf");
        }
        ws.init();
        ws.terraform(&["plan", "-input=false", "-no-color", "-out=seed.tfplan"])
            .expect_ok("plan");
        let shown = ws
            .terraform(&["show", "-json", "seed.tfplan"])
            .expect_ok("show");
        let plan: serde_json::Value = serde_json::from_str(&shown.stdout).expect("plan JSON");
        let resources = plan["prior_state"]["values"]["root_module"]["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for resource in resources {
            if resource["type"] != "panorama_flow_matrix" {
                continue;
            }
            let mut values = resource["values"].clone();
            let fields = values.as_object_mut().expect("values are an object");
            fields.retain(|name, _| !computed.contains(name));
            let name = format!(
                "{}.{}",
                Path::new(dir).file_name().unwrap().to_string_lossy(),
                resource["name"].as_str().expect("name")
            );
            estates.push((name, without_nulls(values)));
        }
    }
    // The contract's own example (SPEC.md) touches every part of an estate the examples
    // leave out: WildFire, Cortex Data Lake, IPv6, service options.
    estates.push(("spec.estate".to_owned(), spec_estate()));
    // Examples that share an estate give one seed.
    let mut seen = std::collections::BTreeSet::new();
    estates.retain(|(_, estate)| seen.insert(estate.to_string()));
    estates
}

/// SPEC.md's estate.
fn spec_estate() -> serde_json::Value {
    serde_json::json!({
        "panorama": {
            "version": "10.2.4", "model": "m-600", "mode": "panorama",
            "collector_group": "east", "ha_encryption": true,
            "interfaces": { "device_management": "mgt", "log_collection": "eth1",
                            "collector_group": "eth2", "device_deployment": "eth3" },
            "nodes": {
                "primary": { "addresses": { "mgt": ["10.0.0.10"], "eth1": ["10.0.1.10"], "eth2": ["10.0.2.10"], "eth3": ["2001:db8::10"] } },
                "secondary": { "addresses": { "mgt": ["10.0.0.11"], "eth1": ["10.0.1.11"], "eth2": ["10.0.2.11"] } },
            },
        },
        "log_collectors": { "lc-east-1": {
            "version": "10.2.4", "collector_group": "east", "model": "m-600",
            "interfaces": { "log_collection": "eth1", "collector_group": "eth2" },
            "addresses": { "mgt": ["10.1.0.5"], "eth1": ["10.1.1.5"], "eth2": ["10.1.2.5"] },
        } },
        "firewalls": { "branches": {
            "version": "10.1", "addresses": ["10.20.0.0/16", "2001:db8:20::/48"],
            "collector_group": "east", "cortex_data_lake": true,
        } },
        "wildfire": { "wf-cluster": { "version": "10.1", "addresses": ["10.5.0.0/28"] } },
        "cortex_data_lake": { "addresses": [] },
        "services": {
            "admin": { "addresses": ["192.0.2.0/24"] },
            "dns": { "addresses": ["10.0.0.2"] },
            "syslog": { "addresses": ["10.9.0.5"], "transport": "ssl", "include_log_collectors": true },
            "ldap": { "addresses": ["10.9.0.7"], "ports": [636] },
        },
    })
}

/// SPEC.md's estate with addresses known only after apply (a node's, and a named one of a
/// firewall group), as the `function` target writes unknowns.
fn spec_estate_with_unknown_addresses() -> serde_json::Value {
    let mut estate = spec_estate();
    let unknown = serde_json::json!("(known after apply)");
    estate["panorama"]["nodes"]["primary"]["addresses"]["mgt"] = serde_json::json!([unknown]);
    estate["firewalls"]["branches"]["addresses"] =
        serde_json::json!({ "east": unknown, "west": "10.21.0.0/16" });
    estate
}

/// Writes each estate as a seed of every target.
fn write_corpus(estates: &[(String, serde_json::Value)]) {
    let data_source = FlowMatrixDataSource::new().expect("schema");
    let ty = data_source.schema().block.value_type();
    for target in ["engine", "json", "data_source", "msgpack", "function"] {
        let dir = corpus(target);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("corpus directory");
    }
    for (name, estate) in estates {
        let json = serde_json::to_vec_pretty(estate).expect("JSON");
        let config = Value::from_literal_object(estate, &ty).expect("an estate of the schema");
        let wire = msgpack::encode(&config, &ty).expect("encodes");
        let write = |target: &str, form: Option<u8>, bytes: &[u8]| {
            let mut seed = form.map(|byte| vec![byte]).unwrap_or_default();
            seed.extend_from_slice(bytes);
            std::fs::write(corpus(target).join(name), seed).expect("write seed");
        };
        write("engine", None, &json);
        write("json", None, &json);
        // data_source and function: an odd first byte means structured JSON.
        write("data_source", Some(1), &json);
        write("function", Some(1), &json);
        // msgpack: type 0 is the data source's configuration type.
        write("msgpack", Some(0), &wire);
    }
    let json = serde_json::to_vec_pretty(&spec_estate_with_unknown_addresses()).expect("JSON");
    let mut seed = vec![1];
    seed.extend_from_slice(&json);
    std::fs::write(corpus("function").join(UNKNOWN_SEED), seed).expect("write seed");
}

/// The `function` target's seed with addresses known only after apply.
const UNKNOWN_SEED: &str = "spec-unknown-addresses.estate";

#[test]
fn seed_corpus_holds_the_examples_valid_estates() {
    if std::env::var_os("PANORAMA_UPDATE_FUZZ_SEEDS").is_some() {
        write_corpus(&example_estates());
    }
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(corpus("engine"))
        .expect("fuzz/corpus/engine (make fuzz-corpus)")
        .map(|entry| entry.expect("entry").path())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 3, "{seeds:?}");
    for seed in &seeds {
        let bytes = std::fs::read(seed).expect("read seed");
        let config: EstateConfig = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{}: not an estate: {e}", seed.display()));
        let outcome = flows::compute(&config);
        assert!(
            outcome
                .matrix
                .is_some_and(|m| m.flows.is_some_and(|f| !f.is_empty())),
            "{}: {:?}",
            seed.display(),
            outcome.diagnostics
        );
        // The same estate seeds the other JSON targets.
        let name = seed.file_name().expect("name");
        assert_eq!(
            std::fs::read(corpus("json").join(name)).ok(),
            Some(bytes.clone())
        );
        for target in ["data_source", "function"] {
            assert_eq!(
                std::fs::read(corpus(target).join(name))
                    .ok()
                    .map(|s| s[1..].to_vec()),
                Some(bytes.clone()),
                "{target}"
            );
        }
        assert!(corpus("msgpack").join(name).is_file());
    }
    let seed = std::fs::read(corpus("function").join(UNKNOWN_SEED)).expect("the unknowns seed");
    let estate: serde_json::Value = serde_json::from_slice(&seed[1..]).expect("JSON");
    assert_eq!(estate, spec_estate_with_unknown_addresses());
}
