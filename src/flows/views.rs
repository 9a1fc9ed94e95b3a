//! Views of the flow list: per-CIDR security-group rules and the digest `id`.

use sha2::{Digest, Sha256};

use super::expand::Kind;
use super::matrix::{Flow, FlowMatrix, Rule};

/// Longest rule description AWS security group rules accept.
pub const MAX_DESCRIPTION: usize = 140;

/// Builds every output from the sorted flow list.
pub fn matrix(flows: Vec<Flow>) -> FlowMatrix {
    let appliance = |kind: &str| Kind::from_name(kind).is_some_and(Kind::is_appliance);
    let mut ingress_rules = Vec::new();
    let mut egress_rules = Vec::new();
    for flow in &flows {
        if appliance(&flow.destination_kind) {
            ingress_rules.extend(rules(
                flow,
                &flow.destination,
                &flow.destination_interface,
                &flow.source,
                &flow.source_addresses,
                "from",
            ));
        }
        if appliance(&flow.source_kind) {
            egress_rules.extend(rules(
                flow,
                &flow.source,
                &flow.source_interface,
                &flow.destination,
                &flow.destination_addresses,
                "to",
            ));
        }
    }
    ingress_rules.sort_by(|a, b| a.key.cmp(&b.key));
    egress_rules.sort_by(|a, b| a.key.cmp(&b.key));
    FlowMatrix {
        id: digest(&flows),
        flows,
        ingress_rules,
        egress_rules,
    }
}

/// One rule per peer CIDR of `flow`, seen from `appliance`.
fn rules<'f>(
    flow: &'f Flow,
    appliance: &'f str,
    interface: &'f Option<String>,
    peer: &'f str,
    peer_cidrs: &'f [String],
    direction: &'f str,
) -> impl Iterator<Item = Rule> + 'f {
    let description = rule_description(&format!("{} {direction} {peer}", flow.purpose));
    peer_cidrs.iter().map(move |cidr| {
        let ipv6 = cidr.contains(':');
        Rule {
            key: format!("{}:{cidr}", flow.key),
            appliance: appliance.to_owned(),
            interface: interface.clone(),
            peer: peer.to_owned(),
            protocol: flow.protocol.clone(),
            from_port: flow.from_port,
            to_port: flow.to_port,
            cidr_ipv4: (!ipv6).then(|| cidr.clone()),
            cidr_ipv6: ipv6.then(|| cidr.clone()),
            description: description.clone(),
            flow_key: flow.key.clone(),
        }
    })
}

/// Whether AWS security group rule descriptions (and so Azure NSG rules) accept `c`.
pub fn is_description_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ' ' || "._-:/()#,@[]+=&;{}!$*".contains(c)
}

/// A description cut to [`MAX_DESCRIPTION`] characters, with anything AWS refuses replaced.
fn rule_description(text: &str) -> String {
    text.chars()
        .map(|c| if is_description_char(c) { c } else { '-' })
        .take(MAX_DESCRIPTION)
        .collect()
}

/// Hex SHA-256 of the canonical JSON of the flows.
fn digest(flows: &[Flow]) -> String {
    let mut hasher = Sha256::new();
    for flow in flows {
        // Serialising plain strings and numbers cannot fail; an empty entry would still
        // keep the digest deterministic.
        hasher.update(serde_json::to_vec(flow).unwrap_or_default());
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
