//! The views for people and for port-list targets, on the quickstart estate: grouped
//! rules, the Markdown table and the Mermaid diagram.

mod outputs;

use panorama_provider::flows::{self, config::EstateConfig, GroupedRule, Known};
use serde_json::{json, Value};

use outputs::AllViews;

/// The estate of examples/quickstart, plus services and Cortex Data Lake without addresses.
fn quickstart() -> Value {
    json!({
        "panorama": {
            "version": "10.2.4", "model": "m-600", "collector_group": "east",
            "interfaces": { "log_collection": "eth1", "collector_group": "eth2" },
            "nodes": {
                "primary": { "addresses": { "mgt": ["10.0.0.10"], "eth1": ["10.0.1.10"], "eth2": ["10.0.2.10"] } },
                "secondary": { "addresses": { "mgt": ["10.0.0.11"], "eth1": ["10.0.1.11"], "eth2": ["10.0.2.11"] } },
            },
        },
        "log_collectors": {
            "lc-east-1": {
                "version": "10.2.4", "collector_group": "east", "model": "m-600",
                "interfaces": { "log_collection": "eth1", "collector_group": "eth2" },
                "addresses": { "mgt": ["10.1.0.5"], "eth1": ["10.1.1.5"], "eth2": ["10.1.2.5"] },
            },
        },
        "firewalls": {
            "branches": { "version": "10.1", "addresses": ["10.20.0.0/16"], "collector_group": "east" },
            "legacy-dc": { "version": "7.1.10", "addresses": ["10.30.0.0/24", "2001:db8:30::/64"] },
        },
    })
}

/// An output of a wholly known estate, which is always known.
fn known<T>(value: &Known<T>) -> &T {
    value.value().expect("known for a wholly known estate")
}

fn compute(estate: Value) -> AllViews {
    let config: EstateConfig = serde_json::from_value(estate).expect("estate fits the schema");
    let outcome = flows::compute(&config);
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    outcome.matrix.expect("a matrix").into()
}

fn group<'m>(m: &'m AllViews, appliance: &str, direction: &str, ports: &[&str]) -> &'m GroupedRule {
    m.grouped_rules
        .iter()
        .find(|g| g.appliance == appliance && g.direction == direction && g.ports == ports)
        .unwrap_or_else(|| panic!("no {direction} group on {appliance} for {ports:?}"))
}

#[test]
fn ha_ports_of_one_peer_gather_into_one_rule() {
    let m = compute(quickstart());
    let ha = group(&m, "panorama.primary", "ingress", &["28260", "28769"]);
    assert_eq!(ha.interface.as_deref(), Some("mgt"));
    assert_eq!(ha.protocol, "tcp");
    assert_eq!(ha.peers, ["panorama.secondary@mgt"]);
    assert_eq!(*known(&ha.cidrs_ipv4), ["10.0.0.11/32"]);
    assert!(known(&ha.cidrs_ipv6).is_empty());
    assert_eq!(*known(&ha.appliance_cidrs_ipv4), ["10.0.0.10/32"]);
    assert_eq!(ha.applications, ["panorama"]);
    assert_eq!(ha.description, "ha-sync from panorama.secondary@mgt");
    assert_eq!(
        ha.key,
        "panorama.primary@mgt:ingress:appliances:tcp:28260,28769"
    );
    assert!(
        ha.name.starts_with("pano-primary-mgt-in-tcp-"),
        "{}",
        ha.name
    );
    assert_eq!(ha.flow_keys.len(), 2);
}

#[test]
fn ports_with_different_peers_stay_apart() {
    let m = compute(quickstart());
    // Both firewall groups send 3978 to the primary's MGT; only branches (10.1) fetches
    // updates on 28443, so 28443 gets a group of its own.
    let mgmt = group(&m, "panorama.primary", "ingress", &["3978"]);
    assert!(
        mgmt.peers.contains(&"firewall.legacy-dc".to_owned()),
        "{:?}",
        mgmt.peers
    );
    let updates = group(&m, "panorama.primary", "ingress", &["28443"]);
    assert_eq!(
        updates.peers,
        ["firewall.branches", "log_collector.lc-east-1@mgt"]
    );
    assert_ne!(mgmt.key, updates.key);
}

#[test]
fn ports_with_different_app_ids_stay_apart() {
    // The dedicated Log Collector reaches the primary's eth2 on 28 (ssh) and on 3978 and
    // 28270 (panorama): a PAN-OS rule must not allow ssh on 3978.
    let m = compute(quickstart());
    let ssh = group(&m, "panorama.primary", "ingress", &["28"]);
    assert_eq!(ssh.applications, ["ssh"]);
    let panorama = group(&m, "panorama.primary", "ingress", &["3978", "28270"]);
    assert_eq!(panorama.interface.as_deref(), Some("eth2"));
    assert_eq!(panorama.applications, ["panorama"]);
    assert_eq!(ssh.peers, panorama.peers);
}

#[test]
fn a_new_peer_on_the_same_ports_keeps_the_key_name_and_priority() {
    let before = compute(quickstart());
    let mut estate = quickstart();
    estate["firewalls"]["branches-2"] =
        json!({ "version": "10.1", "addresses": ["10.21.0.0/16"], "collector_group": "east" });
    let after = compute(estate);
    let grown = after
        .grouped_rules
        .iter()
        .filter(|g| g.peers.contains(&"firewall.branches-2".to_owned()))
        .filter(|g| g.direction == "ingress")
        .collect::<Vec<_>>();
    assert!(!grown.is_empty());
    for g in grown {
        let old = before
            .grouped_rules
            .iter()
            .find(|b| b.key == g.key)
            .unwrap_or_else(|| panic!("{} is new", g.key));
        assert_eq!(
            (&old.name, old.priority),
            (&g.name, g.priority),
            "{}",
            g.key
        );
        assert!(known(&g.cidrs_ipv4).contains(&"10.21.0.0/16".to_owned()));
    }
}

#[test]
fn ipv6_peers_are_listed_apart_from_ipv4() {
    // A dual-stack primary MGT, so that legacy-dc's IPv6 range pairs with it.
    let mut estate = quickstart();
    estate["panorama"]["nodes"]["primary"]["addresses"]["mgt"] =
        json!(["10.0.0.10", "2001:db8::10"]);
    let m = compute(estate);
    let from_legacy = m
        .grouped_rules
        .iter()
        .find(|g| g.appliance == "firewall.legacy-dc" && g.direction == "egress")
        .expect("legacy-dc egress group");
    assert_eq!(*known(&from_legacy.appliance_cidrs_ipv4), ["10.30.0.0/24"]);
    assert_eq!(
        *known(&from_legacy.appliance_cidrs_ipv6),
        ["2001:db8:30::/64"]
    );
    let to_legacy = m
        .grouped_rules
        .iter()
        .find(|g| {
            g.appliance == "panorama.primary"
                && g.interface.as_deref() == Some("mgt")
                && g.peers.contains(&"firewall.legacy-dc".to_owned())
        })
        .expect("a group on the primary's MGT with legacy-dc as peer");
    assert!(known(&to_legacy.cidrs_ipv4).contains(&"10.30.0.0/24".to_owned()));
    assert_eq!(*known(&to_legacy.cidrs_ipv6), ["2001:db8:30::/64"]);
}

#[test]
fn port_ranges_read_as_from_dash_to() {
    let mut estate = quickstart();
    estate["services"] = json!({ "traps_esm": { "addresses": ["192.0.2.0/24"] } });
    let m = compute(estate);
    let traps = group(&m, "panorama.primary", "ingress", &["23000-23999"]);
    assert_eq!(traps.peers, ["service.traps_esm"]);
    assert!(m
        .grouped_rules
        .iter()
        .any(|g| g.protocol == "udp" && g.ports == ["23000-23999"]));
}

#[test]
fn peers_without_addresses_give_no_group() {
    // Cortex Data Lake declared without addresses: the firewalls' flow to it exists, but
    // a rule with no CIDRs would mean "anywhere" to GCP, so no group is made.
    let mut estate = quickstart();
    estate["firewalls"]["branches"]["cortex_data_lake"] = json!(true);
    estate["cortex_data_lake"] = json!({});
    let m = compute(estate);
    assert!(m.flows.iter().any(|f| f.destination == "cortex_data_lake"));
    assert!(m
        .grouped_rules
        .iter()
        .all(|g| !g.peers.contains(&"cortex_data_lake".to_owned())));
    assert!(known(&m.flows_markdown).contains("| cortex_data_lake | not declared |"));
}

#[test]
fn names_and_priorities_fit_azure_and_gcp() {
    let m = compute(quickstart());
    assert!(!m.grouped_rules.is_empty());
    let mut names: Vec<&str> = m.grouped_rules.iter().map(|g| g.name.as_str()).collect();
    let mut priorities: Vec<u16> = m.grouped_rules.iter().filter_map(|g| g.priority).collect();
    names.sort_unstable();
    names.dedup();
    priorities.sort_unstable();
    priorities.dedup();
    assert_eq!(names.len(), m.grouped_rules.len());
    assert_eq!(priorities.len(), m.grouped_rules.len());
    assert!(priorities
        .iter()
        .all(|p| (100..=4094).contains(p) && p % 2 == 0));
}

#[test]
fn markdown_has_one_row_per_flow() {
    let m = compute(quickstart());
    let lines: Vec<&str> = known(&m.flows_markdown).lines().collect();
    assert_eq!(
        lines[0],
        "| Source | Source addresses | Destination | Destination addresses | Protocol | Ports | App-ID | Purpose |"
    );
    assert_eq!(lines.len(), m.flows.len() + 2);
    assert!(lines.contains(
        &"| panorama.primary@mgt | 10.0.0.10/32 | panorama.secondary@mgt | 10.0.0.11/32 | tcp | 28260 | panorama | ha-sync |"
    ));
    assert!(lines.contains(
        &"| firewall.legacy-dc | 10.30.0.0/24, 2001:db8:30::/64 | panorama.primary@mgt | 10.0.0.10/32 | tcp | 3978 | panorama | device-management |"
    ));
}

#[test]
fn mermaid_draws_each_endpoint_once_and_one_arrow_per_pair() {
    let m = compute(quickstart());
    let diagram = &m.flows_mermaid;
    assert!(diagram.starts_with("flowchart LR\n"));
    for heading in ["Panorama", "Log Collectors", "Firewalls"] {
        assert!(diagram.contains(&format!("[\"{heading}\"]")), "{heading}");
    }
    assert_eq!(diagram.matches("[\"panorama.primary\"]").count(), 1);
    let node = |name: &str| {
        let line = diagram
            .lines()
            .find(|l| l.ends_with(&format!("[\"{name}\"]")))
            .unwrap_or_else(|| panic!("no node {name}"));
        line.trim().split('[').next().unwrap_or_default().to_owned()
    };
    let arrow = format!(
        "  {} -->|\"tcp/28, tcp/3978, tcp/28260, tcp/28270, tcp/28769\"| {}",
        node("panorama.primary"),
        node("panorama.secondary")
    );
    assert!(diagram.lines().any(|l| l == arrow), "{arrow}\n{diagram}");
    let arrows = diagram.lines().filter(|l| l.contains("-->")).count();
    let mut pairs: Vec<(&str, &str)> = m
        .flows
        .iter()
        .map(|f| (f.source.as_str(), f.destination.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    assert_eq!(arrows, pairs.len());
}

/// Two firewall groups declaring one CIDR, a third with its own, and a dual-stack Panorama.
fn shared_cidr() -> Value {
    json!({
        "panorama": {
            "version": "10.2",
            "nodes": { "p": { "addresses": { "mgt": ["10.0.0.10", "2001:db8:100::10"] } } },
        },
        "firewalls": {
            "branch-a": { "version": "10.1", "addresses": ["10.20.0.0/16"] },
            "branch-b": { "version": "10.1", "addresses": ["10.20.0.0/16"] },
            "dc": { "version": "10.1", "addresses": ["10.30.0.0/24"] },
        },
    })
}

#[test]
fn peers_sharing_a_cidr_share_one_rule_that_names_them() {
    let m = compute(shared_cidr());
    let on_3978: Vec<_> = known(&m.ingress_rules)
        .iter()
        .filter(|r| r.from_port == 3978 && known(&r.cidr_ipv4).as_deref() == Some("10.20.0.0/16"))
        .collect();
    assert_eq!(on_3978.len(), 1, "{on_3978:#?}");
    let rule = on_3978[0];
    // Each group declares one address: a rule is keyed by its flow alone, the shared one
    // by the smaller flow key.
    assert_eq!(rule.key, "firewall.branch-a>panorama.p@mgt:tcp:3978");
    assert_eq!(rule.peer, "firewall.branch-a");
    assert_eq!(rule.flow_key, "firewall.branch-a>panorama.p@mgt:tcp:3978");
    assert_eq!(rule.peers, ["firewall.branch-a", "firewall.branch-b"]);
    assert_eq!(
        rule.flow_keys,
        [
            "firewall.branch-a>panorama.p@mgt:tcp:3978",
            "firewall.branch-b>panorama.p@mgt:tcp:3978"
        ]
    );
    assert_eq!(
        rule.description,
        "device-management,log-forwarding from firewall.branch-a, firewall.branch-b"
    );
    // A group with a CIDR of its own keeps a rule of its own.
    let dc = known(&m.ingress_rules)
        .iter()
        .find(|r| r.from_port == 3978 && known(&r.cidr_ipv4).as_deref() == Some("10.30.0.0/24"))
        .expect("dc's rule");
    assert_eq!(
        (dc.peers.as_slice(), dc.flow_keys.len()),
        (&["firewall.dc".to_owned()][..], 1)
    );
    // Each group's egress rule is on its own appliance: nothing to merge.
    let egress = known(&m.egress_rules)
        .iter()
        .filter(|r| r.from_port == 3978 && known(&r.cidr_ipv4).as_deref() == Some("10.0.0.10/32"));
    assert_eq!(egress.count(), 3);
}

#[test]
fn a_long_list_of_peers_is_named_in_part() {
    let mut estate = shared_cidr();
    for i in 0..12 {
        estate["firewalls"][format!("branch-office-{i:02}")] =
            json!({ "version": "10.1", "addresses": ["10.20.0.0/16"] });
    }
    let m = compute(estate);
    let rule = known(&m.ingress_rules)
        .iter()
        .find(|r| r.from_port == 3978 && known(&r.cidr_ipv4).as_deref() == Some("10.20.0.0/16"))
        .expect("the shared rule");
    assert_eq!(rule.peers.len(), 14);
    assert!(rule.description.chars().count() <= flows::views::MAX_DESCRIPTION);
    assert!(
        rule.description.starts_with("device-management,log-forwarding from firewall.branch-a, firewall.branch-b, firewall.branch-office-00")
            && rule.description.ends_with(" more"),
        "{}",
        rule.description
    );
}

#[test]
fn rules_pair_only_families_the_appliance_has() {
    // An IPv4-only Log Collector and a dual-stack Panorama: the Log Collector gets no IPv6
    // egress rule (it could never match), Panorama gets no IPv6 ingress rule from it.
    let m = compute(json!({
        "panorama": {
            "version": "10.2",
            "nodes": { "pan-a": { "addresses": { "mgt": ["10.0.0.10", "2001:db8:100::10"] } } },
        },
        "log_collectors": {
            "lc-1": { "version": "10.2", "collector_group": "cg", "addresses": { "mgt": ["10.1.0.5"] } },
        },
        "firewalls": {
            "v6-only": { "version": "10.2", "addresses": ["2001:db8:30::/64"] },
            "unknown": { "version": "10.2" },
        },
    }));
    let lc_egress: Vec<_> = known(&m.egress_rules)
        .iter()
        .filter(|r| r.appliance == "log_collector.lc-1")
        .collect();
    assert!(!lc_egress.is_empty());
    assert!(
        lc_egress.iter().all(|r| known(&r.cidr_ipv6).is_none()),
        "{lc_egress:#?}"
    );
    let to_pan_a: Vec<_> = lc_egress
        .iter()
        .filter(|r| r.flow_key == "log_collector.lc-1@mgt>panorama.pan-a@mgt:tcp:3978")
        .collect();
    assert_eq!(
        to_pan_a.len(),
        1,
        "only the IPv4 address of pan-a: {to_pan_a:#?}"
    );
    // The IPv6-only group pairs with Panorama's IPv6 address only.
    let v6: Vec<_> = known(&m.egress_rules)
        .iter()
        .filter(|r| r.appliance == "firewall.v6-only")
        .collect();
    assert!(
        !v6.is_empty()
            && v6
                .iter()
                .all(|r| known(&r.cidr_ipv6).as_deref() == Some("2001:db8:100::10/128"))
    );
    // A group without addresses has nothing to pair against: it keeps both families.
    let unknown: Vec<_> = known(&m.egress_rules)
        .iter()
        .filter(|r| r.appliance == "firewall.unknown" && r.from_port == 3978)
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:#?}");
    // The grouped rules pair the same way.
    assert!(m
        .grouped_rules
        .iter()
        .filter(|g| g.appliance == "log_collector.lc-1")
        .all(|g| known(&g.cidrs_ipv6).is_empty()));
}

#[test]
fn ipv4_mapped_ipv6_addresses_are_written_as_ipv4() {
    let m = compute(json!({
        "panorama": { "version": "10.2", "nodes": { "p": { "addresses": { "mgt": ["10.0.0.10"] } } } },
        "firewalls": { "fw": { "version": "10.2", "addresses": ["::ffff:10.20.0.5", "::ffff:10.21.0.0/112"] } },
    }));
    let flow = m
        .flows
        .iter()
        .find(|f| f.source == "firewall.fw")
        .expect("a flow");
    assert_eq!(
        *known(&flow.source_addresses),
        ["10.20.0.5/32", "10.21.0.0/16"]
    );
    assert!(known(&m.ingress_rules)
        .iter()
        .filter(|r| r.peer == "firewall.fw")
        .all(|r| known(&r.cidr_ipv6).is_none() && known(&r.cidr_ipv4).is_some()));
}

#[test]
fn updates_allow_both_of_their_app_ids() {
    let m = compute(quickstart());
    let updates = group(&m, "panorama.primary", "ingress", &["28443"]);
    assert_eq!(updates.applications, ["paloalto-updates", "panorama"]);
    let flow = m
        .flows
        .iter()
        .find(|f| f.key == "firewall.branches>panorama.primary@mgt:tcp:28443")
        .expect("the update flow");
    assert_eq!(flow.application, "paloalto-updates");
    assert_eq!(flow.applications, ["paloalto-updates", "panorama"]);
    assert!(
        known(&m.flows_markdown).contains("| tcp | 28443 | paloalto-updates, panorama | updates |")
    );
}
