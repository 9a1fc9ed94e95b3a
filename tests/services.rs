//! One table-driven test per key of FLOWS.md's "External services" table: hold this table
//! against it. Each row gives the service's connections as Panorama sees them (`in`: the
//! service connects to Panorama's MGT; `out`: Panorama connects to the service), with
//! protocol, port range and App-ID, and whether `ports` may replace the default ports.

mod outputs;

use std::collections::BTreeSet;

use panorama_provider::flows::{self, config::EstateConfig, Diagnostic, Flow, FlowMatrix, Known};
use serde_json::{json, Value};

use outputs::AllViews;

/// (direction, protocol, from port, to port, App-ID).
type Connection = (&'static str, &'static str, u16, u16, &'static str);

struct Row {
    key: &'static str,
    connections: &'static [Connection],
    override_allowed: bool,
}

const ROWS: &[Row] = &[
    Row {
        key: "admin",
        connections: &[("in", "tcp", 22, 22, "ssh"), ("in", "tcp", 443, 443, "ssl")],
        override_allowed: false,
    },
    Row {
        key: "scp",
        connections: &[("out", "tcp", 22, 22, "ssh")],
        override_allowed: true,
    },
    Row {
        key: "smtp",
        connections: &[
            ("out", "tcp", 25, 25, "smtp-base"),
            ("out", "tcp", 587, 587, "smtp-base"),
        ],
        override_allowed: true,
    },
    Row {
        key: "tacacs_plus",
        connections: &[("out", "tcp", 49, 49, "tacacs-plus")],
        override_allowed: true,
    },
    Row {
        key: "dns",
        connections: &[("out", "udp", 53, 53, "dns")],
        override_allowed: true,
    },
    Row {
        key: "shared_services",
        connections: &[
            ("out", "tcp", 80, 80, "paloalto-shared-services"),
            ("out", "tcp", 443, 443, "paloalto-shared-services"),
            ("out", "tcp", 444, 444, "paloalto-shared-services"),
        ],
        override_allowed: false,
    },
    Row {
        key: "kerberos",
        connections: &[("out", "tcp", 88, 88, "kerberos")],
        override_allowed: true,
    },
    Row {
        key: "ntp",
        connections: &[("out", "udp", 123, 123, "ntp")],
        override_allowed: true,
    },
    Row {
        key: "snmp",
        connections: &[
            ("in", "udp", 161, 161, "snmp-base"),
            ("out", "udp", 162, 162, "snmp-trap"),
        ],
        override_allowed: true,
    },
    Row {
        key: "ldap",
        connections: &[
            ("out", "tcp", 389, 389, "ldap"),
            ("out", "tcp", 636, 636, "ldap"),
        ],
        override_allowed: true,
    },
    Row {
        key: "updates",
        connections: &[("out", "tcp", 443, 443, "paloalto-updates")],
        override_allowed: false,
    },
    Row {
        key: "ztp",
        connections: &[("out", "tcp", 443, 443, "paloalto-zero-touch-provision")],
        override_allowed: false,
    },
    Row {
        key: "syslog",
        connections: &[("out", "udp", 514, 514, "syslog")],
        override_allowed: true,
    },
    Row {
        key: "radius",
        connections: &[("out", "udp", 1812, 1812, "radius")],
        override_allowed: true,
    },
    Row {
        key: "nfs",
        connections: &[("out", "tcp", 2049, 2049, "nfs")],
        override_allowed: true,
    },
    Row {
        key: "autofocus",
        connections: &[("out", "tcp", 10443, 10443, "paloalto-autofocus")],
        override_allowed: false,
    },
    Row {
        key: "traps_esm",
        connections: &[
            ("in", "tcp", 23000, 23999, "syslog"),
            ("in", "udp", 23000, 23999, "syslog"),
        ],
        override_allowed: false,
    },
    Row {
        key: "interconnect",
        connections: &[
            ("in", "tcp", 44443, 44443, "panorama-interconnect"),
            ("out", "tcp", 44443, 44443, "panorama-interconnect"),
        ],
        override_allowed: false,
    },
];

/// Services whose dedicated Log Collectors (`include_log_collectors`) get other connections
/// than Panorama: FLOWS.md's `admin` row, "dedicated Log Collectors: tcp 22 only".
const LOG_COLLECTOR_CONNECTIONS: &[(&str, &[Connection])] =
    &[("admin", &[("in", "tcp", 22, 22, "ssh")])];

/// The connections of a dedicated Log Collector for service `key`.
fn log_collector_connections(row: &Row) -> &'static [Connection] {
    LOG_COLLECTOR_CONNECTIONS
        .iter()
        .find(|(key, _)| *key == row.key)
        .map_or(row.connections, |(_, connections)| connections)
}

/// A vm Panorama (one node) and a vm Log Collector, with one service declared as `service`.
fn estate(key: &str, service: Value) -> Value {
    json!({
        "panorama": { "version": "10.2.4", "nodes": { "p": { "addresses": { "mgt": ["10.0.0.10"] } } } },
        "log_collectors": { "lc": { "version": "10.2.4", "collector_group": "cg", "addresses": { "mgt": ["10.1.0.5"] } } },
        "services": { key: service },
    })
}

fn compute(estate: Value) -> (Option<FlowMatrix>, Vec<Diagnostic>) {
    let config: EstateConfig = serde_json::from_value(estate).expect("fixture matches the schema");
    let outcome = flows::compute(&config);
    (outcome.matrix, outcome.diagnostics)
}

fn matrix(estate: Value) -> AllViews {
    let (matrix, diagnostics) = compute(estate);
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    matrix.expect("no error, so a matrix").into()
}

fn service_flows<'f>(flows: &'f [Flow], key: &str) -> Vec<&'f Flow> {
    let endpoint = format!("service.{key}");
    flows
        .iter()
        .filter(|f| f.source == endpoint || f.destination == endpoint)
        .collect()
}

/// "source>destination:protocol:from-to:app" for the flows of service `key`.
fn described(flows: &[Flow], key: &str) -> BTreeSet<String> {
    service_flows(flows, key)
        .iter()
        .map(|f| {
            format!(
                "{}>{}:{}:{}-{}:{}",
                f.source, f.destination, f.protocol, f.from_port, f.to_port, f.application
            )
        })
        .collect()
}

/// What `connections` mean between service `key` and each appliance of `appliances`.
fn expected(key: &str, connections: &[Connection], appliances: &[&str]) -> BTreeSet<String> {
    let service = format!("service.{key}");
    let mut set = BTreeSet::new();
    for &(direction, protocol, from, to, app) in connections {
        for appliance in appliances {
            let (s, d) = match direction {
                "in" => (service.as_str(), *appliance),
                _ => (*appliance, service.as_str()),
            };
            set.insert(format!("{s}>{d}:{protocol}:{from}-{to}:{app}"));
        }
    }
    set
}

fn row(key: &str) -> &'static Row {
    ROWS.iter()
        .find(|r| r.key == key)
        .expect("row in the table")
}

/// Default connections between Panorama's MGT and the service, kinds, interfaces,
/// purpose, keys, and the rules on the Panorama side.
fn check_defaults(key: &str) {
    let row = row(key);
    let m = matrix(estate(key, json!({ "addresses": ["192.0.2.10"] })));
    assert_eq!(
        described(&m.flows, key),
        expected(key, row.connections, &["panorama.p"]),
        "{key}"
    );
    for flow in service_flows(&m.flows, key) {
        let (service_kind, service_iface, pano_iface) = if flow.source_kind == "service" {
            (
                &flow.source_kind,
                &flow.source_interface,
                &flow.destination_interface,
            )
        } else {
            (
                &flow.destination_kind,
                &flow.destination_interface,
                &flow.source_interface,
            )
        };
        assert_eq!(service_kind, "service");
        assert_eq!(*service_iface, None, "services have no interface");
        assert_eq!(pano_iface.as_deref(), Some("mgt"), "Panorama side is MGT");
        assert_eq!(flow.purpose, key);
        assert!(
            flow.description.contains(&format!("[service.{key}]")),
            "{}",
            flow.description
        );
        let ports = match (flow.from_port, flow.to_port) {
            (a, b) if a == b => a.to_string(),
            (a, b) => format!("{a}-{b}"),
        };
        assert!(flow.key.ends_with(&format!(":{}:{ports}", flow.protocol)));
        // Inbound flows protect Panorama with ingress rules, outbound ones with egress rules.
        let (rules, direction) = if flow.destination_kind == "panorama" {
            (&m.ingress_rules, "ingress")
        } else {
            (&m.egress_rules, "egress")
        };
        let rule = rules
            .value()
            .expect("known")
            .iter()
            .find(|r| r.flow_key == flow.key)
            .unwrap_or_else(|| panic!("no {direction} rule for {}", flow.key));
        assert_eq!(rule.appliance, "panorama.p");
        assert_eq!(
            rule.cidr_ipv4,
            Known::Value(Some("192.0.2.10/32".to_owned()))
        );
        assert_eq!(
            (rule.from_port, rule.to_port),
            (flow.from_port, flow.to_port)
        );
    }
    assert!(
        m.flows
            .iter()
            .all(|f| !f.source.starts_with("log_collector.")
                || !f.destination.starts_with("service.")),
        "Log Collectors are left out unless included"
    );
}

/// `include_log_collectors = true`: the Log Collector gets the same flows from/to its MGT.
fn check_log_collectors(key: &str) {
    let row = row(key);
    let m = matrix(estate(
        key,
        json!({ "addresses": ["2001:db8::10"], "include_log_collectors": true }),
    ));
    let mut all = expected(key, row.connections, &["panorama.p"]);
    all.extend(expected(
        key,
        log_collector_connections(row),
        &["log_collector.lc"],
    ));
    assert_eq!(described(&m.flows, key), all, "{key}");
    let lc_flows = service_flows(&m.flows, key)
        .into_iter()
        .filter(|f| f.source == "log_collector.lc" || f.destination == "log_collector.lc");
    for flow in lc_flows {
        let lc_side = if flow.source == "log_collector.lc" {
            (&flow.source_interface, &flow.source_addresses)
        } else {
            (&flow.destination_interface, &flow.destination_addresses)
        };
        assert_eq!(lc_side.0.as_deref(), Some("mgt"));
        assert_eq!(lc_side.1, &Known::Value(vec!["10.1.0.5/32".to_owned()]));
    }
}

/// `ports`: replaces the outbound ports where allowed, is an error where the vendor fixes them.
fn check_override(key: &str) {
    let row = row(key);
    let (m, diagnostics) = compute(estate(
        key,
        json!({ "addresses": ["192.0.2.10"], "ports": [7000, 7001] }),
    ));
    if row.override_allowed {
        let m = AllViews::from(m.expect("the override is accepted"));
        let mut overridden: Vec<Connection> = Vec::new();
        for &(direction, protocol, from, to, app) in row.connections {
            let replaced: Vec<Connection> = match direction {
                "in" => vec![(direction, protocol, from, to, app)],
                _ => vec![
                    (direction, protocol, 7000, 7000, app),
                    (direction, protocol, 7001, 7001, app),
                ],
            };
            overridden.extend(replaced);
        }
        assert_eq!(
            described(&m.flows, key),
            expected(key, &overridden, &["panorama.p"]),
            "{key}"
        );
    } else {
        assert!(m.is_none(), "{key} accepted ports");
        let error = diagnostics.iter().find(|d| d.is_error()).expect("an error");
        assert_eq!(error.summary, "Ports are fixed for this service");
        assert_eq!(error.path.to_string(), format!("services[\"{key}\"].ports"));
        assert!(
            error.detail.contains(&format!("`{key}`")),
            "{}",
            error.detail
        );
    }
}

macro_rules! service_tests {
    ($($name:ident => $key:literal),* $(,)?) => {$(
        mod $name {
            use super::*;
            #[test] fn default_connections() { check_defaults($key) }
            #[test] fn include_log_collectors() { check_log_collectors($key) }
            #[test] fn port_override() { check_override($key) }
        }
    )*};
}

service_tests! {
    admin => "admin",
    scp => "scp",
    smtp => "smtp",
    tacacs_plus => "tacacs_plus",
    dns => "dns",
    shared_services => "shared_services",
    kerberos => "kerberos",
    ntp => "ntp",
    snmp => "snmp",
    ldap => "ldap",
    updates => "updates",
    ztp => "ztp",
    syslog => "syslog",
    radius => "radius",
    nfs => "nfs",
    autofocus => "autofocus",
    traps_esm => "traps_esm",
    interconnect => "interconnect",
}

#[test]
fn every_service_key_has_a_row_and_the_schema_docs_name_it() {
    let table: Vec<&str> = flows::services::keys().collect();
    let rows: Vec<&str> = ROWS.iter().map(|r| r.key).collect();
    assert_eq!(table, rows, "same keys, FLOWS.md's order");
    for row in ROWS {
        let service = flows::services::find(row.key).expect("in the table");
        assert_eq!(
            service.ports_configurable, row.override_allowed,
            "{}",
            row.key
        );
        let differs = LOG_COLLECTOR_CONNECTIONS.iter().any(|(k, _)| *k == row.key);
        assert_eq!(
            service.log_collector_connections.is_some(),
            differs,
            "{}",
            row.key
        );
    }
}

#[test]
fn syslog_transports() {
    for (transport, expected) in [
        ("udp", "udp:514-514"),
        ("tcp", "tcp:514-514"),
        ("ssl", "tcp:6514-6514"),
    ] {
        let m = matrix(estate(
            "syslog",
            json!({ "addresses": ["10.9.0.5"], "transport": transport }),
        ));
        assert_eq!(
            described(&m.flows, "syslog"),
            BTreeSet::from([format!("panorama.p>service.syslog:{expected}:syslog")]),
            "{transport}"
        );
    }
    let m = matrix(estate(
        "syslog",
        json!({ "addresses": ["10.9.0.5"], "transport": "ssl", "ports": [10514] }),
    ));
    assert_eq!(
        described(&m.flows, "syslog"),
        BTreeSet::from(["panorama.p>service.syslog:tcp:10514-10514:syslog".to_owned()]),
        "ports override the transport's port, keeping its protocol"
    );
}

#[test]
fn traps_esm_is_one_flow_per_protocol_for_the_whole_range() {
    let m = matrix(estate("traps_esm", json!({ "addresses": ["10.7.0.0/24"] })));
    let keys: Vec<&str> = service_flows(&m.flows, "traps_esm")
        .iter()
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "service.traps_esm>panorama.p@mgt:tcp:23000-23999",
            "service.traps_esm>panorama.p@mgt:udp:23000-23999",
        ]
    );
    let rule = m
        .ingress_rules
        .value()
        .expect("known")
        .iter()
        .find(|r| r.flow_key == keys[0])
        .expect("an ingress rule on Panorama");
    assert_eq!((rule.from_port, rule.to_port), (23000, 23999));
    assert_eq!(rule.cidr_ipv4, Known::Value(Some("10.7.0.0/24".to_owned())));
}

#[test]
fn ha_pairs_get_service_flows_on_each_node() {
    let m = matrix(json!({
        "panorama": { "version": "10.2", "nodes": { "a": {}, "b": {} } },
        "services": { "ntp": { "addresses": ["10.0.0.123"] } },
    }));
    assert_eq!(
        described(&m.flows, "ntp"),
        expected(
            "ntp",
            &[("out", "udp", 123, 123, "ntp")],
            &["panorama.a", "panorama.b"]
        )
    );
}
