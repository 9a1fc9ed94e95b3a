//! What `panorama_flow_matrix` computes: the flows and their per-CIDR rule views.
//!
//! Like [`crate::flows::config`], these plain serde types are the source of the
//! Terraform schema of the computed attributes; doc comments become descriptions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The computed outputs of `panorama_flow_matrix`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FlowMatrix {
    /// Hex SHA-256 digest of the canonical flow list: it changes exactly when the flows change.
    pub id: String,
    /// Every flow the estate needs, sorted by `key`.
    pub flows: Vec<Flow>,
    /// One rule per flow whose destination is a declared appliance and per source CIDR,
    /// shaped for `aws_vpc_security_group_ingress_rule`; sorted by `key`.
    pub ingress_rules: Vec<Rule>,
    /// One rule per flow whose source is a declared appliance and per destination CIDR,
    /// shaped for `aws_vpc_security_group_egress_rule`; sorted by `key`.
    pub egress_rules: Vec<Rule>,
}

/// One allowed connection: the source opens it to the destination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Flow {
    /// Stable key: source, destination, destination interface, protocol and ports.
    pub key: String,
    /// Initiating endpoint, e.g. `firewall.branches`.
    pub source: String,
    /// Kind of the source: `panorama`, `log_collector`, `firewall`, `wildfire`,
    /// `cortex_data_lake` or `service`.
    pub source_kind: String,
    /// Interface the source sends from (`mgt`, `eth1` .. `eth5`), or null when the source
    /// is not a Panorama appliance.
    pub source_interface: Option<String>,
    /// Source addresses as CIDRs, sorted.
    pub source_addresses: Vec<String>,
    /// Listening endpoint, e.g. `panorama.primary`.
    pub destination: String,
    /// Kind of the destination (same values as `source_kind`).
    pub destination_kind: String,
    /// Interface the destination listens on, or null when it is not a Panorama appliance.
    pub destination_interface: Option<String>,
    /// Destination addresses as CIDRs, sorted.
    pub destination_addresses: Vec<String>,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// First destination port.
    pub from_port: u16,
    /// Last destination port (equal to `from_port` for a single port).
    pub to_port: u16,
    /// Palo Alto Networks App-ID of the traffic.
    pub application: String,
    /// Why the flow exists, as short stable words joined by `,` (e.g. `ha-sync`,
    /// `device-management`, `log-forwarding`, `updates`, `log-distribution`, `cortex`, or
    /// the service key such as `syslog`).
    pub purpose: String,
    /// One sentence on why the flow exists, with the versions or condition behind it.
    pub description: String,
}

/// One security-group style rule: a flow seen from one appliance, for one peer CIDR.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Rule {
    /// Stable key: the flow key and the peer CIDR.
    pub key: String,
    /// The appliance the rule protects (the flow's destination for ingress, its source
    /// for egress).
    pub appliance: String,
    /// Interface of the appliance the rule applies to (`mgt`, `eth1` .. `eth5`), or null
    /// when the appliance is not a Panorama appliance: one security group per interface.
    pub interface: Option<String>,
    /// The other end of the flow.
    pub peer: String,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// First destination port.
    pub from_port: u16,
    /// Last destination port.
    pub to_port: u16,
    /// The peer CIDR when it is IPv4, else null.
    pub cidr_ipv4: Option<String>,
    /// The peer CIDR when it is IPv6, else null.
    pub cidr_ipv6: Option<String>,
    /// Short description, at most 140 characters that AWS and Azure rule descriptions accept.
    pub description: String,
    /// Key of the flow the rule comes from.
    pub flow_key: String,
}
