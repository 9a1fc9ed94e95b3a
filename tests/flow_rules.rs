//! One table-driven test per FLOWS.md row and version band: hold this table against the
//! managed-estate table of FLOWS.md. Each row names a small estate that triggers the rule,
//! the (source, destination) pairs it must connect, and its ports in the bands
//! 5.0, 5.1, 6.x-7.x and 8.x+ (the same release is used for every appliance, unless the
//! row says otherwise). Where FLOWS.md's compatibility rules make a band impossible (WildFire
//! before 8.0.1, Cortex Data Lake before Panorama 8.0.5), the row names the error instead.

use std::collections::BTreeSet;

use panorama_provider::flows::{self, config::EstateConfig, Flow};
use serde_json::{json, Value};

/// One release per band: 5.0, 5.1, 6.x-7.x, 8.x and later.
const BANDS: [&str; 4] = ["5.0.4", "5.1", "7.1.2", "10.2.4"];

struct Row {
    id: &'static str,
    estate: fn(&str) -> Value,
    pairs: &'static [(&'static str, &'static str)],
    ports: [&'static [u16]; 4],
    application: &'static str,
    /// Per band, the summary of the error that refuses the estate, if it is refused.
    refused: [Option<&'static str>; 4],
}

/// Every band computes.
const ACCEPTED: [Option<&str>; 4] = [None; 4];

/// WildFire before 8.0.1 is refused.
const WILDFIRE_BEFORE_8: [Option<&str>; 4] = [
    Some("WildFire release too old for Panorama"),
    Some("WildFire release too old for Panorama"),
    Some("WildFire release too old for Panorama"),
    None,
];

/// Cortex Data Lake on Panorama before 8.0.5 is refused.
const CORTEX_BEFORE_8: [Option<&str>; 4] = [
    Some("Cortex Data Lake needs Panorama 8.0.5"),
    Some("Cortex Data Lake needs Panorama 8.0.5"),
    Some("Cortex Data Lake needs Panorama 8.0.5"),
    None,
];

/// Whether `v` is on the 8.x-and-later band (WildFire is only managed from there on).
fn is_8_or_later(v: &str) -> bool {
    v.split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok())
        .is_some_and(|major| major >= 8)
}

fn ha(encrypted: bool) -> impl Fn(&str) -> Value {
    move |v| json!({ "panorama": { "version": v, "ha_encryption": encrypted, "nodes": { "a": {}, "b": {} } } })
}

fn firewalls(v: &str, collector_group: Option<&str>, mode: &str) -> Value {
    json!({
        "panorama": { "version": v, "mode": mode, "nodes": { "a": {}, "b": {} } },
        "log_collectors": { "lc": { "version": v, "collector_group": "cg" } },
        "firewalls": { "fw": { "version": v, "collector_group": collector_group } },
    })
}

fn collector_group(v: &str) -> Value {
    json!({
        "panorama": { "version": v, "collector_group": "cg", "nodes": { "p": {} } },
        "log_collectors": { "lc": { "version": v, "collector_group": "cg" } },
    })
}

const ROWS: &[Row] = &[
    Row {
        id: "HA-ENC",
        estate: |v| ha(true)(v),
        pairs: &[("panorama.a", "panorama.b"), ("panorama.b", "panorama.a")],
        ports: [&[28], &[28], &[28], &[28]],
        application: "ssh",
        refused: ACCEPTED,
    },
    Row {
        id: "HA-CLEAR",
        estate: |v| ha(false)(v),
        pairs: &[("panorama.a", "panorama.b"), ("panorama.b", "panorama.a")],
        ports: [
            &[28769, 49160],
            &[28260, 28769],
            &[28260, 28769],
            &[28260, 28769],
        ],
        application: "panorama",
        refused: ACCEPTED,
    },
    Row {
        id: "FW-MGMT",
        estate: |v| firewalls(v, None, "panorama"),
        pairs: &[("firewall.fw", "panorama.a"), ("firewall.fw", "panorama.b")],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        application: "panorama",
        refused: ACCEPTED,
    },
    Row {
        id: "FW-LOG-PANO",
        estate: |v| firewalls(v, None, "panorama"),
        pairs: &[("firewall.fw", "panorama.a"), ("firewall.fw", "panorama.b")],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        application: "panorama",
        refused: ACCEPTED,
    },
    Row {
        id: "FW-LOG-LC",
        estate: |v| firewalls(v, Some("cg"), "management-only"),
        pairs: &[("firewall.fw", "log_collector.lc")],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        application: "panorama",
        refused: ACCEPTED,
    },
    Row {
        id: "LC-MGMT",
        estate: |v| firewalls(v, Some("cg"), "management-only"),
        pairs: &[
            ("log_collector.lc", "panorama.a"),
            ("log_collector.lc", "panorama.b"),
        ],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        application: "panorama",
        refused: ACCEPTED,
    },
    Row {
        id: "UPDATES",
        estate: |v| {
            let mut estate = firewalls(v, Some("cg"), "management-only");
            if is_8_or_later(v) {
                estate["wildfire"] = json!({ "wf": { "version": v } });
            }
            estate
        },
        pairs: &[
            ("firewall.fw", "panorama.a"),
            ("firewall.fw", "panorama.b"),
            ("log_collector.lc", "panorama.a"),
            ("log_collector.lc", "panorama.b"),
            ("wildfire.wf", "panorama.a"),
            ("wildfire.wf", "panorama.b"),
        ],
        ports: [&[], &[], &[], &[28443]],
        application: "paloalto-updates",
        refused: ACCEPTED,
    },
    Row {
        id: "CG-DIST",
        estate: collector_group,
        pairs: &[
            ("panorama.p", "log_collector.lc"),
            ("log_collector.lc", "panorama.p"),
        ],
        ports: [&[49190], &[49190], &[28270], &[28270]],
        application: "panorama",
        refused: ACCEPTED,
    },
    Row {
        id: "CG-SSH",
        estate: collector_group,
        pairs: &[
            ("panorama.p", "log_collector.lc"),
            ("log_collector.lc", "panorama.p"),
        ],
        ports: [&[28], &[28], &[28], &[28]],
        application: "ssh",
        refused: ACCEPTED,
    },
    Row {
        id: "CG-3978",
        estate: collector_group,
        pairs: &[
            ("panorama.p", "log_collector.lc"),
            ("log_collector.lc", "panorama.p"),
        ],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        application: "panorama",
        refused: ACCEPTED,
    },
    Row {
        id: "WF-MGMT",
        estate: |v| json!({ "panorama": { "version": v, "nodes": { "p": {} } }, "wildfire": { "wf": { "version": v } } }),
        pairs: &[("wildfire.wf", "panorama.p")],
        ports: [&[], &[], &[], &[3978]],
        application: "panorama",
        refused: WILDFIRE_BEFORE_8,
    },
    Row {
        id: "CDL-PANO",
        estate: |v| {
            json!({
                "panorama": { "version": v, "nodes": { "a": {}, "b": {} } },
                "cortex_data_lake": { "addresses": ["203.0.113.0/24"] },
            })
        },
        pairs: &[
            ("panorama.a", "cortex_data_lake"),
            ("panorama.b", "cortex_data_lake"),
        ],
        ports: [&[], &[], &[], &[444]],
        application: "paloalto-logging-service",
        refused: CORTEX_BEFORE_8,
    },
    Row {
        id: "CDL-FW",
        // The band is the firewalls' release; Panorama runs the newest so that it can
        // manage them and work with Cortex Data Lake.
        estate: |v| {
            json!({
                "panorama": { "version": "11.1.4-h7", "nodes": { "p": {} } },
                "firewalls": {
                    "fw": { "version": v, "cortex_data_lake": true },
                    "other": { "version": v },
                },
            })
        },
        pairs: &[("firewall.fw", "cortex_data_lake")],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        application: "panorama",
        refused: ACCEPTED,
    },
];

fn flows_of(estate: Value) -> Vec<Flow> {
    let config: EstateConfig = serde_json::from_value(estate).expect("fixture matches the schema");
    let outcome = flows::compute(&config);
    let errors: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    outcome.matrix.expect("no error, so a matrix").flows
}

/// The flows a rule produced: its id is cited in the description.
fn produced_by<'f>(flows: &'f [Flow], id: &str) -> Vec<&'f Flow> {
    flows
        .iter()
        .filter(|f| f.description.contains(&format!("[{id}]")))
        .collect()
}

fn check_row(row: &Row, band: usize) {
    let version = BANDS[band];
    if let Some(summary) = row.refused[band] {
        let estate = (row.estate)(version);
        let config: EstateConfig = serde_json::from_value(estate).expect("fixture");
        let outcome = flows::compute(&config);
        assert!(outcome.matrix.is_none(), "{} on {version} computed", row.id);
        assert!(
            outcome
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.summary == summary),
            "{} on {version}: {:#?}",
            row.id,
            outcome.diagnostics
        );
        return;
    }
    let flows = flows_of((row.estate)(version));
    let produced = produced_by(&flows, row.id);
    let actual: BTreeSet<String> = produced
        .iter()
        .map(|f| format!("{}>{}:tcp/{}", f.source, f.destination, f.from_port))
        .collect();
    let expected: BTreeSet<String> = row
        .pairs
        .iter()
        .flat_map(|(s, d)| {
            row.ports[band]
                .iter()
                .map(move |p| format!("{s}>{d}:tcp/{p}"))
        })
        .collect();
    assert_eq!(actual, expected, "{} on {version}", row.id);
    for flow in produced {
        assert_eq!(flow.protocol, "tcp", "{} on {version}", row.id);
        assert_eq!(flow.from_port, flow.to_port);
        assert!(
            flow.application.split(',').any(|a| a == row.application),
            "{} on {version}: {}",
            row.id,
            flow.application
        );
    }
}

macro_rules! row_tests {
    ($($name:ident => $id:literal),* $(,)?) => {$(
        mod $name {
            use super::*;
            fn row() -> &'static Row { ROWS.iter().find(|r| r.id == $id).expect("row in table") }
            #[test] fn band_5_0() { check_row(row(), 0) }
            #[test] fn band_5_1() { check_row(row(), 1) }
            #[test] fn band_6x_7x() { check_row(row(), 2) }
            #[test] fn band_8x_and_later() { check_row(row(), 3) }
        }
    )*};
}

row_tests! {
    ha_enc => "HA-ENC",
    ha_clear => "HA-CLEAR",
    fw_mgmt => "FW-MGMT",
    fw_log_pano => "FW-LOG-PANO",
    fw_log_lc => "FW-LOG-LC",
    lc_mgmt => "LC-MGMT",
    updates => "UPDATES",
    cg_dist => "CG-DIST",
    cg_ssh => "CG-SSH",
    cg_3978 => "CG-3978",
    wf_mgmt => "WF-MGMT",
    cdl_pano => "CDL-PANO",
    cdl_fw => "CDL-FW",
}

#[test]
fn every_catalog_rule_has_a_row() {
    for rule in flows::catalog::MANAGED_ESTATE {
        assert!(
            ROWS.iter().any(|row| row.id == rule.id),
            "no test row for {}",
            rule.id
        );
    }
}

#[test]
fn ha_encryption_off_never_opens_28_and_on_never_opens_clear_ports() {
    let clear = flows_of(ha(false)("10.2"));
    assert!(clear.iter().all(|f| f.from_port != 28));
    let encrypted = flows_of(ha(true)("10.2"));
    assert!(encrypted.iter().all(|f| f.from_port == 28));
}

#[test]
fn management_only_panorama_gets_no_firewall_logs() {
    let flows = flows_of(firewalls("10.2", None, "management-only"));
    assert!(produced_by(&flows, "FW-LOG-PANO").is_empty());
}

#[test]
fn interfaces_decide_the_addresses() {
    let flows = flows_of(json!({
        "panorama": {
            "version": "10.2", "model": "m-600",
            "interfaces": { "log_collection": "eth1", "device_deployment": "eth3" },
            "nodes": { "p": { "addresses": { "mgt": ["10.0.0.1"], "eth1": ["10.0.1.1"], "eth3": ["2001:db8::3"] } } },
        },
        "firewalls": { "fw": { "version": "10.1", "addresses": ["10.9.0.0/16", "10.9.0.0/16", "10.8.0.0/16"] } },
    }));
    let find = |key: &str| {
        flows
            .iter()
            .find(|f| f.key == key)
            .unwrap_or_else(|| panic!("no {key}"))
    };
    assert_eq!(
        find("firewall.fw>panorama.p@mgt:tcp:3978").destination_addresses,
        ["10.0.0.1/32"]
    );
    assert_eq!(
        find("firewall.fw>panorama.p@eth1:tcp:3978").destination_addresses,
        ["10.0.1.1/32"]
    );
    let updates = find("firewall.fw>panorama.p@eth3:tcp:28443");
    assert_eq!(updates.destination_addresses, ["2001:db8::3/128"]);
    assert_eq!(updates.destination_interface.as_deref(), Some("eth3"));
    assert_eq!(
        updates.source_addresses,
        ["10.8.0.0/16", "10.9.0.0/16"],
        "sorted and deduplicated"
    );
}
