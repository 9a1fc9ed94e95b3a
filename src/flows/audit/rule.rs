//! Checked rule values: what a required or an actual rule allows, with no text left in it.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Subnets, Ipv6Subnets};

use super::span::Span;
use crate::flows::matrix::port_range;

/// Protocol names accepted besides numbers, with their IANA protocol numbers. Display uses
/// the same names, so a parsed protocol reads back as AWS writes it.
const NAMES: &[(&str, u8)] = &[
    ("icmp", 1),
    ("tcp", 6),
    ("udp", 17),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("icmpv6", 58),
    ("sctp", 132),
];

/// The protocols a required rule can have: the ones the flow matrix produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Transport {
    /// TCP (protocol 6).
    Tcp,
    /// UDP (protocol 17).
    Udp,
}

impl Transport {
    /// Both transports, in a fixed order.
    pub const ALL: [Transport; 2] = [Transport::Tcp, Transport::Udp];

    /// The same transport as a protocol of an actual rule.
    pub fn protocol(self) -> Protocol {
        match self {
            Transport::Tcp => Protocol::TCP,
            Transport::Udp => Protocol::UDP,
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.protocol().fmt(f)
    }
}

/// The protocol of an actual rule. Names are numbers here (`tcp` is `Number(6)`), so each
/// protocol has exactly one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// Every protocol (AWS `-1`): every port of TCP and UDP, ICMP, and all the others.
    All,
    /// One IP protocol by its IANA number.
    Number(u8),
}

impl Protocol {
    /// TCP.
    pub const TCP: Protocol = Protocol::Number(6);
    /// UDP.
    pub const UDP: Protocol = Protocol::Number(17);

    /// Reads a protocol as AWS, Azure or GCP write it: a name (`tcp`, `udp`, `icmp`,
    /// `icmpv6`, `gre`, `esp`, `ah`, `sctp`; any case), a number from 0 to 255, or `-1`,
    /// `all` or `*` for every protocol.
    pub fn parse(text: &str) -> Option<Protocol> {
        let lower = text.to_ascii_lowercase();
        if matches!(lower.as_str(), "-1" | "all" | "*") {
            return Some(Protocol::All);
        }
        let named = NAMES.iter().find(|(name, _)| *name == lower);
        let number = named.map(|&(_, number)| number).or_else(|| {
            // Digits only: `u8::from_str` would also take `+6`.
            let digits = !lower.is_empty() && lower.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| lower.parse().ok()).flatten()
        });
        number.map(Protocol::Number)
    }

    /// The transport whose ports this protocol restricts: TCP or UDP, else none.
    pub fn transport(self) -> Option<Transport> {
        match self {
            Protocol::TCP => Some(Transport::Tcp),
            Protocol::UDP => Some(Transport::Udp),
            _ => None,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("-1"),
            Protocol::Number(number) => match NAMES.iter().find(|(_, n)| n == number) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{number}"),
            },
        }
    }
}

/// An inclusive range of ports, never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    from: u16,
    to: u16,
}

impl PortRange {
    /// Every port, 0 to 65535.
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };

    /// The ports `from` to `to`, or none when `to` is below `from`.
    pub fn new(from: u16, to: u16) -> Option<PortRange> {
        (from <= to).then_some(PortRange { from, to })
    }

    /// First port.
    pub fn from(self) -> u16 {
        self.from
    }

    /// Last port.
    pub fn to(self) -> u16 {
        self.to
    }
}

impl fmt::Display for PortRange {
    /// `3978`, or `28270-28271`, as flow keys write ports.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&port_range(self.from, self.to))
    }
}

/// An inclusive range of addresses of one family, never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddressRange {
    /// First address.
    pub first: IpAddr,
    /// Last address, of the same family as `first`.
    pub last: IpAddr,
}

impl fmt::Display for AddressRange {
    /// The CIDR when the range is exactly one (`10.0.0.0/25`), else `first-last`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one = |mut nets: Vec<IpNet>| (nets.len() == 1).then(|| nets.pop()).flatten();
        let cidr = match (self.first, self.last) {
            (IpAddr::V4(first), IpAddr::V4(last)) => one(Ipv4Subnets::new(first, last, 0)
                .take(2)
                .map(IpNet::V4)
                .collect()),
            (IpAddr::V6(first), IpAddr::V6(last)) => one(Ipv6Subnets::new(first, last, 0)
                .take(2)
                .map(IpNet::V6)
                .collect()),
            _ => None,
        };
        match cidr {
            Some(cidr) => write!(f, "{cidr}"),
            None => write!(f, "{}-{}", self.first, self.last),
        }
    }
}

/// A rule the flow matrix requires: one transport, a port range and one peer CIDR, as
/// `ingress_rules` and `egress_rules` give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequiredRule {
    /// TCP or UDP.
    pub transport: Transport,
    /// Destination ports.
    pub ports: PortRange,
    /// Peer CIDR.
    pub cidr: IpNet,
}

/// The other end of an actual rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Peer {
    /// An IPv4 or IPv6 CIDR.
    Cidr(IpNet),
    /// A security group or prefix list (by its id when known): what it holds is not in
    /// the rule, so the rule cannot be compared.
    Reference(Option<String>),
}

/// A rule that exists, as a security group reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActualRule {
    /// The protocol it allows.
    pub protocol: Protocol,
    /// The ports it allows. Only TCP and UDP have ports: for every other protocol the
    /// cloud ignores them (ICMP's are a type and a code), and so does the audit.
    pub ports: PortRange,
    /// Where traffic may come from (ingress) or go to (egress).
    pub peer: Peer,
}

/// The ports as a span.
pub(super) fn port_span(ports: PortRange) -> Span {
    Span::new(ports.from.into(), ports.to.into())
}

/// The addresses of `net` as a span of numbers; IPv4 and IPv6 are never compared with
/// each other, so both fit one integer type.
pub(super) fn cidr_span(net: &IpNet) -> Span {
    match net {
        IpNet::V4(net) => Span::new(
            u32::from(net.network()).into(),
            u32::from(net.broadcast()).into(),
        ),
        IpNet::V6(net) => Span::new(net.network().into(), net.broadcast().into()),
    }
}

/// Whether both networks are IPv4, or both IPv6.
pub(super) fn same_family(a: &IpNet, b: &IpNet) -> bool {
    matches!(
        (a, b),
        (IpNet::V4(_), IpNet::V4(_)) | (IpNet::V6(_), IpNet::V6(_))
    )
}

/// The addresses `first..=last` of the family of `like`, back from numbers.
pub(super) fn address_range(like: &IpNet, first: u128, last: u128) -> AddressRange {
    let address = |n: u128| match like {
        // IPv4 spans only ever hold values from IPv4 addresses.
        IpNet::V4(_) => IpAddr::V4(Ipv4Addr::from(n as u32)),
        IpNet::V6(_) => IpAddr::V6(Ipv6Addr::from(n)),
    };
    AddressRange {
        first: address(first),
        last: address(last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_read_names_numbers_and_all() {
        assert_eq!(Protocol::parse("tcp"), Some(Protocol::TCP));
        assert_eq!(Protocol::parse("TCP"), Some(Protocol::TCP));
        assert_eq!(Protocol::parse("6"), Some(Protocol::TCP));
        assert_eq!(Protocol::parse("17"), Some(Protocol::UDP));
        assert_eq!(Protocol::parse("58"), Protocol::parse("icmpv6"));
        assert_eq!(Protocol::parse("-1"), Some(Protocol::All));
        assert_eq!(Protocol::parse("*"), Some(Protocol::All));
        assert_eq!(Protocol::parse("all"), Some(Protocol::All));
        assert_eq!(Protocol::parse("255"), Some(Protocol::Number(255)));
        for bad in ["", "256", "+6", "-2", "tcp ", "http"] {
            assert_eq!(Protocol::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn protocols_print_as_aws_writes_them() {
        let shown: Vec<String> = ["6", "icmp", "-1", "99"]
            .iter()
            .filter_map(|t| Protocol::parse(t))
            .map(|p| p.to_string())
            .collect();
        assert_eq!(shown, ["tcp", "icmp", "-1", "99"]);
        assert_eq!(Protocol::TCP.transport(), Some(Transport::Tcp));
        assert_eq!(Protocol::parse("icmp").and_then(Protocol::transport), None);
    }

    #[test]
    fn port_ranges_are_never_empty() {
        assert_eq!(PortRange::new(5, 4), None);
        assert_eq!(
            PortRange::new(443, 443).map(|p| p.to_string()),
            Some("443".into())
        );
        assert_eq!(PortRange::ALL.to_string(), "0-65535");
    }

    #[test]
    fn address_ranges_print_as_a_cidr_when_they_are_one() {
        let v4: IpNet = "10.0.0.0/8".parse().unwrap();
        assert_eq!(
            address_range(&v4, 0x0a00_0000, 0x0a00_007f).to_string(),
            "10.0.0.0/25"
        );
        assert_eq!(
            address_range(&v4, 0x0a00_0001, 0x0a00_0004).to_string(),
            "10.0.0.1-10.0.0.4"
        );
        assert_eq!(
            address_range(&v4, 0, u32::MAX.into()).to_string(),
            "0.0.0.0/0"
        );
        let v6: IpNet = "::/0".parse().unwrap();
        assert_eq!(address_range(&v6, 0, u128::MAX).to_string(), "::/0");
        assert_eq!(address_range(&v6, 1, 1).to_string(), "::1/128");
    }

    #[test]
    fn spans_run_from_network_to_broadcast() {
        let net: IpNet = "10.0.0.16/28".parse().unwrap();
        assert_eq!(cidr_span(&net), Span::new(0x0a00_0010, 0x0a00_001f));
        let net: IpNet = "::/0".parse().unwrap();
        assert_eq!(cidr_span(&net), Span::new(0, u128::MAX));
    }
}
