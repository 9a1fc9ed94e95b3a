//! What `panorama_flow_matrix` computes: the flows and their per-CIDR rule views.
//!
//! Like [`crate::flows::config`], these plain serde types are the source of the
//! Terraform schema of the computed attributes; doc comments become descriptions.
//!
//! Outputs that depend on an address known only after apply are [`Known`]: they are
//! always known for the data source, whose read Terraform defers until every input is
//! known, and may be unknown in what the function `flow_matrix` returns at plan time.
//! Their schema is that of the value.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::known::Known;

/// An endpoint as outputs write it, with its interface when it has one:
/// `panorama.primary@eth1`, `firewall.branches`.
pub fn endpoint_label(name: &str, interface: Option<&str>) -> String {
    match interface {
        Some(interface) => format!("{name}@{interface}"),
        None => name.to_owned(),
    }
}

/// A destination port range as outputs write it: `3978`, or `23000-23999`.
pub fn port_range(from: u16, to: u16) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}-{to}")
    }
}

/// The computed outputs of `panorama_flow_matrix`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FlowMatrix {
    /// Hex SHA-256 digest of the canonical flow list: it changes exactly when the flows
    /// change. Always computed, over every flow of the estate whatever `views` and
    /// `appliances` select. Known after apply while an address of a flow is.
    #[schemars(with = "String")]
    pub id: Known<String>,
    /// Every flow the estate needs, sorted by `key`. Null when `views` leaves it out; with
    /// `appliances`, the flows with a selected appliance at either end.
    pub flows: Option<Vec<Flow>>,
    /// One rule per flow whose destination is a declared appliance and per source
    /// address, shaped for `aws_vpc_security_group_ingress_rule`; sorted by `key`. Flows
    /// whose peers share a CIDR on the same appliance interface, protocol and ports share
    /// one rule (a security group refuses the same rule twice). A peer CIDR gets a rule
    /// only when the appliance interface has an address of its family (no IPv6 rule for
    /// an IPv4-only interface); an interface without declared addresses keeps every
    /// family. Known after apply only when a key is (an address known after apply in an
    /// unnamed list of two or more: name the addresses). Null when `views` leaves it
    /// out; with `appliances`, the rules of the selected appliances.
    #[schemars(with = "Option<Vec<Rule>>")]
    pub ingress_rules: Option<Known<Vec<Rule>>>,
    /// One rule per flow whose source is a declared appliance and per destination
    /// address, shaped for `aws_vpc_security_group_egress_rule`; sorted by `key`. Shared
    /// CIDRs, address families, unknown keys and the selection as in `ingress_rules`.
    #[schemars(with = "Option<Vec<Rule>>")]
    pub egress_rules: Option<Known<Vec<Rule>>>,
    /// The rules gathered for targets whose rules take port lists (Azure NSG rules, GCP
    /// firewalls, PAN-OS security rules): one per appliance interface, direction,
    /// protocol and identical set of peers and App-IDs, with the ports as a list; sorted
    /// by `key`.
    /// Peers without declared addresses are left out, and peer CIDRs pair with the
    /// appliance by address family, as in the per-CIDR rules. Null when `views` leaves it
    /// out; with `appliances`, the rules of the selected appliances (keys, names and
    /// priorities as without the filter).
    pub grouped_rules: Option<Vec<GroupedRule>>,
    /// The flows as a Markdown table, one row per flow sorted by source, destination,
    /// protocol and port, for change requests and pull request comments. Known after
    /// apply while an address of a flow is. Null when `views` leaves it out; with
    /// `appliances`, the flows of `flows`.
    #[schemars(with = "Option<String>")]
    pub flows_markdown: Option<Known<String>>,
    /// The flows as a Mermaid `flowchart LR` diagram: one box per endpoint, grouped by
    /// kind, one arrow per initiator and listener labelled with protocols and ports. Wrap
    /// it in a ```` ```mermaid ```` fence to render it on GitHub or GitLab. Null when
    /// `views` leaves it out; with `appliances`, the flows of `flows`.
    pub flows_mermaid: Option<String>,
}

/// One allowed connection: the source opens it to the destination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Flow {
    /// Stable key `SOURCE>DESTINATION:PROTOCOL:PORTS`, each endpoint with `@INTERFACE`
    /// when it has one, e.g. `log_collector.lc-1@mgt>panorama.pan-a@mgt:tcp:3978` or
    /// `firewall.legacy-dc>panorama.primary@eth1:tcp:3978`.
    pub key: String,
    /// Initiating endpoint, e.g. `firewall.branches`.
    pub source: String,
    /// Kind of the source: `panorama`, `log_collector`, `firewall`, `wildfire`,
    /// `cortex_data_lake` or `service`.
    pub source_kind: String,
    /// Interface the source sends from (`mgt`, `eth1` .. `eth5`), or null when the source
    /// is not a Panorama appliance.
    pub source_interface: Option<String>,
    /// Source addresses as CIDRs, sorted; known after apply while one of them is.
    #[schemars(with = "Vec<String>")]
    pub source_addresses: Known<Vec<String>>,
    /// Listening endpoint, e.g. `panorama.primary`.
    pub destination: String,
    /// Kind of the destination (same values as `source_kind`).
    pub destination_kind: String,
    /// Interface the destination listens on, or null when it is not a Panorama appliance.
    pub destination_interface: Option<String>,
    /// Destination addresses as CIDRs, sorted; known after apply while one of them is.
    #[schemars(with = "Vec<String>")]
    pub destination_addresses: Known<Vec<String>>,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// First destination port.
    pub from_port: u16,
    /// Last destination port (equal to `from_port` for a single port).
    pub to_port: u16,
    /// Palo Alto Networks App-ID of the traffic: the first of `applications`.
    pub application: String,
    /// Every App-ID the vendor names for the traffic, in its order (updates on 28443:
    /// `paloalto-updates` and `panorama`); flows that merged list each once, first seen first.
    pub applications: Vec<String>,
    /// Why the flow exists, as short stable words joined by `,` (e.g. `ha-sync`,
    /// `device-management`, `log-forwarding`, `updates`, `log-distribution`, `cortex`, or
    /// the service key such as `syslog`).
    pub purpose: String,
    /// One sentence on why the flow exists, with the versions or condition behind it,
    /// ending with a tag for the row of the flow catalog that requires it: `[FW-LOG-LC]`,
    /// `[HA-CLEAR]`, or `[service.KEY]` for a declared service. A flow several rows
    /// require has one sentence each.
    pub description: String,
}

/// One security-group style rule: the flows seen from one appliance interface, for one
/// protocol, port range and peer CIDR.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Rule {
    /// Stable key, never holding an address: the flow key alone when the peer declares one
    /// unnamed address; the flow key, `#` and the address's name for a map of named
    /// addresses; the flow key, `#` and a 12-digit digest of the address for an unnamed
    /// list of two or more. A rule several flows or peers share takes the smallest of
    /// their keys.
    pub key: String,
    /// The appliance the rule protects (the flow's destination for ingress, its source
    /// for egress).
    pub appliance: String,
    /// Interface of the appliance the rule applies to (`mgt`, `eth1` .. `eth5`), or null
    /// when the appliance is not a Panorama appliance: one security group per interface.
    pub interface: Option<String>,
    /// The other end of the flow (of the flow of `flow_key` when several share the rule).
    pub peer: String,
    /// Every peer the rule lets through, sorted: more than one when peers share the CIDR.
    pub peers: Vec<String>,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// First destination port.
    pub from_port: u16,
    /// Last destination port.
    pub to_port: u16,
    /// The peer CIDR when it is IPv4, else null; both CIDRs are known after apply while
    /// the address is.
    #[schemars(with = "Option<String>")]
    pub cidr_ipv4: Known<Option<String>>,
    /// The peer CIDR when it is IPv6, else null.
    #[schemars(with = "Option<String>")]
    pub cidr_ipv6: Known<Option<String>>,
    /// Short description, at most 140 characters that AWS and Azure rule descriptions accept.
    pub description: String,
    /// Key of the flow the rule comes from (the smallest when several share it).
    pub flow_key: String,
    /// Keys of every flow the rule comes from, sorted.
    pub flow_keys: Vec<String>,
}

/// Rules of one appliance interface, direction and protocol that share the same peers and
/// App-IDs, with their ports as a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GroupedRule {
    /// Stable key: the appliance and its interface, the direction, whether the peers are
    /// `appliances` or `external`, the protocol and the ports, e.g.
    /// `panorama.primary@mgt:ingress:appliances:tcp:28260,28769`. A new peer on the same
    /// ports keeps the key, so the rule is updated in place.
    pub key: String,
    /// Short name derived from `key`, lower-case letters, digits and `-`, starting with a
    /// letter, at most 60 characters: valid as a GCP firewall name and an Azure rule name,
    /// with room for a `-v4` or `-v6` suffix.
    pub name: String,
    /// The appliance the rule protects.
    pub appliance: String,
    /// Interface of the appliance (`mgt`, `eth1` .. `eth5`), or null when it is not a
    /// Panorama appliance.
    pub interface: Option<String>,
    /// `ingress` (the peers connect to the appliance) or `egress` (the appliance connects
    /// to the peers).
    pub direction: String,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// Destination ports as strings, a single port (`3978`) or a range (`23000-23999`),
    /// sorted by port.
    pub ports: Vec<String>,
    /// The other ends, with their interface when they have one
    /// (`panorama.secondary@eth2`), sorted.
    pub peers: Vec<String>,
    /// Whether the peers are declared appliances. A flow between two appliances shows up
    /// twice, as ingress on the listener and egress on the initiator; a firewall in the
    /// path needs it once, so policy takes `ingress` rules and the `egress` rules whose
    /// peers are not appliances. That covers every flow whose initiator has declared
    /// addresses; a flow from an appliance without addresses is in no group.
    pub peer_is_appliance: bool,
    /// IPv4 CIDRs of the peers, sorted; both peer lists are known after apply while a
    /// peer address is.
    #[schemars(with = "Vec<String>")]
    pub cidrs_ipv4: Known<Vec<String>>,
    /// IPv6 CIDRs of the peers, sorted.
    #[schemars(with = "Vec<String>")]
    pub cidrs_ipv6: Known<Vec<String>>,
    /// IPv4 CIDRs of the appliance interface, sorted; both appliance lists are known after
    /// apply while an address of the interface is.
    #[schemars(with = "Vec<String>")]
    pub appliance_cidrs_ipv4: Known<Vec<String>>,
    /// IPv6 CIDRs of the appliance interface, sorted.
    #[schemars(with = "Vec<String>")]
    pub appliance_cidrs_ipv6: Known<Vec<String>>,
    /// App-IDs of the traffic, sorted.
    pub applications: Vec<String>,
    /// Even priority from 100 to 4094, unique across `grouped_rules` and derived from
    /// `key`, so it rarely moves when other rules come and go: use it for the IPv4 rule and
    /// `priority + 1` for the IPv6 one. Null only beyond 1998 grouped rules.
    pub priority: Option<u16>,
    /// Short description, at most 140 characters that AWS and Azure rule descriptions accept.
    pub description: String,
    /// Keys of the flows the rule comes from, sorted.
    pub flow_keys: Vec<String>,
}
