//! The estate after checking: parsed versions, models, interfaces and addresses.
//!
//! Built from [`crate::flows::config::EstateConfig`] by [`crate::flows::parse`]; the rule
//! catalog only ever sees values that passed those checks.

use std::collections::BTreeMap;
use std::fmt;

use ipnet::IpNet;

use super::diagnostic::Path;
use super::known::Known;
use super::services::{Connection, Service};
use super::version::Version;

/// A checked estate.
#[derive(Debug, Clone, PartialEq)]
pub struct Estate {
    /// Panorama and its nodes.
    pub panorama: Panorama,
    /// Dedicated Log Collectors, sorted by name.
    pub log_collectors: Vec<LogCollector>,
    /// Firewall groups, sorted by name.
    pub firewalls: Vec<FirewallGroup>,
    /// WildFire appliances or clusters, sorted by name.
    pub wildfire: Vec<Wildfire>,
    /// Cortex Data Lake, when declared.
    pub cortex_data_lake: Option<CortexDataLake>,
    /// External services, sorted by key.
    pub services: Vec<ExternalService>,
}

impl Estate {
    /// Whether Cortex Data Lake is in use: declared at the top level, or named by a
    /// firewall group.
    pub fn cortex_in_use(&self) -> bool {
        self.cortex_data_lake.is_some() || self.firewalls.iter().any(|fw| fw.cortex_data_lake)
    }
}

/// A declared external service, with its connections resolved (transport, port overrides).
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalService {
    /// Its row of the services table.
    pub service: &'static Service,
    /// Addresses of the service (for `admin`: where administrators connect from).
    pub addresses: AddressSet,
    /// Whether dedicated Log Collectors get the same flows as Panorama.
    pub include_log_collectors: bool,
    /// The connections after `transport` and `ports`, sorted and without duplicates.
    pub connections: Vec<Connection>,
    /// What the declaration chose, for descriptions (e.g. `transport ssl`), if anything.
    pub choice: Option<String>,
}

/// Panorama: one node or an HA pair sharing model, mode and version.
#[derive(Debug, Clone, PartialEq)]
pub struct Panorama {
    /// Software release.
    pub version: Version,
    /// Appliance model.
    pub model: Model,
    /// Whether Panorama runs its own Log Collector.
    pub mode: Mode,
    /// Collector Group of the local Log Collector (meaningful in `panorama` mode only).
    pub collector_group: Option<String>,
    /// Whether HA synchronisation is encrypted.
    pub ha_encryption: bool,
    /// Interface of each function.
    pub interfaces: Interfaces,
    /// The nodes, sorted by name.
    pub nodes: Vec<Node>,
}

/// One Panorama node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Name from the configuration.
    pub name: String,
    /// Addresses per interface.
    pub addresses: Addresses,
}

/// A dedicated Log Collector.
#[derive(Debug, Clone, PartialEq)]
pub struct LogCollector {
    /// Name from the configuration.
    pub name: String,
    /// Software release.
    pub version: Version,
    /// Appliance model.
    pub model: Model,
    /// Collector Group it belongs to.
    pub collector_group: String,
    /// Interface of each function.
    pub interfaces: Interfaces,
    /// Addresses per interface.
    pub addresses: Addresses,
}

/// A group of managed firewalls.
#[derive(Debug, Clone, PartialEq)]
pub struct FirewallGroup {
    /// Name from the configuration.
    pub name: String,
    /// PAN-OS release.
    pub version: Version,
    /// Management addresses.
    pub addresses: AddressSet,
    /// Collector Group receiving the group's logs.
    pub collector_group: Option<String>,
    /// Whether the group forwards logs to Cortex Data Lake.
    pub cortex_data_lake: bool,
    /// Whether a group that logs to Cortex Data Lake also forwards its logs to Panorama or
    /// its Collector Group.
    pub duplicate_logging: bool,
}

impl FirewallGroup {
    /// Whether the group forwards logs to Panorama or its Collector Group: unless it logs
    /// to Cortex Data Lake without duplicate logging.
    pub fn forwards_logs(&self) -> bool {
        !self.cortex_data_lake || self.duplicate_logging
    }
}

/// A WildFire appliance or cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Wildfire {
    /// Name from the configuration.
    pub name: String,
    /// PAN-OS release.
    pub version: Version,
    /// Management addresses.
    pub addresses: AddressSet,
}

/// Cortex Data Lake.
#[derive(Debug, Clone, PartialEq)]
pub struct CortexDataLake {
    /// Endpoint addresses, when known.
    pub addresses: AddressSet,
}

/// Addresses of an appliance per interface.
pub type Addresses = BTreeMap<Interface, AddressSet>;

/// One declared address list (or map of names), parsed: each address with the label its
/// rules' keys carry (see [`crate::flows::keys`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressSet {
    /// Sorted, without two equal members.
    members: Vec<Member>,
}

/// One address of an [`AddressSet`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Member {
    /// Its value.
    pub address: Address,
    /// How the keys of its rules name it.
    pub label: Label,
}

/// An address: a canonical network, or one Terraform knows only after apply.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Address {
    /// A host (/32, /128) or a network, canonical.
    Known(IpNet),
    /// Known only after apply. Where it is declared tells it apart from every other
    /// address: an unknown address never stands for the same value as another.
    Unknown(Path),
}

impl Address {
    /// Whether the address is IPv6. An unknown address counts as IPv4 (the family of the
    /// addresses clouds hand out at apply, such as `aws_network_interface.private_ip`).
    pub fn is_ipv6(&self) -> bool {
        matches!(self, Address::Known(IpNet::V6(_)))
    }

    /// The canonical CIDR, when known.
    pub fn cidr(&self) -> Known<String> {
        match self {
            Address::Known(net) => Known::Value(net.to_string()),
            Address::Unknown(_) => Known::Unknown,
        }
    }
}

/// What a rule key adds after the flow key for one peer address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Label {
    /// The only address of an unnamed list: nothing.
    Sole,
    /// An address of a map of names: its name.
    Named(String),
    /// One of an unnamed list of two or more: a digest of the address.
    Listed,
}

impl AddressSet {
    /// No addresses.
    pub const EMPTY: AddressSet = AddressSet {
        members: Vec::new(),
    };

    /// The set of `members`, sorted, duplicates dropped.
    pub fn new(mut members: Vec<Member>) -> Self {
        members.sort();
        members.dedup();
        AddressSet { members }
    }

    /// Every member, sorted.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Whether no address is declared.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Whether an address of the family of `ipv6` is among the members (an unknown
    /// address counts as IPv4, see [`Address::is_ipv6`]).
    pub fn has_family(&self, ipv6: bool) -> bool {
        self.members.iter().any(|m| m.address.is_ipv6() == ipv6)
    }

    /// Whether `net` is one of the known addresses.
    pub fn contains(&self, net: &IpNet) -> bool {
        self.members
            .iter()
            .any(|m| m.address == Address::Known(*net))
    }

    /// The canonical CIDRs, sorted by address and without duplicates; unknown if any
    /// address is (the order and duplicates need every value).
    pub fn cidrs(&self) -> Known<Vec<String>> {
        let mut nets = Vec::with_capacity(self.members.len());
        for member in &self.members {
            match member.address {
                Address::Known(net) => nets.push(net),
                Address::Unknown(_) => return Known::Unknown,
            }
        }
        nets.sort();
        nets.dedup();
        Known::Value(nets.iter().map(ToString::to_string).collect())
    }
}

/// Panorama and Log Collector appliance models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Model {
    /// The Panorama virtual appliance.
    Vm,
    /// M-100.
    M100,
    /// M-200.
    M200,
    /// M-300.
    M300,
    /// M-500.
    M500,
    /// M-600.
    M600,
    /// M-700.
    M700,
}

impl Model {
    /// Every model with its configuration name.
    pub const ALL: [(Model, &'static str); 7] = [
        (Model::Vm, "vm"),
        (Model::M100, "m-100"),
        (Model::M200, "m-200"),
        (Model::M300, "m-300"),
        (Model::M500, "m-500"),
        (Model::M600, "m-600"),
        (Model::M700, "m-700"),
    ];

    /// The model named `name` in the configuration.
    pub fn from_name(name: &str) -> Option<Model> {
        Model::ALL.iter().find(|(_, n)| *n == name).map(|(m, _)| *m)
    }

    /// Whether this is a hardware M-Series appliance.
    pub fn is_m_series(self) -> bool {
        self != Model::Vm
    }

    /// Number of data interfaces (`eth1` .. `ethN`) besides MGT.
    pub fn data_interfaces(self) -> u8 {
        match self {
            Model::Vm => 0,
            // [decision] The M-200, like the M-100, has four ports (FLOWS.md "Interfaces").
            Model::M100 | Model::M200 => 3,
            _ => 5,
        }
    }
}

impl Model {
    /// Whether the model has interface `interface` (MGT always; `ethN` up to its count).
    pub fn has(self, interface: Interface) -> bool {
        match interface {
            Interface::Mgt => true,
            Interface::Eth(n) => (1..=self.data_interfaces()).contains(&n),
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = Model::ALL
            .iter()
            .find(|(m, _)| m == self)
            .map_or("?", |(_, n)| n);
        f.write_str(name)
    }
}

/// Whether Panorama collects logs itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Panorama mode: a local Log Collector receives logs.
    Panorama,
    /// Management only: logs go to dedicated Log Collectors.
    ManagementOnly,
}

/// A Panorama appliance interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Interface {
    /// The management interface.
    Mgt,
    /// Data interface `ethN` (1 to 5).
    Eth(u8),
}

impl Interface {
    /// The interface named `name` (`mgt`, `eth1` .. `eth5`).
    pub fn from_name(name: &str) -> Option<Interface> {
        match name {
            "mgt" => Some(Interface::Mgt),
            "eth1" => Some(Interface::Eth(1)),
            "eth2" => Some(Interface::Eth(2)),
            "eth3" => Some(Interface::Eth(3)),
            "eth4" => Some(Interface::Eth(4)),
            "eth5" => Some(Interface::Eth(5)),
            _ => None,
        }
    }
}

impl fmt::Display for Interface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Interface::Mgt => f.write_str("mgt"),
            Interface::Eth(n) => write!(f, "eth{n}"),
        }
    }
}

/// What traffic an interface carries, in the vendor's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Function {
    /// HA and administrator access: always MGT.
    Management,
    /// Managing firewalls, Log Collectors and WildFire.
    DeviceManagement,
    /// Receiving logs.
    LogCollection,
    /// Collector Group communication.
    CollectorGroup,
    /// Serving software and content updates.
    DeviceDeployment,
}

impl Function {
    /// The configuration name of a movable function.
    pub fn name(self) -> &'static str {
        match self {
            Function::Management => "management",
            Function::DeviceManagement => "device_management",
            Function::LogCollection => "log_collection",
            Function::CollectorGroup => "collector_group",
            Function::DeviceDeployment => "device_deployment",
        }
    }
}

/// Which interface carries each movable function; all default to MGT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interfaces {
    /// Device management.
    pub device_management: Interface,
    /// Log collection.
    pub log_collection: Interface,
    /// Collector Group communication.
    pub collector_group: Interface,
    /// Software and content updates.
    pub device_deployment: Interface,
}

impl Default for Interfaces {
    fn default() -> Self {
        Interfaces {
            device_management: Interface::Mgt,
            log_collection: Interface::Mgt,
            collector_group: Interface::Mgt,
            device_deployment: Interface::Mgt,
        }
    }
}

impl Interfaces {
    /// The interface that carries `function`.
    pub fn carrying(&self, function: Function) -> Interface {
        match function {
            Function::Management => Interface::Mgt,
            Function::DeviceManagement => self.device_management,
            Function::LogCollection => self.log_collection,
            Function::CollectorGroup => self.collector_group,
            Function::DeviceDeployment => self.device_deployment,
        }
    }

    /// Moves `function` to `interface`; management traffic always stays on MGT.
    pub fn assign(&mut self, function: Function, interface: Interface) {
        match function {
            Function::Management => {}
            Function::DeviceManagement => self.device_management = interface,
            Function::LogCollection => self.log_collection = interface,
            Function::CollectorGroup => self.collector_group = interface,
            Function::DeviceDeployment => self.device_deployment = interface,
        }
    }
}
