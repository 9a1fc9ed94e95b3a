//! What the user asked to get back: the outputs (`views`) and the appliances whose rules
//! are wanted (`appliances`).
//!
//! A large estate (thousands of firewall groups) has outputs of hundreds of megabytes,
//! most of which a configuration does not use. The selection is read from the estate
//! ([`read`]) before anything is computed, so an error in it costs nothing, and
//! [`crate::flows::views`] then builds only the selected outputs. Unselected outputs are
//! null.
//!
//! The appliance filter never changes what it keeps: rules are keyed, merged and given
//! priorities over the whole estate, and the filter only leaves some out, so a kept rule
//! is identical to the same rule without the filter. A pattern that matches no declared
//! appliance is an error naming the nearest names: a typo must not silently drop rules.

use std::collections::BTreeSet;

use super::config::EstateConfig;
use super::diagnostic::{echo, Diagnostic, Path};
use super::expand::Kind;
use super::matrix::Flow;
use super::read::or_list;

/// One output a user can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum View {
    /// `flows`.
    Flows,
    /// `ingress_rules`.
    IngressRules,
    /// `egress_rules`.
    EgressRules,
    /// `grouped_rules`.
    GroupedRules,
    /// `flows_markdown`.
    FlowsMarkdown,
    /// `flows_mermaid`.
    FlowsMermaid,
}

impl View {
    /// Every view, in the order the docs list them.
    pub const ALL: [View; 6] = [
        View::Flows,
        View::IngressRules,
        View::EgressRules,
        View::GroupedRules,
        View::FlowsMarkdown,
        View::FlowsMermaid,
    ];

    /// The output's attribute name.
    pub fn name(self) -> &'static str {
        match self {
            View::Flows => "flows",
            View::IngressRules => "ingress_rules",
            View::EgressRules => "egress_rules",
            View::GroupedRules => "grouped_rules",
            View::FlowsMarkdown => "flows_markdown",
            View::FlowsMermaid => "flows_mermaid",
        }
    }

    /// The view whose output is named `name`.
    pub fn from_name(name: &str) -> Option<View> {
        View::ALL.into_iter().find(|view| view.name() == name)
    }
}

/// The selected outputs and appliances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    views: BTreeSet<View>,
    /// `None`: every appliance.
    appliances: Option<Vec<String>>,
}

impl Default for Selection {
    fn default() -> Self {
        Selection::everything()
    }
}

impl Selection {
    /// Every output, for every appliance: what an estate without `views` and
    /// `appliances` gets.
    pub fn everything() -> Selection {
        Selection {
            views: View::ALL.into_iter().collect(),
            appliances: None,
        }
    }

    /// Whether `view` is selected.
    pub fn wants(&self, view: View) -> bool {
        self.views.contains(&view)
    }

    /// Whether the rules of the appliance named `name` (`panorama.primary`) are wanted.
    pub fn keeps_appliance(&self, name: &str) -> bool {
        match &self.appliances {
            None => true,
            Some(patterns) => patterns.iter().any(|pattern| matches(pattern, name)),
        }
    }

    /// Whether `flow` is wanted: always without an appliance filter, else when its source
    /// or its destination is a wanted appliance.
    pub fn keeps_flow(&self, flow: &Flow) -> bool {
        if self.appliances.is_none() {
            return true;
        }
        let wanted = |name: &str, kind: &str| {
            Kind::from_name(kind).is_some_and(Kind::is_appliance) && self.keeps_appliance(name)
        };
        wanted(&flow.source, &flow.source_kind) || wanted(&flow.destination, &flow.destination_kind)
    }
}

/// The selection of `config`, and an error at the path of every name or pattern at
/// fault. With an error the selection returned is [`Selection::everything`]; callers
/// compute nothing then.
pub fn read(config: &EstateConfig) -> (Selection, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut selection = Selection::everything();
    let views_path = Path::root().attr("views");
    if let Some(names) = &config.views {
        if names.is_empty() {
            diagnostics.push(Diagnostic::error(
                views_path.clone(),
                "No view selected",
                format!(
                    "`views` is empty, which would compute nothing: select at least one of \
                     {}, or omit `views` for every output.",
                    listed(View::ALL.iter().map(|v| v.name()))
                ),
            ));
        }
        let mut views = BTreeSet::new();
        for (index, name) in names.iter().enumerate() {
            match View::from_name(name) {
                Some(view) => {
                    // A name given twice selects the view once.
                    views.insert(view);
                }
                None => diagnostics.push(unknown_view(name, &views_path.index(index))),
            }
        }
        selection.views = views;
    }
    if let Some(patterns) = &config.appliances {
        let path = Path::root().attr("appliances");
        let names = appliance_names(config);
        diagnostics.extend(check_patterns(patterns, &names, &path));
        selection.appliances = Some(patterns.clone());
    }
    if diagnostics.is_empty() {
        (selection, diagnostics)
    } else {
        (Selection::everything(), diagnostics)
    }
}

/// An unknown view name: the nearest names, then every valid one.
fn unknown_view(name: &str, path: &Path) -> Diagnostic {
    let names = View::ALL.map(View::name);
    let hint = match nearest(name, names.iter().copied()).as_slice() {
        [] => String::new(),
        found => format!(" Did you mean {}?", or_list(found)),
    };
    Diagnostic::error(
        path.clone(),
        "Unknown view",
        format!(
            "There is no view `{}`.{hint} The views are {}.",
            echo(name),
            listed(names.iter().copied())
        ),
    )
}

/// The name of every declared appliance, as the outputs write it (`firewall.branches`),
/// sorted.
fn appliance_names(config: &EstateConfig) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut add = |kind: Kind, keys: &mut dyn Iterator<Item = &String>| {
        names.extend(keys.map(|key| format!("{}.{key}", kind.name())));
    };
    add(Kind::Panorama, &mut config.panorama.nodes.keys());
    add(
        Kind::LogCollector,
        &mut config.log_collectors.iter().flat_map(|m| m.keys()),
    );
    add(
        Kind::Firewall,
        &mut config.firewalls.iter().flat_map(|m| m.keys()),
    );
    add(
        Kind::Wildfire,
        &mut config.wildfire.iter().flat_map(|m| m.keys()),
    );
    names
}

/// An error for every pattern that is empty or matches none of `names`.
fn check_patterns(patterns: &[String], names: &BTreeSet<String>, path: &Path) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if patterns.is_empty() {
        diagnostics.push(Diagnostic::error(
            path.clone(),
            "No appliance selected",
            "`appliances` is empty, which would keep no rule: give at least one pattern \
             (`panorama.*`), or omit `appliances` for every appliance."
                .to_owned(),
        ));
    }
    for (index, pattern) in patterns.iter().enumerate() {
        if names.iter().any(|name| matches(pattern, name)) {
            continue;
        }
        let at = path.index(index);
        let detail = if pattern.is_empty() {
            "An empty pattern matches no appliance.".to_owned()
        } else if let Some((name, _)) = pattern.split_once('@') {
            format!(
                "Patterns match appliance names without their interface: write `{}`, and \
                 every interface of the appliance is kept.",
                echo(name)
            )
        } else {
            let families: Vec<String> = names
                .iter()
                .filter_map(|name| name.split_once('.'))
                .map(|(kind, _)| format!("{kind}.*"))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let candidates = families.iter().chain(names).map(String::as_str);
            let hint = match nearest(pattern, candidates).as_slice() {
                [] => String::new(),
                found => format!(" Did you mean {}?", or_list(found)),
            };
            format!(
                "`{}` matches no appliance of the estate.{hint} The appliances are {}.",
                echo(pattern),
                listed_at_most(names, 10)
            )
        };
        diagnostics.push(Diagnostic::error(
            at,
            "Pattern matches no appliance",
            detail,
        ));
    }
    diagnostics
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters
/// (including none) and every other character for itself.
pub fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    // `split` yields at least one part; without a `*` the pattern is the name.
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, between)) = middle.split_last() else {
        return rest.is_empty();
    };
    for part in between {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The candidates nearest to `written` by edit distance (case ignored, an adjacent swap
/// counts as one edit), if near enough to be a slip: at most three, sorted.
fn nearest<'c>(written: &str, candidates: impl Iterator<Item = &'c str>) -> Vec<String> {
    let lower = written.to_lowercase();
    let allowed = match lower.chars().count() {
        0..=4 => 1,
        5..=11 => 2,
        _ => 3,
    };
    let scored: Vec<(usize, &str)> = candidates
        .map(|candidate| (strsim::osa_distance(&lower, candidate), candidate))
        .filter(|(distance, _)| *distance <= allowed)
        .collect();
    let best = scored.iter().map(|(distance, _)| *distance).min();
    let mut found: Vec<String> = scored
        .into_iter()
        .filter(|(distance, _)| Some(*distance) == best)
        .map(|(_, candidate)| format!("`{candidate}`"))
        .collect();
    found.sort();
    found.dedup();
    found.truncate(3);
    found
}

/// `` `a`, `b`, `c` ``.
fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first `limit` names, then how many more: an estate may have thousands.
fn listed_at_most(names: &BTreeSet<String>, limit: usize) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(limit)
        .map(|name| format!("`{}`", echo(name)))
        .collect();
    match names.len().saturating_sub(limit) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(extra: serde_json::Value) -> EstateConfig {
        let mut estate = json!({
            "panorama": { "version": "10.2", "nodes": { "primary": {}, "secondary": {} } },
            "log_collectors": { "lc-1": { "version": "10.2", "collector_group": "cg" } },
            "firewalls": { "branches": { "version": "10.1" }, "dc": { "version": "10.1" } },
        });
        for (key, value) in extra.as_object().into_iter().flatten() {
            estate[key] = value.clone();
        }
        serde_json::from_value(estate).unwrap()
    }

    /// (path, summary, detail) of every diagnostic.
    fn errors(extra: serde_json::Value) -> Vec<(String, String, String)> {
        read(&config(extra))
            .1
            .into_iter()
            .map(|d| (d.path.to_string(), d.summary, d.detail))
            .collect()
    }

    #[test]
    fn without_a_selection_everything_is_wanted() {
        let (selection, found) = read(&config(json!({})));
        assert_eq!(found, []);
        assert_eq!(selection, Selection::everything());
        assert!(View::ALL.iter().all(|&view| selection.wants(view)));
        assert!(selection.keeps_appliance("anything"));
    }

    #[test]
    fn views_select_outputs_and_duplicates_are_harmless() {
        let (selection, found) = read(&config(
            json!({ "views": ["grouped_rules", "flows", "grouped_rules"] }),
        ));
        assert_eq!(found, []);
        let wanted: Vec<View> = View::ALL
            .into_iter()
            .filter(|&v| selection.wants(v))
            .collect();
        assert_eq!(wanted, [View::Flows, View::GroupedRules]);
    }

    #[test]
    fn an_unknown_view_is_an_error_at_its_index_with_the_nearest_name() {
        let found = errors(json!({ "views": ["flows", "grouped_rule", "tables"] }));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "views[1]");
        assert_eq!(found[0].1, "Unknown view");
        assert_eq!(
            found[0].2,
            "There is no view `grouped_rule`. Did you mean `grouped_rules`? The views are \
             `flows`, `ingress_rules`, `egress_rules`, `grouped_rules`, `flows_markdown`, \
             `flows_mermaid`."
        );
        assert_eq!(found[1].0, "views[2]");
        assert!(!found[1].2.contains("Did you mean"), "{}", found[1].2);
    }

    #[test]
    fn empty_lists_are_errors() {
        let found = errors(json!({ "views": [], "appliances": [] }));
        let summaries: Vec<(&str, &str)> = found
            .iter()
            .map(|(p, s, _)| (p.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            summaries,
            [
                ("views", "No view selected"),
                ("appliances", "No appliance selected")
            ]
        );
        assert!(found[0].2.contains("omit `views` for every output"));
    }

    #[test]
    fn patterns_match_declared_appliances() {
        let (selection, found) = read(&config(
            json!({ "appliances": ["panorama.*", "firewall.dc"] }),
        ));
        assert_eq!(found, []);
        assert!(selection.keeps_appliance("panorama.primary"));
        assert!(selection.keeps_appliance("firewall.dc"));
        assert!(!selection.keeps_appliance("firewall.branches"));
        assert!(!selection.keeps_appliance("log_collector.lc-1"));
    }

    #[test]
    fn flows_are_kept_by_either_appliance_end() {
        let (selection, _) = read(&config(json!({ "appliances": ["log_collector.*"] })));
        let flow = |source: &str, destination: &str| Flow {
            source_kind: source.split('.').next().unwrap().to_owned(),
            source: source.to_owned(),
            destination_kind: destination.split('.').next().unwrap().to_owned(),
            destination: destination.to_owned(),
            ..Flow::default()
        };
        assert!(selection.keeps_flow(&flow("firewall.dc", "log_collector.lc-1")));
        assert!(selection.keeps_flow(&flow("log_collector.lc-1", "panorama.primary")));
        assert!(!selection.keeps_flow(&flow("firewall.dc", "panorama.primary")));
        // A service is not an appliance, whatever the pattern.
        let (everything, _) = read(&config(json!({ "appliances": ["*"] })));
        assert!(!everything.keeps_flow(&flow("service.ntp", "cortex_data_lake.x")));
        assert!(everything.keeps_flow(&flow("service.ntp", "panorama.primary")));
    }

    #[test]
    fn a_pattern_matching_nothing_is_an_error_naming_the_nearest() {
        let found = errors(json!({ "appliances": ["panorma.*", "firewall.brnches", "lc-*"] }));
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, "appliances[0]");
        assert_eq!(found[0].1, "Pattern matches no appliance");
        assert_eq!(
            found[0].2,
            "`panorma.*` matches no appliance of the estate. Did you mean `panorama.*`? The \
             appliances are `firewall.branches`, `firewall.dc`, `log_collector.lc-1`, \
             `panorama.primary`, `panorama.secondary`."
        );
        assert!(
            found[1].2.contains("Did you mean `firewall.branches`?"),
            "{}",
            found[1].2
        );
        assert_eq!(found[2].0, "appliances[2]");
    }

    #[test]
    fn a_pattern_with_an_interface_says_to_drop_it() {
        let found = errors(json!({ "appliances": ["panorama.primary@eth1"] }));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].2.contains("write `panorama.primary`"),
            "{}",
            found[0].2
        );
    }

    #[test]
    fn long_appliance_lists_are_cut() {
        let names: BTreeSet<String> = (0..25).map(|i| format!("firewall.fw-{i:02}")).collect();
        let found = check_patterns(
            &["x.y".to_owned()],
            &names,
            &Path::root().attr("appliances"),
        );
        assert!(
            found[0].detail.ends_with("`firewall.fw-09` and 15 more."),
            "{}",
            found[0].detail
        );
    }

    #[test]
    fn stars_match_any_run_of_characters() {
        for (pattern, name, expected) in [
            ("panorama.*", "panorama.primary", true),
            ("panorama.*", "panorama.", true),
            ("panorama.*", "log_collector.panorama.a", false),
            ("*", "firewall.a", true),
            ("*.lc-1", "log_collector.lc-1", true),
            ("firewall.b*s", "firewall.branches", true),
            ("firewall.b*s", "firewall.branch", false),
            ("f*a*a", "firewall.a", true),
            ("f*wall*l", "firewall.a", false),
            ("a*a", "a", false),
            ("firewall.dc", "firewall.dc", true),
            ("firewall.dc", "firewall.dc2", false),
            ("**", "", true),
            ("", "", true),
            ("", "x", false),
        ] {
            assert_eq!(matches(pattern, name), expected, "{pattern} {name}");
        }
    }
}
