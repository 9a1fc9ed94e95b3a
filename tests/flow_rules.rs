//! One table-driven test per FLOWS.md row and version band: hold this table against the
//! managed-estate table of FLOWS.md. Each row names a small estate that triggers the rule,
//! the (source, destination) pairs it must connect, and its ports in the bands
//! 5.0, 5.1, 6.x-7.x and 8.x+ (the same release is used for every appliance, unless the
//! row says otherwise). Where FLOWS.md's compatibility rules make a band impossible (WildFire
//! before 8.0.1, Cortex Data Lake before 8.0.5), the row names the error instead. Rows whose
//! condition has several cases (Cortex Data Lake with or without `duplicate_logging`, say)
//! have one row per case.

use std::collections::BTreeSet;

use panorama_provider::flows::{self, config::EstateConfig, Flow, Known};
use serde_json::{json, Value};

/// One release per band: 5.0, 5.1, 6.x-7.x, 8.x and later.
const BANDS: [&str; 4] = ["5.0.4", "5.1", "7.1.2", "10.2.4"];

struct Row {
    /// The test's name for the row: the FLOWS.md id, and the case when a row has several.
    case: &'static str,
    /// The FLOWS.md id, cited in the flows' descriptions.
    id: &'static str,
    estate: fn(&str) -> Value,
    pairs: &'static [(&'static str, &'static str)],
    ports: [&'static [u16]; 4],
    /// Every App-ID of the row, in the vendor's order.
    applications: &'static [&'static str],
    /// Words every flow of the row says in its description.
    says: &'static str,
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

/// A firewall group logging to Cortex Data Lake before PAN-OS 8.0.5 is refused.
const CORTEX_FIREWALLS_BEFORE_8: [Option<&str>; 4] = [
    Some("Firewall group too old for Cortex Data Lake"),
    Some("Firewall group too old for Cortex Data Lake"),
    Some("Firewall group too old for Cortex Data Lake"),
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

/// [`firewalls`] with the group logging to Cortex Data Lake (declared at the top level),
/// with or without duplicate logging.
fn cortex_firewalls(v: &str, collector_group: Option<&str>, duplicate_logging: bool) -> Value {
    let mut estate = firewalls(v, collector_group, "panorama");
    estate["firewalls"]["fw"]["cortex_data_lake"] = json!(true);
    estate["firewalls"]["fw"]["duplicate_logging"] = json!(duplicate_logging);
    estate["cortex_data_lake"] = json!({ "addresses": ["203.0.113.0/24"] });
    estate
}

fn collector_group(v: &str) -> Value {
    json!({
        "panorama": { "version": v, "collector_group": "cg", "nodes": { "p": {} } },
        "log_collectors": { "lc": { "version": v, "collector_group": "cg" } },
    })
}

/// An HA pair of M-600s in `mode`, with device management off MGT where the release
/// allows it (8.0 and later).
fn local_collectors(v: &str, mode: &str) -> Value {
    let interfaces = if is_8_or_later(v) {
        json!({ "device_management": "eth1", "log_collection": "eth2" })
    } else {
        json!({})
    };
    json!({
        "panorama": { "version": v, "model": "m-600", "mode": mode, "interfaces": interfaces,
                      "nodes": { "a": {}, "b": {} } },
    })
}

const BOTH_NODES: &[(&str, &str)] = &[("firewall.fw", "panorama.a"), ("firewall.fw", "panorama.b")];

const ROWS: &[Row] = &[
    Row {
        case: "HA-ENC",
        id: "HA-ENC",
        estate: |v| ha(true)(v),
        pairs: &[("panorama.a", "panorama.b"), ("panorama.b", "panorama.a")],
        ports: [&[28], &[28], &[28], &[28]],
        applications: &["ssh"],
        says: "synchronise over SSH",
        refused: ACCEPTED,
    },
    Row {
        case: "HA-CLEAR",
        id: "HA-CLEAR",
        estate: |v| ha(false)(v),
        pairs: &[("panorama.a", "panorama.b"), ("panorama.b", "panorama.a")],
        ports: [
            &[28769, 49160],
            &[28260, 28769],
            &[28260, 28769],
            &[28260, 28769],
        ],
        applications: &["panorama"],
        says: "in clear text",
        refused: ACCEPTED,
    },
    Row {
        case: "FW-MGMT",
        id: "FW-MGMT",
        estate: |v| firewalls(v, None, "panorama"),
        pairs: BOTH_NODES,
        ports: [&[3978], &[3978], &[3978], &[3978]],
        applications: &["panorama"],
        says: "configuration pushes, logs and context switching",
        refused: ACCEPTED,
    },
    Row {
        case: "FW-MGMT logging only to Cortex Data Lake",
        id: "FW-MGMT",
        estate: |v| cortex_firewalls(v, None, false),
        pairs: BOTH_NODES,
        ports: [&[], &[], &[], &[3978]],
        applications: &["panorama"],
        says: "for device management: configuration pushes and context switching",
        refused: CORTEX_BEFORE_8,
    },
    Row {
        case: "FW-LOG-PANO",
        id: "FW-LOG-PANO",
        estate: |v| firewalls(v, None, "panorama"),
        pairs: BOTH_NODES,
        ports: [&[3978], &[3978], &[3978], &[3978]],
        applications: &["panorama"],
        says: "send logs to the local Log Collector",
        refused: ACCEPTED,
    },
    Row {
        case: "FW-LOG-PANO logging only to Cortex Data Lake",
        id: "FW-LOG-PANO",
        estate: |v| cortex_firewalls(v, None, false),
        pairs: &[],
        ports: [&[], &[], &[], &[]],
        applications: &["panorama"],
        says: "",
        refused: CORTEX_BEFORE_8,
    },
    Row {
        case: "FW-LOG-PANO with duplicate logging",
        id: "FW-LOG-PANO",
        estate: |v| cortex_firewalls(v, None, true),
        pairs: BOTH_NODES,
        ports: [&[], &[], &[], &[3978]],
        applications: &["panorama"],
        says: "send logs to the local Log Collector",
        refused: CORTEX_BEFORE_8,
    },
    Row {
        case: "FW-LOG-LC",
        id: "FW-LOG-LC",
        estate: |v| firewalls(v, Some("cg"), "management-only"),
        pairs: &[("firewall.fw", "log_collector.lc")],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        applications: &["panorama"],
        says: "forward logs to the collectors",
        refused: ACCEPTED,
    },
    Row {
        case: "FW-LOG-LC logging only to Cortex Data Lake",
        id: "FW-LOG-LC",
        estate: |v| cortex_firewalls(v, Some("cg"), false),
        pairs: &[],
        ports: [&[], &[], &[], &[]],
        applications: &["panorama"],
        says: "",
        refused: CORTEX_BEFORE_8,
    },
    Row {
        case: "FW-LOG-LC with duplicate logging",
        id: "FW-LOG-LC",
        estate: |v| cortex_firewalls(v, Some("cg"), true),
        pairs: &[("firewall.fw", "log_collector.lc")],
        ports: [&[], &[], &[], &[3978]],
        applications: &["panorama"],
        says: "forward logs to the collectors",
        refused: CORTEX_BEFORE_8,
    },
    Row {
        case: "LC-MGMT",
        id: "LC-MGMT",
        estate: |v| firewalls(v, Some("cg"), "management-only"),
        pairs: &[
            ("log_collector.lc", "panorama.a"),
            ("log_collector.lc", "panorama.b"),
        ],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        applications: &["panorama"],
        says: "management and log queries",
        refused: ACCEPTED,
    },
    Row {
        case: "LC-LOCAL-HA",
        id: "LC-LOCAL-HA",
        estate: |v| local_collectors(v, "panorama"),
        pairs: &[("panorama.a", "panorama.b"), ("panorama.b", "panorama.a")],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        applications: &["panorama"],
        says: "connects to the other peer",
        refused: ACCEPTED,
    },
    Row {
        case: "LC-LOCAL-HA management-only",
        id: "LC-LOCAL-HA",
        estate: |v| local_collectors(v, "management-only"),
        pairs: &[],
        ports: [&[], &[], &[], &[]],
        applications: &["panorama"],
        says: "",
        refused: ACCEPTED,
    },
    Row {
        case: "UPDATES",
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
        applications: &["paloalto-updates", "panorama"],
        says: "fetch software and content updates",
        refused: ACCEPTED,
    },
    Row {
        case: "CG-DIST",
        id: "CG-DIST",
        estate: collector_group,
        pairs: &[
            ("panorama.p", "log_collector.lc"),
            ("log_collector.lc", "panorama.p"),
        ],
        ports: [&[49190], &[49190], &[28270], &[28270]],
        applications: &["panorama"],
        says: "distribute log blocks",
        refused: ACCEPTED,
    },
    Row {
        case: "CG-SSH",
        id: "CG-SSH",
        estate: collector_group,
        pairs: &[
            ("panorama.p", "log_collector.lc"),
            ("log_collector.lc", "panorama.p"),
        ],
        ports: [&[28], &[28], &[28], &[28]],
        applications: &["ssh"],
        says: "port 28 for log distribution",
        refused: ACCEPTED,
    },
    Row {
        case: "CG-3978",
        id: "CG-3978",
        estate: collector_group,
        pairs: &[
            ("panorama.p", "log_collector.lc"),
            ("log_collector.lc", "panorama.p"),
        ],
        ports: [&[3978], &[3978], &[3978], &[3978]],
        applications: &["panorama"],
        says: "communicate with each other",
        refused: ACCEPTED,
    },
    Row {
        case: "WF-MGMT",
        id: "WF-MGMT",
        estate: |v| json!({ "panorama": { "version": v, "nodes": { "p": {} } }, "wildfire": { "wf": { "version": v } } }),
        pairs: &[("wildfire.wf", "panorama.p")],
        ports: [&[], &[], &[], &[3978]],
        applications: &["panorama"],
        says: "to be managed",
        refused: WILDFIRE_BEFORE_8,
    },
    Row {
        case: "CDL-PANO",
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
        applications: &["paloalto-logging-service"],
        says: "which the estate uses",
        refused: CORTEX_BEFORE_8,
    },
    Row {
        case: "CDL-PANO through a firewall group only",
        id: "CDL-PANO",
        // No top-level cortex_data_lake: a group's flag alone puts Cortex Data Lake in use.
        estate: |v| {
            json!({
                "panorama": { "version": v, "nodes": { "a": {}, "b": {} } },
                "firewalls": { "fw": { "version": v, "cortex_data_lake": true } },
            })
        },
        pairs: &[
            ("panorama.a", "cortex_data_lake"),
            ("panorama.b", "cortex_data_lake"),
        ],
        ports: [&[], &[], &[], &[444]],
        applications: &["paloalto-logging-service"],
        says: "which the estate uses",
        refused: CORTEX_BEFORE_8,
    },
    Row {
        case: "CDL-FW",
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
                "cortex_data_lake": { "addresses": ["203.0.113.0/24"] },
            })
        },
        pairs: &[("firewall.fw", "cortex_data_lake")],
        ports: [&[], &[], &[], &[3978]],
        applications: &["paloalto-logging-service"],
        says: "forward logs to Cortex Data Lake",
        refused: CORTEX_FIREWALLS_BEFORE_8,
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
    outcome
        .matrix
        .and_then(|m| m.flows)
        .expect("no error, so every flow")
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
        assert!(
            outcome.matrix.is_none(),
            "{} on {version} computed",
            row.case
        );
        assert!(
            outcome
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.summary == summary),
            "{} on {version}: {:#?}",
            row.case,
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
    assert_eq!(actual, expected, "{} on {version}", row.case);
    for flow in produced {
        let case = format!("{} on {version}: {}", row.case, flow.key);
        assert_eq!(flow.protocol, "tcp", "{case}");
        assert_eq!(flow.from_port, flow.to_port);
        // The row's App-IDs, in its order (a flow that merged with another row may list
        // more after them), and `application` is the first.
        let listed: Vec<&str> = flow
            .applications
            .iter()
            .map(String::as_str)
            .filter(|a| row.applications.contains(a))
            .collect();
        assert_eq!(listed, row.applications, "{case}");
        assert_eq!(Some(&flow.application), flow.applications.first(), "{case}");
        assert!(
            flow.description.contains(row.says),
            "{case}: {}",
            flow.description
        );
    }
}

macro_rules! row_tests {
    ($($name:ident => $case:literal),* $(,)?) => {$(
        mod $name {
            use super::*;
            fn row() -> &'static Row { ROWS.iter().find(|r| r.case == $case).expect("row in table") }
            #[test] fn band_5_0() { check_row(row(), 0) }
            #[test] fn band_5_1() { check_row(row(), 1) }
            #[test] fn band_6x_7x() { check_row(row(), 2) }
            #[test] fn band_8x_and_later() { check_row(row(), 3) }
        }
    )*
        /// The cases that have tests, to hold against [`ROWS`].
        const TESTED: &[&str] = &[$($case),*];
    };
}

row_tests! {
    ha_enc => "HA-ENC",
    ha_clear => "HA-CLEAR",
    fw_mgmt => "FW-MGMT",
    fw_mgmt_cortex_only => "FW-MGMT logging only to Cortex Data Lake",
    fw_log_pano => "FW-LOG-PANO",
    fw_log_pano_cortex_only => "FW-LOG-PANO logging only to Cortex Data Lake",
    fw_log_pano_duplicate_logging => "FW-LOG-PANO with duplicate logging",
    fw_log_lc => "FW-LOG-LC",
    fw_log_lc_cortex_only => "FW-LOG-LC logging only to Cortex Data Lake",
    fw_log_lc_duplicate_logging => "FW-LOG-LC with duplicate logging",
    lc_mgmt => "LC-MGMT",
    lc_local_ha => "LC-LOCAL-HA",
    lc_local_ha_management_only => "LC-LOCAL-HA management-only",
    updates => "UPDATES",
    cg_dist => "CG-DIST",
    cg_ssh => "CG-SSH",
    cg_3978 => "CG-3978",
    wf_mgmt => "WF-MGMT",
    cdl_pano => "CDL-PANO",
    cdl_pano_firewall_flag_only => "CDL-PANO through a firewall group only",
    cdl_fw => "CDL-FW",
}

#[test]
fn every_catalog_rule_has_a_row_and_every_row_a_test() {
    for rule in flows::catalog::MANAGED_ESTATE {
        assert!(
            ROWS.iter().any(|row| row.id == rule.id),
            "no test row for {}",
            rule.id
        );
    }
    let mut cases: Vec<&str> = ROWS.iter().map(|row| row.case).collect();
    cases.sort_unstable();
    cases.dedup();
    assert_eq!(cases.len(), ROWS.len(), "cases are unique");
    let mut tested = TESTED.to_vec();
    tested.sort_unstable();
    assert_eq!(tested, cases, "every row has its band tests");
}

#[test]
fn local_collectors_reach_the_other_peer_on_its_device_management_interface() {
    // FLOWS.md LC-LOCAL-HA: with device management on eth1 and log collection on eth2,
    // each peer's local Log Collector still reaches the other peer on 3978.
    let flows = flows_of(local_collectors("10.1", "panorama"));
    let keys: Vec<&str> = produced_by(&flows, "LC-LOCAL-HA")
        .iter()
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "panorama.a@eth1>panorama.b@eth1:tcp:3978",
            "panorama.b@eth1>panorama.a@eth1:tcp:3978",
        ]
    );
}

#[test]
fn cortex_data_lake_through_a_group_only_has_no_addresses_and_a_warning() {
    let estate = json!({
        "panorama": { "version": "10.1", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.1"] } } } },
        "firewalls": {
            "cloud": { "version": "10.1", "addresses": ["10.20.0.0/16"], "cortex_data_lake": true },
            "edge": { "version": "10.1", "addresses": ["10.30.0.0/16"], "cortex_data_lake": true },
        },
    });
    let config: EstateConfig = serde_json::from_value(estate).expect("fixture");
    let outcome = flows::compute(&config);
    let warnings: Vec<String> = outcome
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {} at {}", d.severity, d.summary, d.path))
        .collect();
    assert_eq!(
        warnings,
        ["Warning Cortex Data Lake without addresses at firewalls[\"cloud\"].cortex_data_lake"],
        "one warning for every group"
    );
    let m = outcome.matrix.expect("a matrix");
    let to_cortex: Vec<&Flow> = m
        .flows
        .iter()
        .flatten()
        .filter(|f| f.destination == "cortex_data_lake")
        .collect();
    assert_eq!(
        to_cortex.len(),
        3,
        "444 from Panorama, 3978 from each group"
    );
    assert!(to_cortex
        .iter()
        .all(|f| f.destination_addresses == Known::Value(vec![])));
    assert!(
        m.egress_rules
            .as_ref()
            .and_then(Known::value)
            .expect("known")
            .iter()
            .all(|r| r.peer != "cortex_data_lake"),
        "no rule without an address"
    );
}

#[test]
fn ha_encryption_off_never_opens_28_and_on_never_opens_clear_ports() {
    // Besides HA synchronisation, the pair's local Log Collectors reach each other on 3978
    // (LC-LOCAL-HA).
    let ha_sync = |flows: Vec<Flow>| -> BTreeSet<u16> {
        flows
            .iter()
            .filter(|f| f.purpose.contains("ha-sync"))
            .map(|f| f.from_port)
            .collect()
    };
    assert_eq!(
        ha_sync(flows_of(ha(false)("10.2"))),
        BTreeSet::from([28260, 28769])
    );
    assert_eq!(ha_sync(flows_of(ha(true)("10.2"))), BTreeSet::from([28]));
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
    let cidrs = |list: &[&str]| Known::Value(list.iter().map(|c| c.to_string()).collect());
    assert_eq!(
        find("firewall.fw>panorama.p@mgt:tcp:3978").destination_addresses,
        cidrs(&["10.0.0.1/32"])
    );
    assert_eq!(
        find("firewall.fw>panorama.p@eth1:tcp:3978").destination_addresses,
        cidrs(&["10.0.1.1/32"])
    );
    let updates = find("firewall.fw>panorama.p@eth3:tcp:28443");
    assert_eq!(updates.destination_addresses, cidrs(&["2001:db8::3/128"]));
    assert_eq!(updates.destination_interface.as_deref(), Some("eth3"));
    assert_eq!(
        updates.source_addresses,
        cidrs(&["10.8.0.0/16", "10.9.0.0/16"]),
        "sorted and deduplicated"
    );
}
