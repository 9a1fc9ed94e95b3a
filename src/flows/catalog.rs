//! The rule catalog: the managed-estate table of FLOWS.md, one row per rule (the external
//! services have their own table in [`crate::flows::services`]).
//!
//! Read it side by side with FLOWS.md: each row names the peers it connects, the ports in
//! each version band (5.0, 5.1, 6.x-7.x, 8.x and later; an empty cell means no flow), the
//! App-IDs (in the vendor's order, the first being the flow's `application`), and the
//! function whose interface carries the traffic on each side. FW-MGMT has two rows: its
//! description differs for groups that send their logs only to Cortex Data Lake.

use super::estate::Function;

/// Transport protocol of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// The name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

/// Which (source, destination) pairs a rule connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peers {
    /// Each Panorama HA peer to the other, when two nodes are declared and HA encryption
    /// is as given.
    HaPeers {
        /// Whether the rule applies with HA encryption on or off.
        encrypted: bool,
    },
    /// Each firewall group to each Panorama node: with `logs`, the groups that forward logs
    /// to Panorama or their Collector Group; without, those that log only to Cortex Data
    /// Lake.
    FirewallsToPanorama {
        /// Whether the groups forward logs to Panorama or their Collector Group.
        logs: bool,
    },
    /// Each firewall group without a Collector Group to each Panorama node, when Panorama
    /// runs in `panorama` mode (its local Log Collector takes the logs), unless the group
    /// logs only to Cortex Data Lake.
    FirewallLogsToPanorama,
    /// Each firewall group with a Collector Group to each collector of that group, unless
    /// the group logs only to Cortex Data Lake.
    FirewallLogsToCollectors,
    /// Each dedicated Log Collector to each Panorama node.
    LogCollectorsToPanorama,
    /// Each Panorama node's local Log Collector to the other node of the HA pair, when
    /// Panorama runs in `panorama` mode.
    LocalCollectorsToPeer,
    /// Each managed device (firewall group, Log Collector, WildFire) to each Panorama node.
    DevicesToPanorama,
    /// Each collector of a Collector Group to every other collector of the same group.
    CollectorGroupMembers,
    /// Each WildFire appliance or cluster to each Panorama node.
    WildfireToPanorama,
    /// Each Panorama node to Cortex Data Lake, when it is in use: declared at the top
    /// level, or named by a firewall group.
    PanoramaToCortex,
    /// Each firewall group with `cortex_data_lake = true` to Cortex Data Lake.
    FirewallsToCortex,
}

/// Whose release picks the version band of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandOf {
    /// The initiator's release.
    Source,
    /// The listener's release.
    Destination,
}

/// Ports in the four version bands: 5.0, 5.1, 6.x-7.x, 8.x and later.
pub type PortsByBand = [&'static [u16]; 4];

/// One row of the catalog.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Identifier used in FLOWS.md, e.g. `HA-CLEAR`.
    pub id: &'static str,
    /// Which pairs the rule connects.
    pub peers: Peers,
    /// Transport protocol.
    pub protocol: Protocol,
    /// Destination ports per version band.
    pub ports: PortsByBand,
    /// Whose release picks the band.
    pub band_of: BandOf,
    /// App-IDs of the traffic, in the vendor's order.
    pub applications: &'static [&'static str],
    /// Short stable word for [`crate::flows::matrix::Flow::purpose`].
    pub purpose: &'static str,
    /// Function whose interface the source sends from (if it is a Panorama appliance).
    pub source_function: Function,
    /// Function whose interface the destination listens on (if it is a Panorama appliance).
    pub destination_function: Function,
    /// Why the flow exists; `{version}` is replaced by the release that picked the band.
    pub why: &'static str,
}

const ALL_BANDS_3978: PortsByBand = [&[3978], &[3978], &[3978], &[3978]];
const ALL_BANDS_28: PortsByBand = [&[28], &[28], &[28], &[28]];

use Function::*;

/// FW-MGMT for groups that forward logs to Panorama or their Collector Group (the vendor's
/// description of the connection names logs); the catalog also has a row for groups that
/// log only to Cortex Data Lake.
const FW_MGMT: Rule = Rule {
    id: "FW-MGMT",
    peers: Peers::FirewallsToPanorama { logs: true },
    protocol: Protocol::Tcp,
    ports: ALL_BANDS_3978,
    band_of: BandOf::Source,
    applications: &["panorama"],
    purpose: "device-management",
    source_function: Management,
    destination_function: DeviceManagement,
    why: "Managed firewalls keep one connection to Panorama for configuration pushes, logs and context switching (PAN-OS {version})",
};

/// The managed-estate rules of FLOWS.md, in its order.
pub const MANAGED_ESTATE: &[Rule] = &[
    Rule {
        id: "HA-ENC",
        peers: Peers::HaPeers { encrypted: true },
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_28,
        band_of: BandOf::Source,
        applications: &["ssh"],
        purpose: "ha-sync",
        source_function: Management,
        destination_function: Management,
        why: "Panorama HA peers synchronise over SSH because ha_encryption is on (Panorama {version})",
    },
    Rule {
        id: "HA-CLEAR",
        peers: Peers::HaPeers { encrypted: false },
        protocol: Protocol::Tcp,
        ports: [&[28769, 49160], &[28769, 28260], &[28260, 28769], &[28260, 28769]],
        band_of: BandOf::Source,
        applications: &["panorama"],
        purpose: "ha-sync",
        source_function: Management,
        destination_function: Management,
        why: "Panorama HA peers synchronise in clear text because ha_encryption is off (Panorama {version})",
    },
    FW_MGMT,
    Rule {
        peers: Peers::FirewallsToPanorama { logs: false },
        why: "Managed firewalls that send their logs only to Cortex Data Lake keep one connection to Panorama for device management: configuration pushes and context switching (PAN-OS {version})",
        ..FW_MGMT
    },
    Rule {
        id: "FW-LOG-PANO",
        peers: Peers::FirewallLogsToPanorama,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_3978,
        band_of: BandOf::Source,
        applications: &["panorama"],
        purpose: "log-forwarding",
        source_function: Management,
        destination_function: LogCollection,
        why: "Firewalls without a Collector Group send logs to the local Log Collector of Panorama in panorama mode (PAN-OS {version})",
    },
    Rule {
        id: "FW-LOG-LC",
        peers: Peers::FirewallLogsToCollectors,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_3978,
        band_of: BandOf::Source,
        applications: &["panorama"],
        purpose: "log-forwarding",
        source_function: Management,
        destination_function: LogCollection,
        why: "Firewalls forward logs to the collectors of their Collector Group (PAN-OS {version})",
    },
    Rule {
        id: "LC-MGMT",
        peers: Peers::LogCollectorsToPanorama,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_3978,
        band_of: BandOf::Source,
        applications: &["panorama"],
        purpose: "device-management",
        source_function: Management,
        destination_function: DeviceManagement,
        why: "Log Collectors connect to Panorama for management and log queries and reports (release {version})",
    },
    Rule {
        id: "LC-LOCAL-HA",
        // [decision] The local Log Collector's management connection leaves from its own
        // node's device-management interface, as the node's other management traffic does.
        peers: Peers::LocalCollectorsToPeer,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_3978,
        band_of: BandOf::Source,
        applications: &["panorama"],
        purpose: "device-management",
        source_function: DeviceManagement,
        destination_function: DeviceManagement,
        why: "The local Log Collector of each Panorama HA peer in panorama mode is managed by the pair and connects to the other peer (Panorama {version})",
    },
    Rule {
        id: "UPDATES",
        peers: Peers::DevicesToPanorama,
        protocol: Protocol::Tcp,
        ports: [&[], &[], &[], &[28443]],
        band_of: BandOf::Source,
        applications: &["paloalto-updates", "panorama"],
        purpose: "updates",
        source_function: Management,
        destination_function: DeviceDeployment,
        why: "Devices on 8.0 or later fetch software and content updates from Panorama (device on {version})",
    },
    Rule {
        id: "CG-DIST",
        peers: Peers::CollectorGroupMembers,
        protocol: Protocol::Tcp,
        ports: [&[49190], &[49190], &[28270], &[28270]],
        band_of: BandOf::Destination,
        applications: &["panorama"],
        purpose: "log-distribution",
        source_function: CollectorGroup,
        destination_function: CollectorGroup,
        why: "Collectors of a Collector Group distribute log blocks and binary data to each other (listener on {version})",
    },
    Rule {
        id: "CG-SSH",
        peers: Peers::CollectorGroupMembers,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_28,
        band_of: BandOf::Destination,
        applications: &["ssh"],
        purpose: "log-distribution",
        source_function: CollectorGroup,
        destination_function: CollectorGroup,
        why: "Collectors of a Collector Group use port 28 for log distribution (listener on {version})",
    },
    Rule {
        id: "CG-3978",
        peers: Peers::CollectorGroupMembers,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_3978,
        band_of: BandOf::Destination,
        applications: &["panorama"],
        purpose: "log-distribution",
        source_function: CollectorGroup,
        destination_function: CollectorGroup,
        why: "Managed collectors of a Collector Group communicate with each other (listener on {version})",
    },
    Rule {
        id: "WF-MGMT",
        peers: Peers::WildfireToPanorama,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_3978,
        band_of: BandOf::Source,
        applications: &["panorama"],
        purpose: "device-management",
        source_function: Management,
        destination_function: DeviceManagement,
        why: "WildFire appliances and clusters connect to Panorama to be managed (WildFire {version})",
    },
    Rule {
        id: "CDL-PANO",
        peers: Peers::PanoramaToCortex,
        protocol: Protocol::Tcp,
        ports: [&[], &[], &[], &[444]],
        band_of: BandOf::Source,
        applications: &["paloalto-logging-service"],
        purpose: "cortex",
        source_function: Management,
        destination_function: Management,
        why: "Panorama connects to Cortex Data Lake, which the estate uses (Panorama {version})",
    },
    Rule {
        id: "CDL-FW",
        peers: Peers::FirewallsToCortex,
        protocol: Protocol::Tcp,
        ports: [&[], &[], &[], &[3978]],
        band_of: BandOf::Source,
        applications: &["paloalto-logging-service"],
        purpose: "cortex",
        source_function: Management,
        destination_function: Management,
        why: "Firewalls with cortex_data_lake = true forward logs to Cortex Data Lake (PAN-OS {version})",
    },
];
