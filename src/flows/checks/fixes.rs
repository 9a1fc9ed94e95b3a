//! What a finding may propose: only fixes that the other rules accept (FLOWS.md
//! "Compatibility rules"), such as a Panorama upgrade that also meets the Cortex Data Lake
//! and WildFire minimums and says when the Log Collectors of Panorama's own Collector
//! Group must follow it into another version band.

use super::{CORTEX_MINIMUM, WILDFIRE_MINIMUM};
use crate::flows::config::EstateConfig;
use crate::flows::diagnostic::echo;
use crate::flows::version::Version;

/// The releases from `minimum` (or any) up to Panorama's feature release, in words, or
/// `None` when there is none.
pub(super) fn releases_up_to(minimum: Option<&Version>, panorama: &Version) -> Option<String> {
    let (major, minor) = panorama.feature_release();
    match minimum {
        None => Some(format!("{major}.{minor} or earlier")),
        Some(minimum) if minimum.feature_release() > (major, minor) => None,
        Some(minimum) if minimum.feature_release() == (major, minor) => Some(match minimum.patch {
            Some(_) => format!("{minimum} or a later {major}.{minor} release"),
            None => format!("a {major}.{minor} release"),
        }),
        Some(minimum) => Some(format!("a release from {minimum} to {major}.{minor}")),
    }
}

/// Whether the estate uses Cortex Data Lake: declared, or named by a firewall group.
pub(super) fn cortex_in_use(config: &EstateConfig) -> bool {
    config.cortex_data_lake.is_some()
        || config
            .firewalls
            .iter()
            .flatten()
            .any(|(_, fw)| fw.cortex_data_lake == Some(true))
}

/// "upgrade Panorama to X or later", where X is the later of `at_least` and what the rest
/// of the estate needs of Panorama (8.0.5 for Cortex Data Lake, 8.0.1 for WildFire), with
/// the Log Collectors that must follow Panorama into its new version band.
pub(super) fn panorama_upgrade(config: &EstateConfig, at_least: Version) -> String {
    let mut target = at_least;
    if cortex_in_use(config) {
        target = target.max(CORTEX_MINIMUM);
    }
    if config.wildfire.as_ref().is_some_and(|w| !w.is_empty()) {
        target = target.max(WILDFIRE_MINIMUM);
    }
    let upgrade = format!("upgrade Panorama to {target} or later");
    let Some(group) = local_collector_group(config) else {
        return upgrade;
    };
    let band = target.band();
    let behind = config
        .log_collectors
        .iter()
        .flatten()
        .filter(|(_, lc)| lc.collector_group == group)
        .filter_map(|(_, lc)| lc.version.parse::<Version>().ok())
        .any(|v| v.band() != band);
    if behind {
        format!(
            "{upgrade} together with the Log Collectors of Collector Group `{}` (one group, one version band)",
            echo(group)
        )
    } else {
        upgrade
    }
}

/// The Collector Group of Panorama's local Log Collector, in `panorama` mode.
pub(super) fn local_collector_group(config: &EstateConfig) -> Option<&str> {
    let pano = &config.panorama;
    match pano.mode.as_deref() {
        None | Some("panorama") => pano.collector_group.as_deref(),
        Some(_) => None,
    }
}
