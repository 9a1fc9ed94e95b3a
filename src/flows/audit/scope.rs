//! One audit, one security group, one direction: the required rules must all belong to one
//! appliance interface and one direction.
//!
//! A security group (an NSG, a set of VPC firewall rules) belongs to one appliance
//! interface, and its inbound and outbound rules are compared apart. Passing the whole
//! of `ingress_rules`, or both lists at once, would compare a group with rules it was
//! never meant to hold and report them missing, so it is an error that says how to filter.
//!
//! The scope of a rule comes from what the flow matrix writes in it: `appliance` and
//! `interface` name the interface, and `flow_key` (`source>destination:protocol:ports`)
//! tells the direction: the rule is ingress when the appliance interface is the flow's
//! destination, egress when it is its source. Hand-written rules without these attributes
//! have no scope, and are never at fault.

use super::input::RuleInput;
use crate::flows::diagnostic::{echo, Diagnostic, Path};
use crate::flows::matrix::endpoint_label;

/// The direction of a rule, seen from its appliance interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The appliance interface is the flow's destination (`ingress_rules`).
    Ingress,
    /// The appliance interface is the flow's source (`egress_rules`).
    Egress,
}

impl Direction {
    fn name(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// Where a required rule belongs, as far as the rule says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The appliance interface, as outputs write it: `panorama.primary@mgt`.
    pub label: String,
    /// The direction, when the rule's `flow_key` tells it.
    pub direction: Option<Direction>,
}

/// The scope of one rule; `None` for a rule without `appliance` (written by hand).
pub fn scope_of(rule: &RuleInput) -> Option<Scope> {
    let appliance = rule.appliance.as_deref().filter(|a| !a.is_empty())?;
    let label = endpoint_label(
        appliance,
        rule.interface.as_deref().filter(|i| !i.is_empty()),
    );
    let direction = rule.flow_key.as_deref().and_then(|key| {
        let (source, rest) = key.split_once('>')?;
        let destination = rest.split(':').next()?;
        // A flow whose two ends are the same interface says nothing of the direction.
        match (source == label, destination == label) {
            (false, true) => Some(Direction::Ingress),
            (true, false) => Some(Direction::Egress),
            _ => None,
        }
    });
    Some(Scope { label, direction })
}

/// Checks that the required rules (paths `required[i]...`) share one appliance interface
/// and one direction. The error names the first rule that differs from the first scoped
/// rule, and says how to filter.
pub fn check(required: &[RuleInput]) -> Result<(), Diagnostic> {
    let root = Path::root().attr("required");
    let scoped = required
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| scope_of(rule).map(|scope| (index, scope)));
    let mut first: Option<(usize, Scope)> = None;
    let mut first_direction: Option<(usize, Direction)> = None;
    for (index, scope) in scoped {
        let Some((at, reference)) = &first else {
            first_direction = scope.direction.map(|d| (index, d));
            first = Some((index, scope));
            continue;
        };
        if scope.label != reference.label {
            let attribute = match required[*at].appliance == required[index].appliance {
                true => "interface",
                false => "appliance",
            };
            return Err(Diagnostic::error(
                root.index(index).attr(attribute),
                "Rules of several appliance interfaces",
                format!(
                    "required[{at}] is a rule of `{}`, required[{index}] one of `{}`. {}",
                    echo(&reference.label),
                    echo(&scope.label),
                    ADVICE
                ),
            ));
        }
        match (first_direction, scope.direction) {
            (None, Some(direction)) => first_direction = Some((index, direction)),
            (Some((at, expected)), Some(direction)) if expected != direction => {
                return Err(Diagnostic::error(
                    root.index(index).attr("flow_key"),
                    "Rules of both directions",
                    format!(
                        "required[{at}] is an {} rule of `{}`, required[{index}] an {} rule. {}",
                        expected.name(),
                        echo(&scope.label),
                        direction.name(),
                        ADVICE
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// What to do about rules of several scopes.
const ADVICE: &str = "The audit compares the rules of one security group (one appliance interface) in one direction: filter `ingress_rules` or `egress_rules` per interface and direction, e.g. `[for r in data.panorama_flow_matrix.x.ingress_rules : r if r.appliance == \"panorama.primary\" && r.interface == \"mgt\"]`, and audit each apart.";

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(appliance: &str, interface: Option<&str>, flow_key: &str) -> RuleInput {
        RuleInput {
            appliance: Some(appliance.into()),
            interface: interface.map(Into::into),
            flow_key: Some(flow_key.into()),
            ..RuleInput::default()
        }
    }

    const IN: &str = "firewall.b>panorama.a@mgt:tcp:3978";
    const OUT: &str = "panorama.a@mgt>service.dns:udp:53";

    #[test]
    fn the_direction_comes_from_the_flow_key() {
        let scope = |r: &RuleInput| scope_of(r).and_then(|s| s.direction);
        assert_eq!(
            scope(&rule("panorama.a", Some("mgt"), IN)),
            Some(Direction::Ingress)
        );
        assert_eq!(
            scope(&rule("panorama.a", Some("mgt"), OUT)),
            Some(Direction::Egress)
        );
        assert_eq!(
            scope(&rule("firewall.b", None, IN)),
            Some(Direction::Egress)
        );
        assert_eq!(scope_of(&RuleInput::default()), None);
    }

    #[test]
    fn one_interface_and_direction_pass_and_hand_written_rules_never_fail() {
        let rules = [
            rule("panorama.a", Some("mgt"), IN),
            RuleInput::default(),
            rule(
                "panorama.a",
                Some("mgt"),
                "service.admin>panorama.a@mgt:tcp:443",
            ),
        ];
        assert_eq!(check(&rules), Ok(()));
        assert_eq!(check(&[]), Ok(()));
    }

    #[test]
    fn several_interfaces_or_directions_are_errors_that_say_how_to_filter() {
        let mixed = [
            RuleInput::default(),
            rule("panorama.a", Some("mgt"), IN),
            rule(
                "panorama.a",
                Some("eth1"),
                "firewall.b>panorama.a@eth1:tcp:28443",
            ),
        ];
        let error = check(&mixed).unwrap_err();
        assert_eq!(error.path.to_string(), "required[2].interface");
        assert_eq!(error.summary, "Rules of several appliance interfaces");
        assert!(error.detail.starts_with(
            "required[1] is a rule of `panorama.a@mgt`, required[2] one of `panorama.a@eth1`. The audit compares"
        ));
        assert!(error.detail.contains("r.interface == \"mgt\""));

        let other = [
            rule("panorama.a", Some("mgt"), IN),
            rule("firewall.b", None, IN),
        ];
        let error = check(&other).unwrap_err();
        assert_eq!(error.path.to_string(), "required[1].appliance");

        let both = [
            rule("panorama.a", Some("mgt"), IN),
            rule("panorama.a", Some("mgt"), OUT),
        ];
        let error = check(&both).unwrap_err();
        assert_eq!(error.path.to_string(), "required[1].flow_key");
        assert_eq!(error.summary, "Rules of both directions");
        assert!(error.detail.starts_with(
            "required[0] is an ingress rule of `panorama.a@mgt`, required[1] an egress rule."
        ));
    }
}
