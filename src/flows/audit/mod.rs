//! The audit: do the rules that exist (a security group, an NSG, a VPC firewall) match
//! the rules the flow matrix requires, for one appliance interface and direction?
//!
//! Exact set arithmetic over (protocol, ports, CIDR). A required rule is **covered** when
//! every (port, address) it needs is allowed by some actual rule: one wide actual rule may
//! cover several required rules, and several actual rules may cover one together. An
//! actual rule is **excess** when anything it allows (any protocol, port and address) is
//! needed by no required rule; each excess rule says why in [`Reason`]s.
//!
//! ```
//! use panorama_provider::flows::audit::{self, RuleInput};
//! use serde_json::json;
//!
//! // Two rules from `ingress_rules`: the firewalls reach Panorama on 3978 and 28443.
//! let required: Vec<RuleInput> = serde_json::from_value(json!([
//!     { "protocol": "tcp", "from_port": 3978, "to_port": 3978, "cidr_ipv4": "10.20.0.0/16" },
//!     { "protocol": "tcp", "from_port": 28443, "to_port": 28443, "cidr_ipv4": "10.20.0.0/16" },
//! ]))?;
//! // What the security group has, as `aws_vpc_security_group_rule` reports it.
//! let actual: Vec<RuleInput> = serde_json::from_value(json!([
//!     { "ip_protocol": "tcp", "from_port": 0, "to_port": 65535, "cidr_ipv4": "10.20.0.0/16" },
//!     { "ip_protocol": "icmp", "from_port": -1, "to_port": -1, "cidr_ipv4": "0.0.0.0/0" },
//! ]))?;
//!
//! let findings = audit::audit(&required, &actual).expect("valid rules");
//! assert_eq!(findings.covered, 2);
//! assert!(findings.missing.is_empty());
//! assert!(!findings.compliant());
//!
//! // Positions in `actual`, in order, each with what it opens too much.
//! let excess: Vec<(usize, Vec<String>)> = findings
//!     .excess
//!     .iter()
//!     .map(|e| (e.actual, e.reasons.iter().map(|r| r.to_string()).collect()))
//!     .collect();
//! assert_eq!(excess, [
//!     (0, vec!["other ports: allows 0-3977, 3979-28442, 28444-65535, \
//!               which no required rule has for these addresses".to_string()]),
//!     (1, vec!["another protocol: no required rule uses icmp".to_string(),
//!              "everyone: 0.0.0.0/0 allows every IPv4 address".to_string()]),
//! ]);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Results name rules by their position in the inputs, so a caller (the Terraform
//! function, the command line) hands back its own rule objects untouched. Input order is
//! kept, and the same inputs always give the same findings.
//!
//! Steps: [`scope::check`] makes sure the required rules are those of one appliance
//! interface in one direction; [`parse_required`] and [`parse_actual`] check what was written (module `input`)
//! into [`RequiredRule`] and [`ActualRule`] values (`rule`); [`compare`] sees each plane
//! (TCP or UDP, IPv4 or IPv6) as port x address boxes and compares them exactly (`plane`,
//! over the one-dimensional unions of `span`); `reason` says why each excess rule is.

mod input;
mod plane;
mod reason;
mod rule;
pub mod scope;
mod span;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use input::{parse_actual, parse_required, RuleInput};
pub use reason::Reason;
pub use rule::{ActualRule, AddressRange, Peer, PortRange, Protocol, RequiredRule, Transport};

use plane::Plane;

use crate::flows::diagnostic::Diagnostic;

/// What the audit found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Findings {
    /// Positions in `required` of the rules no actual rules cover, ascending.
    pub missing: Vec<usize>,
    /// How many required rules are covered.
    pub covered: usize,
    /// The actual rules that allow more than required, by position, ascending.
    pub excess: Vec<Excess>,
}

impl Findings {
    /// Nothing missing and nothing in excess.
    pub fn compliant(&self) -> bool {
        self.missing.is_empty() && self.excess.is_empty()
    }
}

/// An actual rule that allows more than the required rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excess {
    /// Its position in `actual`.
    pub actual: usize,
    /// What it allows beyond the requirement; never empty.
    pub reasons: Vec<Reason>,
}

/// Checks both lists, and that the required rules are of one appliance interface and
/// direction ([`scope::check`]), and compares them; on bad input, every diagnostic at once
/// (paths `required[i].field` and `actual[i].field`).
pub fn audit(required: &[RuleInput], actual: &[RuleInput]) -> Result<Findings, Vec<Diagnostic>> {
    let scope = scope::check(required).map_err(|error| vec![error]);
    match (scope, parse_required(required), parse_actual(actual)) {
        (Ok(()), Ok(required), Ok(actual)) => Ok(compare(&required, &actual)),
        (scope, required, actual) => Err([scope.err(), required.err(), actual.err()]
            .into_iter()
            .flatten()
            .flatten()
            .collect()),
    }
}

/// Compares checked rules.
pub fn compare(required: &[RequiredRule], actual: &[ActualRule]) -> Findings {
    let mut covered = vec![false; required.len()];
    // Whether each TCP or UDP rule with a CIDR lies within the required rules; every
    // other rule allows something no required rule has.
    let mut within = vec![false; actual.len()];
    for transport in Transport::ALL {
        for ipv6 in [false, true] {
            let plane = Plane::new(transport, ipv6, required, actual);
            for (i, yes) in plane.covered() {
                covered[i] = yes;
            }
            for (j, yes) in plane.within() {
                within[j] = yes;
            }
        }
    }
    let excess = actual
        .iter()
        .zip(&within)
        .enumerate()
        .filter_map(|(j, (rule, &within))| {
            let reasons = reason::reasons(rule, !within, required);
            (!reasons.is_empty()).then_some(Excess { actual: j, reasons })
        })
        .collect();
    let missing: Vec<usize> = (0..required.len()).filter(|&i| !covered[i]).collect();
    Findings {
        covered: required.len() - missing.len(),
        missing,
        excess,
    }
}
