//! Per-CIDR rules: one per appliance interface, direction, protocol, port range and peer
//! CIDR, shaped for AWS security group rules. Peers that share a CIDR (two firewall groups
//! declaring the same range, say) share one rule: AWS refuses a second rule with the same
//! protocol, ports and CIDR in one security group.

use std::collections::BTreeMap;

use super::{description, is_ipv6, sides, Direction, Side, MAX_DESCRIPTION};
use crate::flows::cancel::{CancelToken, Cancelled};
use crate::flows::matrix::{Flow, Rule};

/// The ingress and egress rules of `flows`, each sorted by key.
pub(super) fn rules(
    flows: &[Flow],
    cancel: &CancelToken,
) -> Result<(Vec<Rule>, Vec<Rule>), Cancelled> {
    let mut ingress = BTreeMap::new();
    let mut egress = BTreeMap::new();
    for side in sides(flows) {
        cancel.check()?;
        let rules = match side.direction {
            Direction::Ingress => &mut ingress,
            Direction::Egress => &mut egress,
        };
        for part in per_cidr(&side) {
            rules
                .entry(part.target())
                .or_insert_with(Vec::new)
                .push(part);
        }
    }
    Ok((
        merged(ingress, Direction::Ingress.preposition()),
        merged(egress, Direction::Egress.preposition()),
    ))
}

/// What a cloud refuses twice in one security group: appliance, interface, protocol,
/// ports and CIDR.
type Target<'f> = (&'f str, &'f Option<String>, &'f str, u16, u16, &'f str);

/// One flow side for one peer CIDR, before peers sharing the CIDR merge.
struct Part<'f> {
    flow: &'f Flow,
    appliance: &'f str,
    interface: &'f Option<String>,
    peer: &'f str,
    cidr: &'f str,
}

impl<'f> Part<'f> {
    fn target(&self) -> Target<'f> {
        let flow = self.flow;
        (
            self.appliance,
            self.interface,
            &flow.protocol,
            flow.from_port,
            flow.to_port,
            self.cidr,
        )
    }
}

/// The key of a rule: its flow's key and the peer CIDR. The one place rule keys are made.
fn rule_key(flow_key: &str, cidr: &str) -> String {
    format!("{flow_key}:{cidr}")
}

/// One part per peer CIDR of a flow side.
fn per_cidr<'s, 'f>(side: &'s Side<'f>) -> impl Iterator<Item = Part<'f>> + 's {
    side.peer_cidrs.iter().map(move |&cidr| Part {
        flow: side.flow,
        appliance: side.appliance,
        interface: side.interface,
        peer: side.peer,
        cidr,
    })
}

/// One rule per target, sorted by key. A rule several parts share keeps the key, `peer`
/// and `flow_key` of the part with the smallest key, and lists every peer and flow key.
fn merged(targets: BTreeMap<Target<'_>, Vec<Part<'_>>>, preposition: &str) -> Vec<Rule> {
    let mut rules: Vec<Rule> = targets
        .into_values()
        .filter_map(|mut parts| {
            parts.sort_by_cached_key(|part| rule_key(&part.flow.key, part.cidr));
            let first = parts.first()?;
            let mut peers: Vec<String> = parts.iter().map(|p| p.peer.to_owned()).collect();
            peers.sort_unstable();
            peers.dedup();
            let mut flow_keys: Vec<String> = parts.iter().map(|p| p.flow.key.clone()).collect();
            flow_keys.sort_unstable();
            flow_keys.dedup();
            let mut purposes: Vec<&str> = Vec::new();
            for purpose in parts.iter().flat_map(|p| p.flow.purpose.split(',')) {
                if !purposes.contains(&purpose) {
                    purposes.push(purpose);
                }
            }
            let cidr = first.cidr;
            Some(Rule {
                key: rule_key(&first.flow.key, cidr),
                appliance: first.appliance.to_owned(),
                interface: first.interface.clone(),
                peer: first.peer.to_owned(),
                protocol: first.flow.protocol.clone(),
                from_port: first.flow.from_port,
                to_port: first.flow.to_port,
                cidr_ipv4: (!is_ipv6(cidr)).then(|| cidr.to_owned()),
                cidr_ipv6: is_ipv6(cidr).then(|| cidr.to_owned()),
                description: rule_description(&purposes.join(","), preposition, &peers),
                flow_key: first.flow.key.clone(),
                peers,
                flow_keys,
            })
        })
        .collect();
    rules.sort_by(|a, b| a.key.cmp(&b.key));
    rules
}

/// "purposes from/to peers", naming as many peers as fit in [`MAX_DESCRIPTION`]
/// characters: "a, b and 2 more".
fn rule_description(purposes: &str, preposition: &str, peers: &[String]) -> String {
    let lead = format!("{purposes} {preposition} ");
    let room = MAX_DESCRIPTION.saturating_sub(lead.chars().count());
    description(&format!("{lead}{}", names_within(peers, room)))
}

/// `names` joined by ", ", or the first few and "and N more", in at most `room`
/// characters when that is possible (a single name is left for the description to cut).
fn names_within(names: &[String], room: usize) -> String {
    let all = names.join(", ");
    if all.chars().count() <= room || names.len() == 1 {
        return all;
    }
    (1..names.len())
        .rev()
        .map(|shown| {
            format!(
                "{} and {} more",
                names[..shown].join(", "),
                names.len() - shown
            )
        })
        .find(|text| text.chars().count() <= room)
        .unwrap_or_else(|| format!("{} peers", names.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("firewall.group-{i}")).collect()
    }

    #[test]
    fn peers_are_named_while_they_fit() {
        assert_eq!(
            names_within(&names(2), 100),
            "firewall.group-0, firewall.group-1"
        );
        assert_eq!(
            names_within(&names(5), 60),
            "firewall.group-0, firewall.group-1 and 3 more"
        );
        assert_eq!(names_within(&names(5), 10), "5 peers");
        assert_eq!(names_within(&names(1), 10), "firewall.group-0");
    }

    #[test]
    fn descriptions_keep_within_the_limit() {
        let text = rule_description("device-management,log-forwarding", "from", &names(40));
        assert!(text.chars().count() <= MAX_DESCRIPTION, "{text}");
        assert!(text.ends_with("more"), "{text}");
    }
}
