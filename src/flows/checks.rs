//! Compatibility rules of FLOWS.md: findings that involve more than one value (versions
//! against Panorama's, interfaces against model and release, groups against collectors).
//!
//! The checks read the declared estate directly and skip any value that does not parse
//! ([`crate::flows::parse`] reports those), so one bad value never hides an unrelated
//! finding. Every finding names the value at fault as its path and every other value it
//! rests on as `related`, so that a finding involving a value unknown during `plan` waits
//! until that value is known.
//!
//! Cortex Data Lake and Collector Group findings have modules of their own; `fixes`
//! words the fixes findings propose, so that each one is a fix the other rules accept.

use std::collections::BTreeSet;

mod collector_groups;
mod cortex;
mod fixes;

use super::addresses;
use super::config::{EstateConfig, LogCollectorInterfaces, PanoramaInterfaces};
use super::diagnostic::{echo, Diagnostic, Path};
use super::estate::{Function, Interface, Model};
use super::interfaces;
use super::services;
use super::version::Version;
use fixes::{local_collector_group, panorama_upgrade, releases_up_to};

/// Oldest WildFire release Panorama manages, and the release Panorama should run to manage it.
const WILDFIRE_MINIMUM: Version = Version::with_patch(8, 0, 1);
/// Oldest Panorama release that works with Cortex Data Lake.
const CORTEX_MINIMUM: Version = Version::with_patch(8, 0, 5);

/// Every cross-field finding in `config`.
pub fn check(config: &EstateConfig) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    devices_not_newer_than_panorama(config, &mut found);
    wildfire_releases(config, &mut found);
    cortex_data_lake_release(config, &mut found);
    cortex::firewall_releases(config, &mut found);
    cortex::addresses_declared(config, &mut found);
    cortex::duplicate_logging_needs_cortex(config, &mut found);
    ha_encryption_needs_a_pair(config, &mut found);
    collector_groups::panorama_needs_panorama_mode(config, &mut found);
    firewall_collector_groups_exist(config, &mut found);
    collector_groups::share_a_band(config, &mut found);
    nfs_only_on_the_virtual_appliance(config, &mut found);
    interfaces_fit_model_and_release(config, &mut found);
    found.extend(addresses::shared_by_appliances(config));
    found
}

fn root() -> Path {
    Path::root()
}

fn panorama_path() -> Path {
    root().attr("panorama")
}

fn panorama_version(config: &EstateConfig) -> Option<Version> {
    config.panorama.version.parse().ok()
}

fn model(name: Option<&str>) -> Option<Model> {
    Model::from_name(name.unwrap_or("vm"))
}

/// Every managed device with its version: (attribute, name, kind in words, version text).
fn devices(config: &EstateConfig) -> Vec<(&'static str, &str, &'static str, &str)> {
    let lcs = config.log_collectors.iter().flatten();
    let fws = config.firewalls.iter().flatten();
    let wfs = config.wildfire.iter().flatten();
    lcs.map(|(n, lc)| {
        (
            "log_collectors",
            n.as_str(),
            "Log Collector",
            lc.version.as_str(),
        )
    })
    .chain(fws.map(|(n, fw)| {
        (
            "firewalls",
            n.as_str(),
            "firewall group",
            fw.version.as_str(),
        )
    }))
    .chain(wfs.map(|(n, wf)| ("wildfire", n.as_str(), "WildFire", wf.version.as_str())))
    .collect()
}

fn devices_not_newer_than_panorama(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    let Some(panorama) = panorama_version(config) else {
        return;
    };
    let cortex = |name: &str| {
        config
            .firewalls
            .as_ref()
            .and_then(|fws| fws.get(name))
            .is_some_and(|fw| fw.cortex_data_lake == Some(true))
    };
    // A Log Collector in the Collector Group of Panorama's local Log Collector shares
    // Panorama's version band.
    let with_panorama = |name: &str| {
        let group = config
            .log_collectors
            .as_ref()
            .and_then(|lcs| lcs.get(name))
            .map(|lc| lc.collector_group.as_str());
        group.is_some() && group == local_collector_group(config)
    };
    for (attr, name, kind, text) in devices(config) {
        let Ok(version) = text.parse::<Version>() else {
            continue;
        };
        if version.feature_release() > panorama.feature_release() {
            // The oldest release the device may run, where another rule sets one.
            let minimum = match attr {
                "wildfire" => Some(WILDFIRE_MINIMUM),
                "firewalls" if cortex(name) => Some(CORTEX_MINIMUM),
                "log_collectors" if with_panorama(name) => Some(panorama.band().first()),
                _ => None,
            };
            let mut fixes = Vec::new();
            if let Some(range) = releases_up_to(minimum.as_ref(), &panorama) {
                fixes.push(format!("run the {kind} on {range}"));
            }
            let (major, minor) = version.feature_release();
            fixes.push(panorama_upgrade(config, Version::new(major, minor)));
            found.push(
                Diagnostic::error(
                    root().attr(attr).key(name).attr("version"),
                    "Device is newer than Panorama",
                    format!(
                        "The {kind} `{}` runs {version} but Panorama runs {panorama}. Panorama manages only devices on its own release or earlier: {}.",
                        echo(name),
                        fixes.join(", or ")
                    ),
                )
                .depends_on(panorama_path().attr("version")),
            );
        }
    }
}

fn wildfire_releases(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    let wildfire = config.wildfire.iter().flatten();
    for (name, wf) in wildfire {
        let Ok(version) = wf.version.parse::<Version>() else {
            continue;
        };
        if version < WILDFIRE_MINIMUM {
            let panorama = panorama_version(config);
            let fix = match panorama
                .as_ref()
                .and_then(|p| releases_up_to(Some(&WILDFIRE_MINIMUM), p))
            {
                Some(range) => format!("Upgrade it to {range}."),
                None if panorama.is_some() => format!(
                    "Upgrade it to {WILDFIRE_MINIMUM} or later, and {}.",
                    panorama_upgrade(config, WILDFIRE_MINIMUM)
                ),
                None => format!("Upgrade it to {WILDFIRE_MINIMUM} or later."),
            };
            found.push(
                Diagnostic::error(
                    root().attr("wildfire").key(name).attr("version"),
                    "WildFire release too old for Panorama",
                    format!("The WildFire appliance `{}` runs {version}; Panorama manages WildFire appliances from {WILDFIRE_MINIMUM} on. {fix}", echo(name)),
                )
                .depends_on(panorama_path().attr("version")),
            );
        }
    }
    let any = config.wildfire.as_ref().is_some_and(|w| !w.is_empty());
    if let Some(panorama) = panorama_version(config).filter(|_| any) {
        if panorama < WILDFIRE_MINIMUM {
            found.push(
                Diagnostic::warning(
                    panorama_path().attr("version"),
                    "Panorama release too old for WildFire",
                    format!("Panorama runs {panorama}; the vendor recommends Panorama {WILDFIRE_MINIMUM} or later to manage WildFire appliances."),
                )
                .depends_on(root().attr("wildfire")),
            );
        }
    }
}

fn cortex_data_lake_release(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    let Some(panorama) = panorama_version(config) else {
        return;
    };
    if panorama >= CORTEX_MINIMUM {
        return;
    }
    let upgrade = panorama_upgrade(config, CORTEX_MINIMUM);
    let detail = |what: &str, without: &str| {
        format!("{what}, but Panorama runs {panorama}: Cortex Data Lake needs Panorama {CORTEX_MINIMUM} or later. To fix, {upgrade}, or {without}.")
    };
    if config.cortex_data_lake.is_some() {
        found.push(
            Diagnostic::error(
                root().attr("cortex_data_lake"),
                "Cortex Data Lake needs Panorama 8.0.5",
                detail(
                    "Cortex Data Lake is declared",
                    "leave Cortex Data Lake out (no cortex_data_lake, in no firewall group)",
                ),
            )
            .depends_on(panorama_path().attr("version")),
        );
    }
    for (name, fw) in config.firewalls.iter().flatten() {
        if fw.cortex_data_lake == Some(true) {
            found.push(
                Diagnostic::error(
                    root().attr("firewalls").key(name).attr("cortex_data_lake"),
                    "Cortex Data Lake needs Panorama 8.0.5",
                    detail(
                        &format!(
                            "The firewall group `{}` forwards logs to Cortex Data Lake",
                            echo(name)
                        ),
                        "leave cortex_data_lake off",
                    ),
                )
                .depends_on(panorama_path().attr("version")),
            );
        }
    }
}

fn ha_encryption_needs_a_pair(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    if config.panorama.ha_encryption == Some(true) && config.panorama.nodes.len() == 1 {
        found.push(
            Diagnostic::warning(
                panorama_path().attr("ha_encryption"),
                "HA encryption without an HA pair",
                "ha_encryption has no effect with one Panorama node: it encrypts synchronisation between two HA peers. Declare a second node, or leave ha_encryption out.",
            )
            .depends_on(panorama_path().attr("nodes")),
        );
    }
}

/// Names of the Collector Groups that have at least one collector.
fn collector_groups(config: &EstateConfig) -> BTreeSet<&str> {
    config
        .log_collectors
        .iter()
        .flatten()
        .map(|(_, lc)| lc.collector_group.as_str())
        .chain(local_collector_group(config))
        .collect()
}

fn firewall_collector_groups_exist(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    let groups = collector_groups(config);
    let pano = &config.panorama;
    // Panorama's local Log Collector can take the group only in panorama mode, and only
    // when it is in no other group already.
    let local_free =
        pano.collector_group.is_none() && matches!(pano.mode.as_deref(), None | Some("panorama"));
    for (name, fw) in config.firewalls.iter().flatten() {
        let Some(group) = fw.collector_group.as_deref() else {
            continue;
        };
        if groups.contains(group) {
            continue;
        }
        let group = echo(group);
        let mut fixes = vec![format!(
            "add a Log Collector with collector_group = \"{group}\""
        )];
        if local_free {
            fixes.push(format!(
                "set panorama.collector_group = \"{group}\" so that Panorama's local Log Collector takes the logs"
            ));
        }
        let existing = if groups.is_empty() {
            "No Collector Group has a collector yet".to_owned()
        } else {
            let names: Vec<String> = groups.iter().map(|g| format!("`{}`", echo(g))).collect();
            fixes.push("name one of those groups".to_owned());
            format!("Collector Groups with a collector: {}", names.join(", "))
        };
        found.push(
            Diagnostic::error(
                root().attr("firewalls").key(name).attr("collector_group"),
                "Collector Group has no collector",
                format!(
                    "The firewall group `{}` sends logs to Collector Group `{group}`, which has no collector. {existing}. To fix, {}.",
                    echo(name),
                    fixes.join(", or ")
                ),
            )
            .depends_on(root().attr("log_collectors"))
            .depends_on(panorama_path().attr("collector_group"))
            .depends_on(panorama_path().attr("mode")),
        );
    }
}

fn nfs_only_on_the_virtual_appliance(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    let Some(nfs) = config.services.as_ref().and_then(|s| s.get("nfs")) else {
        return;
    };
    let Some(service) = services::find("nfs").filter(|s| s.virtual_appliance_only) else {
        return;
    };
    let nfs_path = root().attr("services").key(service.key);
    if let Some(model) = model(config.panorama.model.as_deref()).filter(|m| m.is_m_series()) {
        // The virtual appliance is a fix only for a Panorama that uses MGT alone.
        let vm = if uses_only_mgt(config) {
            ", or use model `vm`"
        } else {
            ""
        };
        found.push(
            Diagnostic::error(
                nfs_path.clone(),
                "NFS is for the virtual appliance only",
                format!("Panorama has model `{model}`: only the Panorama virtual appliance (`vm`) stores logs on an NFS datastore. Remove the `nfs` service{vm}."),
            )
            .depends_on(panorama_path().attr("model")),
        );
    }
    if nfs.include_log_collectors != Some(true) {
        return;
    }
    for (name, lc) in config.log_collectors.iter().flatten() {
        if let Some(model) = model(lc.model.as_deref()).filter(|m| m.is_m_series()) {
            found.push(
                Diagnostic::error(
                    nfs_path.attr("include_log_collectors"),
                    "NFS is for the virtual appliance only",
                    format!("The Log Collector `{}` has model `{model}`: only virtual appliances (`vm`) store logs on an NFS datastore. Leave include_log_collectors off for `nfs`.", echo(name)),
                )
                .depends_on(root().attr("log_collectors").key(name).attr("model")),
            );
        }
    }
}

/// Whether Panorama assigns no function to, and declares no address on, a data interface.
fn uses_only_mgt(config: &EstateConfig) -> bool {
    let pano = &config.panorama;
    let assigned = pano
        .interfaces
        .as_ref()
        .map(panorama_assignments)
        .unwrap_or_default();
    let functions_on_mgt = assigned
        .iter()
        .all(|(_, name)| name.is_none_or(|n| n == "mgt"));
    let addresses_on_mgt = pano
        .nodes
        .values()
        .flat_map(|node| node.addresses.iter().flat_map(|a| a.keys()))
        .all(|name| name == "mgt");
    functions_on_mgt && addresses_on_mgt
}

fn interfaces_fit_model_and_release(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    let pano = &config.panorama;
    let path = panorama_path();
    let assignments = pano
        .interfaces
        .as_ref()
        .map(panorama_assignments)
        .unwrap_or_default();
    let addresses = pano.nodes.iter().map(|(name, node)| {
        (
            path.attr("nodes").key(name).attr("addresses"),
            node.addresses.as_ref(),
        )
    });
    appliance_interfaces(
        "Panorama",
        &path,
        pano.model.as_deref(),
        &pano.version,
        &assignments,
        addresses.collect(),
        found,
    );
    for (name, lc) in config.log_collectors.iter().flatten() {
        let path = root().attr("log_collectors").key(name);
        let assignments = lc
            .interfaces
            .as_ref()
            .map(log_collector_assignments)
            .unwrap_or_default();
        let addresses = vec![(path.attr("addresses"), lc.addresses.as_ref())];
        appliance_interfaces(
            &format!("The Log Collector `{}`", echo(name)),
            &path,
            lc.model.as_deref(),
            &lc.version,
            &assignments,
            addresses,
            found,
        );
    }
}

/// Declared (function, interface name) pairs of Panorama.
fn panorama_assignments(i: &PanoramaInterfaces) -> Vec<(Function, Option<&str>)> {
    vec![
        (Function::DeviceManagement, i.device_management.as_deref()),
        (Function::LogCollection, i.log_collection.as_deref()),
        (Function::CollectorGroup, i.collector_group.as_deref()),
        (Function::DeviceDeployment, i.device_deployment.as_deref()),
    ]
}

/// Declared (function, interface name) pairs of a dedicated Log Collector.
fn log_collector_assignments(i: &LogCollectorInterfaces) -> Vec<(Function, Option<&str>)> {
    vec![
        (Function::LogCollection, i.log_collection.as_deref()),
        (Function::CollectorGroup, i.collector_group.as_deref()),
    ]
}

/// Interface assignments and addresses of one appliance against its model and release.
fn appliance_interfaces(
    who: &str,
    path: &Path,
    model_name: Option<&str>,
    version: &str,
    assignments: &[(Function, Option<&str>)],
    addresses: Vec<(Path, Option<&super::config::InterfaceAddresses>)>,
    found: &mut Vec<Diagnostic>,
) {
    let Some(model) = model(model_name) else {
        return;
    };
    for (addresses_path, addresses) in addresses {
        for name in addresses.into_iter().flat_map(|a| a.keys()) {
            let Some(interface) = Interface::from_name(name) else {
                continue;
            };
            if !model.has(interface) {
                found.push(
                    Diagnostic::error(
                        addresses_path.key(name),
                        "Interface not on this model",
                        format!(
                            "{who} has model `{model}`, which has no `{interface}`. {}",
                            interfaces_of(model)
                        ),
                    )
                    .depends_on(path.attr("model")),
                );
            }
        }
    }
    let Ok(version) = version.parse::<Version>() else {
        return;
    };
    let allowance = interfaces::allowance(model, &version);
    for &(function, name) in assignments {
        let Some(interface) = name.and_then(Interface::from_name) else {
            continue;
        };
        if !allowance.permits(function, interface) {
            found.push(
                Diagnostic::error(
                    path.attr("interfaces").attr(function.name()),
                    "Interface assignment not supported",
                    format!(
                        "{who} cannot carry {} on `{interface}`: {}",
                        function.name(),
                        allowance.describe(model, &version)
                    ),
                )
                .depends_on(path.attr("model"))
                .depends_on(path.attr("version")),
            );
        }
    }
}

/// The interfaces of `model`, in words.
fn interfaces_of(model: Model) -> String {
    match model.data_interfaces() {
        0 => format!("`{model}` has only `mgt`."),
        n => format!("`{model}` has `mgt` and `eth1` .. `eth{n}`."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn findings(estate: serde_json::Value) -> Vec<Diagnostic> {
        check(&serde_json::from_value(estate).unwrap())
    }

    #[test]
    fn a_consistent_estate_has_no_findings() {
        let found = findings(json!({
            "panorama": { "version": "10.2", "model": "m-500", "collector_group": "east",
                          "interfaces": { "log_collection": "eth1" }, "nodes": { "a": {} } },
            "firewalls": { "fw": { "version": "10.2.4", "collector_group": "east", "cortex_data_lake": true } },
            "wildfire": { "wf": { "version": "10.1" } },
            "cortex_data_lake": {},
        }));
        assert_eq!(found, []);
    }
}
