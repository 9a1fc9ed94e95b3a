//! Property tests over random estates.
//!
//! Valid estates (random names, releases across every band, models, interface
//! assignments the model and release allow, services, IPv4 and IPv6 addresses) must
//! compute, with unique sorted keys, byte-identical outputs run after run, stable keys when
//! an unrelated appliance is added, and AWS-safe rule descriptions. Arbitrary strings and
//! numbers in every attribute must never panic: the engine answers with diagnostics.
//! Through the provider's RPC handlers, the function `flow_matrix` returns what the data
//! source reads, and what it knows at plan time with addresses unknown is what apply
//! computes.

mod wire;

mod outputs;

use std::collections::{BTreeMap, BTreeSet};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use panorama_provider::flows::{
    self,
    config::{
        AddressList, CortexDataLakeConfig, EstateConfig, FirewallGroupConfig, LogCollectorConfig,
        LogCollectorInterfaces, NodeConfig, PanoramaConfig, PanoramaInterfaces, ServiceConfig,
        WildfireConfig,
    },
    input::{Input, Number},
    schema::{self, Field, Shape},
    views, Known, Path, Step,
};
use panorama_provider::tfproto as wire_value;
use proptest::prelude::*;
use serde_json::{json, Value};

use outputs::AllViews;

/// Releases across every band, oldest first.
const VERSIONS: &[&str] = &[
    "5.0.4",
    "5.1",
    "6.0.2",
    "6.1",
    "7.1.3",
    "8.0",
    "8.0.5",
    "8.1.2",
    "9.1",
    "10.1.9",
    "10.2.4",
    "11.1.4-h7",
];
/// Index of the first release that manages WildFire and works with Cortex Data Lake.
const FROM_8_0_5: usize = 6;
const MODELS: &[&str] = &["vm", "m-100", "m-200", "m-300", "m-500", "m-600", "m-700"];
const INTERFACES: &[&str] = &["mgt", "eth1", "eth2", "eth3"];
const FUNCTIONS: &[&str] = &[
    "device_management",
    "log_collection",
    "collector_group",
    "device_deployment",
];
const GROUPS: &[&str] = &["east", "west", "north"];

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,10}"
}

/// A host or network, IPv4 or IPv6, written canonically.
fn address() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => (any::<u32>(), 8u8..=32).prop_map(|(bits, prefix)| {
            let net = Ipv4Net::new(bits.into(), prefix).map(|n| n.trunc());
            net.map_or_else(|_| "10.0.0.1".into(), |n| IpNet::V4(n).to_string())
        }),
        1 => (any::<u128>(), 32u8..=128).prop_map(|(bits, prefix)| {
            let net = Ipv6Net::new(bits.into(), prefix).map(|n| n.trunc());
            net.map_or_else(|_| "2001:db8::1".into(), |n| IpNet::V6(n).to_string())
        }),
        1 => any::<u32>().prop_map(|bits| std::net::Ipv4Addr::from(bits).to_string()),
        // A small pool, so that endpoints share addresses (and rules merge), with an
        // IPv4-mapped IPv6 host and the addresses that stand for everyone.
        3 => prop::sample::select(vec![
            "10.20.0.0/16",
            "10.30.0.5",
            "10.30.0.5/32",
            "::ffff:10.30.0.5",
            "2001:db8:20::/48",
            "0.0.0.0/0",
            "::/0",
        ])
        .prop_map(str::to_owned),
    ]
}

fn addresses() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(address(), 0..3)
}

/// The interface `wanted` for `function`, when `model` on release index `v` may carry it
/// there (FLOWS.md "Interfaces"); otherwise `mgt`.
fn fit(model: &str, v: usize, function: &str, wanted: &str) -> String {
    let m_series = model != "vm";
    // VERSIONS[3] is 6.1 and VERSIONS[5] is 8.0.
    let ok = wanted == "mgt"
        || (m_series && v >= 5) // 8.0 and later: anything on eth1..eth3 (every model has them)
        || (m_series
            && (3..5).contains(&v)
            && matches!(function, "log_collection" | "collector_group")
            && matches!(wanted, "eth1" | "eth2"));
    if ok { wanted } else { "mgt" }.to_owned()
}

/// An address as the engine writes it (a host becomes a /32 or /128).
fn canonical(text: &str) -> String {
    let host = |text: &str| {
        text.parse::<std::net::IpAddr>().map(|ip| match ip {
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
            v4 => v4,
        })
    };
    text.parse::<IpNet>()
        .or_else(|_| host(text).map(IpNet::from))
        .map_or_else(|_| text.to_owned(), |net| net.to_string())
}

/// `list` without the addresses in `taken`, which it then joins: a Panorama node or Log
/// Collector shares no address with another appliance (FLOWS.md: an error).
fn own_addresses(list: &[String], taken: &mut BTreeSet<String>) -> Vec<String> {
    list.iter()
        .filter(|a| taken.insert(canonical(a)))
        .cloned()
        .collect()
}

/// Addresses per interface the model has, none of them in `taken`.
fn interface_addresses(model: &str, raw: &RawAddresses, taken: &mut BTreeSet<String>) -> Value {
    let map: BTreeMap<&str, Vec<String>> = raw
        .iter()
        .filter(|(i, _)| model != "vm" || **i == 0)
        .map(|(i, list)| {
            (
                INTERFACES[*i % INTERFACES.len()],
                own_addresses(list, taken),
            )
        })
        .collect();
    json!(map)
}

/// `list` without the addresses of Panorama nodes and Log Collectors (`taken`): firewall
/// groups and WildFire entries may share addresses only with each other.
fn shared(list: &[String], taken: &BTreeSet<String>) -> Vec<String> {
    list.iter()
        .filter(|a| !taken.contains(&canonical(a)))
        .cloned()
        .collect()
}

/// Indexes into [`VERSIONS`] of the version band of `VERSIONS[v]`: 5.0, 5.1, 6.x-7.x, 8.x+.
fn band_of(v: usize) -> std::ops::RangeInclusive<usize> {
    match v {
        0 => 0..=0,
        1 => 1..=1,
        2..=4 => 2..=4,
        _ => 5..=VERSIONS.len() - 1,
    }
}

/// `v` moved into `band` (a band no later than Panorama's `pv`), no later than `pv`.
fn within(v: usize, band: &std::ops::RangeInclusive<usize>, pv: usize) -> usize {
    let (low, high) = (*band.start(), (*band.end()).min(pv));
    low + v % (high - low + 1)
}

/// Raw addresses per interface index (into [`INTERFACES`]).
type RawAddresses = BTreeMap<usize, Vec<String>>;
/// Release, model, group, interface choices and addresses of a Log Collector.
type RawLogCollector = (usize, usize, usize, Vec<usize>, RawAddresses);
/// Release, addresses, group and Cortex Data Lake choice of a firewall group.
type RawFirewall = (usize, Vec<String>, Option<usize>, bool);
/// Addresses, transport choice, include_log_collectors and ports of a service.
type RawService = (Vec<String>, usize, bool, Option<Vec<u16>>);

/// Random choices, turned into a valid estate by [`estate`].
#[derive(Debug, Clone)]
struct Raw {
    pano_v: usize,
    pano_model: usize,
    management_only: bool,
    pano_group: Option<usize>,
    ha_encryption: bool,
    pano_interfaces: Vec<usize>,
    nodes: BTreeMap<String, RawAddresses>,
    log_collectors: BTreeMap<String, RawLogCollector>,
    firewalls: BTreeMap<String, RawFirewall>,
    wildfire: BTreeMap<String, (usize, Vec<String>)>,
    cortex: Option<Vec<String>>,
    services: BTreeMap<usize, RawService>,
}

fn raw() -> impl Strategy<Value = Raw> {
    let iface_addrs = || prop::collection::btree_map(0..4usize, addresses(), 0..3);
    (
        (
            0..VERSIONS.len(),
            0..MODELS.len(),
            any::<bool>(),
            prop::option::of(0..GROUPS.len()),
            any::<bool>(),
            prop::collection::vec(0..INTERFACES.len(), 4),
            prop::collection::btree_map(name(), iface_addrs(), 1..=2),
        ),
        (
            prop::collection::btree_map(
                name(),
                (
                    0..VERSIONS.len(),
                    0..MODELS.len(),
                    0..GROUPS.len(),
                    prop::collection::vec(0..INTERFACES.len(), 2),
                    iface_addrs(),
                ),
                0..4,
            ),
            prop::collection::btree_map(
                name(),
                (
                    0..VERSIONS.len(),
                    addresses(),
                    prop::option::of(0..GROUPS.len()),
                    any::<bool>(),
                ),
                0..4,
            ),
            prop::collection::btree_map(name(), (0..VERSIONS.len(), addresses()), 0..3),
            prop::option::of(addresses()),
            prop::collection::btree_map(
                0..flows::services::SERVICES.len(),
                (
                    addresses(),
                    0..3usize,
                    any::<bool>(),
                    prop::option::of(prop::collection::vec(1u16..=65535, 1..3)),
                ),
                0..6,
            ),
        ),
    )
        .prop_map(
            |(
                (
                    pano_v,
                    pano_model,
                    management_only,
                    pano_group,
                    ha_encryption,
                    pano_interfaces,
                    nodes,
                ),
                (log_collectors, firewalls, wildfire, cortex, services),
            )| Raw {
                pano_v,
                pano_model,
                management_only,
                pano_group,
                ha_encryption,
                pano_interfaces,
                nodes,
                log_collectors,
                firewalls,
                wildfire,
                cortex,
                services,
            },
        )
}

/// A valid estate from raw choices: every device on Panorama's release or earlier,
/// WildFire and Cortex Data Lake only where their releases allow, interface assignments
/// the model and release allow, firewall groups naming groups that have a collector.
fn estate(raw: &Raw) -> Value {
    let pv = raw.pano_v;
    let pano_model = MODELS[raw.pano_model];
    let interfaces: BTreeMap<&str, String> = FUNCTIONS
        .iter()
        .zip(&raw.pano_interfaces)
        .map(|(f, i)| (*f, fit(pano_model, pv, f, INTERFACES[*i])))
        .collect();
    let mut taken = BTreeSet::new();
    let nodes: BTreeMap<&String, Value> = raw
        .nodes
        .iter()
        .map(|(n, a)| {
            let addresses = interface_addresses(pano_model, a, &mut taken);
            (n, json!({ "addresses": addresses }))
        })
        .collect();
    let mut groups: BTreeSet<&str> = BTreeSet::new();
    // Only Panorama in panorama mode has a local Log Collector to put in a group.
    let pano_group = raw
        .pano_group
        .map(|g| GROUPS[g])
        .filter(|_| !raw.management_only);
    groups.extend(pano_group);
    // The collectors of a group share a version band: Panorama's when it is a member,
    // else that of the group's first Log Collector.
    let mut bands: BTreeMap<&str, std::ops::RangeInclusive<usize>> = BTreeMap::new();
    bands.extend(pano_group.map(|g| (g, band_of(pv))));
    let log_collectors: BTreeMap<&String, Value> = raw
        .log_collectors
        .iter()
        .map(|(n, (v, m, g, ifaces, addrs))| {
            let band = bands
                .entry(GROUPS[*g])
                .or_insert_with(|| band_of(v % (pv + 1)));
            let v = within(*v, band, pv);
            let model = MODELS[*m];
            groups.insert(GROUPS[*g]);
            let lc_interfaces: BTreeMap<&str, String> = ["log_collection", "collector_group"]
                .iter()
                .zip(ifaces)
                .map(|(f, i)| (*f, fit(model, v, f, INTERFACES[*i])))
                .collect();
            let lc = json!({
                "version": VERSIONS[v], "model": model, "collector_group": GROUPS[*g],
                "interfaces": lc_interfaces, "addresses": interface_addresses(model, addrs, &mut taken),
            });
            (n, lc)
        })
        .collect();
    let cortex_ok = pv >= FROM_8_0_5;
    let firewalls: BTreeMap<&String, Value> = raw
        .firewalls
        .iter()
        .map(|(n, (v, addrs, g, cdl))| {
            let group = g.map(|g| GROUPS[g]).filter(|g| groups.contains(g));
            // Logging to Cortex Data Lake takes PAN-OS 8.0.5 or later.
            let cdl = *cdl && cortex_ok;
            let v = if cdl {
                within(*v, &(FROM_8_0_5..=VERSIONS.len() - 1), pv)
            } else {
                v % (pv + 1)
            };
            // Half the groups name their addresses (a map), the others list them.
            let addrs = shared(addrs, &taken);
            let addrs = if n.len() % 2 == 0 {
                let named: BTreeMap<String, &String> = addrs
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (format!("a{i}"), a))
                    .collect();
                json!(named)
            } else {
                json!(addrs)
            };
            let fw = json!({
                "version": VERSIONS[v], "addresses": addrs,
                "collector_group": group, "cortex_data_lake": cdl,
                // Some groups that log to Cortex Data Lake also log to Panorama.
                "duplicate_logging": cdl && n.len() % 3 == 0,
            });
            (n, fw)
        })
        .collect();
    let wildfire: BTreeMap<&String, Value> = if cortex_ok {
        raw.wildfire
            .iter()
            .map(|(n, (v, addrs))| {
                let v = FROM_8_0_5 + v % (pv + 1 - FROM_8_0_5);
                (
                    n,
                    json!({ "version": VERSIONS[v], "addresses": shared(addrs, &taken) }),
                )
            })
            .collect()
    } else {
        BTreeMap::new()
    };
    let all_vm = pano_model == "vm";
    let services: BTreeMap<&str, Value> = raw
        .services
        .iter()
        .filter_map(|(i, (addrs, transport, include, ports))| {
            let service = flows::services::SERVICES.get(*i)?;
            if service.virtual_appliance_only && !all_vm {
                return None;
            }
            let mut config = json!({
                "addresses": addrs,
                // Only virtual appliances may use NFS: leave Log Collectors (any model) out.
                "include_log_collectors": *include && !service.virtual_appliance_only,
            });
            if let Some(t) = service.transports.get(*transport) {
                config["transport"] = json!(t.name);
            }
            if service.ports_configurable {
                config["ports"] = json!(ports);
            }
            Some((service.key, config))
        })
        .collect();
    json!({
        "panorama": {
            "version": VERSIONS[pv], "model": pano_model,
            "mode": if raw.management_only { "management-only" } else { "panorama" },
            "collector_group": pano_group, "ha_encryption": raw.ha_encryption && raw.nodes.len() == 2,
            "interfaces": interfaces, "nodes": nodes,
        },
        "log_collectors": log_collectors,
        "firewalls": firewalls,
        "wildfire": wildfire,
        "cortex_data_lake": raw.cortex.as_ref().filter(|_| cortex_ok).map(|a| json!({ "addresses": a })),
        "services": services,
    })
}

/// An output of a wholly known estate, which is always known.
fn known<T>(value: &Known<T>) -> &T {
    value.value().expect("known for a wholly known estate")
}

fn compute(estate: &Value) -> AllViews {
    let config: EstateConfig =
        serde_json::from_value(estate.clone()).expect("generated estate fits the schema");
    let outcome = flows::compute(&config);
    let errors: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{estate:#}");
    outcome.matrix.expect("no error, so a matrix").into()
}

fn assert_sorted_unique<'k>(what: &str, keys: impl Iterator<Item = &'k str>) {
    let keys: Vec<&str> = keys.collect();
    for pair in keys.windows(2) {
        assert!(
            pair[0] < pair[1],
            "{what}: `{}` then `{}`",
            pair[0],
            pair[1]
        );
    }
}

/// Whether a CIDR is IPv6.
fn is_ipv6(cidr: &str) -> bool {
    cidr.contains(':')
}

/// Whether `cidr` is of a family `appliance` (an interface's CIDRs) has, or the interface
/// declares none.
fn pairs_with(cidr: &str, appliance: &[String]) -> bool {
    appliance.is_empty() || appliance.iter().any(|a| is_ipv6(a) == is_ipv6(cidr))
}

/// Rules a cloud accepts (SPEC "Rules that a cloud accepts"): no two rules of a list share
/// appliance, interface, protocol, ports and CIDR; every rule's CIDR is of a family its
/// appliance interface has; a rule lists the peers and flows it stands for.
fn assert_rules_a_cloud_accepts(m: &AllViews) {
    let flows: BTreeMap<&str, &flows::Flow> = m.flows.iter().map(|f| (f.key.as_str(), f)).collect();
    for (direction, rules) in [("ingress", &m.ingress_rules), ("egress", &m.egress_rules)] {
        let mut targets = BTreeSet::new();
        for r in known(rules) {
            let cidr = known(&r.cidr_ipv4)
                .as_deref()
                .or(known(&r.cidr_ipv6).as_deref())
                .unwrap_or_default();
            let target = (
                &r.appliance,
                &r.interface,
                &r.protocol,
                r.from_port,
                r.to_port,
                cidr,
            );
            assert!(targets.insert(target), "{direction}: {target:?} twice");
            assert!(
                r.peers.contains(&r.peer) && r.flow_keys.contains(&r.flow_key),
                "{}",
                r.key
            );
            assert_eq!(r.flow_keys.first(), Some(&r.flow_key), "{}", r.key);
            // The generated estates name the addresses of half the firewall groups (`a0`,
            // `a1`...) and list the others: the flow key alone for a list of one, else `#`
            // and the name, or 12 hex digits of the address; never the address itself.
            let suffix = r.key.strip_prefix(r.flow_key.as_str()).unwrap_or("?");
            let label = suffix.strip_prefix('#').unwrap_or("?");
            let digest = label.len() == 12 && label.bytes().all(|b| b.is_ascii_hexdigit());
            let name = label.starts_with('a') && label[1..].parse::<usize>().is_ok();
            assert!(
                suffix.is_empty() || digest || name,
                "{}: key of a rule of {}",
                r.key,
                r.flow_key
            );
            for key in &r.flow_keys {
                let flow = flows
                    .get(key.as_str())
                    .unwrap_or_else(|| panic!("no flow {key}"));
                let (appliance, peer) = match direction {
                    "ingress" => (
                        known(&flow.destination_addresses),
                        known(&flow.source_addresses),
                    ),
                    _ => (
                        known(&flow.source_addresses),
                        known(&flow.destination_addresses),
                    ),
                };
                assert!(
                    peer.iter().any(|p| p == cidr),
                    "{}: {cidr} is not the peer's",
                    r.key
                );
                assert!(
                    pairs_with(cidr, appliance),
                    "{}: {cidr} against {appliance:?}",
                    r.key
                );
            }
        }
    }
}

/// Grouped rules: unique sorted keys, names valid for GCP and Azure, unique priorities,
/// and exactly the per-CIDR rules again, port lists times CIDR lists.
fn assert_grouped_rules_match_per_cidr_rules(m: &AllViews) {
    assert_sorted_unique(
        "grouped_rules",
        m.grouped_rules.iter().map(|g| g.key.as_str()),
    );
    let mut names = BTreeSet::new();
    let mut priorities = BTreeSet::new();
    let mut from_groups = BTreeSet::new();
    for g in &m.grouped_rules {
        let name_ok = g.name.len() <= 60
            && g.name.starts_with(|c: char| c.is_ascii_lowercase())
            && g.name
                .ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && g.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        assert!(name_ok, "name {}", g.name);
        assert!(names.insert(g.name.as_str()), "name {} twice", g.name);
        let p = g.priority.expect("a priority");
        assert!((100..=4094).contains(&p) && p % 2 == 0, "priority {p}");
        assert!(priorities.insert(p), "priority {p} twice");
        assert!(g.description.chars().count() <= views::MAX_DESCRIPTION);
        assert!(
            g.description.chars().all(views::is_description_char),
            "{}",
            g.description
        );
        assert!(!g.ports.is_empty() && !g.peers.is_empty());
        for port in &g.ports {
            for cidr in known(&g.cidrs_ipv4).iter().chain(known(&g.cidrs_ipv6)) {
                let side = (
                    g.appliance.clone(),
                    g.interface.clone(),
                    g.direction.clone(),
                );
                from_groups.insert((side, g.protocol.clone(), port.clone(), cidr.clone()));
            }
        }
    }
    let rules = known(&m.ingress_rules)
        .iter()
        .map(|r| ("ingress", r))
        .chain(known(&m.egress_rules).iter().map(|r| ("egress", r)));
    let from_rules: BTreeSet<_> = rules
        .map(|(direction, r)| {
            let port = if r.from_port == r.to_port {
                r.from_port.to_string()
            } else {
                format!("{}-{}", r.from_port, r.to_port)
            };
            let cidr = known(&r.cidr_ipv4)
                .clone()
                .or(known(&r.cidr_ipv6).clone())
                .unwrap_or_default();
            let side = (
                r.appliance.clone(),
                r.interface.clone(),
                direction.to_owned(),
            );
            (side, r.protocol.clone(), port, cidr)
        })
        .collect();
    assert!(
        from_groups == from_rules,
        "grouped rules and per-CIDR rules disagree"
    );

    // Policy for a firewall in the path: ingress groups and egress groups to external
    // peers hold every flow whose peer on that side has addresses, exactly once.
    let mut policy: Vec<&str> = m
        .grouped_rules
        .iter()
        .filter(|g| g.direction == "ingress" || !g.peer_is_appliance)
        .flat_map(|g| g.flow_keys.iter().map(String::as_str))
        .collect();
    policy.sort_unstable();
    let all = policy.len();
    policy.dedup();
    assert_eq!(all, policy.len(), "a flow in two policy groups");
    let appliance =
        |kind: &str| ["panorama", "log_collector", "firewall", "wildfire"].contains(&kind);
    let paired =
        |peer: &[String], appliance: &[String]| peer.iter().any(|cidr| pairs_with(cidr, appliance));
    let expected: Vec<&str> = m
        .flows
        .iter()
        .filter(|f| {
            let (source, destination) =
                (known(&f.source_addresses), known(&f.destination_addresses));
            if appliance(&f.destination_kind) {
                paired(source, destination)
            } else {
                paired(destination, source)
            }
        })
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(policy, expected, "policy groups do not hold each flow once");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn keys_are_unique_sorted_and_outputs_deterministic(raw in raw()) {
        let estate = estate(&raw);
        let m = compute(&estate);
        assert_sorted_unique("flows", m.flows.iter().map(|f| f.key.as_str()));
        assert_sorted_unique("ingress_rules", known(&m.ingress_rules).iter().map(|r| r.key.as_str()));
        assert_sorted_unique("egress_rules", known(&m.egress_rules).iter().map(|r| r.key.as_str()));
        let again = compute(&estate);
        prop_assert_eq!(
            serde_json::to_string(&m).expect("serialises"),
            serde_json::to_string(&again).expect("serialises")
        );
        for rule in known(&m.ingress_rules).iter().chain(known(&m.egress_rules)) {
            prop_assert!(rule.description.chars().count() <= views::MAX_DESCRIPTION, "{}", rule.description);
            prop_assert!(rule.description.chars().all(views::is_description_char), "{}", rule.description);
            prop_assert!(known(&rule.cidr_ipv4).is_some() != known(&rule.cidr_ipv6).is_some());
            prop_assert!(rule.from_port <= rule.to_port);
        }
        for flow in &m.flows {
            prop_assert!(0 < flow.from_port && flow.from_port <= flow.to_port, "{}", flow.key);
        }
        assert_rules_a_cloud_accepts(&m);
        assert_grouped_rules_match_per_cidr_rules(&m);
        prop_assert_eq!(known(&m.flows_markdown).lines().count(), m.flows.len() + 2);
    }

    #[test]
    fn adding_an_unrelated_appliance_changes_no_other_element(raw in raw(), v in 0..VERSIONS.len(), wildfire in any::<bool>()) {
        let before_estate = estate(&raw);
        let before = compute(&before_estate);
        let mut after_estate = before_estate.clone();
        let pv = raw.pano_v;
        // A name no generated name can take (generated names are at most 11 characters).
        let name = "added-by-the-property-test";
        if wildfire && pv >= FROM_8_0_5 {
            let v = FROM_8_0_5 + v % (pv + 1 - FROM_8_0_5);
            after_estate["wildfire"][name] = json!({ "version": VERSIONS[v], "addresses": ["198.51.100.0/24"] });
        } else {
            after_estate["firewalls"][name] = json!({ "version": VERSIONS[v % (pv + 1)], "addresses": ["2001:db8:ff::/48"] });
        }
        let after = compute(&after_estate);
        for flow in &before.flows {
            prop_assert!(after.flows.contains(flow), "flow {} changed", flow.key);
        }
        for rule in known(&before.ingress_rules) {
            prop_assert!(known(&after.ingress_rules).contains(rule), "ingress rule {} changed", rule.key);
        }
        for rule in known(&before.egress_rules) {
            prop_assert!(known(&after.egress_rules).contains(rule), "egress rule {} changed", rule.key);
        }
        prop_assert!(after.flows.len() > before.flows.len());
    }
}

/// Anything a user could type: plausible values, near misses and arbitrary text.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "10.2",
            "8.0.5",
            "5.0",
            "4.9",
            "11.1.4-h7",
            "vm",
            "m-100",
            "m-700",
            "mgt",
            "eth1",
            "eth5",
            "eth6",
            "panorama",
            "management-only",
            "udp",
            "ssl",
            "10.0.0.5/24",
            "2001:db8::/64",
            "::",
            "0.0.0.0/0",
            "999.1.1.1",
            "east",
            "syslog",
            "nfs",
        ])
        .prop_map(str::to_owned),
        ".*",
        any::<String>(),
    ]
}

fn texts() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 0..3)
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

/// Addresses as a list or as a map of names.
fn address_list() -> impl Strategy<Value = AddressList> {
    prop_oneof![
        texts().prop_map(AddressList::List),
        prop::collection::btree_map(text(), text(), 0..3).prop_map(AddressList::Named),
    ]
}

fn iface_map() -> impl Strategy<Value = Option<BTreeMap<String, AddressList>>> {
    prop::option::of(prop::collection::btree_map(text(), address_list(), 0..3))
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        (-70000i64..70000).prop_map(|n| n as f64),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(1.5),
    ]
}

fn arbitrary_config() -> impl Strategy<Value = EstateConfig> {
    let panorama = (
        text(),
        opt_text(),
        opt_text(),
        opt_text(),
        prop::option::of(any::<bool>()),
        prop::option::of((opt_text(), opt_text(), opt_text(), opt_text())),
        prop::collection::btree_map(text(), iface_map(), 0..4),
    )
        .prop_map(
            |(version, model, mode, collector_group, ha_encryption, interfaces, nodes)| {
                PanoramaConfig {
                    version,
                    model,
                    mode,
                    collector_group,
                    ha_encryption,
                    interfaces: interfaces.map(|(a, b, c, d)| PanoramaInterfaces {
                        device_management: a,
                        log_collection: b,
                        collector_group: c,
                        device_deployment: d,
                    }),
                    nodes: nodes
                        .into_iter()
                        .map(|(k, addresses)| (k, NodeConfig { addresses }))
                        .collect(),
                }
            },
        );
    let log_collectors = prop::option::of(prop::collection::btree_map(
        text(),
        (
            text(),
            text(),
            opt_text(),
            prop::option::of((opt_text(), opt_text())),
            iface_map(),
        )
            .prop_map(|(version, collector_group, model, interfaces, addresses)| {
                LogCollectorConfig {
                    version,
                    collector_group,
                    model,
                    interfaces: interfaces.map(|(a, b)| LogCollectorInterfaces {
                        log_collection: a,
                        collector_group: b,
                    }),
                    addresses,
                }
            }),
        0..3,
    ));
    let firewalls = prop::option::of(prop::collection::btree_map(
        text(),
        (
            text(),
            prop::option::of(address_list()),
            opt_text(),
            prop::option::of(any::<bool>()),
        )
            .prop_map(|(version, addresses, collector_group, cortex_data_lake)| {
                FirewallGroupConfig {
                    version,
                    addresses,
                    collector_group,
                    cortex_data_lake,
                    duplicate_logging: cortex_data_lake,
                }
            }),
        0..3,
    ));
    let wildfire = prop::option::of(prop::collection::btree_map(
        text(),
        (text(), prop::option::of(address_list()))
            .prop_map(|(version, addresses)| WildfireConfig { version, addresses }),
        0..3,
    ));
    let cortex = prop::option::of(
        prop::option::of(address_list()).prop_map(|addresses| CortexDataLakeConfig { addresses }),
    );
    let services = prop::option::of(prop::collection::btree_map(
        text(),
        (
            prop::option::of(address_list()),
            prop::option::of(prop::collection::vec(number(), 0..3)),
            opt_text(),
            prop::option::of(any::<bool>()),
        )
            .prop_map(|(addresses, ports, transport, include_log_collectors)| {
                ServiceConfig {
                    addresses,
                    ports,
                    transport,
                    include_log_collectors,
                }
            }),
        0..4,
    ));
    (
        panorama,
        log_collectors,
        firewalls,
        wildfire,
        cortex,
        services,
    )
        .prop_map(
            |(panorama, log_collectors, firewalls, wildfire, cortex_data_lake, services)| {
                EstateConfig {
                    panorama,
                    log_collectors,
                    firewalls,
                    wildfire,
                    cortex_data_lake,
                    services,
                    views: None,
                    appliances: None,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_input_never_panics(config in arbitrary_config()) {
        let outcome = flows::compute(&config);
        let failed = outcome.diagnostics.iter().any(|d| d.is_error());
        prop_assert_eq!(outcome.matrix.is_none(), failed);
        for d in &outcome.diagnostics {
            prop_assert!(!d.summary.is_empty() && !d.summary.contains('\n'));
            prop_assert!(!d.detail.is_empty());
        }
        prop_assert_eq!(flows::check(&config), outcome.diagnostics);
    }
}

/// Where an attribute sits in an estate: the JSON pointer of its object, its path, its
/// name and the names valid beside it.
#[derive(Debug)]
struct Slot {
    pointer: String,
    path: Path,
    name: String,
    siblings: Vec<String>,
}

/// Every attribute set in `json` (an object of `fields`), depth first.
fn slots(fields: &[Field], json: &Value, path: &Path, pointer: &str, out: &mut Vec<Slot>) {
    let Some(object) = json.as_object() else {
        return;
    };
    let siblings: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    for field in fields {
        let Some(value) = object.get(&field.name) else {
            continue;
        };
        out.push(Slot {
            pointer: pointer.to_owned(),
            path: path.clone(),
            name: field.name.clone(),
            siblings: siblings.clone(),
        });
        let here = path.attr(field.name.clone());
        let inner = format!("{pointer}/{}", field.name);
        match &field.shape {
            Shape::Object(inner_fields) => slots(inner_fields, value, &here, &inner, out),
            Shape::Map(element) => {
                let Shape::Object(inner_fields) = &**element else {
                    continue;
                };
                for (key, item) in value.as_object().into_iter().flatten() {
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    let at = format!("{inner}/{escaped}");
                    slots(inner_fields, item, &here.key(key), &at, out);
                }
            }
            _ => {}
        }
    }
}

/// The value at `path` in `json`: an attribute or a map key names an object's member, an
/// index a list's element.
fn value_at<'v>(json: &'v Value, path: &Path) -> Option<&'v Value> {
    path.0.iter().try_fold(json, |value, step| match step {
        Step::Attr(name) => value.as_object()?.get(name.as_ref()),
        Step::Key(key) => value.as_object()?.get(key),
        Step::Index(index) => value.as_array()?.get(*index),
    })
}

/// `name` with one slip of the keyboard: a letter dropped, doubled or replaced, or two
/// neighbours swapped.
fn near_miss(name: &str, edit: usize, at: usize, letter: char) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let at = at % chars.len();
    match edit {
        0 => {
            chars.remove(at);
        }
        1 => chars.insert(at, chars[at]),
        2 if at + 1 < chars.len() => chars.swap(at, at + 1),
        _ => chars[at] = if chars[at] == letter { 'q' } else { letter },
    }
    chars.into_iter().collect()
}

/// Every attribute name of the estate's schema, at any depth.
fn attribute_names(fields: &[Field], out: &mut BTreeSet<String>) {
    for field in fields {
        out.insert(field.name.clone());
        let inner = match &field.shape {
            Shape::Object(inner) => Some(inner),
            Shape::Map(element) | Shape::List(element) => match &**element {
                Shape::Object(inner) => Some(inner),
                _ => None,
            },
            _ => None,
        };
        if let Some(inner) = inner {
            attribute_names(inner, out);
        }
    }
}

/// Any tree a user or a tool could send: attribute names of the model and arbitrary
/// keys, every kind of value, nulls and unknowns, nested a few levels deep.
fn arbitrary_input() -> impl Strategy<Value = Input> {
    let mut names = BTreeSet::new();
    attribute_names(schema::estate_fields().expect("schema"), &mut names);
    let names: Vec<String> = names.into_iter().collect();
    let key = prop_oneof![prop::sample::select(names), text()];
    let leaf = prop_oneof![
        Just(Input::Null),
        Just(Input::Unknown),
        any::<bool>().prop_map(Input::Bool),
        number().prop_map(|n| Input::Number(Number::from_text(n.to_string()))),
        text().prop_map(Input::String),
    ];
    leaf.prop_recursive(5, 96, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Input::List),
            prop::collection::btree_map(key.clone(), inner, 0..6).prop_map(Input::Map),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A valid estate read as written (the data source's and the command line's way in)
    /// gives exactly what the model gives.
    #[test]
    fn valid_estates_read_as_written_compute_as_the_model(raw in raw()) {
        let estate = estate(&raw);
        let config: EstateConfig = serde_json::from_value(estate.clone()).expect("fits");
        prop_assert_eq!(flows::compute_input(&Input::from(&estate)), flows::compute(&config));
    }

    /// Every finding on a valid estate (warnings: an address open to everyone, Cortex Data
    /// Lake without addresses...) points at a value the estate sets: `addresses[1]` in a
    /// list, `addresses["a1"]` in a map of names.
    #[test]
    fn every_finding_points_at_a_value_the_estate_sets(raw in raw()) {
        let estate = estate(&raw);
        let outcome = flows::compute_input(&Input::from(&estate));
        prop_assert!(outcome.matrix.is_some(), "{:#?}", outcome.diagnostics);
        for d in &outcome.diagnostics {
            let value = value_at(&estate, &d.path);
            prop_assert!(value.is_some_and(|v| !v.is_null()), "{} at {}", d.summary, d.path);
        }
    }

    /// Renaming any one attribute of a valid estate to a near miss gives exactly one
    /// error, at that attribute's path, proposing the name it misses.
    #[test]
    fn a_near_miss_of_any_attribute_is_one_error_at_its_path(
        raw in raw(),
        pick in any::<prop::sample::Index>(),
        edit in 0..4usize,
        at in any::<usize>(),
        letter in prop::char::range('a', 'z'),
    ) {
        let mut estate = estate(&raw);
        let mut found = Vec::new();
        slots(schema::estate_fields().expect("schema"), &estate, &Path::root(), "", &mut found);
        let slot = pick.get(&found);
        let miss = near_miss(&slot.name, edit, at, letter);
        let object = estate.pointer_mut(&slot.pointer).and_then(Value::as_object_mut).expect("object");
        prop_assume!(!slot.siblings.contains(&miss) && !object.contains_key(&miss));
        let value = object.remove(&slot.name).expect("attribute");
        object.insert(miss.clone(), value);

        let errors: Vec<_> = flows::check_input(&Input::from(&estate))
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        prop_assert_eq!(errors.len(), 1, "{:#?}", errors);
        prop_assert_eq!(&errors[0].path, &slot.path.attr(miss.clone()));
        prop_assert_eq!(errors[0].summary.as_str(), "Unknown attribute");
        // It proposes the name it misses, or one as near (`modee` may be `mode` or `model`).
        let proposal = errors[0].detail.split("Did you mean ").nth(1).unwrap_or_default();
        let proposal = proposal.split('?').next().unwrap_or_default();
        let names: Vec<&str> = proposal.split('`').skip(1).step_by(2).collect();
        prop_assert!(!names.is_empty(), "{}", errors[0].detail);
        let distance = strsim::osa_distance(&miss, &slot.name);
        for name in names {
            prop_assert!(slot.siblings.iter().any(|s| s == name));
            prop_assert!(strsim::osa_distance(&miss, name) <= distance, "{}", errors[0].detail);
        }
    }

    /// Whatever the tree, the reader and the engine answer with diagnostics, never a
    /// panic; a matrix comes exactly when the tree is known and holds no error.
    #[test]
    fn arbitrary_trees_never_panic(input in arbitrary_input()) {
        let outcome = flows::compute_input(&input);
        let failed = outcome.diagnostics.iter().any(|d| d.is_error());
        prop_assert_eq!(outcome.matrix.is_some(), !failed && input.is_known());
        for d in &outcome.diagnostics {
            prop_assert!(!d.summary.is_empty() && !d.summary.contains('\n'));
            prop_assert!(!d.detail.is_empty());
        }
        prop_assert_eq!(flows::check_input(&input), outcome.diagnostics);
    }
}

/// JSON pointers of every address value of a generated estate (the strings of its address
/// lists and maps of names).
fn address_pointers(estate: &Value) -> Vec<String> {
    fn each(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
        value.as_object().into_iter().flatten()
    }
    let mut lists = Vec::new();
    for (node, body) in each(&estate["panorama"]["nodes"]) {
        for (interface, _) in each(&body["addresses"]) {
            lists.push(format!("/panorama/nodes/{node}/addresses/{interface}"));
        }
    }
    for (lc, body) in each(&estate["log_collectors"]) {
        for (interface, _) in each(&body["addresses"]) {
            lists.push(format!("/log_collectors/{lc}/addresses/{interface}"));
        }
    }
    for kind in ["firewalls", "wildfire", "services"] {
        for (name, _) in each(&estate[kind]) {
            lists.push(format!("/{kind}/{name}/addresses"));
        }
    }
    lists.push("/cortex_data_lake/addresses".to_owned());
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    let mut pointers = Vec::new();
    for list in lists {
        let list = list.split('/').map(escape).collect::<Vec<_>>().join("/");
        match estate.pointer(&list) {
            Some(Value::Array(items)) => {
                pointers.extend((0..items.len()).map(|i| format!("{list}/{i}")));
            }
            Some(Value::Object(entries)) => {
                pointers.extend(entries.keys().map(|k| format!("{list}/{}", escape(k))));
            }
            _ => {}
        }
    }
    pointers
}

/// The computed attributes of a data source state.
fn outputs_of(state: wire_value::Value) -> wire_value::Value {
    let names = panorama_provider::provider::schema::computed_attribute_names().expect("names");
    match state {
        wire_value::Value::Object(attributes) => wire_value::Value::Object(
            attributes
                .into_iter()
                .filter(|(name, _)| names.contains(name))
                .collect(),
        ),
        other => panic!("the state is not an object: {other:?}"),
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(future)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20, ..ProptestConfig::default() })]

    /// `provider::panorama::flow_matrix(estate)` returns the data source's computed
    /// attributes for the same estate, both through the provider's RPC handlers.
    #[test]
    fn the_function_returns_what_the_data_source_reads(raw in raw()) {
        let estate = estate(&raw);
        block_on(async {
            let provider = panorama_provider::provider::FlowMatrixProvider::default();
            let result = wire::flow_matrix(&provider, &wire::written(&estate))
                .await
                .expect("a valid estate");
            let state = wire::data_source_state(&provider, &estate).await;
            assert!(result.is_known());
            assert_eq!(result, outputs_of(state), "{estate:#}");
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// With some IPv4 addresses known only after apply (each declared once in the estate,
    /// so none would merge with another), what the function knows at plan time is what
    /// the data source reads once they are known, list lengths included.
    #[test]
    fn what_the_function_knows_at_plan_is_what_apply_computes(raw in raw(), mask in any::<u64>()) {
        let estate = estate(&raw);
        let pointers = address_pointers(&estate);
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for pointer in &pointers {
            let text = estate.pointer(pointer).and_then(Value::as_str).unwrap_or_default();
            *seen.entry(canonical(text)).or_default() += 1;
        }
        let mut planned = estate.clone();
        let mut unknown = 0;
        for (i, pointer) in pointers.iter().enumerate() {
            let text = canonical(estate.pointer(pointer).and_then(Value::as_str).unwrap_or_default());
            if mask & (1 << (i % 64)) != 0 && !text.contains(':') && seen[&text] == 1 {
                *planned.pointer_mut(pointer).expect("pointer") = json!(wire::UNKNOWN);
                unknown += 1;
            }
        }
        block_on(async {
            let provider = panorama_provider::provider::FlowMatrixProvider::default();
            let plan = wire::flow_matrix(&provider, &wire::written(&planned))
                .await
                .expect("no error");
            // An unknown address on an interface no flow uses leaves the result known.
            assert!(plan.is_known() || unknown > 0, "{planned:#}");
            assert!(!plan.is_unknown(), "only addresses are unknown: the result plans");
            let apply = outputs_of(wire::data_source_state(&provider, &estate).await);
            wire::assert_conforms(&plan, &apply);
        });
    }
}
