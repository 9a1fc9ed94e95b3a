//! Planning with addresses known only after apply (the function `flow_matrix`), and the
//! one key scheme the function and the data source share (SPEC "Keys").
//!
//! Estates are written as JSON in which the string `"<unknown>"` stands for a value
//! Terraform knows only after apply. The function's side, through the RPC handlers, is
//! in `functions.rs`.

mod wire;

mod outputs;

use std::collections::BTreeMap;

use panorama_provider::flows::{self, input::Input, Known, Rule};
use panorama_provider::provider::{output, schema};
use serde_json::{json, Value};

use outputs::AllViews;

/// The estate as the engine's reader receives it, `"<unknown>"` read as unknown.
fn input(json: &Value) -> Input {
    match json {
        Value::String(text) if text == wire::UNKNOWN => Input::Unknown,
        Value::Array(items) => Input::List(items.iter().map(input).collect()),
        Value::Object(entries) => {
            Input::Map(entries.iter().map(|(k, v)| (k.clone(), input(v))).collect())
        }
        other => Input::from(other),
    }
}

fn outcome(estate: &Value) -> flows::Outcome {
    flows::compute_input(&input(estate))
}

fn matrix(estate: &Value) -> AllViews {
    let outcome = outcome(estate);
    let errors: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    outcome.matrix.expect("a matrix").into()
}

/// The rules of a list that must be known, by key.
fn rules(list: &Known<Vec<Rule>>) -> BTreeMap<&str, &Rule> {
    list.value()
        .expect("the rule list is known")
        .iter()
        .map(|r| (r.key.as_str(), r))
        .collect()
}

/// Panorama on an ENI created in the same plan, a firewall group with a known range.
fn same_plan() -> Value {
    json!({
        "panorama": {
            "version": "10.2",
            "nodes": { "a": { "addresses": { "mgt": ["<unknown>"] } } },
        },
        "firewalls": { "branches": { "version": "10.1", "addresses": ["10.20.0.0/16"] } },
        "services": { "dns": { "addresses": ["10.0.0.2"] } },
    })
}

#[test]
fn one_unknown_address_per_interface_plans_with_known_keys() {
    let m = matrix(&same_plan());
    let ingress = rules(&m.ingress_rules);
    let egress = rules(&m.egress_rules);
    // The firewalls reach Panorama: the peer CIDR is known, the key is the flow key.
    let mgmt = ingress["firewall.branches>panorama.a@mgt:tcp:3978"];
    assert_eq!(mgmt.cidr_ipv4, Known::Value(Some("10.20.0.0/16".into())));
    assert_eq!(mgmt.cidr_ipv6, Known::Value(None));
    // The firewall group's egress to Panorama: the peer is the unknown address.
    let to_pano = egress["firewall.branches>panorama.a@mgt:tcp:3978"];
    assert_eq!(
        (&to_pano.cidr_ipv4, &to_pano.cidr_ipv6),
        (&Known::Unknown, &Known::Unknown)
    );
    assert_eq!(to_pano.peer, "panorama.a");
    assert_eq!(
        to_pano.description,
        "device-management,log-forwarding to panorama.a"
    );
    // Panorama's own egress to DNS: known peer.
    let dns = egress["panorama.a@mgt>service.dns:udp:53"];
    assert_eq!(dns.cidr_ipv4, Known::Value(Some("10.0.0.2/32".into())));
    // What needs the address waits for it; everything else is known.
    assert_eq!(m.id, Known::Unknown);
    assert_eq!(m.flows_markdown, Known::Unknown);
    assert!(m.flows_mermaid.contains("panorama.a"));
    for flow in &m.flows {
        let pano_is_source = flow.source == "panorama.a";
        assert_eq!(
            flow.source_addresses.is_known(),
            !pano_is_source,
            "{}",
            flow.key
        );
        assert_eq!(
            flow.destination_addresses.is_known(),
            pano_is_source,
            "{}",
            flow.key
        );
    }
    for group in &m.grouped_rules {
        let peer_unknown = group.peers.iter().any(|p| p.starts_with("panorama.a"));
        assert_eq!(group.cidrs_ipv4.is_known(), !peer_unknown, "{}", group.key);
        assert_eq!(group.cidrs_ipv6.is_known(), !peer_unknown, "{}", group.key);
        let own_unknown = group.appliance == "panorama.a";
        assert_eq!(
            group.appliance_cidrs_ipv4.is_known(),
            !own_unknown,
            "{}",
            group.key
        );
    }
}

/// Every value known at plan equals the value at apply, compared as Terraform values.
fn conforms(plan: &AllViews, apply: &AllViews) {
    let ty = schema::outputs_type().expect("outputs type");
    let plan = output::to_value(plan, &ty).expect("plan as a value");
    let apply = output::to_value(apply, &ty).expect("apply as a value");
    wire::assert_conforms(&plan, &apply);
}

#[test]
fn what_is_known_at_plan_is_what_apply_computes() {
    let plan = matrix(&same_plan());
    let mut known = same_plan();
    known["panorama"]["nodes"]["a"]["addresses"]["mgt"] = json!(["10.0.0.10"]);
    let apply = matrix(&known);
    conforms(&plan, &apply);
}

#[test]
fn named_addresses_known_after_apply_keep_known_keys() {
    let estate = json!({
        "panorama": { "version": "10.2", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.10"] } } } },
        "firewalls": { "b": { "version": "10.1", "addresses": { "east": "10.20.0.0/16", "west": "<unknown>" } } },
    });
    let m = matrix(&estate);
    let ingress = rules(&m.ingress_rules);
    let east = ingress["firewall.b>panorama.a@mgt:tcp:3978#east"];
    assert_eq!(east.cidr_ipv4, Known::Value(Some("10.20.0.0/16".into())));
    let west = ingress["firewall.b>panorama.a@mgt:tcp:3978#west"];
    assert_eq!(west.cidr_ipv4, Known::Unknown);
    let mut known = estate.clone();
    known["firewalls"]["b"]["addresses"]["west"] = json!("10.21.0.0/16");
    conforms(&m, &matrix(&known));
}

#[test]
fn an_unknown_in_an_unnamed_list_of_several_leaves_its_rule_list_unknown() {
    let estate = json!({
        "panorama": { "version": "10.2", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.10"] } } } },
        "firewalls": { "b": { "version": "10.1", "addresses": ["10.20.0.0/16", "<unknown>"] } },
    });
    let m = matrix(&estate);
    // The firewall group's addresses are the peers of Panorama's ingress rules.
    assert_eq!(m.ingress_rules, Known::Unknown);
    // Panorama's address is the peer of the group's egress rules: known.
    assert!(m.egress_rules.is_known());
    assert!(!m.flows.is_empty());
}

#[test]
fn any_other_unknown_value_waits_without_an_error() {
    for (pointer, value) in [
        ("/panorama/version", json!("<unknown>")),
        ("/panorama/nodes/a/addresses/mgt", json!("<unknown>")),
        ("/firewalls", json!("<unknown>")),
        ("/services/dns/ports", json!(["<unknown>"])),
    ] {
        let mut estate = same_plan();
        estate["services"]["dns"]["ports"] = json!([53]);
        *estate.pointer_mut(pointer).expect("the estate has it") = value;
        let outcome = outcome(&estate);
        assert_eq!(outcome.matrix, None, "{pointer}");
        assert_eq!(outcome.diagnostics, [], "{pointer}");
    }
}

#[test]
fn errors_in_known_values_are_reported_next_to_unknown_addresses() {
    let mut estate = same_plan();
    estate["firewalls"]["branches"]["version"] = json!("ten");
    let outcome = outcome(&estate);
    assert_eq!(outcome.matrix, None);
    let found: Vec<String> = outcome
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.path, d.summary))
        .collect();
    assert_eq!(found, ["firewalls[\"branches\"].version: Invalid version"]);
}

/// An HA pair and a firewall group whose addresses are `addresses`.
fn firewall_group(addresses: Value) -> Value {
    json!({
        "panorama": {
            "version": "10.2",
            "nodes": {
                "a": { "addresses": { "mgt": ["10.0.0.10"] } },
                "b": { "addresses": { "mgt": ["10.0.0.11"] } },
            },
        },
        "firewalls": { "branches": { "version": "10.1", "addresses": addresses } },
        "wildfire": { "wf": { "version": "10.1", "addresses": ["10.5.0.0/28", "10.6.0.0/28"] } },
    })
}

/// The keys of the rules whose peer CIDR is `cidr`, ingress and egress.
fn keys_for(m: &AllViews, cidr: &str) -> Vec<String> {
    let cidr = Known::Value(Some(cidr.to_owned()));
    rules(&m.ingress_rules)
        .into_values()
        .chain(rules(&m.egress_rules).into_values())
        .filter(|r| r.cidr_ipv4 == cidr)
        .map(|r| r.key.clone())
        .collect()
}

#[test]
fn removing_one_address_of_three_keeps_the_keys_of_the_other_two() {
    let three = ["10.20.0.0/16", "10.21.0.0/16", "10.22.0.0/16"];
    let named = |names: &[&str]| {
        let map: serde_json::Map<String, Value> = names
            .iter()
            .map(|name| {
                let index = ["east", "west", "north"]
                    .iter()
                    .position(|n| n == name)
                    .expect("a name");
                (name.to_string(), json!(three[index]))
            })
            .collect();
        Value::Object(map)
    };
    for (before, after) in [
        (json!(three), json!([three[0], three[2]])),
        (named(&["east", "west", "north"]), named(&["east", "north"])),
    ] {
        let before = matrix(&firewall_group(before));
        let after = matrix(&firewall_group(after));
        for kept in [three[0], three[2]] {
            let keys = keys_for(&before, kept);
            assert!(keys.len() >= 4, "{kept}: {keys:?}");
            assert_eq!(keys, keys_for(&after, kept), "{kept}");
            for key in &keys {
                assert_eq!(
                    rules(&before.ingress_rules)
                        .get(key.as_str())
                        .or(rules(&before.egress_rules).get(key.as_str())),
                    rules(&after.ingress_rules)
                        .get(key.as_str())
                        .or(rules(&after.egress_rules).get(key.as_str())),
                    "{key} changed"
                );
            }
        }
        assert!(keys_for(&after, three[1]).is_empty());
    }
}

#[test]
fn keys_hold_names_or_digests_never_addresses() {
    let m = matrix(&firewall_group(json!(["10.20.0.0/16", "10.21.0.0/16"])));
    let keys = keys_for(&m, "10.20.0.0/16");
    let flow = "firewall.branches>panorama.a@mgt:tcp:3978";
    let key = keys
        .iter()
        .find(|k| k.starts_with(flow))
        .expect("a rule to panorama.a");
    let digest = key
        .strip_prefix(&format!("{flow}#"))
        .expect("flow key, then #");
    assert_eq!(digest.len(), 12);
    assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
    for rule in rules(&m.ingress_rules)
        .values()
        .chain(rules(&m.egress_rules).values())
    {
        assert!(!rule.key.contains("10.2"), "{}", rule.key);
        assert!(!rule.key.contains('/'), "{}", rule.key);
    }
    // One address, unnamed: the flow key. Going from one to two addresses re-keys it.
    let one = matrix(&firewall_group(json!(["10.20.0.0/16"])));
    assert!(keys_for(&one, "10.20.0.0/16").contains(&flow.to_owned()));
    // Changing a named address's value keeps its key: the rule updates in place.
    let named = |cidr: &str| matrix(&firewall_group(json!({ "east": cidr })));
    let old = keys_for(&named("10.20.0.0/16"), "10.20.0.0/16");
    let new = keys_for(&named("10.40.0.0/16"), "10.40.0.0/16");
    assert_eq!(old, new);
    assert!(old.contains(&format!("{flow}#east")));
}

#[test]
fn merged_rules_keep_the_smallest_key_and_unknown_addresses_never_merge() {
    let estate = json!({
        "panorama": { "version": "10.2", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.10"] } } } },
        "firewalls": {
            "x": { "version": "10.1", "addresses": ["10.20.0.0/16"] },
            "y": { "version": "10.1", "addresses": { "n": "10.20.0.0/16" } },
            "z": { "version": "10.1", "addresses": ["<unknown>"] },
        },
    });
    let m = matrix(&estate);
    let ingress = rules(&m.ingress_rules);
    let shared = ingress["firewall.x>panorama.a@mgt:tcp:3978"];
    assert_eq!(shared.peers, ["firewall.x", "firewall.y"]);
    assert!(!ingress.contains_key("firewall.y>panorama.a@mgt:tcp:3978#n"));
    let alone = ingress["firewall.z>panorama.a@mgt:tcp:3978"];
    assert_eq!(alone.peers, ["firewall.z"]);
    assert_eq!(alone.cidr_ipv4, Known::Unknown);
}
