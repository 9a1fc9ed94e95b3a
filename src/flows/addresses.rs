//! Addresses across the estate: how an address reads (hosts and CIDRs, IPv4-mapped IPv6
//! written as IPv4), every address the estate declares with the place it sits, and the
//! findings that involve more than one endpoint's addresses: one address on two appliances
//! (an error) and an address that stands for everyone (a warning naming what it opens).
//!
//! Like [`crate::flows::checks`], the findings read the declared estate and skip any value
//! that does not read as an address ([`crate::flows::parse`] reports those).

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net};

use super::config::{AddressKey, AddressList, EstateConfig};
use super::diagnostic::{echo, Diagnostic, Path};
use super::estate::AddressSet;
use super::expand::{Expanded, Kind};

/// How an address text reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A host (as a /32 or /128) or a network, in canonical form.
    Network(IpNet),
    /// A CIDR with bits set after its prefix, as written (after IPv4-mapped rewriting).
    HostBits(IpNet),
    /// Not an IPv4 or IPv6 address or CIDR.
    Invalid,
}

/// Reads `text` as a host or a CIDR. IPv4-mapped IPv6 (`::ffff:10.20.0.5`, or the CIDR
/// `::ffff:10.0.0.0/104`) reads as the IPv4 address it stands for: as IPv6 it would never
/// match the IPv4 traffic it means.
pub fn read(text: &str) -> Reading {
    let net = match text.parse::<IpAddr>() {
        Ok(host) => IpNet::from(host),
        Err(_) => match text.parse::<IpNet>() {
            Ok(net) => net,
            Err(_) => return Reading::Invalid,
        },
    };
    let net = unmapped(net);
    if net.trunc() == net {
        Reading::Network(net)
    } else {
        Reading::HostBits(net)
    }
}

/// The canonical network `text` stands for, when it reads as one.
pub fn network(text: &str) -> Option<IpNet> {
    match read(text) {
        Reading::Network(net) => Some(net),
        Reading::HostBits(_) | Reading::Invalid => None,
    }
}

/// Length of the `::ffff:0:0/96` prefix that maps IPv4 into IPv6.
const MAPPED_PREFIX: u8 = 96;

/// An IPv4-mapped IPv6 network written as IPv4; any other network as it is. A prefix
/// shorter than /96 reaches beyond the mapped range and stays IPv6.
fn unmapped(net: IpNet) -> IpNet {
    let IpNet::V6(v6) = net else {
        return net;
    };
    let Some(v4) = v6.addr().to_ipv4_mapped() else {
        return net;
    };
    match v6.prefix_len().checked_sub(MAPPED_PREFIX) {
        Some(prefix) => Ipv4Net::new(v4, prefix).map_or(net, IpNet::V4),
        None => net,
    }
}

/// Where an address of the list at `list` sits: `addresses[2]` in a list,
/// `addresses["office"]` in a map of names.
pub fn path_of(list: &Path, key: AddressKey<'_>) -> Path {
    match key {
        AddressKey::Index(index) => list.index(index),
        AddressKey::Name(name) => list.key(name),
    }
}

/// One address as the estate declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared<'c> {
    /// The endpoint it belongs to, named as in outputs (`panorama.a`, `firewall.branches`).
    pub endpoint: String,
    /// The endpoint's kind.
    pub kind: Kind,
    /// The interface it sits on, for Panorama nodes and Log Collectors.
    pub interface: Option<&'c str>,
    /// Where it is declared: `...addresses[2]` in a list, `...addresses["office"]` in a map
    /// of names.
    pub path: Path,
    /// The address as written.
    pub text: &'c str,
}

/// Every address the estate declares, in declaration order: Panorama nodes, Log
/// Collectors, firewall groups, WildFire, services, Cortex Data Lake.
pub fn declared(config: &EstateConfig) -> Vec<Declared<'_>> {
    let root = Path::root();
    let mut found = Vec::new();
    let nodes = config.panorama.nodes.iter().map(|(name, node)| {
        let path = root.attr("panorama").attr("nodes").key(name);
        (Kind::Panorama, name, path, node.addresses.as_ref())
    });
    let log_collectors = config.log_collectors.iter().flatten().map(|(name, lc)| {
        let path = root.attr("log_collectors").key(name);
        (Kind::LogCollector, name, path, lc.addresses.as_ref())
    });
    for (kind, name, path, addresses) in nodes.chain(log_collectors) {
        let endpoint = endpoint_name(kind, name);
        for (interface, list) in addresses.into_iter().flatten() {
            let path = path.attr("addresses").key(interface);
            let at = (endpoint.as_str(), kind, Some(interface.as_str()), &path);
            push_list(&mut found, at, Some(list));
        }
    }
    let firewalls = config.firewalls.iter().flatten();
    let firewalls = firewalls.map(|(n, fw)| (Kind::Firewall, "firewalls", n, &fw.addresses));
    let wildfire = config.wildfire.iter().flatten();
    let wildfire = wildfire.map(|(n, wf)| (Kind::Wildfire, "wildfire", n, &wf.addresses));
    let services = config.services.iter().flatten();
    let services = services.map(|(k, s)| (Kind::Service, "services", k, &s.addresses));
    for (kind, attr, name, list) in firewalls.chain(wildfire).chain(services) {
        let path = root.attr(attr).key(name).attr("addresses");
        let endpoint = endpoint_name(kind, name);
        push_list(&mut found, (&endpoint, kind, None, &path), list.as_ref());
    }
    if let Some(cdl) = &config.cortex_data_lake {
        let path = root.attr("cortex_data_lake").attr("addresses");
        let kind = Kind::CortexDataLake;
        push_list(
            &mut found,
            (kind.name(), kind, None, &path),
            cdl.addresses.as_ref(),
        );
    }
    found
}

fn endpoint_name(kind: Kind, name: &str) -> String {
    format!("{}.{name}", kind.name())
}

/// Where a list of addresses sits: endpoint, kind, interface and the list's path.
type Place<'a, 'c> = (&'a str, Kind, Option<&'c str>, &'a Path);

/// Pushes every address of `list` (a list or a map of names), each with its path.
fn push_list<'c>(found: &mut Vec<Declared<'c>>, at: Place<'_, 'c>, list: Option<&'c AddressList>) {
    let (endpoint, kind, interface, path) = at;
    for (key, text) in list.map(AddressList::entries).into_iter().flatten() {
        found.push(Declared {
            endpoint: endpoint.to_owned(),
            kind,
            interface,
            path: path_of(path, key),
            text,
        });
    }
}

/// Whether two endpoints of these kinds may share an address: firewall groups and
/// WildFire entries are address ranges of many devices, which may coincide; a Panorama
/// node or a Log Collector is one machine.
fn may_share(a: Kind, b: Kind) -> bool {
    let range = |kind| matches!(kind, Kind::Firewall | Kind::Wildfire);
    range(a) && range(b)
}

/// The same network declared for two different appliances, one of them a Panorama node or
/// a Log Collector: an error at the later place, naming the earlier one.
pub fn shared_by_appliances(config: &EstateConfig) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<IpNet, Vec<Declared<'_>>> = BTreeMap::new();
    let mut found = Vec::new();
    let appliances = declared(config)
        .into_iter()
        .filter(|d| d.kind.is_appliance());
    for address in appliances {
        let Some(net) = network(address.text) else {
            continue;
        };
        let earlier = seen.entry(net).or_default();
        let clash = earlier
            .iter()
            .find(|e| e.endpoint != address.endpoint && !may_share(e.kind, address.kind));
        if let Some(first) = clash {
            found.push(
                Diagnostic::error(
                    address.path.clone(),
                    "Address on two appliances",
                    format!(
                        "`{net}` is the address of {} here and of {} at {}. One address belongs to one appliance: the flows between the two would become rules from the address to itself. Declare each appliance's own address (firewall groups and WildFire entries may share a CIDR with each other, not with a Panorama node or Log Collector).",
                        describe(&address),
                        describe(first),
                        first.path
                    ),
                )
                .depends_on(first.path.clone()),
            );
        }
        earlier.push(address);
    }
    found
}

/// An endpoint in words: "Panorama node `a`", "the firewall group `branches`".
fn describe(address: &Declared<'_>) -> String {
    let name = address
        .endpoint
        .split_once('.')
        .map_or(address.endpoint.as_str(), |(_, name)| name);
    let name = echo(name);
    match address.kind {
        Kind::Panorama => format!("Panorama node `{name}`"),
        Kind::LogCollector => format!("the Log Collector `{name}`"),
        Kind::Firewall => format!("the firewall group `{name}`"),
        Kind::Wildfire => format!("the WildFire entry `{name}`"),
        Kind::CortexDataLake => "Cortex Data Lake".to_owned(),
        Kind::Service => format!("the service `{name}`"),
    }
}

/// Flow keys a warning names before it counts the rest.
const NAMED_FLOWS: usize = 3;

/// `0.0.0.0/0` or `::/0` as an address: a warning at that address naming the flows whose
/// rules it opens to everyone.
pub fn open_to_everyone(config: &EstateConfig, flows: &[Expanded]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for address in declared(config) {
        let Some(net) = network(address.text).filter(|net| net.prefix_len() == 0) else {
            continue;
        };
        let cidr = net.to_string();
        let interface = address.interface.map(str::to_owned);
        let ends_here = |name: &str, iface: &Option<String>, addresses: &AddressSet| {
            name == address.endpoint && *iface == interface && addresses.contains(&net)
        };
        let keys: Vec<&str> = flows
            .iter()
            .filter(|e| {
                let f = &e.flow;
                ends_here(&f.source, &f.source_interface, &e.source)
                    || ends_here(&f.destination, &f.destination_interface, &e.destination)
            })
            .map(|e| e.flow.key.as_str())
            .collect();
        let family = match net {
            IpNet::V4(_) => "IPv4",
            IpNet::V6(_) => "IPv6",
        };
        let opened = if keys.is_empty() {
            "no flow uses it yet, but every flow that does will be open to everyone".to_owned()
        } else {
            format!(
                "the rules built from it open {} to everyone",
                flow_list(&keys)
            )
        };
        found.push(Diagnostic::warning(
            address.path.clone(),
            "Address open to everyone",
            format!(
                "`{cidr}` stands for every {family} address, the address of {}: {opened}. Declare the addresses or CIDRs it really has.",
                describe(&address)
            ),
        ));
    }
    found
}

/// "`a`, `b`, `c` and 2 more", for at most [`NAMED_FLOWS`] names.
fn flow_list(keys: &[&str]) -> String {
    let named: Vec<String> = keys
        .iter()
        .take(NAMED_FLOWS)
        .map(|k| format!("`{}`", echo(k)))
        .collect();
    let rest = keys.len().saturating_sub(NAMED_FLOWS);
    match (named.as_slice(), rest) {
        ([one], 0) => format!("the flow {one}"),
        (_, 0) => format!("the flows {}", named.join(", ")),
        _ => format!("the flows {} and {rest} more", named.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(text: &str) -> Option<String> {
        network(text).map(|net| net.to_string())
    }

    #[test]
    fn ipv4_mapped_addresses_read_as_ipv4() {
        assert_eq!(reads("::ffff:10.20.0.5").as_deref(), Some("10.20.0.5/32"));
        assert_eq!(reads("::ffff:10.0.0.0/104").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(reads("::ffff:0:0/96").as_deref(), Some("0.0.0.0/0"));
        // A prefix wider than the mapped range stays IPv6 (and has host bits set).
        assert!(matches!(
            read("::ffff:0:0/95"),
            Reading::HostBits(IpNet::V6(_))
        ));
        assert_eq!(reads("2001:db8::5").as_deref(), Some("2001:db8::5/128"));
        assert_eq!(
            read("::ffff:10.0.0.5/104"),
            Reading::HostBits("10.0.0.5/8".parse().unwrap())
        );
    }

    #[test]
    fn hosts_and_networks_read_canonically() {
        assert_eq!(reads("10.0.0.5").as_deref(), Some("10.0.0.5/32"));
        assert_eq!(reads("10.0.0.0/24").as_deref(), Some("10.0.0.0/24"));
        assert_eq!(
            read("10.0.0.5/24"),
            Reading::HostBits("10.0.0.5/24".parse().unwrap())
        );
        assert_eq!(read("nonsense"), Reading::Invalid);
    }

    #[test]
    fn flow_lists_stay_short() {
        assert_eq!(flow_list(&["a"]), "the flow `a`");
        assert_eq!(flow_list(&["a", "b"]), "the flows `a`, `b`");
        assert_eq!(
            flow_list(&["a", "b", "c", "d", "e"]),
            "the flows `a`, `b`, `c` and 2 more"
        );
    }
}
