//! Views of the sorted flow list: the outputs Terraform users feed to other resources.
//!
//! Every view is a pure function of the flows, so the same flows give byte-identical
//! outputs. [`rules`] cuts flows into per-CIDR security-group rules, [`groups`] gathers
//! them into port lists per peer set, [`markdown`] and [`mermaid`] render them for people.

mod groups;
mod markdown;
mod mermaid;
mod rules;

use std::thread::{self, Scope, ScopedJoinHandle};

use sha2::{Digest, Sha256};

use super::cancel::{CancelToken, Cancelled};
use super::estate::{AddressSet, Member};
use super::expand::{Expanded, Kind};
use super::known::Known;
use super::matrix::{endpoint_label, Flow, FlowMatrix, GroupedRule, Rule};
use super::selection::{Selection, View};

/// Longest rule description AWS security group rules (and Azure NSG rules) accept.
pub const MAX_DESCRIPTION: usize = 140;

/// Flows from which a read builds its views on several threads. Below it, starting
/// threads costs more than it saves; above it, the views of a large estate take seconds
/// on one core.
const PARALLEL_FROM: usize = 1_000;

/// Builds the outputs `selection` asks for from the sorted flow list, unless `cancel` is
/// set on the way; the others are `None` and cost nothing. Outputs that need an address
/// known only after apply are [`Known::Unknown`].
///
/// The appliance filter leaves out what the whole estate's outputs hold, never changes
/// it: per-CIDR rules merge only within one appliance interface, so they are built from
/// the selected appliances' sides alone; grouped rules take priorities over the whole
/// set, so every group is built and the filter applies after.
///
/// Each view is a pure function of the flows, so from [`PARALLEL_FROM`] flows they are
/// built side by side on scoped threads: the outputs are the same, only sooner.
pub fn matrix(
    expanded: Vec<Expanded>,
    selection: &Selection,
    cancel: &CancelToken,
) -> Result<FlowMatrix, Cancelled> {
    let views = match expanded.len() >= PARALLEL_FROM {
        true => views_in_parallel(&expanded, selection, cancel),
        false => views_in_turn(&expanded, selection, cancel),
    }?;
    let flows = selection.wants(View::Flows).then(|| {
        expanded
            .into_iter()
            .map(|e| e.flow)
            .filter(|flow| selection.keeps_flow(flow))
            .collect()
    });
    Ok(FlowMatrix {
        id: views.id,
        flows,
        ingress_rules: views.ingress_rules,
        egress_rules: views.egress_rules,
        grouped_rules: views.grouped_rules,
        flows_markdown: views.flows_markdown,
        flows_mermaid: views.flows_mermaid,
    })
}

/// Every output of [`FlowMatrix`] but the flows, which move out of the flow list last.
#[derive(Debug, PartialEq)]
struct Views {
    id: Known<String>,
    ingress_rules: Option<Known<Vec<Rule>>>,
    egress_rules: Option<Known<Vec<Rule>>>,
    grouped_rules: Option<Vec<GroupedRule>>,
    flows_markdown: Option<Known<String>>,
    flows_mermaid: Option<String>,
}

/// What [`texts`] builds: the id and the views of the flows themselves.
type Texts = (Known<String>, Option<Known<String>>, Option<String>);

/// The views one after the other on this thread, per-CIDR rules in one pass for both
/// directions.
fn views_in_turn(
    expanded: &[Expanded],
    selection: &Selection,
    cancel: &CancelToken,
) -> Result<Views, Cancelled> {
    let (ingress, egress) = (
        selection.wants(View::IngressRules),
        selection.wants(View::EgressRules),
    );
    let (ingress_rules, egress_rules) = match ingress || egress {
        true => {
            let wanted = |direction: Direction, appliance: &str| {
                let view = match direction {
                    Direction::Ingress => ingress,
                    Direction::Egress => egress,
                };
                view && selection.keeps_appliance(appliance)
            };
            let (ingress_rules, egress_rules) = rules::rules(expanded, wanted, cancel)?;
            (
                ingress.then_some(ingress_rules),
                egress.then_some(egress_rules),
            )
        }
        false => (None, None),
    };
    let grouped_rules = grouped(expanded, selection, cancel)?;
    let (id, flows_markdown, flows_mermaid) = texts(expanded, selection, cancel)?;
    Ok(Views {
        id,
        ingress_rules,
        egress_rules,
        grouped_rules,
        flows_markdown,
        flows_mermaid,
    })
}

/// The views side by side: the rules of each direction, the grouped rules and the texts
/// each on a thread of their own. Every thread checks `cancel`, so all of them stop soon
/// once it is set.
fn views_in_parallel(
    expanded: &[Expanded],
    selection: &Selection,
    cancel: &CancelToken,
) -> Result<Views, Cancelled> {
    let direction = move |direction: Direction| {
        move || -> Result<Option<Known<Vec<Rule>>>, Cancelled> {
            let view = match direction {
                Direction::Ingress => View::IngressRules,
                Direction::Egress => View::EgressRules,
            };
            if !selection.wants(view) {
                return Ok(None);
            }
            let wanted = |side: Direction, appliance: &str| {
                side == direction && selection.keeps_appliance(appliance)
            };
            let (ingress, egress) = rules::rules(expanded, wanted, cancel)?;
            Ok(Some(match direction {
                Direction::Ingress => ingress,
                Direction::Egress => egress,
            }))
        }
    };
    thread::scope(|scope| {
        let ingress = start(scope, direction(Direction::Ingress));
        let egress = start(scope, direction(Direction::Egress));
        let grouped = start(scope, move || grouped(expanded, selection, cancel));
        // This thread builds the texts rather than wait.
        let texts = texts(expanded, selection, cancel);
        let (ingress_rules, egress_rules, grouped_rules) =
            (ingress.join(), egress.join(), grouped.join());
        let (id, flows_markdown, flows_mermaid) = texts?;
        Ok(Views {
            id,
            ingress_rules: ingress_rules?,
            egress_rules: egress_rules?,
            grouped_rules: grouped_rules?,
            flows_markdown,
            flows_mermaid,
        })
    })
}

/// A view being built: on a thread of its own, or already built when no thread could be
/// started.
enum Task<'scope, T> {
    Running(ScopedJoinHandle<'scope, T>),
    Built(T),
}

/// Starts `build` on a thread of `scope`, or runs it here when the system has no thread
/// to give: the result is the same either way. `build` borrows only, so it is `Copy` and
/// still at hand when the thread could not take it.
fn start<'scope, T, F>(scope: &'scope Scope<'scope, '_>, build: F) -> Task<'scope, T>
where
    F: FnOnce() -> T + Copy + Send + 'scope,
    T: Send + 'scope,
{
    match thread::Builder::new().spawn_scoped(scope, build) {
        Ok(handle) => Task::Running(handle),
        Err(_) => Task::Built(build()),
    }
}

impl<T> Task<'_, T> {
    /// The built view. A panic in a view's thread carries on in this one, exactly as it
    /// would have had the view been built here.
    fn join(self) -> T {
        match self {
            Task::Running(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Task::Built(view) => view,
        }
    }
}

/// The grouped rules, when the selection wants them, of the selected appliances.
fn grouped(
    expanded: &[Expanded],
    selection: &Selection,
    cancel: &CancelToken,
) -> Result<Option<Vec<GroupedRule>>, Cancelled> {
    if !selection.wants(View::GroupedRules) {
        return Ok(None);
    }
    let mut grouped = groups::grouped_rules(expanded, cancel)?;
    grouped.retain(|rule| selection.keeps_appliance(&rule.appliance));
    Ok(Some(grouped))
}

/// The id of the estate's flows and the Markdown and Mermaid views the selection wants,
/// of the selected flows.
fn texts(
    expanded: &[Expanded],
    selection: &Selection,
    cancel: &CancelToken,
) -> Result<Texts, Cancelled> {
    let addresses_known =
        |f: &Flow| f.source_addresses.is_known() && f.destination_addresses.is_known();
    // The id identifies the estate's flows, whatever the selection.
    let id = match expanded.iter().all(|e| addresses_known(&e.flow)) {
        true => Known::Value(hex(&digest_of(expanded.iter().map(|e| &e.flow)))),
        false => Known::Unknown,
    };
    let (markdown, mermaid) = (
        selection.wants(View::FlowsMarkdown),
        selection.wants(View::FlowsMermaid),
    );
    if !(markdown || mermaid) {
        return Ok((id, None, None));
    }
    let flows: Vec<&Flow> = expanded
        .iter()
        .map(|e| &e.flow)
        .filter(|flow| selection.keeps_flow(flow))
        .collect();
    let flows_markdown = match markdown {
        true if flows.iter().all(|flow| addresses_known(flow)) => {
            Some(Known::Value(markdown::table(&flows, cancel)?))
        }
        true => Some(Known::Unknown),
        false => None,
    };
    let flows_mermaid = match mermaid {
        true => Some(mermaid::diagram(&flows, cancel)?),
        false => None,
    };
    Ok((id, flows_markdown, flows_mermaid))
}

/// Which way traffic crosses the appliance a rule protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Direction {
    /// The appliance listens; the peer initiates.
    Ingress,
    /// The appliance initiates; the peer listens.
    Egress,
}

impl Direction {
    fn name(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// How a description names the peer: "from" it or "to" it.
    fn preposition(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// A flow seen from one of its ends that is a declared appliance.
struct Side<'f> {
    flow: &'f Flow,
    direction: Direction,
    appliance: &'f str,
    interface: &'f Option<String>,
    appliance_addresses: &'f AddressSet,
    peer: &'f str,
    peer_interface: &'f Option<String>,
    /// The peer's addresses that pair with the appliance: see [`paired`].
    peer_addresses: Vec<&'f Member>,
    /// Whether the peer is a declared appliance too, so the flow has a second side.
    peer_is_appliance: bool,
}

/// Every flow from each end that is an appliance: its destination (ingress) and its
/// source (egress).
fn sides(flows: &[Expanded]) -> impl Iterator<Item = Side<'_>> {
    let appliance = |kind: &str| Kind::from_name(kind).is_some_and(Kind::is_appliance);
    flows.iter().flat_map(move |expanded| {
        let flow = &expanded.flow;
        let (source_is, destination_is) = (
            appliance(&flow.source_kind),
            appliance(&flow.destination_kind),
        );
        let ingress = destination_is.then(|| Side {
            flow,
            direction: Direction::Ingress,
            appliance: &flow.destination,
            interface: &flow.destination_interface,
            appliance_addresses: &expanded.destination,
            peer: &flow.source,
            peer_interface: &flow.source_interface,
            peer_addresses: paired(&expanded.source, &expanded.destination),
            peer_is_appliance: source_is,
        });
        let egress = source_is.then(|| Side {
            flow,
            direction: Direction::Egress,
            appliance: &flow.source,
            interface: &flow.source_interface,
            appliance_addresses: &expanded.source,
            peer: &flow.destination,
            peer_interface: &flow.destination_interface,
            peer_addresses: paired(&expanded.destination, &expanded.source),
            peer_is_appliance: destination_is,
        });
        ingress.into_iter().chain(egress)
    })
}

/// The peer addresses a rule may pair with the appliance: those of an address family the
/// appliance interface has (an IPv4-only interface gets no IPv6 rule, which could never
/// match). When the appliance declares no address there is nothing to pair against, and
/// every family is kept. An address known only after apply counts as IPv4.
fn paired<'f>(peer: &'f AddressSet, appliance: &AddressSet) -> Vec<&'f Member> {
    let (has_ipv4, has_ipv6) = (appliance.has_family(false), appliance.has_family(true));
    peer.members()
        .iter()
        .filter(|m| {
            appliance.is_empty()
                || if m.address.is_ipv6() {
                    has_ipv6
                } else {
                    has_ipv4
                }
        })
        .collect()
}

/// An endpoint with its interface when it has one: `panorama.primary@eth1`.
fn endpoint(name: &str, interface: &Option<String>) -> String {
    endpoint_label(name, interface.as_deref())
}

/// Whether AWS security group rule descriptions (and so Azure NSG rules) accept `c`.
pub fn is_description_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ' ' || "._-:/()#,@[]+=&;{}!$*".contains(c)
}

/// A description cut to [`MAX_DESCRIPTION`] characters, with anything AWS refuses replaced.
fn description(text: &str) -> String {
    text.chars()
        .map(|c| if is_description_char(c) { c } else { '-' })
        .take(MAX_DESCRIPTION)
        .collect()
}

/// SHA-256 of the canonical JSON of the flows, one per line.
fn digest_of<'f>(flows: impl Iterator<Item = &'f Flow>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    // One buffer for every flow: tens of thousands of them at 10,000 firewall groups.
    let mut line = Vec::new();
    for flow in flows {
        line.clear();
        // Serialising plain strings and numbers cannot fail; an empty entry would still
        // keep the digest deterministic.
        if serde_json::to_writer(&mut line, flow).is_err() {
            line.clear();
        }
        hasher.update(&line);
        hasher.update(b"\n");
    }
    hasher.finalize().into()
}

/// SHA-256 of `text`.
fn digest_of_text(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests;
