//! Grouped rules: per appliance interface, direction, protocol and identical peers and
//! App-IDs, the ports as a list, for targets whose rules take port lists (Azure NSGs, GCP
//! firewalls, PAN-OS security rules).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::{description, digest_of_text, endpoint, hex, sides, Direction, Side, MAX_DESCRIPTION};
use crate::flows::cancel::{CancelToken, Cancelled};
use crate::flows::estate::Address;
use crate::flows::expand::Expanded;
use crate::flows::known::Known;
use crate::flows::matrix::{port_range, GroupedRule};

/// Longest generated name: GCP firewall names take 63 characters, which leaves room for a
/// `-v4` or `-v6` suffix when a target needs one rule per address family.
pub const MAX_NAME: usize = 60;

/// First and last priority handed out: Azure NSG rules take 100 to 4096.
const FIRST_PRIORITY: u16 = 100;
const LAST_PRIORITY: u16 = 4094;
/// Priorities are even, so `priority + 1` is free for the IPv6 twin of a rule.
const PRIORITY_SLOTS: u16 = (LAST_PRIORITY - FIRST_PRIORITY) / 2 + 1;

/// One port range on one appliance end, for peers of one class.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct PortEnd<'f> {
    appliance: &'f str,
    interface: &'f Option<String>,
    direction: Direction,
    peer_is_appliance: bool,
    protocol: &'f str,
    ports: (u16, u16),
}

/// What makes port ranges one group: the same appliance end and class of peers, the same
/// protocol, and identical peers and App-IDs (so PAN-OS rules allow no App-ID on a port
/// that does not carry it).
/// The sets are borrowed from the port range's [`Gathered`]: a group of thousands of peers
/// is never copied to be compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupId<'f, 'g> {
    appliance: &'f str,
    interface: &'f Option<String>,
    direction: Direction,
    peer_is_appliance: bool,
    protocol: &'f str,
    peers: &'g BTreeSet<Cow<'f, str>>,
    applications: &'g BTreeSet<&'f str>,
}

/// What one port range on one appliance end gathers from its flows.
#[derive(Debug, Default)]
struct Gathered<'f> {
    /// Peers as outputs write them; borrowed from the flow unless an interface is added.
    peers: BTreeSet<Cow<'f, str>>,
    peer_addresses: BTreeSet<&'f Address>,
    appliance_addresses: BTreeSet<&'f Address>,
    applications: BTreeSet<&'f str>,
    purposes: BTreeSet<&'f str>,
    flow_keys: BTreeSet<&'f str>,
}

impl<'f> Gathered<'f> {
    fn add(&mut self, side: &Side<'f>) {
        self.peers.insert(match side.peer_interface {
            None => Cow::Borrowed(side.peer),
            Some(_) => Cow::Owned(endpoint(side.peer, side.peer_interface)),
        });
        self.peer_addresses
            .extend(side.peer_addresses.iter().map(|m| &m.address));
        self.appliance_addresses.extend(
            side.appliance_addresses
                .members()
                .iter()
                .map(|m| &m.address),
        );
        self.applications
            .extend(side.flow.applications.iter().map(String::as_str));
        self.purposes.extend(side.flow.purpose.split(','));
        self.flow_keys.insert(&side.flow.key);
    }

    /// Everything `parts` gathered.
    fn union(parts: &[&Gathered<'f>]) -> Gathered<'f> {
        let mut all = Gathered::default();
        for part in parts {
            all.peers.extend(part.peers.iter().cloned());
            all.peer_addresses
                .extend(part.peer_addresses.iter().copied());
            all.appliance_addresses
                .extend(part.appliance_addresses.iter().copied());
            all.applications.extend(part.applications.iter().copied());
            all.purposes.extend(part.purposes.iter().copied());
            all.flow_keys.extend(part.flow_keys.iter().copied());
        }
        all
    }
}

/// The grouped rules of `flows`, sorted by key. Peers without addresses are left out: an
/// empty address list means "anywhere" to some targets.
pub(super) fn grouped_rules(
    flows: &[Expanded],
    cancel: &CancelToken,
) -> Result<Vec<GroupedRule>, Cancelled> {
    // First every port range of every appliance end with the peers that reach it; peers
    // without addresses give no rule, as in the per-CIDR views ...
    let mut by_ports: BTreeMap<PortEnd<'_>, Gathered<'_>> = BTreeMap::new();
    for side in sides(flows).filter(|side| !side.peer_addresses.is_empty()) {
        cancel.check()?;
        let end = PortEnd {
            appliance: side.appliance,
            interface: side.interface,
            direction: side.direction,
            peer_is_appliance: side.peer_is_appliance,
            protocol: &side.flow.protocol,
            ports: (side.flow.from_port, side.flow.to_port),
        };
        by_ports.entry(end).or_default().add(&side);
    }
    // ... then the port ranges that share identical peers and App-IDs.
    type Parts<'f, 'g> = (Vec<(u16, u16)>, Vec<&'g Gathered<'f>>);
    let mut groups: BTreeMap<GroupId<'_, '_>, Parts<'_, '_>> = BTreeMap::new();
    for (end, gathered) in &by_ports {
        cancel.check()?;
        let id = GroupId {
            appliance: end.appliance,
            interface: end.interface,
            direction: end.direction,
            peer_is_appliance: end.peer_is_appliance,
            protocol: end.protocol,
            peers: &gathered.peers,
            applications: &gathered.applications,
        };
        let (ports, parts) = groups.entry(id).or_default();
        ports.push(end.ports);
        parts.push(gathered);
    }
    let mut rules: Vec<GroupedRule> = Vec::with_capacity(groups.len());
    for (id, (ports, parts)) in &groups {
        cancel.check()?;
        let rule = match parts.as_slice() {
            [one] => grouped_rule(id, ports, one),
            parts => grouped_rule(id, ports, &Gathered::union(parts)),
        };
        rules.push(rule);
    }
    rules.sort_by(|a, b| a.key.cmp(&b.key));
    assign_priorities(&mut rules);
    Ok(rules)
}

fn grouped_rule(
    id: &GroupId<'_, '_>,
    ports: &[(u16, u16)],
    gathered: &Gathered<'_>,
) -> GroupedRule {
    let peers: Vec<String> = id.peers.iter().map(|peer| peer.to_string()).collect();
    let ports: Vec<String> = ports
        .iter()
        .map(|&(from, to)| port_range(from, to))
        .collect();
    // The ports, not the peers, name the group: a new peer for the same ports (another
    // firewall group, say) then updates the rule in place instead of replacing it.
    let key = format!(
        "{}:{}:{}:{}:{}",
        endpoint(id.appliance, id.interface),
        id.direction.name(),
        if id.peer_is_appliance {
            "appliances"
        } else {
            "external"
        },
        id.protocol,
        ports.join(",")
    );
    let (cidrs_ipv4, cidrs_ipv6) = by_family(&gathered.peer_addresses);
    let (appliance_cidrs_ipv4, appliance_cidrs_ipv6) = by_family(&gathered.appliance_addresses);
    let purposes: Vec<&str> = gathered.purposes.iter().copied().collect();
    GroupedRule {
        name: name(id, &key),
        description: group_description(&purposes.join(","), id.direction, &peers),
        appliance: id.appliance.to_owned(),
        interface: id.interface.clone(),
        direction: id.direction.name().to_owned(),
        protocol: id.protocol.to_owned(),
        ports,
        peers,
        peer_is_appliance: id.peer_is_appliance,
        cidrs_ipv4,
        cidrs_ipv6,
        appliance_cidrs_ipv4,
        appliance_cidrs_ipv6,
        applications: strings(gathered.applications.iter().copied()),
        priority: None,
        flow_keys: strings(gathered.flow_keys.iter().copied()),
        key,
    }
}

/// The IPv4 and the IPv6 CIDRs of `addresses`, each sorted as text; both unknown while an
/// address is (its family, and its place in the order, wait for its value).
fn by_family(addresses: &BTreeSet<&Address>) -> (Known<Vec<String>>, Known<Vec<String>>) {
    let mut ipv4 = BTreeSet::new();
    let mut ipv6 = BTreeSet::new();
    for address in addresses {
        match address {
            Address::Known(net) if address.is_ipv6() => ipv6.insert(net.to_string()),
            Address::Known(net) => ipv4.insert(net.to_string()),
            Address::Unknown(_) => return (Known::Unknown, Known::Unknown),
        };
    }
    (
        Known::Value(ipv4.into_iter().collect()),
        Known::Value(ipv6.into_iter().collect()),
    )
}

/// "purposes from/to peers", or "from/to N peers" when the names would not fit.
fn group_description(purposes: &str, direction: Direction, peers: &[String]) -> String {
    let preposition = direction.preposition();
    let lead = format!("{purposes} {preposition} ");
    // Counted before it is written: a group can have thousands of peers.
    let names = peers.iter().map(|peer| peer.chars().count()).sum::<usize>();
    let length = lead.chars().count() + names + peers.len().saturating_sub(1);
    if length <= MAX_DESCRIPTION {
        description(&format!("{lead}{}", peers.join(" ")))
    } else {
        description(&format!("{purposes} {preposition} {} peers", peers.len()))
    }
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    items.into_iter().map(str::to_owned).collect()
}

/// A name valid for GCP firewalls (`[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63) and Azure
/// rules: readable words from the group, then 8 hex digits of its key for uniqueness.
fn name(id: &GroupId<'_, '_>, key: &str) -> String {
    let (kind, appliance) = id.appliance.split_once('.').unwrap_or(("", id.appliance));
    let kind = match kind {
        "panorama" => "pano",
        "log_collector" => "lc",
        "firewall" => "fw",
        "wildfire" => "wf",
        _ => "x",
    };
    let direction = match id.direction {
        Direction::Ingress => "in",
        Direction::Egress => "out",
    };
    let interface = id
        .interface
        .as_deref()
        .map(|i| format!("-{i}"))
        .unwrap_or_default();
    let suffix = format!(
        "{interface}-{direction}-{}-{}",
        id.protocol,
        &hex(&digest_of_text(key))[..8]
    );
    let room = MAX_NAME - kind.len() - 1 - suffix.len();
    let mut word = String::new();
    for c in appliance.chars().map(|c| c.to_ascii_lowercase()) {
        let c = if c.is_ascii_alphanumeric() { c } else { '-' };
        if !(c == '-' && (word.is_empty() || word.ends_with('-'))) {
            word.push(c);
        }
    }
    word.truncate(room);
    let word = word.trim_end_matches('-');
    if word.is_empty() {
        format!("{kind}{suffix}")
    } else {
        format!("{kind}-{word}{suffix}")
    }
}

/// Hands each rule an even priority from 100 to 4094, unique across the matrix: a slot
/// drawn from its key, or the next free one. Rules keep their priority when others come
/// and go, unless a newcomer takes their slot first.
fn assign_priorities(rules: &mut [GroupedRule]) {
    let mut taken = vec![false; usize::from(PRIORITY_SLOTS)];
    for rule in rules {
        let digest = digest_of_text(&rule.key);
        let home = u16::from_be_bytes([digest[0], digest[1]]) % PRIORITY_SLOTS;
        let free = (0..PRIORITY_SLOTS)
            .map(|step| (home + step) % PRIORITY_SLOTS)
            .find(|&slot| !taken[usize::from(slot)]);
        if let Some(slot) = free {
            taken[usize::from(slot)] = true;
            rule.priority = Some(FIRST_PRIORITY + 2 * slot);
        }
    }
}
