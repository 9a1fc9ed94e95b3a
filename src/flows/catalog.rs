//! The rule catalog: the managed-estate table of FLOWS.md, one row per rule (the external
//! services have their own table in [`crate::flows::services`]).
//!
//! Read it side by side with FLOWS.md: each row names the peers it connects, the ports in
//! each version band (5.0, 5.1, 6.x-7.x, 8.x and later; an empty cell means no flow), the
//! App-ID, and the function whose interface carries the traffic on each side.

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
    /// Each firewall group to each Panorama node.
    FirewallsToPanorama,
    /// Each firewall group without a Collector Group to each Panorama node, when Panorama
    /// runs in `panorama` mode (its local Log Collector takes the logs).
    FirewallLogsToPanorama,
    /// Each firewall group with a Collector Group to each collector of that group.
    FirewallLogsToCollectors,
    /// Each dedicated Log Collector to each Panorama node.
    LogCollectorsToPanorama,
    /// Each managed device (firewall group, Log Collector, WildFire) to each Panorama node.
    DevicesToPanorama,
    /// Each collector of a Collector Group to every other collector of the same group.
    CollectorGroupMembers,
    /// Each WildFire appliance or cluster to each Panorama node.
    WildfireToPanorama,
    /// Each Panorama node to Cortex Data Lake, when it is declared.
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
    /// App-ID of the traffic.
    pub application: &'static str,
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

/// The managed-estate rules of FLOWS.md, in its order.
pub const MANAGED_ESTATE: &[Rule] = &[
    Rule {
        id: "HA-ENC",
        peers: Peers::HaPeers { encrypted: true },
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_28,
        band_of: BandOf::Source,
        application: "ssh",
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
        application: "panorama",
        purpose: "ha-sync",
        source_function: Management,
        destination_function: Management,
        why: "Panorama HA peers synchronise in clear text because ha_encryption is off (Panorama {version})",
    },
    Rule {
        id: "FW-MGMT",
        peers: Peers::FirewallsToPanorama,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_3978,
        band_of: BandOf::Source,
        application: "panorama",
        purpose: "device-management",
        source_function: Management,
        destination_function: DeviceManagement,
        why: "Managed firewalls keep one connection to Panorama for configuration pushes, logs and context switching (PAN-OS {version})",
    },
    Rule {
        id: "FW-LOG-PANO",
        peers: Peers::FirewallLogsToPanorama,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_3978,
        band_of: BandOf::Source,
        application: "panorama",
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
        application: "panorama",
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
        application: "panorama",
        purpose: "device-management",
        source_function: Management,
        destination_function: DeviceManagement,
        why: "Log Collectors connect to Panorama for management and log queries and reports (release {version})",
    },
    Rule {
        id: "UPDATES",
        peers: Peers::DevicesToPanorama,
        protocol: Protocol::Tcp,
        ports: [&[], &[], &[], &[28443]],
        band_of: BandOf::Source,
        application: "paloalto-updates",
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
        application: "panorama",
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
        application: "ssh",
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
        application: "panorama",
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
        application: "panorama",
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
        application: "paloalto-logging-service",
        purpose: "cortex",
        source_function: Management,
        destination_function: Management,
        why: "Panorama connects to Cortex Data Lake because cortex_data_lake is declared (Panorama {version})",
    },
    Rule {
        id: "CDL-FW",
        peers: Peers::FirewallsToCortex,
        protocol: Protocol::Tcp,
        ports: ALL_BANDS_3978,
        band_of: BandOf::Source,
        application: "panorama",
        purpose: "cortex",
        source_function: Management,
        destination_function: Management,
        why: "Firewalls with cortex_data_lake = true forward logs to Cortex Data Lake (PAN-OS {version})",
    },
];
