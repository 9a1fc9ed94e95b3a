//! Applies the rule catalog and the services table to a checked estate: every rule, every
//! pair, every port becomes a flow; rules that produce the same flow merge into one.

use std::collections::BTreeMap;

use super::cancel::{CancelToken, Cancelled};
use super::catalog::{BandOf, Peers, Protocol, MANAGED_ESTATE};
use super::estate::{
    AddressSet, Addresses, Estate, ExternalService, FirewallGroup, Function, Interface, Interfaces,
    Mode,
};
use super::keys::{self, End};
use super::matrix::Flow;
use super::services::Direction;
use super::version::Version;

/// Kinds of endpoint, as named in outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A Panorama node.
    Panorama,
    /// A dedicated Log Collector.
    LogCollector,
    /// A firewall group.
    Firewall,
    /// A WildFire appliance or cluster.
    Wildfire,
    /// Cortex Data Lake.
    CortexDataLake,
    /// An external service.
    Service,
}

impl Kind {
    /// The name used in outputs and as the endpoint prefix.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Panorama => "panorama",
            Kind::LogCollector => "log_collector",
            Kind::Firewall => "firewall",
            Kind::Wildfire => "wildfire",
            Kind::CortexDataLake => "cortex_data_lake",
            Kind::Service => "service",
        }
    }

    /// Every kind.
    pub const ALL: [Kind; 6] = [
        Kind::Panorama,
        Kind::LogCollector,
        Kind::Firewall,
        Kind::Wildfire,
        Kind::CortexDataLake,
        Kind::Service,
    ];

    /// The kind named `name` in outputs.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether the endpoint is a declared appliance that a security group can protect.
    pub fn is_appliance(self) -> bool {
        matches!(
            self,
            Kind::Panorama | Kind::LogCollector | Kind::Firewall | Kind::Wildfire
        )
    }
}

/// Where a party's addresses come from.
#[derive(Debug, Clone, Copy)]
enum Reach<'e> {
    /// A Panorama appliance: its functions sit on interfaces, each with addresses.
    Interfaces(&'e Interfaces, &'e Addresses),
    /// Anything else: one address list, no interface.
    Flat(&'e AddressSet),
}

/// One end of a pair, before a rule picks the interface.
#[derive(Debug, Clone)]
struct Party<'e> {
    name: String,
    kind: Kind,
    /// The release, for appliances; Cortex Data Lake and services have none.
    version: Option<&'e Version>,
    reach: Reach<'e>,
}

/// One end of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Endpoint {
    name: String,
    kind: Kind,
    interface: Option<Interface>,
    addresses: AddressSet,
}

impl Party<'_> {
    fn endpoint(&self, function: Function) -> Endpoint {
        let (interface, addresses) = match self.reach {
            Reach::Interfaces(interfaces, addresses) => {
                let interface = interfaces.carrying(function);
                (
                    Some(interface),
                    addresses.get(&interface).cloned().unwrap_or_default(),
                )
            }
            Reach::Flat(addresses) => (None, addresses.clone()),
        };
        Endpoint {
            name: self.name.clone(),
            kind: self.kind,
            interface,
            addresses,
        }
    }
}

/// The parties of an estate, each built once.
struct Parties<'e> {
    estate: &'e Estate,
    panorama: Vec<Party<'e>>,
    log_collectors: Vec<(Party<'e>, &'e str)>,
    firewalls: Vec<(Party<'e>, &'e FirewallGroup)>,
    wildfire: Vec<Party<'e>>,
    /// Cortex Data Lake (without addresses when it is not declared).
    cortex: Party<'e>,
}

/// No addresses, for Cortex Data Lake when it is not declared.
static NO_ADDRESSES: AddressSet = AddressSet::EMPTY;

impl<'e> Parties<'e> {
    fn new(estate: &'e Estate) -> Self {
        let pano = &estate.panorama;
        Parties {
            estate,
            panorama: pano
                .nodes
                .iter()
                .map(|node| Party {
                    name: format!("panorama.{}", node.name),
                    kind: Kind::Panorama,
                    version: Some(&pano.version),
                    reach: Reach::Interfaces(&pano.interfaces, &node.addresses),
                })
                .collect(),
            log_collectors: estate
                .log_collectors
                .iter()
                .map(|lc| {
                    let party = Party {
                        name: format!("log_collector.{}", lc.name),
                        kind: Kind::LogCollector,
                        version: Some(&lc.version),
                        reach: Reach::Interfaces(&lc.interfaces, &lc.addresses),
                    };
                    (party, lc.collector_group.as_str())
                })
                .collect(),
            firewalls: estate
                .firewalls
                .iter()
                .map(|fw| {
                    let party = Party {
                        name: format!("firewall.{}", fw.name),
                        kind: Kind::Firewall,
                        version: Some(&fw.version),
                        reach: Reach::Flat(&fw.addresses),
                    };
                    (party, fw)
                })
                .collect(),
            wildfire: estate
                .wildfire
                .iter()
                .map(|wf| Party {
                    name: format!("wildfire.{}", wf.name),
                    kind: Kind::Wildfire,
                    version: Some(&wf.version),
                    reach: Reach::Flat(&wf.addresses),
                })
                .collect(),
            cortex: Party {
                name: Kind::CortexDataLake.name().to_owned(),
                kind: Kind::CortexDataLake,
                version: None,
                reach: Reach::Flat(
                    estate
                        .cortex_data_lake
                        .as_ref()
                        .map_or(&NO_ADDRESSES, |cdl| &cdl.addresses),
                ),
            },
        }
    }

    /// The collectors of Collector Group `group`: its dedicated Log Collectors, plus every
    /// Panorama node when Panorama runs in `panorama` mode and names the group.
    fn collectors(&self, group: &str) -> Vec<&Party<'e>> {
        let pano = &self.estate.panorama;
        let local = pano.mode == Mode::Panorama && pano.collector_group.as_deref() == Some(group);
        let nodes = self.panorama.iter().filter(|_| local);
        let dedicated = self
            .log_collectors
            .iter()
            .filter(|(_, g)| *g == group)
            .map(|(p, _)| p);
        nodes.chain(dedicated).collect()
    }

    /// Names of every Collector Group that has a collector, sorted.
    fn collector_groups(&self) -> Vec<&'e str> {
        let pano = &self.estate.panorama;
        let local = pano
            .collector_group
            .as_deref()
            .filter(|_| pano.mode == Mode::Panorama);
        let mut groups: Vec<&str> = self
            .log_collectors
            .iter()
            .map(|(_, g)| *g)
            .chain(local)
            .collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    }

    /// Each source paired with each Panorama node.
    fn to_panorama<'a>(
        &'a self,
        sources: impl Iterator<Item = &'a Party<'e>>,
    ) -> Vec<Pair<'a, 'e>> {
        sources
            .flat_map(|source| self.panorama.iter().map(move |node| (source, node)))
            .collect()
    }

    /// The (source, destination) pairs a rule connects.
    fn pairs(&self, peers: Peers) -> Vec<Pair<'_, 'e>> {
        let pano = &self.estate.panorama;
        let firewalls = self.firewalls.iter();
        let log_collectors = self.log_collectors.iter().map(|(party, _)| party);
        match peers {
            Peers::HaPeers { encrypted } => match self.panorama.as_slice() {
                [a, b] if pano.ha_encryption == encrypted => vec![(a, b), (b, a)],
                _ => Vec::new(),
            },
            Peers::FirewallsToPanorama { logs } => self.to_panorama(
                firewalls
                    .filter(|(_, fw)| fw.forwards_logs() == logs)
                    .map(|(party, _)| party),
            ),
            Peers::FirewallLogsToPanorama if pano.mode == Mode::Panorama => self.to_panorama(
                firewalls
                    .filter(|(_, fw)| fw.collector_group.is_none() && fw.forwards_logs())
                    .map(|(party, _)| party),
            ),
            Peers::FirewallLogsToPanorama => Vec::new(),
            Peers::FirewallLogsToCollectors => firewalls
                .filter(|(_, fw)| fw.forwards_logs())
                .filter_map(|(party, fw)| Some((party, fw.collector_group.as_deref()?)))
                .flat_map(|(party, group)| {
                    self.collectors(group).into_iter().map(move |c| (party, c))
                })
                .collect(),
            Peers::LogCollectorsToPanorama => self.to_panorama(log_collectors),
            Peers::LocalCollectorsToPeer => match self.panorama.as_slice() {
                [a, b] if pano.mode == Mode::Panorama => vec![(a, b), (b, a)],
                _ => Vec::new(),
            },
            Peers::DevicesToPanorama => self.to_panorama(
                firewalls
                    .map(|(party, _)| party)
                    .chain(log_collectors)
                    .chain(&self.wildfire),
            ),
            Peers::CollectorGroupMembers => {
                let mut pairs = Vec::new();
                for group in self.collector_groups() {
                    let members = self.collectors(group);
                    for &a in &members {
                        pairs.extend(members.iter().filter(|b| b.name != a.name).map(|&b| (a, b)));
                    }
                }
                pairs
            }
            Peers::WildfireToPanorama => self.to_panorama(self.wildfire.iter()),
            Peers::PanoramaToCortex if self.estate.cortex_in_use() => self
                .panorama
                .iter()
                .map(|node| (node, &self.cortex))
                .collect(),
            Peers::PanoramaToCortex => Vec::new(),
            Peers::FirewallsToCortex => firewalls
                .filter(|(_, fw)| fw.cortex_data_lake)
                .map(|(party, _)| (party, &self.cortex))
                .collect(),
        }
    }
}

/// A source and a destination.
type Pair<'a, 'e> = (&'a Party<'e>, &'a Party<'e>);

/// A flow while rules are still merging into it.
struct Draft {
    source: Endpoint,
    destination: Endpoint,
    protocol: Protocol,
    ports: (u16, u16),
    applications: Vec<&'static str>,
    purposes: Vec<String>,
    descriptions: Vec<String>,
}

/// Pushes `item` unless it is already there, keeping first-seen order.
fn push_new<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// What a flow carries and why, whatever table it comes from.
struct Origin<'r> {
    protocol: Protocol,
    ports: (u16, u16),
    applications: &'r [&'static str],
    purpose: &'r str,
    description: String,
}

/// A flow with the declared addresses of its ends, which the rule views key their rules by.
#[derive(Debug, Clone, PartialEq)]
pub struct Expanded {
    /// The flow as outputs show it.
    pub flow: Flow,
    /// The source's addresses on its interface.
    pub source: AddressSet,
    /// The destination's addresses on its interface.
    pub destination: AddressSet,
}

/// Every flow of the estate, sorted by key, unless `cancel` is set on the way.
pub fn flows(estate: &Estate, cancel: &CancelToken) -> Result<Vec<Expanded>, Cancelled> {
    let parties = Parties::new(estate);
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    for rule in MANAGED_ESTATE {
        for (source, destination) in parties.pairs(rule.peers) {
            cancel.check()?;
            let version = match rule.band_of {
                BandOf::Source => source.version,
                BandOf::Destination => destination.version,
            };
            // Every rule picks its band from a party that has a release.
            let Some(version) = version else {
                continue;
            };
            for &port in rule.ports[version.band().index()] {
                let origin = Origin {
                    protocol: rule.protocol,
                    ports: (port, port),
                    applications: rule.applications,
                    purpose: rule.purpose,
                    description: format!(
                        "{} [{}].",
                        rule.why.replace("{version}", &version.to_string()),
                        rule.id
                    ),
                };
                add(
                    &mut drafts,
                    &origin,
                    source.endpoint(rule.source_function),
                    destination.endpoint(rule.destination_function),
                );
            }
        }
    }
    for service in &estate.services {
        cancel.check()?;
        service_flows(&parties, service, &mut drafts);
    }
    Ok(drafts
        .into_iter()
        .map(|(key, draft)| draft.finish(key))
        .collect())
}

/// The flows of one external service: between the service and each Panorama node (and
/// each dedicated Log Collector when included), on MGT, in each connection's direction.
fn service_flows(
    parties: &Parties<'_>,
    declared: &ExternalService,
    drafts: &mut BTreeMap<String, Draft>,
) {
    let key = declared.service.key;
    let service = Party {
        name: format!("{}.{key}", Kind::Service.name()),
        kind: Kind::Service,
        version: None,
        reach: Reach::Flat(&declared.addresses),
    };
    let log_collectors = parties
        .log_collectors
        .iter()
        .map(|(party, _)| party)
        .filter(|_| declared.include_log_collectors);
    let appliances: Vec<&Party<'_>> = parties.panorama.iter().chain(log_collectors).collect();
    let choice = declared
        .choice
        .as_deref()
        .map_or_else(String::new, |choice| format!(" ({choice})"));
    for &appliance in &appliances {
        let connections = match declared.service.log_collector_connections {
            Some(connections) if appliance.kind == Kind::LogCollector => connections,
            _ => declared.connections.as_slice(),
        };
        for connection in connections {
            let (source, destination) = match connection.direction {
                Direction::Inbound => (&service, appliance),
                Direction::Outbound => (appliance, &service),
            };
            let origin = Origin {
                protocol: connection.protocol,
                ports: (connection.from_port, connection.to_port),
                applications: std::slice::from_ref(&connection.application),
                purpose: key,
                description: format!("{}{choice} [service.{key}].", declared.service.why),
            };
            add(
                drafts,
                &origin,
                source.endpoint(Function::Management),
                destination.endpoint(Function::Management),
            );
        }
    }
}

fn add(
    drafts: &mut BTreeMap<String, Draft>,
    origin: &Origin<'_>,
    source: Endpoint,
    destination: Endpoint,
) {
    let key = flow_key(&source, &destination, origin.protocol, origin.ports);
    let draft = drafts.entry(key).or_insert_with(|| Draft {
        source,
        destination,
        protocol: origin.protocol,
        ports: origin.ports,
        applications: Vec::new(),
        purposes: Vec::new(),
        descriptions: Vec::new(),
    });
    for &application in origin.applications {
        push_new(&mut draft.applications, application);
    }
    push_new(&mut draft.purposes, origin.purpose.to_owned());
    push_new(&mut draft.descriptions, origin.description.clone());
}

/// The stable key of a flow (see [`keys::flow_key`]).
fn flow_key(
    source: &Endpoint,
    destination: &Endpoint,
    protocol: Protocol,
    ports: (u16, u16),
) -> String {
    let (source_interface, destination_interface) = (
        source.interface.map(|i| i.to_string()),
        destination.interface.map(|i| i.to_string()),
    );
    keys::flow_key(
        End {
            name: &source.name,
            interface: source_interface.as_deref(),
        },
        End {
            name: &destination.name,
            interface: destination_interface.as_deref(),
        },
        protocol.name(),
        ports,
    )
}

impl Draft {
    fn finish(self, key: String) -> Expanded {
        let interface = |e: &Endpoint| e.interface.map(|i| i.to_string());
        let flow = Flow {
            key,
            source: self.source.name.clone(),
            source_kind: self.source.kind.name().to_owned(),
            source_interface: interface(&self.source),
            source_addresses: self.source.addresses.cidrs(),
            destination: self.destination.name.clone(),
            destination_kind: self.destination.kind.name().to_owned(),
            destination_interface: interface(&self.destination),
            destination_addresses: self.destination.addresses.cidrs(),
            protocol: self.protocol.name().to_owned(),
            from_port: self.ports.0,
            to_port: self.ports.1,
            application: self
                .applications
                .first()
                .map_or_else(String::new, |first| (*first).to_owned()),
            applications: self.applications.iter().map(|a| (*a).to_owned()).collect(),
            purpose: self.purposes.join(","),
            description: self.descriptions.join(" "),
        };
        Expanded {
            flow,
            source: self.source.addresses,
            destination: self.destination.addresses,
        }
    }
}
