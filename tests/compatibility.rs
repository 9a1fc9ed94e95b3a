//! FLOWS.md's compatibility rules and interface rules, one test each: the finding's
//! severity, summary, path (the value at fault), related paths (what else it rests on) and
//! the words of its detail.

use panorama_provider::flows::{self, config::EstateConfig, Diagnostic, Severity};
use serde_json::{json, Value};

fn diagnostics(estate: Value) -> Vec<Diagnostic> {
    let config: EstateConfig = serde_json::from_value(estate).expect("fixture matches the schema");
    let outcome = flows::compute(&config);
    assert_eq!(
        outcome.matrix.is_none(),
        outcome.diagnostics.iter().any(Diagnostic::is_error),
        "a matrix exactly when there is no error"
    );
    outcome.diagnostics
}

/// The only finding of `estate`.
fn only(estate: Value) -> Diagnostic {
    let found = diagnostics(estate);
    assert_eq!(found.len(), 1, "{found:#?}");
    found.into_iter().next().expect("one finding")
}

fn assert_finding(
    found: &Diagnostic,
    severity: Severity,
    summary: &str,
    path: &str,
    related: &[&str],
    words: &[&str],
) {
    assert_eq!(found.severity, severity, "{found:#?}");
    assert_eq!(found.summary, summary);
    assert_eq!(found.path.to_string(), path);
    let actual: Vec<String> = found.related.iter().map(ToString::to_string).collect();
    assert_eq!(actual, related, "related paths");
    for word in words {
        assert!(
            found.detail.contains(word),
            "`{word}` not in {:?}",
            found.detail
        );
    }
    assert!(!found.summary.contains('\n'), "one-line summary");
}

fn pano(version: &str) -> Value {
    json!({ "version": version, "nodes": { "p": {} } })
}

#[test]
fn a_device_newer_than_panorama_is_an_error_naming_both_versions() {
    for (attr, device, kind) in [
        (
            "firewalls",
            json!({ "version": "10.2.4" }),
            "The firewall group `d`",
        ),
        (
            "log_collectors",
            json!({ "version": "10.2", "collector_group": "cg" }),
            "The Log Collector `d`",
        ),
        ("wildfire", json!({ "version": "10.2" }), "The WildFire `d`"),
    ] {
        let found = only(json!({ "panorama": pano("10.1.9"), attr: { "d": device } }));
        assert_finding(
            &found,
            Severity::Error,
            "Device is newer than Panorama",
            &format!("{attr}[\"d\"].version"),
            &["panorama.version"],
            &[
                kind,
                "runs 10.2",
                "Panorama runs 10.1.9",
                "upgrade Panorama to 10.2",
            ],
        );
    }
}

#[test]
fn a_later_patch_of_the_same_feature_release_is_fine() {
    let found = diagnostics(json!({
        "panorama": pano("10.2.1"),
        "firewalls": { "fw": { "version": "10.2.9-h3" } },
    }));
    assert_eq!(found, []);
}

#[test]
fn wildfire_before_8_0_1_is_an_error() {
    let found =
        only(json!({ "panorama": pano("10.1"), "wildfire": { "wf": { "version": "8.0" } } }));
    assert_finding(
        &found,
        Severity::Error,
        "WildFire release too old for Panorama",
        "wildfire[\"wf\"].version",
        &[],
        &["runs 8.0", "from 8.0.1 on"],
    );
}

#[test]
fn panorama_before_8_0_1_managing_wildfire_is_a_warning() {
    let found = diagnostics(json!({
        "panorama": pano("8.0"),
        "wildfire": { "wf": { "version": "8.0.1" } },
    }));
    // WildFire 8.0.1 on Panorama 8.0: same feature release, so only the warning.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_finding(
        &found[0],
        Severity::Warning,
        "Panorama release too old for WildFire",
        "panorama.version",
        &["wildfire"],
        &["Panorama runs 8.0", "8.0.1 or later"],
    );
}

#[test]
fn cortex_data_lake_before_panorama_8_0_5_is_an_error() {
    let found = only(json!({ "panorama": pano("8.0.4"), "cortex_data_lake": {} }));
    assert_finding(
        &found,
        Severity::Error,
        "Cortex Data Lake needs Panorama 8.0.5",
        "cortex_data_lake",
        &["panorama.version"],
        &["Panorama runs 8.0.4", "8.0.5 or later"],
    );
    let found = only(json!({
        "panorama": pano("7.1"),
        "firewalls": { "fw": { "version": "7.1", "cortex_data_lake": true } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "Cortex Data Lake needs Panorama 8.0.5",
        "firewalls[\"fw\"].cortex_data_lake",
        &["panorama.version"],
        &["`fw`", "Panorama runs 7.1"],
    );
    assert_eq!(
        diagnostics(json!({ "panorama": pano("8.0.5"), "cortex_data_lake": {} })),
        []
    );
}

#[test]
fn more_than_two_nodes_is_an_error() {
    let found =
        only(json!({ "panorama": { "version": "10.2", "nodes": { "a": {}, "b": {}, "c": {} } } }));
    assert_finding(
        &found,
        Severity::Error,
        "Panorama needs one or two nodes",
        "panorama.nodes",
        &[],
        &["3 nodes", "exactly two peers"],
    );
}

#[test]
fn ha_encryption_with_one_node_is_a_warning() {
    let found = only(
        json!({ "panorama": { "version": "10.2", "ha_encryption": true, "nodes": { "a": {} } } }),
    );
    assert_finding(
        &found,
        Severity::Warning,
        "HA encryption without an HA pair",
        "panorama.ha_encryption",
        &["panorama.nodes"],
        &["no effect with one Panorama node"],
    );
}

#[test]
fn a_firewall_group_naming_an_empty_collector_group_is_an_error() {
    let found = only(json!({
        "panorama": { "version": "10.2", "collector_group": "east", "nodes": { "p": {} } },
        "log_collectors": { "lc": { "version": "10.2", "collector_group": "west" } },
        "firewalls": { "fw": { "version": "10.2", "collector_group": "north" } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "Collector Group has no collector",
        "firewalls[\"fw\"].collector_group",
        &[
            "log_collectors",
            "panorama.collector_group",
            "panorama.mode",
        ],
        &[
            "`north`",
            "Collector Groups with a collector: `east`, `west`",
        ],
    );
    // In management-only mode Panorama's own group has no collector.
    let found = only(json!({
        "panorama": { "version": "10.2", "mode": "management-only", "collector_group": "east", "nodes": { "p": {} } },
        "firewalls": { "fw": { "version": "10.2", "collector_group": "east" } },
    }));
    assert!(
        found
            .detail
            .contains("No Collector Group has a collector yet"),
        "{}",
        found.detail
    );
}

#[test]
fn nfs_on_an_m_series_is_an_error() {
    let found = only(json!({
        "panorama": { "version": "10.2", "model": "m-600", "nodes": { "p": {} } },
        "services": { "nfs": { "addresses": ["10.0.0.9"] } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "NFS is for the virtual appliance only",
        "services[\"nfs\"]",
        &["panorama.model"],
        &["Panorama has model `m-600`: only", "`vm`"],
    );
    let found = only(json!({
        "panorama": pano("10.2"),
        "log_collectors": { "lc": { "version": "10.2", "collector_group": "cg", "model": "m-200" } },
        "services": { "nfs": { "include_log_collectors": true } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "NFS is for the virtual appliance only",
        "services[\"nfs\"].include_log_collectors",
        &["log_collectors[\"lc\"].model"],
        &["The Log Collector `lc` has model `m-200`: only"],
    );
}

#[test]
fn an_unknown_service_key_lists_the_valid_keys() {
    let found = only(json!({ "panorama": pano("10.2"), "services": { "ftp": {} } }));
    assert_finding(
        &found,
        Severity::Error,
        "Unknown service",
        "services[\"ftp\"]",
        &[],
        &[
            "`ftp`",
            "`admin`",
            "`syslog`",
            "`traps_esm`",
            "`interconnect`",
        ],
    );
}

#[test]
fn transport_is_for_syslog_only_and_must_be_known() {
    let found =
        only(json!({ "panorama": pano("10.2"), "services": { "ntp": { "transport": "tcp" } } }));
    assert_finding(
        &found,
        Severity::Error,
        "Transport not accepted",
        "services[\"ntp\"].transport",
        &[],
        &["`ntp` has fixed protocols; only `syslog` takes a transport."],
    );
    let found =
        only(json!({ "panorama": pano("10.2"), "services": { "syslog": { "transport": "tls" } } }));
    assert_finding(
        &found,
        Severity::Error,
        "Unknown transport",
        "services[\"syslog\"].transport",
        &[],
        &["`tls`", "`udp` (default), `tcp`, `ssl`"],
    );
}

#[test]
fn ports_are_whole_numbers_from_1_to_65535() {
    for (bad, index) in [(0.0, 1), (65536.0, 1), (1.5, 1), (-22.0, 1)] {
        let found = only(json!({
            "panorama": pano("10.2"),
            "services": { "ldap": { "ports": [636, bad] } },
        }));
        assert_finding(
            &found,
            Severity::Error,
            "Invalid port",
            &format!("services[\"ldap\"].ports[{index}]"),
            &[],
            &["whole numbers from 1 to 65535"],
        );
    }
    let found = only(json!({ "panorama": pano("10.2"), "services": { "ldap": { "ports": [] } } }));
    assert_finding(
        &found,
        Severity::Error,
        "No ports",
        "services[\"ldap\"].ports",
        &[],
        &["at least one port"],
    );
    let found =
        only(json!({ "panorama": pano("10.2"), "services": { "admin": { "ports": [8443] } } }));
    assert_finding(
        &found,
        Severity::Error,
        "Ports are fixed for this service",
        "services[\"admin\"].ports",
        &[],
        &["`admin`", "`ldap`"],
    );
}

/// An interface assignment on `model` running `version`, as Panorama and as a Log Collector.
fn assignment(model: &str, version: &str, function: &str, interface: &str) -> Vec<Diagnostic> {
    diagnostics(json!({
        "panorama": { "version": version, "model": model, "interfaces": { function: interface }, "nodes": { "p": {} } },
    }))
}

#[test]
fn the_virtual_appliance_keeps_every_function_on_mgt() {
    let found = assignment("vm", "11.1", "device_management", "eth1");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_finding(
        &found[0],
        Severity::Error,
        "Interface assignment not supported",
        "panorama.interfaces.device_management",
        &["panorama.model", "panorama.version"],
        &[
            "device_management on `eth1`",
            "`vm` on 11.1 carries every function on `mgt`",
        ],
    );
}

#[test]
fn m_series_before_6_1_keeps_every_function_on_mgt() {
    let found = assignment("m-100", "6.0.3", "log_collection", "eth1");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_finding(
        &found[0],
        Severity::Error,
        "Interface assignment not supported",
        "panorama.interfaces.log_collection",
        &["panorama.model", "panorama.version"],
        &["`m-100` on 6.0.3 carries every function on `mgt`"],
    );
}

#[test]
fn m_series_on_6_1_to_7_1_moves_only_logging_to_eth1_or_eth2() {
    assert_eq!(assignment("m-500", "6.1", "log_collection", "eth1"), []);
    assert_eq!(assignment("m-500", "7.1.4", "collector_group", "eth2"), []);
    for (function, interface) in [
        ("log_collection", "eth3"),
        ("device_management", "eth1"),
        ("device_deployment", "eth2"),
    ] {
        let found = assignment("m-500", "7.1", function, interface);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_finding(
            &found[0],
            Severity::Error,
            "Interface assignment not supported",
            &format!("panorama.interfaces.{function}"),
            &["panorama.model", "panorama.version"],
            &[
                &format!("{function} on `{interface}`"),
                "`m-500` on 7.1 can move only `log_collection`, `collector_group` off `mgt`, and only to `eth1`, `eth2`.",
            ],
        );
    }
}

#[test]
fn m_series_on_8_0_and_later_moves_anything_to_its_interfaces() {
    assert_eq!(assignment("m-700", "8.0", "device_deployment", "eth5"), []);
    assert_eq!(assignment("m-100", "10.1", "device_management", "eth3"), []);
    let found = assignment("m-100", "10.1", "device_management", "eth4");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .detail
            .contains("`m-100` on 10.1 can move only `device_management`, `log_collection`, `collector_group`, `device_deployment` off `mgt`, and only to `eth1`, `eth2`, `eth3`."),
        "{}",
        found[0].detail
    );
}

#[test]
fn log_collectors_follow_their_own_model_and_release() {
    let found = diagnostics(json!({
        "panorama": { "version": "10.2", "model": "m-700", "nodes": { "p": {} } },
        "log_collectors": { "lc": {
            "version": "7.1", "model": "m-200", "collector_group": "cg",
            "interfaces": { "log_collection": "eth4" },
        } },
    }));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_finding(
        &found[0],
        Severity::Error,
        "Interface assignment not supported",
        "log_collectors[\"lc\"].interfaces.log_collection",
        &[
            "log_collectors[\"lc\"].model",
            "log_collectors[\"lc\"].version",
        ],
        &[
            "The Log Collector `lc` cannot carry log_collection on `eth4`",
            "`m-200` on 7.1",
        ],
    );
}

#[test]
fn addresses_on_an_interface_the_model_lacks_are_an_error() {
    let found = only(json!({
        "panorama": { "version": "10.2", "model": "m-100", "nodes": { "p": { "addresses": { "eth5": ["10.0.5.1"] } } } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "Interface not on this model",
        "panorama.nodes[\"p\"].addresses[\"eth5\"]",
        &["panorama.model"],
        &[
            "Panorama has model `m-100`, which has no `eth5`.",
            "`eth1` .. `eth3`",
        ],
    );
    let found = only(json!({
        "panorama": pano("10.2"),
        "log_collectors": { "lc": { "version": "10.2", "collector_group": "cg", "addresses": { "eth1": ["10.0.5.1"] } } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "Interface not on this model",
        "log_collectors[\"lc\"].addresses[\"eth1\"]",
        &["log_collectors[\"lc\"].model"],
        &[
            "has model `vm`, which has no `eth1`.",
            "`vm` has only `mgt`",
        ],
    );
}

#[test]
fn one_bad_value_does_not_hide_cross_field_findings() {
    let found = diagnostics(json!({
        "panorama": { "version": "9.1", "nodes": { "p": { "addresses": { "mgt": ["nonsense"] } } } },
        "firewalls": { "fw": { "version": "10.0" } },
    }));
    let summaries: Vec<&str> = found.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(
        summaries,
        ["Invalid address", "Device is newer than Panorama"]
    );
}
