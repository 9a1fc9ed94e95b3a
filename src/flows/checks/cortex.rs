//! Cortex Data Lake across the estate: the release firewall groups need to log there, its
//! addresses when only firewall groups name it, and `duplicate_logging`.

use super::fixes::{panorama_upgrade, releases_up_to};
use super::{panorama_path, panorama_version, root, CORTEX_MINIMUM};
use crate::flows::config::EstateConfig;
use crate::flows::diagnostic::{echo, Diagnostic};
use crate::flows::version::Version;

/// CDL-FW: a firewall group logs to Cortex Data Lake from PAN-OS 8.0.5 on.
pub(super) fn firewall_releases(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    let panorama = panorama_version(config);
    for (name, fw) in config.firewalls.iter().flatten() {
        if fw.cortex_data_lake != Some(true) {
            continue;
        }
        let Ok(version) = fw.version.parse::<Version>() else {
            continue;
        };
        if version >= CORTEX_MINIMUM {
            continue;
        }
        let upgrade = match &panorama {
            Some(p) if *p >= CORTEX_MINIMUM => match releases_up_to(Some(&CORTEX_MINIMUM), p) {
                Some(range) => format!("upgrade the group to {range}"),
                None => format!("upgrade the group to {CORTEX_MINIMUM} or later"),
            },
            Some(_) => format!(
                "upgrade the group to {CORTEX_MINIMUM} or later and {}",
                panorama_upgrade(config, CORTEX_MINIMUM)
            ),
            None => format!("upgrade the group to {CORTEX_MINIMUM} or later"),
        };
        let path = root().attr("firewalls").key(name);
        found.push(
            Diagnostic::error(
                path.attr("version"),
                "Firewall group too old for Cortex Data Lake",
                format!("The firewall group `{}` runs {version} and sets cortex_data_lake = true, but firewalls log to Cortex Data Lake from PAN-OS {CORTEX_MINIMUM} on. To fix, {upgrade}, or leave cortex_data_lake off.", echo(name)),
            )
            .depends_on(path.attr("cortex_data_lake"))
            .depends_on(panorama_path().attr("version")),
        );
    }
}

/// Cortex Data Lake in use through firewall groups only: its flows exist without
/// addresses, so no rule carries them.
pub(super) fn addresses_declared(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    if config.cortex_data_lake.is_some() {
        return;
    }
    let groups: Vec<&str> = config
        .firewalls
        .iter()
        .flatten()
        .filter(|(_, fw)| fw.cortex_data_lake == Some(true))
        .map(|(name, _)| name.as_str())
        .collect();
    let Some(first) = groups.first() else {
        return;
    };
    let shown = echo(first);
    let who = match groups.len() {
        1 => format!("The firewall group `{shown}` logs"),
        n => format!("The firewall groups `{shown}` and {} more log", n - 1),
    };
    found.push(
        Diagnostic::warning(
            root().attr("firewalls").key(first).attr("cortex_data_lake"),
            "Cortex Data Lake without addresses",
            format!("{who} to Cortex Data Lake, but the top-level cortex_data_lake is not declared: the flows to Cortex Data Lake (tcp/444 from Panorama, tcp/3978 from the firewalls) have no destination addresses, so no rule carries them. Declare cortex_data_lake = {{ addresses = [...] }} with the addresses of your Cortex Data Lake region."),
        )
        .depends_on(root().attr("cortex_data_lake")),
    );
}

/// `duplicate_logging` on a group that does not log to Cortex Data Lake has no effect.
pub(super) fn duplicate_logging_needs_cortex(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    for (name, fw) in config.firewalls.iter().flatten() {
        if fw.duplicate_logging == Some(true) && fw.cortex_data_lake != Some(true) {
            let path = root().attr("firewalls").key(name);
            found.push(
                Diagnostic::warning(
                    path.attr("duplicate_logging"),
                    "Duplicate logging without Cortex Data Lake",
                    format!("duplicate_logging has no effect unless the group also logs to Cortex Data Lake: the firewall group `{}` already forwards its logs to Panorama or its Collector Group. Set cortex_data_lake = true to log to both, or leave duplicate_logging out.", echo(name)),
                )
                .depends_on(path.attr("cortex_data_lake")),
            );
        }
    }
}
