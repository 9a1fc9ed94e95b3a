//! Views of the sorted flow list: the outputs Terraform users feed to other resources.
//!
//! Every view is a pure function of the flows, so the same flows give byte-identical
//! outputs. [`rules`] cuts flows into per-CIDR security-group rules, [`groups`] gathers
//! them into port lists per peer set, [`markdown`] and [`mermaid`] render them for people.

mod groups;
mod markdown;
mod mermaid;
mod rules;

use sha2::{Digest, Sha256};

use super::cancel::{CancelToken, Cancelled};
use super::estate::{AddressSet, Member};
use super::expand::{Expanded, Kind};
use super::known::Known;
use super::matrix::{endpoint_label, Flow, FlowMatrix};
use super::selection::{Selection, View};

/// Longest rule description AWS security group rules (and Azure NSG rules) accept.
pub const MAX_DESCRIPTION: usize = 140;

/// Builds the outputs `selection` asks for from the sorted flow list, unless `cancel` is
/// set on the way; the others are `None` and cost nothing. Outputs that need an address
/// known only after apply are [`Known::Unknown`].
///
/// The appliance filter leaves out what the whole estate's outputs hold, never changes
/// it: per-CIDR rules merge only within one appliance interface, so they are built from
/// the selected appliances' sides alone; grouped rules take priorities over the whole
/// set, so every group is built and the filter applies after.
pub fn matrix(
    expanded: Vec<Expanded>,
    selection: &Selection,
    cancel: &CancelToken,
) -> Result<FlowMatrix, Cancelled> {
    let (ingress, egress) = (
        selection.wants(View::IngressRules),
        selection.wants(View::EgressRules),
    );
    let (ingress_rules, egress_rules) = if ingress || egress {
        let wanted = |direction: Direction, appliance: &str| {
            let view = match direction {
                Direction::Ingress => ingress,
                Direction::Egress => egress,
            };
            view && selection.keeps_appliance(appliance)
        };
        let (ingress_rules, egress_rules) = rules::rules(&expanded, wanted, cancel)?;
        (
            ingress.then_some(ingress_rules),
            egress.then_some(egress_rules),
        )
    } else {
        (None, None)
    };
    let grouped_rules = match selection.wants(View::GroupedRules) {
        true => {
            let mut grouped = groups::grouped_rules(&expanded, cancel)?;
            grouped.retain(|rule| selection.keeps_appliance(&rule.appliance));
            Some(grouped)
        }
        false => None,
    };
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
    if !(selection.wants(View::Flows) || markdown || mermaid) {
        return Ok(FlowMatrix {
            id,
            flows: None,
            ingress_rules,
            egress_rules,
            grouped_rules,
            flows_markdown: None,
            flows_mermaid: None,
        });
    }
    let flows: Vec<Flow> = expanded
        .into_iter()
        .map(|e| e.flow)
        .filter(|flow| selection.keeps_flow(flow))
        .collect();
    let flows_markdown = match markdown {
        true if flows.iter().all(addresses_known) => {
            Some(Known::Value(markdown::table(&flows, cancel)?))
        }
        true => Some(Known::Unknown),
        false => None,
    };
    let flows_mermaid = match mermaid {
        true => Some(mermaid::diagram(&flows, cancel)?),
        false => None,
    };
    Ok(FlowMatrix {
        id,
        flows: selection.wants(View::Flows).then_some(flows),
        ingress_rules,
        egress_rules,
        grouped_rules,
        flows_markdown,
        flows_mermaid,
    })
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
