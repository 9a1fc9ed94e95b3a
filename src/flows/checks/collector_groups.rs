//! Collector Groups: Panorama joins one only in `panorama` mode, and all collectors of a
//! group run releases of one version band.

use super::fixes::local_collector_group;
use super::{panorama_path, panorama_version, root};
use crate::flows::config::EstateConfig;
use crate::flows::diagnostic::{echo, Diagnostic, Path};
use crate::flows::version::Version;

/// `collector_group` on a `management-only` Panorama, which has no local Log Collector.
pub(super) fn panorama_needs_panorama_mode(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    let pano = &config.panorama;
    let (Some(group), Some("management-only")) = (&pano.collector_group, pano.mode.as_deref())
    else {
        return;
    };
    // Panorama mode is a fix only when Panorama's release shares a band with the group's
    // Log Collectors (it would join the group).
    let panorama_band = panorama_version(config).map(|v| v.band());
    let same_band = config
        .log_collectors
        .iter()
        .flatten()
        .filter(|(_, lc)| lc.collector_group == *group)
        .filter_map(|(_, lc)| lc.version.parse::<Version>().ok())
        .all(|v| Some(v.band()) == panorama_band);
    let group = echo(group);
    let mode = if same_band {
        ", or set mode = \"panorama\" so that Panorama's own Log Collector joins the group"
    } else {
        ""
    };
    found.push(
        Diagnostic::error(
            panorama_path().attr("collector_group"),
            "Collector Group on a management-only Panorama",
            format!("Panorama runs in `management-only` mode, which has no local Log Collector, so it cannot join Collector Group `{group}`. Leave collector_group out (dedicated Log Collectors name their group themselves){mode}."),
        )
        .depends_on(panorama_path().attr("mode")),
    );
}

/// One collector of a Collector Group: who, where its release is declared, the release,
/// and the values that put it in its group.
struct Collector {
    who: String,
    path: Path,
    version: Version,
    membership: Vec<Path>,
}

/// The collectors of every Collector Group whose release parses, by group: Panorama's
/// local Log Collector (one entry for the pair, which shares a release) first, then the
/// dedicated Log Collectors by name.
fn collectors_by_group(config: &EstateConfig) -> Vec<(&str, Vec<Collector>)> {
    let mut groups: Vec<(&str, Vec<Collector>)> = Vec::new();
    let local = local_collector_group(config).and_then(|group| {
        let version = panorama_version(config)?;
        Some((
            group,
            Collector {
                who: "Panorama's local Log Collector".to_owned(),
                path: panorama_path().attr("version"),
                version,
                membership: vec![
                    panorama_path().attr("collector_group"),
                    panorama_path().attr("mode"),
                ],
            },
        ))
    });
    let dedicated = config
        .log_collectors
        .iter()
        .flatten()
        .filter_map(|(name, lc)| {
            let version = lc.version.parse::<Version>().ok()?;
            let path = root().attr("log_collectors").key(name);
            Some((
                lc.collector_group.as_str(),
                Collector {
                    who: format!("`{}`", echo(name)),
                    path: path.attr("version"),
                    version,
                    membership: vec![path.attr("collector_group")],
                },
            ))
        });
    for (group, collector) in local.into_iter().chain(dedicated) {
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, members)) => members.push(collector),
            None => groups.push((group, vec![collector])),
        }
    }
    groups.sort_by(|a, b| a.0.cmp(b.0));
    groups
}

/// All collectors of a Collector Group run releases of one version band: the band picks
/// their log distribution ports.
pub(super) fn share_a_band(config: &EstateConfig, found: &mut Vec<Diagnostic>) {
    let panorama = panorama_version(config);
    for (group, members) in collectors_by_group(config) {
        let Some(first) = members.first() else {
            continue;
        };
        let band = first.version.band();
        let Some(odd) = members.iter().find(|c| c.version.band() != band) else {
            continue;
        };
        let group = echo(group);
        let releases: Vec<String> = members
            .iter()
            .map(|c| format!("{} runs {} ({})", c.who, c.version, c.version.band().name()))
            .collect();
        let fix = match &panorama {
            Some(p) => {
                let (major, minor) = p.feature_release();
                let first = p.band().first();
                let range = if first.feature_release() == (major, minor) {
                    format!("{major}.{minor}")
                } else {
                    format!("a release from {first} to {major}.{minor}")
                };
                format!(
                    "run every collector of `{group}` on {range}, Panorama's band ({})",
                    p.band().name()
                )
            }
            None => format!("run every collector of `{group}` on releases of one band"),
        };
        let mut diagnostic = Diagnostic::error(
            odd.path.clone(),
            "Collector Group mixes version bands",
            format!("The collectors of Collector Group `{group}` run releases of different version bands: {}. Collectors distribute logs to each other on ports that depend on the band (49190 before 6.0, 28270 from 6.0 on), so one group's collectors must all run releases of one band (5.0, 5.1, 6.x-7.x, or 8.x and later). To fix, {fix}.", releases.join(", ")),
        );
        for other in members.iter().filter(|c| c.path != odd.path) {
            diagnostic = diagnostic.depends_on(other.path.clone());
        }
        // Which collectors share the group rests on the values that put them in it.
        for path in members.iter().flat_map(|c| &c.membership) {
            diagnostic = diagnostic.depends_on(path.clone());
        }
        found.push(diagnostic);
    }
}
