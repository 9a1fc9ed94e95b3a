//! The benchmarks' equipment, kept honest by small runs: the estate generator
//! (benches/support/estate.rs) and the pure-HCL baseline module (bench/firewall-flows),
//! which must compute exactly the provider's firewall -> Panorama ingress rules.

#[path = "../benches/support/estate.rs"]
mod estate;
mod support;

use std::collections::{BTreeMap, BTreeSet};

use panorama_provider::flows::{self, input::Input};
use panorama_provider::provider::FlowMatrixProvider;
use panorama_provider::tfproto::tfplugin6::provider_server::Provider;
use serde_json::{json, Value as Json};

use estate::Shape;
use support::{Workspace, HEADER};

/// Rules (a JSON list) by their `key`.
fn rules_by_key(rules: &Json) -> BTreeMap<String, Json> {
    let rules = rules.as_array().expect("a list of rules");
    let by_key: BTreeMap<String, Json> = rules
        .iter()
        .map(|rule| {
            (
                rule["key"].as_str().expect("a key").to_owned(),
                rule.clone(),
            )
        })
        .collect();
    assert_eq!(by_key.len(), rules.len(), "keys are unique");
    by_key
}

fn firewall_groups(estate: &Json) -> &serde_json::Map<String, Json> {
    estate["firewalls"]
        .as_object()
        .expect("firewalls is an object")
}

#[test]
fn estates_are_deterministic_and_have_the_shape_asked_for() {
    for shape in [Shape::groups(12), Shape::wide(12), Shape::groups(0)] {
        let estate = estate::estate(&shape).expect("fits");
        assert_eq!(
            estate.to_string(),
            estate::estate(&shape).expect("fits").to_string(),
            "{shape:?}"
        );
        let groups = firewall_groups(&estate);
        assert_eq!(groups.len(), shape.firewall_groups, "{shape:?}");
        let collectors = estate["log_collectors"].as_object().expect("an object");
        assert_eq!(collectors.len(), shape.log_collectors, "{shape:?}");
        let mut cidrs = BTreeSet::new();
        for group in groups.values() {
            let addresses = group["addresses"].as_array().expect("a list");
            assert_eq!(addresses.len(), shape.cidrs_per_group, "{group}");
            cidrs.extend(addresses.iter().map(|a| a.as_str().expect("a string")));
        }
        assert_eq!(
            cidrs.len(),
            shape.firewall_groups * shape.cidrs_per_group,
            "every firewall CIDR is its own"
        );
    }
    let wide = estate::estate(&Shape::wide(12)).expect("fits");
    let collector_groups: BTreeSet<&str> = wide["log_collectors"]
        .as_object()
        .expect("an object")
        .values()
        .map(|c| c["collector_group"].as_str().expect("a string"))
        .collect();
    assert_eq!(collector_groups.len(), 5, "50 collectors, ten to a group");
}

#[test]
fn estates_beyond_the_address_plan_are_refused() {
    let error = estate::estate(&Shape::groups(30_000)).expect_err("60,000 /24s do not fit");
    assert!(error.contains("do not fit"), "{error}");
    assert!(estate::estate(&Shape::groups(24_576)).is_ok());
}

/// How many flows from firewalls the engine computes for `estate`, by purpose.
fn firewall_flows(estate: &Json) -> BTreeMap<String, usize> {
    let outcome = flows::compute_input(&Input::from(estate));
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    let mut purposes = BTreeMap::new();
    for flow in outcome.matrix.and_then(|m| m.flows).expect("flows") {
        if flow.source_kind == "firewall" {
            *purposes.entry(flow.purpose).or_default() += 1;
        }
    }
    purposes
}

#[test]
fn the_engine_takes_every_estate_and_each_has_every_firewall_flow() {
    // 24 groups: versions cycle with period 3, log destinations with period 8.
    let purposes = firewall_flows(&estate::estate(&Shape::groups(24)).expect("fits"));
    // To each of the 2 Panorama nodes: management for all 24 groups, logs from groups 1,
    // 9 and 17, updates from the 16 groups not on 7.1; and logs from the other 21 groups
    // to each of the 4 collectors of their group.
    let expected = [
        ("device-management", 2 * 24),
        ("log-forwarding", 2 * 3 + 21 * 4),
        ("updates", 2 * 16),
    ];
    assert_eq!(purposes, expected.map(|(p, n)| (p.to_owned(), n)).into());
    let wide = firewall_flows(&estate::estate(&Shape::wide(24)).expect("fits"));
    assert_eq!(
        wide["log-forwarding"],
        2 * 3 + 21 * 10,
        "ten collectors a group"
    );
}

/// The size of the state the provider reads for `estate`, which must hold no error.
async fn state_bytes(estate: &Json) -> usize {
    let request = estate::read_request(estate).expect("encodes");
    let response = FlowMatrixProvider::default()
        .read_data_source(tonic::Request::new(request))
        .await
        .expect("answers")
        .into_inner();
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    response.state.expect("a state").msgpack.len()
}

#[tokio::test]
async fn the_read_request_is_what_the_provider_reads() {
    let estate = estate::estate(&Shape::groups(3)).expect("fits");
    let full = state_bytes(&estate).await;
    assert!(full > 0);

    // The selection the scale curve and the plans use: a much smaller state.
    let selection = json!({ "views": ["grouped_rules"], "appliances": ["panorama.*"] });
    let selected = estate::with_inputs(estate.clone(), &selection).expect("merges");
    let small = state_bytes(&selected).await;
    assert!(small * 3 < full, "{small} bytes selected, {full} in all");

    let selected = estate::with_inputs(estate, &json!({ "no_such_input": ["x"] })).expect("merges");
    let error = estate::read_request(&selected).expect_err("not an attribute");
    assert!(error.contains("`no_such_input`"), "{error}");
}

/// The module's rules and the provider's firewall -> Panorama ingress rules for the
/// generated estate, and for the same estate with every Panorama function on `mgt` (so
/// management and logs share a rule), a host address among a group's CIDRs, a group with
/// one address (its rules keyed by the flow key alone) and releases either side of 8.0.
#[test]
fn the_hcl_module_computes_the_providers_firewall_to_panorama_rules() {
    let generated = estate::estate(&Shape::groups(9)).expect("fits");
    let mut on_mgt = generated.clone();
    on_mgt["panorama"]
        .as_object_mut()
        .expect("an object")
        .remove("interfaces");
    on_mgt["firewalls"]["fw-00009"]["addresses"]
        .as_array_mut()
        .expect("a list")
        .push(json!("10.9.9.9"));
    on_mgt["firewalls"]["fw-00003"]["addresses"] = json!(["10.9.9.3"]);
    // The first release with the updates flow, and the last without.
    on_mgt["firewalls"]["fw-00001"]["version"] = json!("8.0");
    on_mgt["firewalls"]["fw-00002"]["version"] = json!("7.1.9");
    let locals = json!({ "locals": { "generated": generated, "on_mgt": on_mgt } });

    let mut config = String::from(HEADER);
    for estate in ["generated", "on_mgt"] {
        config.push_str(&format!(
            r#"
data "panorama_flow_matrix" "{estate}" {{
  panorama       = local.{estate}.panorama
  log_collectors = local.{estate}.log_collectors
  firewalls      = local.{estate}.firewalls
}}

module "{estate}" {{
  source    = "./firewall-flows"
  panorama  = local.{estate}.panorama
  firewalls = local.{estate}.firewalls
}}

output "provider_{estate}" {{
  value = [
    for rule in data.panorama_flow_matrix.{estate}.ingress_rules : rule
    if startswith(rule.peer, "firewall.") && startswith(rule.appliance, "panorama.")
  ]
}}

output "module_{estate}" {{
  value = values(module.{estate}.ingress_rules)
}}
"#
        ));
    }
    let ws = Workspace::with_config(&config);
    std::fs::write(ws.dir.join("estates.tf.json"), locals.to_string()).expect("write estates");
    let module = support::repo().join("bench/firewall-flows");
    let copy = ws.dir.join("firewall-flows");
    std::fs::create_dir(&copy).expect("module directory");
    for entry in std::fs::read_dir(&module).expect("bench/firewall-flows") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, copy.join(path.file_name().expect("a file"))).expect("copy");
    }
    ws.init();
    ws.terraform(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .expect_ok("apply");

    for estate in ["generated", "on_mgt"] {
        let provider = rules_by_key(&ws.output(&format!("provider_{estate}")));
        let module = rules_by_key(&ws.output(&format!("module_{estate}")));
        assert!(provider.len() > 40, "{estate}: {} rules", provider.len());
        assert_eq!(
            module.keys().collect::<Vec<_>>(),
            provider.keys().collect::<Vec<_>>(),
            "{estate}: the module's rule keys (left) differ from the provider's"
        );
        for (key, rule) in &module {
            // The provider's rules carry more (e.g. every peer of a shared CIDR); the
            // module writes what a user needs for one security group rule.
            let fields = rule.as_object().expect("a rule is an object");
            for (field, value) in fields {
                assert_eq!(
                    value, &provider[key][field],
                    "{estate}: `{field}` of {key}: module (left), provider (right)"
                );
            }
        }
    }
    let merged = ws.output("module_on_mgt");
    assert!(
        merged.as_array().expect("a list").iter().any(|rule| {
            rule["description"] == "device-management,log-forwarding from firewall.fw-00009"
                && rule["cidr_ipv4"] == "10.9.9.9/32"
        }),
        "management and logs on one interface share a rule: {merged}"
    );
    assert!(
        merged.as_array().expect("a list").iter().any(|rule| {
            rule["key"] == "firewall.fw-00003>panorama.primary@mgt:tcp:3978"
                && rule["cidr_ipv4"] == "10.9.9.3/32"
        }),
        "a group's only address keys its rules by the flow key: {merged}"
    );
}
