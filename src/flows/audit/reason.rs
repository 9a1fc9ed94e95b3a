//! Why an actual rule is excess: what it allows beyond the required rules, in words a
//! security reviewer acts on.

use std::fmt;

use ipnet::IpNet;

use super::rule::{address_range, cidr_span, port_span, same_family};
use super::rule::{ActualRule, AddressRange, Peer, PortRange, Protocol, RequiredRule, Transport};
use super::span::SpanSet;

/// How many ports or address ranges a reason spells out before it counts the rest.
const SHOWN: usize = 5;

/// One thing an excess rule allows beyond the requirement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The rule allows every protocol (`-1`), and no required rule needs more than TCP or UDP.
    AllProtocols,
    /// The rule's protocol is one no required rule uses (ICMP, or UDP when only TCP is
    /// required).
    OtherProtocol(Protocol),
    /// The rule is open to every address of its family (`0.0.0.0/0` or `::/0`).
    Everyone(IpNet),
    /// Addresses of the rule that no required rule of its protocols has for any of its
    /// ports: its CIDR is wider than the required peers.
    WiderCidr(Vec<AddressRange>),
    /// Ports of the rule that no required rule of its protocol allows from any of its
    /// addresses.
    OtherPorts(Vec<PortRange>),
    /// Every port and every address of the rule is required, but not in every
    /// combination: e.g. port 22 for one peer and 443 for another, opened as both ports
    /// for both peers.
    Combination,
    /// The rule refers to a security group or prefix list (its id, when known) instead of a
    /// CIDR: what it allows cannot be compared.
    NotComparable(Option<String>),
}

impl Reason {
    /// The reason's kind in a few stable words, the start of its text: `all protocols`,
    /// `another protocol`, `everyone`, `wider CIDR`, `other ports`, `combination` or
    /// `not comparable`.
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::AllProtocols => "all protocols",
            Reason::OtherProtocol(_) => "another protocol",
            Reason::Everyone(_) => "everyone",
            Reason::WiderCidr(_) => "wider CIDR",
            Reason::OtherPorts(_) => "other ports",
            Reason::Combination => "combination",
            Reason::NotComparable(_) => "not comparable",
        }
    }
}

impl fmt::Display for Reason {
    /// `kind: what exactly`, e.g. `other ports: allows 0-442, 444-65535, which no required
    /// rule has for these addresses`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.kind())?;
        match self {
            Reason::AllProtocols => f.write_str("-1 allows every protocol on every port"),
            Reason::OtherProtocol(protocol) => write!(f, "no required rule uses {protocol}"),
            Reason::Everyone(net) => {
                let family = if matches!(net, IpNet::V4(_)) {
                    "IPv4"
                } else {
                    "IPv6"
                };
                write!(f, "{net} allows every {family} address")
            }
            Reason::WiderCidr(ranges) => write!(
                f,
                "allows {}, which no required rule has for these ports",
                listed(ranges)
            ),
            Reason::OtherPorts(ports) => write!(
                f,
                "allows {}, which no required rule has for these addresses",
                listed(ports)
            ),
            Reason::Combination => {
                f.write_str("each port and each address is required, but not all together")
            }
            Reason::NotComparable(id) => write!(
                f,
                "refers to {}, not a CIDR, so what it allows is unknown",
                id.as_deref().unwrap_or("a security group or prefix list")
            ),
        }
    }
}

/// `a, b, c`, or the first few and `and N more`.
fn listed<T: fmt::Display>(items: &[T]) -> String {
    let shown: Vec<String> = items.iter().take(SHOWN).map(T::to_string).collect();
    match items.len().saturating_sub(SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The reasons why `rule` is excess (empty when it is not). `excess` is the exact verdict
/// for a TCP or UDP rule; every other rule allows something no required rule has.
pub(super) fn reasons(rule: &ActualRule, excess: bool, required: &[RequiredRule]) -> Vec<Reason> {
    let cidr = match &rule.peer {
        Peer::Reference(id) => return vec![Reason::NotComparable(id.clone())],
        Peer::Cidr(cidr) => cidr,
    };
    let everyone = (cidr.prefix_len() == 0).then_some(Reason::Everyone(*cidr));
    let used = |transport: Transport| required.iter().any(|r| r.transport == transport);
    let mut reasons = Vec::new();
    if rule.protocol == Protocol::All {
        reasons.push(Reason::AllProtocols);
        reasons.extend(everyone);
        let wider = wider(cidr, PortRange::ALL, &Transport::ALL, required);
        reasons.extend((!wider.is_empty()).then_some(Reason::WiderCidr(wider)));
        return reasons;
    }
    let Some(transport) = rule.protocol.transport().filter(|&t| used(t)) else {
        reasons.push(Reason::OtherProtocol(rule.protocol));
        reasons.extend(everyone);
        return reasons;
    };
    if excess {
        reasons.extend(everyone);
        let wider = wider(cidr, rule.ports, &[transport], required);
        let ports = other_ports(cidr, rule.ports, transport, required);
        let explained = !wider.is_empty() || !ports.is_empty();
        reasons.extend((!wider.is_empty()).then_some(Reason::WiderCidr(wider)));
        reasons.extend((!ports.is_empty()).then_some(Reason::OtherPorts(ports)));
        if !explained {
            reasons.push(Reason::Combination);
        }
    }
    reasons
}

/// The addresses of `cidr` that no required rule of `transports` has on any of `ports`.
fn wider(
    cidr: &IpNet,
    ports: PortRange,
    transports: &[Transport],
    required: &[RequiredRule],
) -> Vec<AddressRange> {
    let ports = port_span(ports);
    let peers = required
        .iter()
        .filter(|r| transports.contains(&r.transport) && same_family(&r.cidr, cidr))
        .filter(|r| port_span(r.ports).overlaps(ports))
        .map(|r| cidr_span(&r.cidr));
    SpanSet::new(peers)
        .outside(cidr_span(cidr))
        .into_iter()
        .map(|gap| address_range(cidr, gap.lo, gap.hi))
        .collect()
}

/// The ports of `ports` that no required rule of `transport` has for any address of `cidr`.
fn other_ports(
    cidr: &IpNet,
    ports: PortRange,
    transport: Transport,
    required: &[RequiredRule],
) -> Vec<PortRange> {
    let addresses = cidr_span(cidr);
    let needed = required
        .iter()
        .filter(|r| r.transport == transport && same_family(&r.cidr, cidr))
        .filter(|r| cidr_span(&r.cidr).overlaps(addresses))
        .map(|r| port_span(r.ports));
    SpanSet::new(needed)
        .outside(port_span(ports))
        .into_iter()
        // Gaps lie inside `ports`, so they are ports.
        .filter_map(|gap| PortRange::new(gap.lo as u16, gap.hi as u16))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_start_with_their_kind_and_count_long_lists() {
        let ports: Vec<PortRange> = (1..=7)
            .filter_map(|p| PortRange::new(p * 10, p * 10 + 1))
            .collect();
        let reason = Reason::OtherPorts(ports);
        assert_eq!(
            reason.to_string(),
            "other ports: allows 10-11, 20-21, 30-31, 40-41, 50-51 and 2 more, which no required rule has for these addresses"
        );
        let everyone = Reason::Everyone("::/0".parse().unwrap());
        assert_eq!(
            everyone.to_string(),
            "everyone: ::/0 allows every IPv6 address"
        );
        let reference = Reason::NotComparable(Some("sg-0123".into()));
        assert!(reference
            .to_string()
            .starts_with("not comparable: refers to sg-0123,"));
    }
}
