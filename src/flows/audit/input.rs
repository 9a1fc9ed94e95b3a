//! Rules as written (by the flow matrix, by AWS, by a `for` expression), checked into
//! [`RequiredRule`] and [`ActualRule`] values. Every bad value is a diagnostic at
//! `required[i].field` or `actual[i].field`; all of them are reported at once.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::rule::{ActualRule, Peer, PortRange, Protocol, RequiredRule, Transport};
use crate::flows::diagnostic::{Diagnostic, Path};
use crate::flows::matrix::Rule;

/// How much of a bad value a diagnostic echoes.
const ECHO: usize = 80;

/// One rule as written: the attributes of an `aws_vpc_security_group_rule`, or of a rule
/// of `ingress_rules` / `egress_rules`. Other attributes are ignored when deserialising.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleInput {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (every protocol), or a protocol number. AWS's
    /// own attribute name `ip_protocol` is accepted too.
    #[serde(default, alias = "ip_protocol")]
    pub protocol: Option<String>,
    /// First port (TCP and UDP; ignored for other protocols).
    #[serde(default)]
    pub from_port: Option<f64>,
    /// Last port (TCP and UDP; ignored for other protocols).
    #[serde(default)]
    pub to_port: Option<f64>,
    /// IPv4 CIDR of the peer, or null.
    #[serde(default)]
    pub cidr_ipv4: Option<String>,
    /// IPv6 CIDR of the peer, or null.
    #[serde(default)]
    pub cidr_ipv6: Option<String>,
    /// Security group the rule refers to instead of a CIDR, if any (names it in the reason).
    #[serde(default)]
    pub referenced_security_group_id: Option<String>,
    /// Prefix list the rule refers to instead of a CIDR, if any (names it in the reason).
    #[serde(default)]
    pub prefix_list_id: Option<String>,
    /// The appliance of a rule of the flow matrix: with `interface` and `flow_key`, the
    /// scope the required rules must share (module `scope`). Ignored in actual rules.
    #[serde(default)]
    pub appliance: Option<String>,
    /// The appliance's interface of a rule of the flow matrix, or null.
    #[serde(default)]
    pub interface: Option<String>,
    /// The key of the flow of a rule of the flow matrix, which tells its direction.
    #[serde(default)]
    pub flow_key: Option<String>,
}

impl From<&Rule> for RuleInput {
    /// The rule as the audit reads it; a CIDR known only after apply reads as none.
    fn from(rule: &Rule) -> Self {
        RuleInput {
            protocol: Some(rule.protocol.clone()),
            from_port: Some(rule.from_port.into()),
            to_port: Some(rule.to_port.into()),
            cidr_ipv4: rule.cidr_ipv4.value().cloned().flatten(),
            cidr_ipv6: rule.cidr_ipv6.value().cloned().flatten(),
            referenced_security_group_id: None,
            prefix_list_id: None,
            appliance: Some(rule.appliance.clone()),
            interface: rule.interface.clone(),
            flow_key: Some(rule.flow_key.clone()),
        }
    }
}

/// Checks required rules (paths `required[i]...`): `tcp` or `udp`, ports 1-65535, one CIDR.
pub fn parse_required(inputs: &[RuleInput]) -> Result<Vec<RequiredRule>, Vec<Diagnostic>> {
    let root = Path::root().attr("required");
    collect(inputs.iter().enumerate().map(|(index, input)| {
        let path = root.index(index);
        let transport = required_transport(input, &path);
        let ports = ports(input, 1, &path);
        let cidr = match cidr(input, Strictness::Canonical, &path) {
            Ok(Some(cidr)) => Ok(cidr),
            Ok(None) => Err(vec![Diagnostic::error(
                path.clone(),
                "Missing CIDR",
                "A required rule has its peer in `cidr_ipv4` or `cidr_ipv6`, as in `ingress_rules` and `egress_rules`.",
            )]),
            Err(error) => Err(error),
        };
        match (transport, ports, cidr) {
            (Ok(transport), Ok(ports), Ok(cidr)) => Ok(RequiredRule {
                transport,
                ports,
                cidr,
            }),
            (transport, ports, cidr) => Err(errors([transport.err(), ports.err(), cidr.err()])),
        }
    }))
}

/// Checks actual rules (paths `actual[i]...`) as `aws_vpc_security_group_rule` reports
/// them. A rule with neither CIDR refers to a security group or prefix list.
pub fn parse_actual(inputs: &[RuleInput]) -> Result<Vec<ActualRule>, Vec<Diagnostic>> {
    let root = Path::root().attr("actual");
    collect(inputs.iter().enumerate().map(|(index, input)| {
        let path = root.index(index);
        let protocol = actual_protocol(input, &path).map_err(|e| vec![e]);
        let ports = match protocol {
            Ok(protocol) if protocol.transport().is_some() => ports(input, 0, &path),
            // Not TCP or UDP: the cloud ignores ports (ICMP's are a type and a code).
            _ => Ok(PortRange::ALL),
        };
        let peer = cidr(input, Strictness::AsEnforced, &path).map(|cidr| match cidr {
            Some(cidr) => Peer::Cidr(cidr),
            None => Peer::Reference(
                non_empty(&input.referenced_security_group_id)
                    .or(non_empty(&input.prefix_list_id))
                    .map(str::to_owned),
            ),
        });
        match (protocol, ports, peer) {
            (Ok(protocol), Ok(ports), Ok(peer)) => Ok(ActualRule {
                protocol,
                ports,
                peer,
            }),
            (protocol, ports, peer) => Err(errors([protocol.err(), ports.err(), peer.err()])),
        }
    }))
}

/// All the values, or every diagnostic of every element.
fn collect<T>(
    results: impl Iterator<Item = Result<T, Vec<Diagnostic>>>,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut values = Vec::new();
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(value) => values.push(value),
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    if diagnostics.is_empty() {
        Ok(values)
    } else {
        Err(diagnostics)
    }
}

fn errors<const N: usize>(found: [Option<Vec<Diagnostic>>; N]) -> Vec<Diagnostic> {
    found.into_iter().flatten().flatten().collect()
}

fn required_transport(input: &RuleInput, path: &Path) -> Result<Transport, Vec<Diagnostic>> {
    let path = path.attr("protocol");
    let Some(text) = non_empty(&input.protocol) else {
        return Err(vec![Diagnostic::error(
            path,
            "Missing protocol",
            "A required rule has `protocol` `tcp` or `udp`, as in `ingress_rules` and `egress_rules`.",
        )]);
    };
    match Protocol::parse(text).and_then(Protocol::transport) {
        Some(transport) => Ok(transport),
        None => Err(vec![Diagnostic::error(
            path,
            "Required rules are TCP or UDP",
            format!(
                "`{}` is not a protocol of a required rule. Accepted: `tcp` or `udp`; pass rules from `ingress_rules` or `egress_rules`.",
                echo(text)
            ),
        )]),
    }
}

fn actual_protocol(input: &RuleInput, path: &Path) -> Result<Protocol, Diagnostic> {
    let path = path.attr("protocol");
    let accepted = "Accepted: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` for every protocol (also `all` or `*`), or a protocol number from 0 to 255";
    let Some(text) = non_empty(&input.protocol) else {
        return Err(Diagnostic::error(
            path,
            "Missing protocol",
            format!("Each rule needs `protocol` (or AWS's `ip_protocol`). {accepted}."),
        ));
    };
    Protocol::parse(text).ok_or_else(|| {
        Diagnostic::error(
            path,
            "Unknown protocol",
            format!("`{}` is not a protocol. {accepted}.", echo(text)),
        )
    })
}

/// The port range of a TCP or UDP rule; `lowest` is 1 for required rules, 0 for actual ones.
fn ports(input: &RuleInput, lowest: u16, path: &Path) -> Result<PortRange, Vec<Diagnostic>> {
    let port = |value: Option<f64>, name: &'static str| {
        let accepted = format!("whole numbers from {lowest} to 65535");
        let Some(value) = value else {
            return Err(Diagnostic::error(
                path.attr(name),
                "Missing port",
                format!("A TCP or UDP rule needs `from_port` and `to_port`, {accepted}."),
            ));
        };
        let whole = value.is_finite() && value.fract() == 0.0;
        if whole && (f64::from(lowest)..=65535.0).contains(&value) {
            // Whole and in range: the cast is exact.
            Ok(value as u16)
        } else {
            Err(Diagnostic::error(
                path.attr(name),
                "Invalid port",
                format!("`{value}` is not a port. A TCP or UDP rule's ports are {accepted}."),
            ))
        }
    };
    match (port(input.from_port, "from_port"), port(input.to_port, "to_port")) {
        (Ok(from), Ok(to)) => PortRange::new(from, to).ok_or_else(|| {
            vec![Diagnostic::error(
                path.attr("to_port"),
                "Port range ends before it starts",
                format!("`to_port` ({to}) is below `from_port` ({from}): the range would be empty. Swap them."),
            )]
        }),
        (from, to) => Err([from.err(), to.err()].into_iter().flatten().collect()),
    }
}

/// How a CIDR with host bits set is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// An error, as in the estate: a required rule is written by the matrix or by hand.
    Canonical,
    /// As a cloud enforces it, its network: the rule exists and allows exactly that.
    AsEnforced,
}

/// The rule's one CIDR, or none when it has neither.
fn cidr(
    input: &RuleInput,
    strictness: Strictness,
    path: &Path,
) -> Result<Option<IpNet>, Vec<Diagnostic>> {
    let v4 = non_empty(&input.cidr_ipv4);
    let v6 = non_empty(&input.cidr_ipv6);
    match (v4, v6) {
        (Some(_), Some(_)) => Err(vec![Diagnostic::error(
            path.attr("cidr_ipv6"),
            "Two CIDRs in one rule",
            "A rule has one peer: `cidr_ipv4` or `cidr_ipv6`, the other null. Write one rule per CIDR.",
        )]),
        (Some(text), None) => one_cidr(text, false, strictness, &path.attr("cidr_ipv4")).map(Some),
        (None, Some(text)) => one_cidr(text, true, strictness, &path.attr("cidr_ipv6")).map(Some),
        (None, None) => Ok(None),
    }
}

fn one_cidr(
    text: &str,
    ipv6: bool,
    strictness: Strictness,
    path: &Path,
) -> Result<IpNet, Vec<Diagnostic>> {
    let (family, other, examples) = if ipv6 {
        ("IPv6", "cidr_ipv4", "`2001:db8::/64`, `2001:db8::5/128`")
    } else {
        ("IPv4", "cidr_ipv6", "`10.0.0.0/24`, `10.0.0.5/32`")
    };
    let error =
        |summary: &str, detail: String| Err(vec![Diagnostic::error(path.clone(), summary, detail)]);
    // A host address stands for its /32 or /128, as in the estate.
    let net = match text.parse::<IpAddr>() {
        Ok(host) => IpNet::from(host),
        Err(_) => match text.parse::<IpNet>() {
            Ok(net) => net,
            Err(_) => {
                return error(
                    "Invalid CIDR",
                    format!(
                        "`{}` is not an {family} CIDR. Examples: {examples}.",
                        echo(text)
                    ),
                )
            }
        },
    };
    if matches!(net, IpNet::V6(_)) != ipv6 {
        let found = if ipv6 { "IPv4" } else { "IPv6" };
        return error(
            "CIDR of the other address family",
            format!(
                "`{}` is an {found} CIDR: write it in `{other}`.",
                echo(text)
            ),
        );
    }
    if net.trunc() != net && strictness == Strictness::Canonical {
        return error(
            "CIDR has host bits set",
            format!(
                "`{}` has bits set after its /{} prefix. Write `{}` for the network, or `{}` for the single host.",
                echo(text),
                net.prefix_len(),
                net.trunc(),
                IpNet::from(net.addr())
            ),
        );
    }
    Ok(net.trunc())
}

/// The text, unless it is null or empty (Azure and GCP adapters write `""` for none).
fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|text| !text.is_empty())
}

/// `text` cut to at most [`ECHO`] characters for a diagnostic.
fn echo(text: &str) -> String {
    match text.char_indices().nth(ECHO) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn inputs(value: serde_json::Value) -> Vec<RuleInput> {
        serde_json::from_value(value).unwrap()
    }

    /// Each diagnostic as `path: summary`.
    fn problems(diagnostics: Vec<Diagnostic>) -> Vec<String> {
        diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.path, d.summary))
            .collect()
    }

    #[test]
    fn actual_rules_read_as_aws_reports_them() {
        let rules = parse_actual(&inputs(json!([
            { "ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "10.0.0.0/24",
              "description": "ignored", "security_group_rule_id": "sgr-1" },
            { "protocol": "-1", "from_port": -1, "to_port": -1, "cidr_ipv6": "::/0" },
            { "protocol": "icmp", "from_port": 8, "to_port": 0, "cidr_ipv4": "10.0.0.9" },
            { "protocol": "17", "from_port": 0, "to_port": 65535, "cidr_ipv4": "",
              "referenced_security_group_id": "sg-0abc" },
            { "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "10.1.2.3/16" },
        ])))
        .unwrap();
        let cidr = |text: &str| Peer::Cidr(text.parse().unwrap());
        assert_eq!(
            rules,
            [
                ActualRule {
                    protocol: Protocol::TCP,
                    ports: PortRange::new(443, 443).unwrap(),
                    peer: cidr("10.0.0.0/24")
                },
                ActualRule {
                    protocol: Protocol::All,
                    ports: PortRange::ALL,
                    peer: cidr("::/0")
                },
                ActualRule {
                    protocol: Protocol::Number(1),
                    ports: PortRange::ALL,
                    peer: cidr("10.0.0.9/32")
                },
                ActualRule {
                    protocol: Protocol::UDP,
                    ports: PortRange::ALL,
                    peer: Peer::Reference(Some("sg-0abc".into()))
                },
                // What the cloud enforces: the network.
                ActualRule {
                    protocol: Protocol::TCP,
                    ports: PortRange::new(22, 22).unwrap(),
                    peer: cidr("10.1.0.0/16")
                },
            ]
        );
    }

    #[test]
    fn required_rules_come_from_the_matrix() {
        let rule = Rule {
            protocol: "udp".into(),
            from_port: 514,
            to_port: 514,
            cidr_ipv6: Some("2001:db8::/64".to_owned()).into(),
            ..Rule::default()
        };
        let parsed = parse_required(&[RuleInput::from(&rule)]).unwrap();
        assert_eq!(
            parsed,
            [RequiredRule {
                transport: Transport::Udp,
                ports: PortRange::new(514, 514).unwrap(),
                cidr: "2001:db8::/64".parse().unwrap(),
            }]
        );
    }

    #[test]
    fn every_bad_actual_value_is_reported_at_its_element_and_field() {
        let found = parse_actual(&inputs(json!([
            { "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "10.0.0.0/24" },
            { "protocol": "http", "from_port": 80, "to_port": 80, "cidr_ipv4": "10.0.0.0/33" },
            { "protocol": "tcp", "from_port": -1, "to_port": 70000, "cidr_ipv4": "2001:db8::/64" },
            { "protocol": "udp", "from_port": 53.5, "cidr_ipv4": "10.0.0.1", "cidr_ipv6": "::1" },
            { "protocol": "tcp", "from_port": 30, "to_port": 20, "cidr_ipv6": "10.0.0.0/8" },
            { "from_port": 1, "to_port": 2 },
        ])))
        .unwrap_err();
        assert_eq!(
            problems(found),
            [
                "actual[1].protocol: Unknown protocol",
                "actual[1].cidr_ipv4: Invalid CIDR",
                "actual[2].from_port: Invalid port",
                "actual[2].to_port: Invalid port",
                "actual[2].cidr_ipv4: CIDR of the other address family",
                "actual[3].from_port: Invalid port",
                "actual[3].to_port: Missing port",
                "actual[3].cidr_ipv6: Two CIDRs in one rule",
                "actual[4].to_port: Port range ends before it starts",
                "actual[4].cidr_ipv6: CIDR of the other address family",
                "actual[5].protocol: Missing protocol",
            ]
        );
    }

    #[test]
    fn required_rules_are_strict() {
        let found = parse_required(&inputs(json!([
            { "protocol": "icmp", "from_port": 0, "to_port": 0, "cidr_ipv4": "10.0.0.5/24" },
            { "protocol": "-1", "from_port": 1, "to_port": 1 },
            { "protocol": "TCP", "from_port": 1, "to_port": 1, "cidr_ipv4": "10.0.0.5" },
        ])))
        .unwrap_err();
        assert_eq!(
            problems(found.clone()),
            [
                "required[0].protocol: Required rules are TCP or UDP",
                "required[0].from_port: Invalid port",
                "required[0].to_port: Invalid port",
                "required[0].cidr_ipv4: CIDR has host bits set",
                "required[1].protocol: Required rules are TCP or UDP",
                "required[1]: Missing CIDR",
            ]
        );
        assert!(found[3]
            .detail
            .contains("`10.0.0.0/24` for the network, or `10.0.0.5/32`"));
        assert!(found[1].detail.contains("from 1 to 65535"));
    }

    #[test]
    fn long_values_are_echoed_short() {
        let long = "x".repeat(500);
        let found = parse_actual(&[RuleInput {
            protocol: Some(long),
            ..RuleInput::default()
        }])
        .unwrap_err();
        assert!(found[0]
            .detail
            .contains(&format!("`{}...`", "x".repeat(80))));
        assert!(found[0].detail.len() < 300);
    }
}
