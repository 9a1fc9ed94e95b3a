//! Per-address rules: one per appliance interface, direction, protocol, port range and peer
//! address, shaped for AWS security group rules. Peers that share a CIDR (two firewall
//! groups declaring the same range, say) share one rule: AWS refuses a second rule with
//! the same protocol, ports and CIDR in one security group. Keys come from
//! [`crate::flows::keys`].
//!
//! An address known only after apply gives a rule of its own (it is never taken for
//! another address) whose CIDRs are unknown; a rule whose key is unknown makes its whole
//! list unknown, since the list is sorted by key.

use std::collections::BTreeMap;

use super::{description, sides, Direction, Side, MAX_DESCRIPTION};
use crate::flows::cancel::{CancelToken, Cancelled};
use crate::flows::estate::{Address, Member};
use crate::flows::expand::Expanded;
use crate::flows::keys::rule_key;
use crate::flows::known::Known;
use crate::flows::matrix::{Flow, Rule};

/// One direction's rules, sorted by key: unknown while a key is.
type Rules = Known<Vec<Rule>>;

/// The ingress and egress rules of `flows` on the sides `wanted` keeps (by direction and
/// appliance name), each sorted by key, unless `cancel` is set on the way. Rules merge
/// only within one appliance, so a kept rule is the same whatever else is left out.
pub(super) fn rules(
    flows: &[Expanded],
    wanted: impl Fn(Direction, &str) -> bool,
    cancel: &CancelToken,
) -> Result<(Rules, Rules), Cancelled> {
    let mut ingress = BTreeMap::new();
    let mut egress = BTreeMap::new();
    for side in sides(flows).filter(|side| wanted(side.direction, side.appliance)) {
        cancel.check()?;
        let rules = match side.direction {
            Direction::Ingress => &mut ingress,
            Direction::Egress => &mut egress,
        };
        for part in per_address(&side) {
            rules
                .entry(part.target())
                .or_insert_with(Vec::new)
                .push(part);
        }
    }
    Ok((
        merged(ingress, Direction::Ingress.preposition(), cancel)?,
        merged(egress, Direction::Egress.preposition(), cancel)?,
    ))
}

/// What a cloud refuses twice in one security group: appliance, interface, protocol,
/// ports and address. Unknown addresses differ by where they are declared, so they never
/// share a rule.
type Target<'f> = (&'f str, &'f Option<String>, &'f str, u16, u16, &'f Address);

/// One flow side for one peer address, before peers sharing the address merge.
struct Part<'f> {
    flow: &'f Flow,
    appliance: &'f str,
    interface: &'f Option<String>,
    peer: &'f str,
    member: &'f Member,
    key: Known<String>,
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
            &self.member.address,
        )
    }
}

/// One part per peer address of a flow side.
fn per_address<'s, 'f>(side: &'s Side<'f>) -> impl Iterator<Item = Part<'f>> + 's {
    side.peer_addresses.iter().map(move |&member| Part {
        flow: side.flow,
        appliance: side.appliance,
        interface: side.interface,
        peer: side.peer,
        member,
        key: rule_key(&side.flow.key, member),
    })
}

/// One rule per target, sorted by key; unknown when a key is. A rule several parts share
/// keeps the key, `peer` and `flow_key` of the part with the smallest key, and lists every
/// peer and flow key.
fn merged(
    targets: BTreeMap<Target<'_>, Vec<Part<'_>>>,
    preposition: &str,
    cancel: &CancelToken,
) -> Result<Rules, Cancelled> {
    let mut rules = Vec::with_capacity(targets.len());
    for parts in targets.into_values() {
        cancel.check()?;
        match rule(parts, preposition) {
            Some(Known::Value(rule)) => rules.push(rule),
            // The list is sorted by key, so one unknown key leaves its order unknown.
            Some(Known::Unknown) => return Ok(Known::Unknown),
            None => {}
        }
    }
    Ok(Known::Value(sorted_by_key(rules)))
}

/// `rules` in key order (stable). Each rule moves once: sorting the rules themselves
/// would move hundreds of bytes per comparison step for a large estate.
fn sorted_by_key(rules: Vec<Rule>) -> Vec<Rule> {
    let mut order: Vec<usize> = (0..rules.len()).collect();
    order.sort_by(|&a, &b| rules[a].key.cmp(&rules[b].key));
    let mut slots: Vec<Option<Rule>> = rules.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|index| slots.get_mut(index).and_then(Option::take))
        .collect()
}

/// The rule of the parts of one target. Parts with unknown keys have unknown addresses,
/// which no other part shares.
fn rule(mut parts: Vec<Part<'_>>, preposition: &str) -> Option<Known<Rule>> {
    parts.sort_by(|a, b| a.key.cmp(&b.key));
    let first = parts.first()?;
    let Known::Value(key) = &first.key else {
        return Some(Known::Unknown);
    };
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
    let (cidr_ipv4, cidr_ipv6) = match &first.member.address {
        Address::Known(net) => {
            let cidr = Some(net.to_string());
            match first.member.address.is_ipv6() {
                true => (Known::Value(None), Known::Value(cidr)),
                false => (Known::Value(cidr), Known::Value(None)),
            }
        }
        Address::Unknown(_) => (Known::Unknown, Known::Unknown),
    };
    Some(Known::Value(Rule {
        key: key.clone(),
        appliance: first.appliance.to_owned(),
        interface: first.interface.clone(),
        peer: first.peer.to_owned(),
        protocol: first.flow.protocol.clone(),
        from_port: first.flow.from_port,
        to_port: first.flow.to_port,
        cidr_ipv4,
        cidr_ipv6,
        description: rule_description(&purposes.join(","), preposition, &peers),
        flow_key: first.flow.key.clone(),
        peers,
        flow_keys,
    }))
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
    fn rules_sort_by_key_keeping_equal_keys_in_order() {
        let rule = |key: &str, peer: &str| Rule {
            key: key.into(),
            peer: peer.into(),
            ..Rule::default()
        };
        let sorted = sorted_by_key(vec![rule("b", "1"), rule("a", "2"), rule("b", "3")]);
        let seen: Vec<(&str, &str)> = sorted
            .iter()
            .map(|r| (r.key.as_str(), r.peer.as_str()))
            .collect();
        assert_eq!(seen, [("a", "2"), ("b", "1"), ("b", "3")]);
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
