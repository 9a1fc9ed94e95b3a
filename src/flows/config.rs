//! The estate as the user declares it: the arguments of `panorama_flow_matrix`.
//!
//! These are plain serde types. Their JSON Schema ([`crate::flows::schema`]) is the one
//! description of the inputs: the reader ([`crate::flows::read`]) checks the estate as
//! written against it, and the provider and the registry docs take names, types,
//! optional or required, and descriptions from it, so every doc comment on a field is the
//! attribute's documentation (`x-aliases` lists names a user may reach for instead).
//! Values are kept as written (strings, numbers); checking and parsing them is the job of
//! [`crate::flows::parse`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Addresses per interface name (`mgt`, `eth1` .. `eth5`).
pub type InterfaceAddresses = BTreeMap<String, AddressList>;

/// IPv4 or IPv6 host addresses or CIDRs: a list (`["10.20.0.0/16"]`), or a map of names
/// to addresses (`{ a = "10.20.0.0/16" }`) when each address should keep a name of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AddressList {
    /// Addresses in a list.
    List(Vec<String>),
    /// Addresses keyed by a name (letters, digits, `_`, `-` and `.`).
    Named(BTreeMap<String, String>),
}

impl AddressList {
    /// Each address with where it sits: its index in a list, its name in a map.
    pub fn entries(&self) -> Vec<(AddressKey<'_>, &str)> {
        match self {
            AddressList::List(list) => list
                .iter()
                .enumerate()
                .map(|(index, text)| (AddressKey::Index(index), text.as_str()))
                .collect(),
            AddressList::Named(map) => map
                .iter()
                .map(|(name, text)| (AddressKey::Name(name), text.as_str()))
                .collect(),
        }
    }
}

impl Default for AddressList {
    fn default() -> Self {
        AddressList::List(Vec::new())
    }
}

impl From<Vec<String>> for AddressList {
    fn from(list: Vec<String>) -> Self {
        AddressList::List(list)
    }
}

/// Where an address sits in an [`AddressList`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKey<'a> {
    /// Position in a list.
    Index(usize),
    /// Name in a map.
    Name(&'a str),
}

/// A declared Palo Alto Networks estate whose network flows are computed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EstateConfig {
    /// The Panorama management server: one node, or two for an HA pair.
    pub panorama: PanoramaConfig,
    /// Dedicated Log Collectors, keyed by name.
    pub log_collectors: Option<BTreeMap<String, LogCollectorConfig>>,
    /// Groups of managed firewalls, keyed by name. A group shares one PAN-OS version and
    /// one log destination.
    pub firewalls: Option<BTreeMap<String, FirewallGroupConfig>>,
    /// WildFire appliances or appliance clusters managed by Panorama, keyed by name: their
    /// flows with Panorama only (firewalls submitting samples to WildFire are not covered).
    pub wildfire: Option<BTreeMap<String, WildfireConfig>>,
    /// Declares Cortex Data Lake as a log destination, with its addresses. Cortex Data Lake
    /// is in use when this is declared or any firewall group sets `cortex_data_lake = true`.
    pub cortex_data_lake: Option<CortexDataLakeConfig>,
    /// External services Panorama talks to (or that talk to Panorama), keyed by service:
    /// `admin`, `scp`, `smtp`, `tacacs_plus`, `dns`, `shared_services`, `kerberos`, `ntp`,
    /// `snmp`, `ldap`, `updates`, `ztp`, `syslog`, `radius`, `nfs`, `autofocus`,
    /// `traps_esm`, `interconnect`.
    pub services: Option<BTreeMap<String, ServiceConfig>>,
    /// The outputs to compute, among `flows`, `ingress_rules`, `egress_rules`,
    /// `grouped_rules`, `flows_markdown` and `flows_mermaid` (default: every one). The
    /// outputs left out are null and cost nothing: on a large estate, select the ones the
    /// configuration uses. `id` is always computed. An empty list is an error.
    pub views: Option<Vec<String>>,
    /// Patterns of the appliances whose rules are wanted, matched against the names the
    /// outputs use (`panorama.primary`, `log_collector.lc-1`, `firewall.branches`,
    /// `wildfire.wf-1`, without the `@interface`); `*` matches any run of characters
    /// (`panorama.*`, `firewall.branch-*`). Default: every appliance. `ingress_rules`,
    /// `egress_rules` and `grouped_rules` keep the rules of matching appliances, with the
    /// same keys, names and priorities as without the filter; `flows`, `flows_markdown`
    /// and `flows_mermaid` keep the flows with a matching source or destination. A
    /// pattern that matches no appliance is an error, and so is an empty list.
    pub appliances: Option<Vec<String>>,
}

/// Panorama itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PanoramaConfig {
    /// Panorama software release, e.g. `10.2`, `10.2.4` or `11.1.4-h7`.
    pub version: String,
    /// Appliance model: `vm` (the virtual appliance, default), `m-100`, `m-200`, `m-300`,
    /// `m-500`, `m-600` or `m-700`. The `m-100` and `m-200` have `eth1` .. `eth3`, the
    /// other M-Series `eth1` .. `eth5`.
    pub model: Option<String>,
    /// `panorama` (default: Panorama has a local Log Collector) or `management-only`.
    pub mode: Option<String>,
    /// Collector Group of Panorama's local Log Collector (`panorama` mode only: a
    /// `management-only` Panorama has no Log Collector). All collectors of a group run
    /// releases of one version band.
    pub collector_group: Option<String>,
    /// Whether HA peers encrypt their synchronisation (default `false`, the vendor default).
    pub ha_encryption: Option<bool>,
    /// Which interface carries each function; every function defaults to `mgt`.
    pub interfaces: Option<PanoramaInterfaces>,
    /// Panorama nodes keyed by name: one node, or two for an HA pair.
    pub nodes: BTreeMap<String, NodeConfig>,
}

/// Interface assignment of Panorama's functions (`mgt` or `eth1` .. `eth5`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PanoramaInterfaces {
    /// Interface that managed devices connect to for management (default `mgt`); in an HA
    /// pair in `panorama` mode, each peer's local Log Collector connects from it to the
    /// other peer's.
    pub device_management: Option<String>,
    /// Interface that receives logs from firewalls (default `mgt`).
    pub log_collection: Option<String>,
    /// Interface for Collector Group traffic between Log Collectors (default `mgt`).
    pub collector_group: Option<String>,
    /// Interface that serves software and content updates to devices (default `mgt`).
    pub device_deployment: Option<String>,
}

/// One Panorama node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Addresses (IPv4 or IPv6 hosts or CIDRs) of the node, keyed by interface name.
    pub addresses: Option<InterfaceAddresses>,
}

/// A dedicated Log Collector.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogCollectorConfig {
    /// Software release of the Log Collector, e.g. `10.2.4`.
    pub version: String,
    /// Collector Group the Log Collector belongs to. All collectors of a group run releases
    /// of one version band (5.0, 5.1, 6.x-7.x, or 8.x and later).
    pub collector_group: String,
    /// Appliance model: `vm` (default), `m-100`, `m-200`, `m-300`, `m-500`, `m-600` or
    /// `m-700`. The `m-100` and `m-200` have `eth1` .. `eth3`, the other M-Series `eth1` ..
    /// `eth5`.
    pub model: Option<String>,
    /// Which interface carries each function; every function defaults to `mgt`.
    pub interfaces: Option<LogCollectorInterfaces>,
    /// Addresses (IPv4 or IPv6 hosts or CIDRs) of the Log Collector, keyed by interface name.
    pub addresses: Option<InterfaceAddresses>,
}

/// Interface assignment of a dedicated Log Collector's functions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogCollectorInterfaces {
    /// Interface that receives logs from firewalls (default `mgt`).
    pub log_collection: Option<String>,
    /// Interface for Collector Group traffic between Log Collectors (default `mgt`).
    pub collector_group: Option<String>,
}

/// A group of managed firewalls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirewallGroupConfig {
    /// PAN-OS release of the firewalls in the group, e.g. `10.1`.
    pub version: String,
    /// Management addresses or CIDRs of the firewalls (IPv4 or IPv6).
    pub addresses: Option<AddressList>,
    /// Collector Group that receives the group's logs; without it, logs go to Panorama's
    /// local Log Collector.
    pub collector_group: Option<String>,
    /// Whether the firewalls forward logs to Cortex Data Lake (default `false`; PAN-OS
    /// 8.0.5 or later). Their logs then go there instead of to Panorama or their Collector
    /// Group, unless `duplicate_logging` is set. Without the top-level `cortex_data_lake`,
    /// the flows to Cortex Data Lake have no addresses.
    pub cortex_data_lake: Option<bool>,
    /// Whether a group that logs to Cortex Data Lake also forwards its logs to Panorama or
    /// its Collector Group (default `false`).
    pub duplicate_logging: Option<bool>,
}

/// A WildFire appliance or appliance cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WildfireConfig {
    /// PAN-OS release of the WildFire appliances, e.g. `10.1`.
    pub version: String,
    /// Management addresses or CIDRs of the appliances (IPv4 or IPv6).
    pub addresses: Option<AddressList>,
}

/// Cortex Data Lake.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CortexDataLakeConfig {
    /// Addresses or CIDRs of the Cortex Data Lake endpoints, when known.
    pub addresses: Option<AddressList>,
}

/// An external service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    /// Addresses or CIDRs of the service (for `admin`: where administrators connect from).
    pub addresses: Option<AddressList>,
    /// Ports (whole numbers 1-65535) that replace the ports Panorama connects to, for
    /// services whose port the vendor lets you configure (`scp`, `smtp`, `tacacs_plus`,
    /// `dns`, `kerberos`, `ntp`, `snmp` traps, `ldap`, `syslog`, `radius`, `nfs`).
    pub ports: Option<Vec<f64>>,
    /// `syslog` only: `udp` (default), `tcp` or `ssl`.
    #[schemars(extend("x-aliases" = ["protocol"]))]
    pub transport: Option<String>,
    /// Whether dedicated Log Collectors get the same flows as Panorama (default `false`).
    pub include_log_collectors: Option<bool>,
}
