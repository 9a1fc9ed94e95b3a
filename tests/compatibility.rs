//! FLOWS.md's compatibility rules and interface rules, one test each: the finding's
//! severity, summary, path (the value at fault), related paths (what else it rests on) and
//! the words of its detail.

use panorama_provider::flows::{self, config::EstateConfig, input::Input, Diagnostic, Severity};
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
        &["panorama.version"],
        &[
            "runs 8.0",
            "from 8.0.1 on",
            "Upgrade it to a release from 8.0.1 to 10.1.",
        ],
    );
    // Under Panorama 7.1 the WildFire upgrade needs a Panorama upgrade too.
    let found = diagnostics(json!({
        "panorama": pano("7.1"),
        "wildfire": { "wf": { "version": "7.1" } },
    }));
    let error = found.iter().find(|d| d.is_error()).expect("an error");
    assert!(
        error
            .detail
            .ends_with("Upgrade it to 8.0.1 or later, and upgrade Panorama to 8.0.1 or later."),
        "{}",
        error.detail
    );
}

#[test]
fn a_newer_wildfire_proposes_only_a_valid_panorama_upgrade() {
    // Issue 9, item 9: WildFire on 7.1 or earlier is refused, and Panorama 8.0 would
    // still be below the 8.0.1 that WildFire needs.
    let found = diagnostics(json!({
        "panorama": pano("7.1"),
        "wildfire": { "wf": { "version": "8.0.1" } },
    }));
    let error = found
        .iter()
        .find(|d| d.summary == "Device is newer than Panorama")
        .expect("the error");
    assert!(
        error.detail.ends_with(
            "Panorama manages only devices on its own release or earlier: upgrade Panorama to 8.0.1 or later."
        ),
        "{}",
        error.detail
    );
    // Where the WildFire can run a release Panorama manages, that is offered too.
    let found = diagnostics(json!({
        "panorama": pano("10.1"),
        "wildfire": { "wf": { "version": "10.2" } },
    }));
    assert!(
        found[0].detail.ends_with(
            "run the WildFire on a release from 8.0.1 to 10.1, or upgrade Panorama to 10.2 or later."
        ),
        "{}",
        found[0].detail
    );
}

#[test]
fn a_newer_log_collector_in_panoramas_group_stays_in_its_band() {
    let found = diagnostics(json!({
        "panorama": { "version": "7.1", "collector_group": "cg", "nodes": { "p": {} } },
        "log_collectors": { "lc": { "version": "8.1", "collector_group": "cg" } },
    }));
    let summaries: Vec<&str> = found.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Device is newer than Panorama",
            "Collector Group mixes version bands"
        ]
    );
    let found = &found[0];
    assert!(
        found.detail.ends_with(
            "run the Log Collector on a release from 6.0 to 7.1, or upgrade Panorama to 8.1 or later."
        ),
        "{}",
        found.detail
    );
}

#[test]
fn a_newer_device_under_a_collector_panorama_moves_the_group_too() {
    // Panorama 7.1 collects logs in Collector Group `cg` with a 7.1 Log Collector: an
    // upgrade to 10.2 takes Panorama to another band, so the Log Collector must follow.
    let found = diagnostics(json!({
        "panorama": { "version": "7.1", "collector_group": "cg", "nodes": { "p": {} } },
        "log_collectors": { "lc": { "version": "7.1", "collector_group": "cg" } },
        "firewalls": { "fw": { "version": "10.2" } },
    }));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].detail.ends_with(
            "run the firewall group on 7.1 or earlier, or upgrade Panorama to 10.2 or later together with the Log Collectors of Collector Group `cg` (one group, one version band)."
        ),
        "{}",
        found[0].detail
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
        &[
            "Panorama runs 8.0.4",
            "To fix, upgrade Panorama to 8.0.5 or later, or leave Cortex Data Lake out",
        ],
    );
    let found = diagnostics(json!({
        "panorama": pano("8.0.4"),
        "firewalls": { "fw": { "version": "8.0.4", "cortex_data_lake": true } },
    }));
    let error = found
        .iter()
        .find(|d| d.summary == "Cortex Data Lake needs Panorama 8.0.5")
        .expect("the error");
    assert_finding(
        error,
        Severity::Error,
        "Cortex Data Lake needs Panorama 8.0.5",
        "firewalls[\"fw\"].cortex_data_lake",
        &["panorama.version"],
        &[
            "`fw`",
            "Panorama runs 8.0.4",
            "upgrade Panorama to 8.0.5 or later, or leave cortex_data_lake off.",
        ],
    );
    assert_eq!(
        diagnostics(json!({ "panorama": pano("8.0.5"), "cortex_data_lake": {} })),
        []
    );
}

#[test]
fn a_firewall_group_logging_to_cortex_before_8_0_5_is_an_error_naming_both_releases() {
    let found = diagnostics(json!({
        "panorama": pano("10.1"),
        "firewalls": { "fw": { "version": "8.0.4", "cortex_data_lake": true } },
        "cortex_data_lake": { "addresses": ["203.0.113.0/24"] },
    }));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_finding(
        &found[0],
        Severity::Error,
        "Firewall group too old for Cortex Data Lake",
        "firewalls[\"fw\"].version",
        &["firewalls[\"fw\"].cortex_data_lake", "panorama.version"],
        &[
            "runs 8.0.4",
            "from PAN-OS 8.0.5 on",
            "upgrade the group to a release from 8.0.5 to 10.1, or leave cortex_data_lake off.",
        ],
    );
    // Under a Panorama that is itself too old, the fix upgrades both.
    let found = diagnostics(json!({
        "panorama": pano("7.1"),
        "firewalls": { "fw": { "version": "7.1", "cortex_data_lake": true } },
        "cortex_data_lake": {},
    }));
    let error = found
        .iter()
        .find(|d| d.summary == "Firewall group too old for Cortex Data Lake")
        .expect("the error");
    assert!(
        error
            .detail
            .contains("upgrade the group to 8.0.5 or later and upgrade Panorama to 8.0.5 or later"),
        "{}",
        error.detail
    );
}

#[test]
fn cortex_data_lake_without_the_top_level_block_is_a_warning() {
    let found = only(json!({
        "panorama": pano("10.1"),
        "firewalls": {
            "a": { "version": "10.1" },
            "b": { "version": "10.1", "cortex_data_lake": true },
            "c": { "version": "10.1", "cortex_data_lake": true },
        },
    }));
    assert_finding(
        &found,
        Severity::Warning,
        "Cortex Data Lake without addresses",
        "firewalls[\"b\"].cortex_data_lake",
        &["cortex_data_lake"],
        &[
            "The firewall groups `b` and 1 more log to Cortex Data Lake",
            "no destination addresses",
            "Declare cortex_data_lake = { addresses = [...] }",
        ],
    );
}

#[test]
fn duplicate_logging_without_cortex_data_lake_is_a_warning() {
    let found = only(json!({
        "panorama": pano("10.1"),
        "firewalls": { "fw": { "version": "10.1", "duplicate_logging": true } },
    }));
    assert_finding(
        &found,
        Severity::Warning,
        "Duplicate logging without Cortex Data Lake",
        "firewalls[\"fw\"].duplicate_logging",
        &["firewalls[\"fw\"].cortex_data_lake"],
        &["no effect", "Set cortex_data_lake = true"],
    );
}

#[test]
fn a_collector_group_on_a_management_only_panorama_is_an_error() {
    let found = only(json!({
        "panorama": { "version": "10.2", "mode": "management-only", "collector_group": "east", "nodes": { "p": {} } },
        "log_collectors": { "lc": { "version": "10.1", "collector_group": "east" } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "Collector Group on a management-only Panorama",
        "panorama.collector_group",
        &["panorama.mode"],
        &[
            "no local Log Collector",
            "`east`",
            "Leave collector_group out",
            "or set mode = \"panorama\"",
        ],
    );
    // Panorama mode is no fix when Panorama's band differs from the group's.
    let found = only(json!({
        "panorama": { "version": "10.2", "mode": "management-only", "collector_group": "east", "nodes": { "p": {} } },
        "log_collectors": { "lc": { "version": "7.1", "collector_group": "east" } },
    }));
    assert!(!found.detail.contains("mode = "), "{}", found.detail);
}

#[test]
fn a_collector_group_mixing_version_bands_is_an_error_naming_each_release() {
    // `east` mixes 8.x and 7.1; `west` mixes 5.1 and 6.0 (49190 one way, 28270 the other).
    let found = diagnostics(json!({
        "panorama": { "version": "10.2", "collector_group": "east", "nodes": { "a": {}, "b": {} } },
        "log_collectors": {
            "lc-1": { "version": "10.1", "collector_group": "east" },
            "lc-2": { "version": "7.1.4", "collector_group": "east" },
            "lc-3": { "version": "5.1", "collector_group": "west" },
            "lc-4": { "version": "6.0", "collector_group": "west" },
        },
    }));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_finding(
        &found[0],
        Severity::Error,
        "Collector Group mixes version bands",
        "log_collectors[\"lc-2\"].version",
        // The other collectors' releases, and what puts each collector in the group.
        &[
            "panorama.version",
            "log_collectors[\"lc-1\"].version",
            "panorama.collector_group",
            "panorama.mode",
            "log_collectors[\"lc-1\"].collector_group",
            "log_collectors[\"lc-2\"].collector_group",
        ],
        &[
            "Collector Group `east`",
            "Panorama's local Log Collector runs 10.2 (8.x and later), `lc-1` runs 10.1 (8.x and later), `lc-2` runs 7.1.4 (6.x-7.x)",
            "To fix, run every collector of `east` on a release from 8.0 to 10.2, Panorama's band (8.x and later).",
        ],
    );
    assert_finding(
        &found[1],
        Severity::Error,
        "Collector Group mixes version bands",
        "log_collectors[\"lc-4\"].version",
        &[
            "log_collectors[\"lc-3\"].version",
            "log_collectors[\"lc-3\"].collector_group",
            "log_collectors[\"lc-4\"].collector_group",
        ],
        &["`lc-3` runs 5.1 (5.1), `lc-4` runs 6.0 (6.x-7.x)"],
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
    // In management-only mode Panorama's own group has no collector (and naming one is an
    // error of its own).
    let found = diagnostics(json!({
        "panorama": { "version": "10.2", "mode": "management-only", "collector_group": "east", "nodes": { "p": {} } },
        "firewalls": { "fw": { "version": "10.2", "collector_group": "east" } },
    }));
    let summaries: Vec<&str> = found.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Collector Group on a management-only Panorama",
            "Collector Group has no collector"
        ]
    );
    assert!(
        found[1].detail.ends_with(
            "No Collector Group has a collector yet. To fix, add a Log Collector with collector_group = \"east\"."
        ),
        "{}",
        found[1].detail
    );
    // A Panorama in panorama mode without a group of its own may take the logs itself.
    let found = only(json!({
        "panorama": pano("10.2"),
        "firewalls": { "fw": { "version": "10.2", "collector_group": "east" } },
    }));
    assert!(
        found.detail.ends_with(
            "To fix, add a Log Collector with collector_group = \"east\", or set panorama.collector_group = \"east\" so that Panorama's local Log Collector takes the logs."
        ),
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

/// The length of the longest run of one character in `text`: a value of a million `l`s
/// echoed in a diagnostic must be cut to 80.
fn longest_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = (' ', 0);
    for c in text.chars() {
        run = if c == run.0 { (c, run.1 + 1) } else { (c, 1) };
        longest = longest.max(run.1);
    }
    longest
}

#[test]
fn echoed_values_are_cut_to_80_characters() {
    let long = |c: char| c.to_string().repeat(1_000_000);
    let found = diagnostics(json!({
        "panorama": { "version": long('1'), "model": long('m'), "mode": long('x'),
                      "collector_group": long('?'), "nodes": { "p": { "addresses": { "mgt": [long('a')], long('e'): [] } } } },
        "firewalls": { long('f'): { "version": format!("10.{}", long('9')), "collector_group": long('g') } },
        "services": { long('s'): {}, "syslog": { "transport": long('t') } },
    }));
    assert!(found.len() >= 9, "{found:#?}");
    for finding in &found {
        // The long values repeat one character: no run of it may pass 80.
        assert!(
            longest_run(&finding.detail) <= 80,
            "{}",
            &finding.detail[..200.min(finding.detail.len())]
        );
        assert!(
            finding.detail.len() < 1_000,
            "{}: {} bytes",
            finding.summary,
            finding.detail.len()
        );
        assert!(finding.path.to_string().len() < 300, "{}", finding.summary);
    }
}

#[test]
fn the_m_200_has_eth1_to_eth3_only() {
    let found = only(json!({
        "panorama": { "version": "10.2", "model": "m-200", "nodes": { "p": { "addresses": { "eth4": ["10.0.4.1"] } } } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "Interface not on this model",
        "panorama.nodes[\"p\"].addresses[\"eth4\"]",
        &["panorama.model"],
        &["`m-200`", "no `eth4`", "`eth1` .. `eth3`"],
    );
    let found = assignment("m-200", "10.2", "device_deployment", "eth5");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .detail
            .contains("and only to `eth1`, `eth2`, `eth3`."),
        "{}",
        found[0].detail
    );
    assert_eq!(assignment("m-200", "10.2", "device_deployment", "eth3"), []);
}

#[test]
fn nfs_proposes_the_virtual_appliance_only_where_it_fits() {
    let found = only(json!({
        "panorama": { "version": "10.2", "model": "m-600", "interfaces": { "log_collection": "eth1" }, "nodes": { "p": {} } },
        "services": { "nfs": { "addresses": ["10.0.0.9"] } },
    }));
    assert!(
        found.detail.ends_with("Remove the `nfs` service."),
        "the virtual appliance has no eth1: {}",
        found.detail
    );
}

#[test]
fn one_address_on_two_appliances_is_an_error_naming_both_places() {
    // Both HA peers at one address, written two ways.
    let found = only(json!({
        "panorama": { "version": "10.2", "nodes": {
            "a": { "addresses": { "mgt": ["10.0.0.10"] } },
            "b": { "addresses": { "mgt": ["10.0.0.10/32"] } },
        } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "Address on two appliances",
        "panorama.nodes[\"b\"].addresses[\"mgt\"][0]",
        &["panorama.nodes[\"a\"].addresses[\"mgt\"][0]"],
        &[
            "`10.0.0.10/32` is the address of Panorama node `b` here and of Panorama node `a` at panorama.nodes[\"a\"].addresses[\"mgt\"][0]",
            "rules from the address to itself",
        ],
    );
    // A firewall group at a Log Collector's address, the group's written IPv4-mapped.
    let found = only(json!({
        "panorama": pano("10.2"),
        "log_collectors": { "lc": { "version": "10.2", "collector_group": "cg", "addresses": { "mgt": ["10.1.0.5"] } } },
        "firewalls": { "fw": { "version": "10.2", "addresses": ["10.20.0.0/16", "::ffff:10.1.0.5"] } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "Address on two appliances",
        "firewalls[\"fw\"].addresses[1]",
        &["log_collectors[\"lc\"].addresses[\"mgt\"][0]"],
        &["the firewall group `fw` here and of the Log Collector `lc`"],
    );
}

#[test]
fn addresses_that_may_be_shared_are_not_an_error() {
    let found = diagnostics(json!({
        "panorama": { "version": "10.2", "model": "m-600", "nodes": {
            // One node on two interfaces is one appliance.
            "a": { "addresses": { "mgt": ["10.0.0.10"], "eth1": ["10.0.0.10"] } },
        } },
        "firewalls": {
            "one": { "version": "10.2", "addresses": ["10.20.0.0/16"] },
            "two": { "version": "10.2", "addresses": ["10.20.0.0/16"] },
        },
        "wildfire": { "wf": { "version": "10.2", "addresses": ["10.20.0.0/16"] } },
        // Services and Cortex Data Lake are not appliances.
        "services": { "dns": { "addresses": ["10.0.0.10"] } },
    }));
    assert_eq!(found, []);
}

#[test]
fn an_address_open_to_everyone_is_a_warning_naming_its_flows() {
    let found = only(json!({
        "panorama": { "version": "10.2", "nodes": { "p": { "addresses": { "mgt": ["10.0.0.10"] } } } },
        "firewalls": { "fw": { "version": "10.2", "addresses": ["10.20.0.0/16", "0.0.0.0/0"] } },
    }));
    assert_finding(
        &found,
        Severity::Warning,
        "Address open to everyone",
        "firewalls[\"fw\"].addresses[1]",
        &[],
        &[
            "`0.0.0.0/0` stands for every IPv4 address, the address of the firewall group `fw`",
            "the rules built from it open the flows `firewall.fw>panorama.p@mgt:tcp:28443`, `firewall.fw>panorama.p@mgt:tcp:3978` to everyone",
        ],
    );
    let found = only(json!({
        "panorama": { "version": "10.2", "nodes": { "p": { "addresses": { "mgt": ["2001:db8::10"] } } } },
        "services": { "admin": { "addresses": ["::/0"] } },
    }));
    assert!(
        found.detail.starts_with("`::/0` stands for every IPv6 address, the address of the service `admin`: the rules built from it open the flows `service.admin>panorama.p@mgt:tcp:22`, `service.admin>panorama.p@mgt:tcp:443` to everyone."),
        "{}",
        found.detail
    );
}

#[test]
fn the_new_findings_echo_names_cut_to_80_characters() {
    let long = |c: char| c.to_string().repeat(1_000_000);
    let estates = [
        // Errors: a Collector Group mixing bands, a group too old for Cortex Data Lake, an
        // address on two appliances; warnings: duplicate logging without Cortex Data Lake,
        // Cortex Data Lake without its block.
        json!({
            "panorama": { "version": "10.2", "nodes": { "p": { "addresses": { "mgt": ["10.0.0.10"] } } } },
            "log_collectors": {
                long('l'): { "version": "10.1", "collector_group": long('g'), "addresses": { "mgt": ["10.0.0.10"] } },
                long('k'): { "version": "7.1", "collector_group": long('g') },
            },
            "firewalls": {
                long('f'): { "version": "8.0.1", "cortex_data_lake": true },
                long('d'): { "version": "10.1", "duplicate_logging": true },
            },
        }),
        // An address open to everyone names flows whose keys hold the group's name.
        json!({
            "panorama": pano("10.2"),
            "firewalls": { long('o'): { "version": "10.1", "addresses": { long('n'): "0.0.0.0/0" } } },
        }),
        // A Collector Group on a management-only Panorama; an upgrade that takes the
        // Log Collectors of Panorama's group along.
        json!({
            "panorama": { "version": "10.2", "mode": "management-only", "collector_group": long('c'), "nodes": { "p": {} } },
        }),
        json!({
            "panorama": { "version": "7.1", "collector_group": long('q'), "nodes": { "p": {} } },
            "log_collectors": { "lc": { "version": "7.1", "collector_group": long('q') } },
            "wildfire": { "wf": { "version": "8.0.1" } },
        }),
    ];
    let mut summaries = Vec::new();
    for estate in estates {
        for finding in diagnostics(estate) {
            assert!(
                longest_run(&finding.detail) <= 80,
                "{}: {}",
                finding.summary,
                &finding.detail[..300.min(finding.detail.len())]
            );
            assert!(finding.detail.len() < 2_000, "{}", finding.summary);
            assert!(finding.path.to_string().len() < 300, "{}", finding.summary);
            summaries.push(finding.summary);
        }
    }
    for summary in [
        "Collector Group mixes version bands",
        "Firewall group too old for Cortex Data Lake",
        "Address on two appliances",
        "Duplicate logging without Cortex Data Lake",
        "Cortex Data Lake without addresses",
        "Address open to everyone",
        "Collector Group on a management-only Panorama",
        "Device is newer than Panorama",
    ] {
        assert!(
            summaries.iter().any(|s| s == summary),
            "{summary} not in {summaries:#?}"
        );
    }
}

#[test]
fn the_address_findings_point_at_named_addresses() {
    let found = only(json!({
        "panorama": pano("10.2"),
        "log_collectors": { "lc": { "version": "10.2", "collector_group": "cg", "addresses": { "mgt": { "own": "10.1.0.5" } } } },
        "firewalls": { "fw": { "version": "10.2", "addresses": { "office": "10.20.0.0/16", "clash": "::ffff:10.1.0.5" } } },
    }));
    assert_finding(
        &found,
        Severity::Error,
        "Address on two appliances",
        "firewalls[\"fw\"].addresses[\"clash\"]",
        &["log_collectors[\"lc\"].addresses[\"mgt\"][\"own\"]"],
        &["of the Log Collector `lc` at log_collectors[\"lc\"].addresses[\"mgt\"][\"own\"]"],
    );
    let found = only(json!({
        "panorama": { "version": "10.2", "nodes": { "p": { "addresses": { "mgt": ["10.0.0.10"] } } } },
        "firewalls": { "fw": { "version": "10.2", "addresses": { "office": "10.20.0.0/16", "anyone": "0.0.0.0/0" } } },
    }));
    assert_finding(
        &found,
        Severity::Warning,
        "Address open to everyone",
        "firewalls[\"fw\"].addresses[\"anyone\"]",
        &[],
        &["`0.0.0.0/0` stands for every IPv4 address, the address of the firewall group `fw`"],
    );
}

/// Collectors whose groups are not known yet may not share one: the finding waits.
#[test]
fn a_band_mix_that_rests_on_an_unknown_group_waits_for_it() {
    let estate = |group: Input| {
        Input::map([
            ("panorama", Input::from(pano("10.2"))),
            (
                "log_collectors",
                Input::map([
                    (
                        "a",
                        Input::map([
                            ("version", Input::String("10.1".into())),
                            ("collector_group", group.clone()),
                        ]),
                    ),
                    (
                        "b",
                        Input::map([
                            ("version", Input::String("7.1".into())),
                            ("collector_group", group),
                        ]),
                    ),
                ]),
            ),
        ])
    };
    let known = flows::check_input(&estate(Input::String("cg".into())));
    let summaries: Vec<&str> = known.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(summaries, ["Collector Group mixes version bands"]);
    assert_eq!(flows::check_input(&estate(Input::Unknown)), []);
}
