//! `provider::panorama::audit(required, actual)`: the rules a security group (an NSG, a
//! VPC firewall) really has against the rules the flow matrix requires, for one appliance
//! interface and direction, by the engine's audit ([`crate::flows::audit`]).
//!
//! Both parameters are dynamic so that rules pass exactly as Terraform has them: a list
//! (or set, tuple or map) of objects whose extra attributes are ignored. The result gives
//! back the caller's own rule objects untouched: `missing` holds elements of `required`,
//! each `excess[*].rule` an element of `actual`. Its type follows from the arguments'
//! types alone (module `result`), so the same arguments always give the same type.

mod read;
mod result;

use crate::flows::audit;
use crate::flows::{CancelToken, Diagnostic, Known, Path, Step};
use crate::tfproto::{Function, FunctionError, Parameter, Type, Value};

use super::{stopped, within};
use read::Rules;

/// The function's name: `provider::panorama::audit`.
pub const NAME: &str = "audit";

/// The parameters' names, which errors start with.
const REQUIRED: &str = "required";
const ACTUAL: &str = "actual";

const SUMMARY: &str =
    "Compares the rules a security group has with the rules the flow matrix requires.";

const DESCRIPTION: &str = "Compares `actual`, the rules one security group (NSG, VPC \
firewall) really has in one direction, with `required`, the rules of `ingress_rules` or \
`egress_rules` for that appliance interface. Coverage is exact over protocol, ports and \
CIDR: one wide actual rule may cover several required rules, and several actual rules may \
cover one together.\n\n\
The result is an object: `compliant` (nothing missing, nothing in excess), `missing` (the \
elements of `required` that no actual rule covers, as given), `excess` (for each actual \
rule that allows anything no required rule needs, `{ rule = <the element of actual as \
given>, reasons = [...] }`, a reason naming other ports, a wider CIDR, another or every \
protocol, everyone via `0.0.0.0/0` or `::/0`, or a security group or prefix list the \
audit cannot see into) and `covered` (how many required rules are covered).\n\n\
`required` must hold the rules of one appliance interface in one direction: rules of \
several interfaces, or of both directions, are an error that says how to filter them. \
The result is unknown while either argument, a rule, or an attribute the audit reads is; \
other attributes may be unknown. Terraform 1.8 and later.";

/// The function, with its signature.
#[derive(Debug, Clone)]
pub struct AuditFunction {
    definition: Function,
}

impl Default for AuditFunction {
    fn default() -> Self {
        Self::new()
    }
}

impl AuditFunction {
    /// The signature: two dynamic parameters, a dynamic result whose type follows from
    /// theirs.
    pub fn new() -> Self {
        let parameter = |name: &str, description: &str| Parameter {
            name: name.to_owned(),
            ty: Type::Dynamic,
            allow_null: false,
            allow_unknown: true,
            description: description.to_owned(),
        };
        AuditFunction {
            definition: Function {
                summary: SUMMARY.to_owned(),
                description: DESCRIPTION.to_owned(),
                parameters: vec![
                    parameter(
                        REQUIRED,
                        "The rules the flow matrix requires of one appliance interface in one direction: elements of `ingress_rules` or `egress_rules` filtered by `appliance` and `interface` (a list, or a map of them). The audit reads `protocol`, `from_port`, `to_port`, `cidr_ipv4`, `cidr_ipv6`, and `appliance`, `interface` and `flow_key` to check the scope; other attributes are ignored.",
                    ),
                    parameter(
                        ACTUAL,
                        "The rules the security group has in that direction, as `aws_vpc_security_group_rule` reports them: objects with `ip_protocol` (or `protocol`: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` for every protocol, or a protocol number such as `\"6\"`), `from_port`, `to_port`, and `cidr_ipv4` or `cidr_ipv6` (the other null or `\"\"`); a rule with neither refers to `referenced_security_group_id` or `prefix_list_id`. Other attributes are ignored. A `for` expression adapts Azure NSG and GCP firewall rules (see the documentation).",
                    ),
                ],
                returns: Type::Dynamic,
            },
        }
    }

    /// The signature.
    pub fn definition(&self) -> &Function {
        &self.definition
    }

    /// The findings for `arguments` (required and actual), or [`stopped`] when `cancel`
    /// is set.
    pub fn call(&self, arguments: &[Value], cancel: &CancelToken) -> Result<Value, FunctionError> {
        let [required, actual] = arguments else {
            return Err(FunctionError::internal("audit takes two arguments."));
        };
        let required = read::rules(required, read::Role::Required);
        let actual = read::rules(actual, read::Role::Actual);
        let (required, actual) = match (required, actual) {
            (Ok(required), Ok(actual)) => (required, actual),
            (required, actual) => {
                let mut found = Vec::new();
                for (index, name, result) in [(0, REQUIRED, required), (1, ACTUAL, actual)] {
                    if let Err(diagnostics) = result {
                        found.push((index, name, diagnostics));
                    }
                }
                return Err(error(found));
            }
        };
        let (Known::Value(required), Known::Value(actual)) = (required, actual) else {
            return Ok(Value::Unknown);
        };
        if cancel.is_cancelled() {
            return Err(stopped());
        }
        let findings = audit::audit(&required.inputs, &actual.inputs)
            .map_err(|diagnostics| error(by_argument(diagnostics, &required, &actual)))?;
        Ok(result::value(&findings, &required, &actual))
    }
}

/// The engine's diagnostics (paths `required[i]...`, `actual[i]...`) by argument, each at
/// its element's own path inside the argument (`[3]`, or `["https"]` in a map).
fn by_argument(
    diagnostics: Vec<Diagnostic>,
    required: &Read<'_>,
    actual: &Read<'_>,
) -> Vec<(i64, &'static str, Vec<Diagnostic>)> {
    let mut found = [(0, REQUIRED, Vec::new()), (1, ACTUAL, Vec::new())];
    for mut diagnostic in diagnostics {
        let (slot, read) = match diagnostic.path.0.first() {
            Some(Step::Attr(name)) if name == ACTUAL => (1, actual),
            _ => (0, required),
        };
        let steps = diagnostic.path.0.get(1..).unwrap_or_default().to_vec();
        diagnostic.path = match steps.split_first() {
            Some((Step::Index(index), rest)) => match read.rules.elements.get(*index) {
                Some(element) => {
                    let mut path = element.path.clone();
                    path.0.extend(rest.iter().cloned());
                    path
                }
                None => Path(steps),
            },
            _ => Path(steps),
        };
        found[slot].2.push(diagnostic);
    }
    found
        .into_iter()
        .filter(|(_, _, diagnostics)| !diagnostics.is_empty())
        .collect()
}

/// One error for the diagnostics of either argument: one line each, starting with its
/// path inside the argument; the first argument at fault is the one Terraform names.
fn error(found: Vec<(i64, &'static str, Vec<Diagnostic>)>) -> FunctionError {
    let argument = found.first().map_or(0, |(index, _, _)| *index);
    let lines: Vec<String> = found
        .iter()
        .flat_map(|(_, name, diagnostics)| {
            diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(move |d| format!("{}: {}: {}", within(name, &d.path), d.summary, d.detail))
        })
        .collect();
    let text = lines.join("\n");
    // Terraform adds its own period after the text.
    let text = text.strip_suffix('.').unwrap_or(&text);
    FunctionError::argument(argument, text)
}

/// What the reader keeps of an argument: the engine's inputs, and the caller's elements
/// with their types to give back.
#[derive(Debug)]
pub(super) struct Read<'v> {
    /// Each element as the engine reads it, in order.
    inputs: Vec<audit::RuleInput>,
    /// The elements as given, in the same order.
    rules: Rules<'v>,
}

#[cfg(test)]
mod tests;
