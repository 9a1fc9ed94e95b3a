//! The selection: each output computed alone equals the same output computed with every
//! other, and the appliance filter keeps rules identical to the unfiltered ones.

use std::collections::BTreeSet;

use serde_json::json;

use super::{views_in_parallel, views_in_turn, Views};
use crate::flows::cancel::{CancelToken, Cancelled};

use crate::flows::config::EstateConfig;
use crate::flows::selection::View;
use crate::flows::{compute, Flow, FlowMatrix, GroupedRule, Known, Rule};

/// HA Panorama on two interfaces, two Log Collectors, WildFire, a service, and firewall
/// groups two of which share a CIDR (so rules merge peers) and one on IPv6 as well.
fn estate(selection: serde_json::Value) -> EstateConfig {
    let mut estate = json!({
        "panorama": {
            "version": "10.2.4", "model": "m-600", "collector_group": "east",
            "interfaces": { "log_collection": "eth1" },
            "nodes": {
                "primary": { "addresses": { "mgt": ["10.0.0.10", "2001:db8::10"], "eth1": ["10.0.1.10"] } },
                "secondary": { "addresses": { "mgt": ["10.0.0.11"], "eth1": ["10.0.1.11"] } },
            },
        },
        "log_collectors": {
            "lc-1": { "version": "10.2.4", "collector_group": "east", "addresses": { "mgt": ["10.1.0.5"] } },
            "lc-2": { "version": "10.2.4", "collector_group": "west", "addresses": { "mgt": ["10.1.0.6"] } },
        },
        "firewalls": {
            "branches": { "version": "10.1", "addresses": ["10.20.0.0/16", "2001:db8:20::/48"], "collector_group": "east" },
            "dc": { "version": "9.1", "addresses": { "core": "10.30.0.0/16", "edge": "10.31.0.0/16" }, "collector_group": "west" },
            "shared": { "version": "10.1", "addresses": ["10.20.0.0/16"] },
        },
        "wildfire": { "wf-1": { "version": "10.1", "addresses": ["10.40.0.9"] } },
        "services": { "ntp": { "addresses": ["10.9.0.1"] } },
    });
    for (key, value) in selection.as_object().into_iter().flatten() {
        estate[key] = value.clone();
    }
    serde_json::from_value(estate).expect("the estate fits the model")
}

fn matrix(selection: serde_json::Value) -> FlowMatrix {
    let outcome = compute(&estate(selection));
    assert_eq!(outcome.diagnostics, []);
    outcome.matrix.expect("no error, so a matrix")
}

fn rules(rules: &Option<Known<Vec<Rule>>>) -> &[Rule] {
    rules
        .as_ref()
        .and_then(Known::value)
        .expect("selected and known")
}

/// The outputs that are not null, by name.
fn present(m: &FlowMatrix) -> Vec<&'static str> {
    let present = [
        (View::Flows, m.flows.is_some()),
        (View::IngressRules, m.ingress_rules.is_some()),
        (View::EgressRules, m.egress_rules.is_some()),
        (View::GroupedRules, m.grouped_rules.is_some()),
        (View::FlowsMarkdown, m.flows_markdown.is_some()),
        (View::FlowsMermaid, m.flows_mermaid.is_some()),
    ];
    present
        .into_iter()
        .filter(|(_, is)| *is)
        .map(|(view, _)| view.name())
        .collect()
}

#[test]
fn without_a_selection_every_output_is_computed() {
    let all = matrix(json!({}));
    assert_eq!(present(&all), View::ALL.map(View::name));
    assert!(matches!(&all.id, Known::Value(id) if id.len() == 64));
}

#[test]
fn a_view_alone_is_the_same_as_among_all_the_others() {
    let all = matrix(json!({}));
    for view in View::ALL {
        let one = matrix(json!({ "views": [view.name()] }));
        assert_eq!(present(&one), [view.name()], "{view:?}");
        assert_eq!(one.id, all.id, "the id does not depend on the selection");
        let expected = FlowMatrix {
            id: all.id.clone(),
            flows: (view == View::Flows).then(|| all.flows.clone()).flatten(),
            ingress_rules: (view == View::IngressRules)
                .then(|| all.ingress_rules.clone())
                .flatten(),
            egress_rules: (view == View::EgressRules)
                .then(|| all.egress_rules.clone())
                .flatten(),
            grouped_rules: (view == View::GroupedRules)
                .then(|| all.grouped_rules.clone())
                .flatten(),
            flows_markdown: (view == View::FlowsMarkdown)
                .then(|| all.flows_markdown.clone())
                .flatten(),
            flows_mermaid: (view == View::FlowsMermaid)
                .then(|| all.flows_mermaid.clone())
                .flatten(),
        };
        assert_eq!(one, expected, "{view:?}");
    }
}

#[test]
fn filtered_rules_are_the_unfiltered_rules_of_the_selected_appliances() {
    let all = matrix(json!({}));
    for patterns in [
        json!(["panorama.*"]),
        json!(["log_collector.lc-1", "wildfire.*"]),
        json!(["firewall.*"]),
        json!(["panorama.secondary", "*.lc-2"]),
    ] {
        let names: Vec<String> = serde_json::from_value(patterns.clone()).unwrap();
        let wanted = |appliance: &str| {
            names
                .iter()
                .any(|p| crate::flows::selection::matches(p, appliance))
        };
        let some = matrix(json!({ "appliances": patterns }));
        for (filtered, unfiltered) in [
            (rules(&some.ingress_rules), rules(&all.ingress_rules)),
            (rules(&some.egress_rules), rules(&all.egress_rules)),
        ] {
            let expected: Vec<&Rule> = unfiltered.iter().filter(|r| wanted(&r.appliance)).collect();
            assert!(!expected.is_empty() || names == ["firewall.*"], "{names:?}");
            assert_eq!(filtered.iter().collect::<Vec<_>>(), expected, "{names:?}");
        }
        let grouped = |m: &FlowMatrix| m.grouped_rules.clone().expect("selected");
        let expected: Vec<GroupedRule> = grouped(&all)
            .into_iter()
            .filter(|g| wanted(&g.appliance))
            .collect();
        assert!(!expected.is_empty(), "{names:?}");
        // Keys, names and priorities included: the whole rule is the same.
        assert_eq!(grouped(&some), expected, "{names:?}");
        let appliance = |name: &str, kind: &str| {
            kind != "service" && kind != "cortex_data_lake" && wanted(name)
        };
        let flows: Vec<Flow> = all
            .flows
            .clone()
            .expect("selected")
            .into_iter()
            .filter(|f| {
                appliance(&f.source, &f.source_kind)
                    || appliance(&f.destination, &f.destination_kind)
            })
            .collect();
        assert_eq!(some.flows.as_ref(), Some(&flows), "{names:?}");
        let Some(Known::Value(table)) = &some.flows_markdown else {
            panic!("a known table")
        };
        assert_eq!(table.lines().count(), flows.len() + 2, "{names:?}");
        assert_eq!(some.id, all.id);
    }
}

#[test]
fn the_filter_drops_the_other_appliances_rules() {
    let some = matrix(
        json!({ "views": ["ingress_rules", "grouped_rules"], "appliances": ["panorama.*"] }),
    );
    let ingress = rules(&some.ingress_rules);
    assert!(ingress.iter().all(|r| r.appliance.starts_with("panorama.")));
    assert!(ingress.iter().any(|r| r.peer == "firewall.dc"));
    let all = matrix(json!({}));
    assert!(rules(&some.ingress_rules).len() < rules(&all.ingress_rules).len());
    assert_eq!(present(&some), ["ingress_rules", "grouped_rules"]);
}

#[test]
fn a_refused_selection_computes_nothing() {
    let outcome = compute(&estate(
        json!({ "views": ["grouped"], "appliances": ["panorama.primry"] }),
    ));
    assert_eq!(outcome.matrix, None);
    let found: Vec<(String, &str)> = outcome
        .diagnostics
        .iter()
        .map(|d| (d.path.to_string(), d.summary.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("views[0]".to_owned(), "Unknown view"),
            ("appliances[0]".to_owned(), "Pattern matches no appliance"),
        ]
    );
    assert!(outcome.diagnostics[1]
        .detail
        .contains("Did you mean `panorama.primary`?"));
}

#[test]
fn a_selection_not_known_yet_waits_for_its_value() {
    use crate::flows::input::Input;
    let written = serde_json::to_value(estate(json!({}))).expect("serialises");
    let Input::Map(mut entries) = Input::from(written) else {
        panic!("a map")
    };
    entries.insert(
        "views".into(),
        Input::List(vec![Input::String("flows".into()), Input::Unknown]),
    );
    entries.insert("appliances".into(), Input::Unknown);
    let input = Input::Map(entries);
    let outcome = crate::flows::compute_input(&input);
    assert_eq!(outcome.matrix, None);
    assert_eq!(outcome.diagnostics, []);
    assert_eq!(crate::flows::check_input(&input), []);
}

/// The views of `selection` over `firewalls` firewall groups (none: the estate's own),
/// built on threads and in turn, with `cancel`.
fn both_ways(
    selection: serde_json::Value,
    firewalls: usize,
    cancel: &CancelToken,
) -> (Result<Views, Cancelled>, Result<Views, Cancelled>) {
    let mut config = estate(selection);
    if firewalls > 0 {
        let groups: serde_json::Map<String, serde_json::Value> = (0..firewalls)
            .map(|i| {
                let group = json!({
                    "version": "10.1",
                    "addresses": [format!("10.{}.{}.0/24", 100 + i / 250, i % 250)],
                    "collector_group": if i % 2 == 0 { "east" } else { "west" },
                });
                (format!("group-{i}"), group)
            })
            .collect();
        let mut written = serde_json::to_value(&config).expect("serialises");
        written["firewalls"] = serde_json::Value::Object(groups);
        config = serde_json::from_value(written).expect("the estate fits the model");
    }
    let (flows, diagnostics) =
        crate::flows::analyse(&config, &BTreeSet::new(), &CancelToken::new()).expect("runs");
    let (flows, selection) = flows.unwrap_or_else(|| panic!("no flows: {diagnostics:?}"));
    (
        views_in_parallel(&flows, &selection, cancel),
        views_in_turn(&flows, &selection, cancel),
    )
}

#[test]
fn views_built_on_threads_equal_views_built_in_turn() {
    let selections = [
        json!({}),
        json!({ "views": ["egress_rules", "grouped_rules", "flows_mermaid"] }),
        json!({ "views": ["ingress_rules", "flows_markdown"], "appliances": ["panorama.*"] }),
    ];
    for selection in selections {
        for firewalls in [0, 300] {
            let (parallel, in_turn) = both_ways(selection.clone(), firewalls, &CancelToken::new());
            let in_turn = in_turn.expect("not cancelled");
            assert!(in_turn.id.is_known(), "{selection}");
            assert_eq!(
                parallel,
                Ok(in_turn),
                "{selection}, {firewalls} firewall groups"
            );
        }
    }
}

#[test]
fn views_built_on_threads_stop_when_cancelled() {
    let cancel = CancelToken::new();
    cancel.cancel();
    let (parallel, in_turn) = both_ways(json!({}), 300, &cancel);
    assert_eq!((parallel, in_turn), (Err(Cancelled), Err(Cancelled)));
}
