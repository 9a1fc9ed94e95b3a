//! `audit`: the rules a security group really has against the rules the estate requires
//! for one appliance interface and direction, by the engine's audit
//! ([`crate::flows::audit`]).
//!
//! The required rules are the estate's `ingress_rules` or `egress_rules` of the appliance
//! named by `--appliance` (`panorama.primary@mgt`), as the data source gives them. The
//! actual rules come from a file: a list of rule objects, a map of names to rule objects
//! (a `for_each` resource as `terraform output -json` prints it), or the JSON of
//! `aws ec2 describe-security-group-rules` (its `SecurityGroupRules`, those of the other
//! direction left out). The result has the shape of the `audit` function's:
//! `{compliant, covered, excess: [{reasons, rule}], missing}`, where `rule` is the
//! actual rule as the file gives it and `missing` holds required rules.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{json, Map, Value as Json};

use super::args::Direction;
use super::document::to_json;
use super::json;
use super::output::{known, selected};
use crate::flows::audit::{self, Findings, RuleInput};
use crate::flows::diagnostic::echo;
use crate::flows::expand::Kind;
use crate::flows::input::Input;
use crate::flows::matrix::endpoint_label;
use crate::flows::{Diagnostic, FlowMatrix, Known, Path, Rule, Step, View};

/// A rule's CIDR of one family, when it has one.
fn known_cidr(cidr: &Known<Option<String>>) -> Option<&str> {
    cidr.value().and_then(Option::as_deref)
}

/// The AWS CLI's names of the rule attributes the audit reads, and the audit's names.
const AWS_NAMES: &[(&str, &str)] = &[
    ("IpProtocol", "protocol"),
    ("FromPort", "from_port"),
    ("ToPort", "to_port"),
    ("CidrIpv4", "cidr_ipv4"),
    ("CidrIpv6", "cidr_ipv6"),
    ("PrefixListId", "prefix_list_id"),
];

/// The required rules of one appliance interface in one direction.
#[derive(Debug)]
pub struct Required<'m> {
    /// The appliance and interface, as outputs write it: `panorama.primary@mgt`.
    pub label: String,
    /// Its rules, in the data source's order.
    pub rules: Vec<&'m Rule>,
}

/// The rules of `appliance` (`name@interface`, or `name` when it has rules on one
/// interface only) in `direction`. A name the estate has no endpoint for, or one with
/// rules on several interfaces, is a usage error saying what to write.
pub fn required<'m>(
    matrix: &'m FlowMatrix,
    appliance: &str,
    direction: Direction,
) -> Result<Required<'m>, String> {
    let all = known(match direction {
        Direction::Ingress => selected(&matrix.ingress_rules, View::IngressRules)?,
        Direction::Egress => selected(&matrix.egress_rules, View::EgressRules)?,
    })?;
    let label = |rule: &Rule| endpoint_label(&rule.appliance, rule.interface.as_deref());
    let labels: BTreeSet<String> = all.iter().map(label).collect();
    let chosen: Vec<&String> = match labels.get(appliance) {
        Some(exact) => vec![exact],
        None => {
            let prefix = format!("{appliance}@");
            labels.iter().filter(|l| l.starts_with(&prefix)).collect()
        }
    };
    match chosen.as_slice() {
        [one] => Ok(Required {
            label: (*one).clone(),
            rules: all.iter().filter(|rule| label(rule) == **one).collect(),
        }),
        [] if is_appliance(matrix, appliance) => Ok(Required {
            label: appliance.to_owned(),
            rules: Vec::new(),
        }),
        [] => Err(format!(
            "the estate has no appliance `{}`; appliances with {direction} rules: {}",
            echo(appliance),
            listed(&labels)
        )),
        several => Err(format!(
            "`{}` has {direction} rules on several interfaces: name one of {}",
            echo(appliance),
            listed(several.iter().copied())
        )),
    }
}

/// Whether `name` (with or without its interface) is a declared appliance at an end of
/// some flow (services and Cortex Data Lake have no security group of ours).
fn is_appliance(matrix: &FlowMatrix, name: &str) -> bool {
    let appliance = |kind: &str| Kind::from_name(kind).is_some_and(Kind::is_appliance);
    let flows = matrix.flows.as_deref().unwrap_or_default();
    flows.iter().any(|flow| {
        [
            (&flow.source, &flow.source_interface, &flow.source_kind),
            (
                &flow.destination,
                &flow.destination_interface,
                &flow.destination_kind,
            ),
        ]
        .into_iter()
        .any(|(endpoint, interface, kind)| {
            appliance(kind)
                && (endpoint == name || endpoint_label(endpoint, interface.as_deref()) == name)
        })
    })
}

fn listed<'a>(labels: impl IntoIterator<Item = &'a String>) -> String {
    let names: Vec<String> = labels.into_iter().map(|l| format!("`{l}`")).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// One actual rule from the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    /// Where it sits in the file: `[3]`, `SecurityGroupRules[3]`, `["https"]`.
    pub path: Path,
    /// The rule as the file gives it.
    pub original: Json,
    /// The attributes the audit reads, under the audit's names.
    pub rule: Json,
    /// Whether the file uses the AWS CLI's attribute names.
    pub aws: bool,
}

/// The actual rules of `direction` in a file's values, or why they cannot be read.
pub fn actual_rules(input: &Input, direction: Direction) -> Result<Vec<Actual>, Vec<Diagnostic>> {
    let Some(json) = to_json(input) else {
        return Err(vec![Diagnostic::error(
            Path::root(),
            "Not a JSON value",
            "The rules file holds a number JSON cannot hold (`.inf` or `.nan`).",
        )]);
    };
    let shape_error = || {
        vec![Diagnostic::error(
            Path::root(),
            "Not a list of rules",
            format!(
                "Found {}, but the rules file takes a list of rule objects (`protocol`, `from_port`, `to_port`, `cidr_ipv4` or `cidr_ipv6`), a map of names to rule objects, or the JSON of `aws ec2 describe-security-group-rules`.",
                input.kind()
            ),
        )]
    };
    let as_rule = |path: Path, value: &Json| Actual {
        path,
        original: value.clone(),
        rule: value.clone(),
        aws: false,
    };
    match &json {
        Json::Array(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(index, item)| as_rule(Path::root().index(index), item))
            .collect()),
        Json::Object(object) => match object.get("SecurityGroupRules") {
            Some(Json::Array(items)) => aws_rules(items, direction),
            Some(_) => Err(shape_error()),
            None if !object.is_empty() && object.values().all(Json::is_object) => Ok(object
                .iter()
                .map(|(key, item)| as_rule(Path::root().key(key), item))
                .collect()),
            None => Err(shape_error()),
        },
        _ => Err(shape_error()),
    }
}

/// The rules of `aws ec2 describe-security-group-rules` in `direction`.
fn aws_rules(items: &[Json], direction: Direction) -> Result<Vec<Actual>, Vec<Diagnostic>> {
    let mut rules = Vec::new();
    let mut problems = Vec::new();
    let egress = direction == Direction::Egress;
    for (index, item) in items.iter().enumerate() {
        let path = Path::root().attr("SecurityGroupRules").index(index);
        let is_egress = item.get("IsEgress").and_then(Json::as_bool);
        match is_egress {
            Some(flag) if flag != egress => continue,
            Some(_) => {}
            None => {
                problems.push(Diagnostic::error(
                    path.attr("IsEgress"),
                    "Missing direction",
                    "Each rule of `aws ec2 describe-security-group-rules` has `IsEgress` (`true` or `false`).",
                ));
                continue;
            }
        }
        let mut rule = Map::new();
        for (aws, ours) in AWS_NAMES {
            if let Some(value) = item.get(*aws) {
                rule.insert((*ours).to_owned(), value.clone());
            }
        }
        if let Some(group) = item.pointer("/ReferencedGroupInfo/GroupId") {
            rule.insert("referenced_security_group_id".into(), group.clone());
        }
        rules.push(Actual {
            path,
            original: item.clone(),
            rule: Json::Object(rule),
            aws: true,
        });
    }
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(problems)
    }
}

/// What the audit found, with the rules it names.
#[derive(Debug)]
pub struct Outcome<'a> {
    /// The appliance interface and direction audited.
    pub label: String,
    /// `ingress` or `egress`.
    pub direction: Direction,
    /// The engine's findings (positions in `required` and `actual`).
    pub findings: Findings,
    /// The required rules.
    pub required: Vec<&'a Rule>,
    /// The actual rules.
    pub actual: &'a [Actual],
}

/// Compares `actual` with the required rules; bad actual rules are diagnostics at their
/// paths in the file.
pub fn compare<'a>(
    required: Required<'a>,
    direction: Direction,
    actual: &'a [Actual],
) -> Result<Outcome<'a>, Vec<Diagnostic>> {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for rule in actual {
        match serde_json::from_value::<RuleInput>(rule.rule.clone()) {
            Ok(input) => inputs.push(input),
            Err(error) => problems.push(Diagnostic::error(
                rule.path.clone(),
                "Invalid rule",
                format!(
                    "A rule is an object with `protocol`, `from_port`, `to_port` and `cidr_ipv4` or `cidr_ipv6`: {error}."
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let wanted: Vec<RuleInput> = required.rules.iter().map(|r| RuleInput::from(*r)).collect();
    let findings = audit::audit(&wanted, &inputs).map_err(|found| {
        found
            .into_iter()
            .map(|diagnostic| in_file(diagnostic, actual))
            .collect::<Vec<_>>()
    })?;
    Ok(Outcome {
        label: required.label,
        direction,
        findings,
        required: required.rules,
        actual,
    })
}

/// The engine's diagnostic about `actual[i].field` (or `required[i]`, which the estate
/// wrote and so cannot be wrong) at the rule's place in the file.
fn in_file(mut diagnostic: Diagnostic, actual: &[Actual]) -> Diagnostic {
    let steps = diagnostic.path.0.clone();
    match steps.as_slice() {
        [Step::Attr(list), Step::Index(index), rest @ ..] if list == "actual" => {
            if let Some(rule) = actual.get(*index) {
                let mut path = rule.path.clone();
                for step in rest {
                    path = match step {
                        Step::Attr(name) if rule.aws => path.attr(aws_name(name)),
                        Step::Attr(name) => path.attr(name.clone()),
                        Step::Key(key) => path.key(key),
                        Step::Index(index) => path.index(*index),
                    };
                }
                diagnostic.path = path;
            }
        }
        _ => {
            diagnostic.summary = format!("Internal error: {}", diagnostic.summary);
        }
    }
    diagnostic
}

/// The AWS CLI's name of one of the audit's attribute names.
fn aws_name(name: &str) -> String {
    AWS_NAMES
        .iter()
        .find(|(_, ours)| *ours == name)
        .map_or(name, |(aws, _)| aws)
        .to_owned()
}

impl Outcome<'_> {
    /// Nothing missing, nothing in excess.
    pub fn compliant(&self) -> bool {
        self.findings.compliant()
    }

    /// The result as the `audit` function gives it, as Terraform writes JSON.
    pub fn json(&self) -> Result<String, String> {
        let missing = self
            .findings
            .missing
            .iter()
            .filter_map(|&i| self.required.get(i))
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("cannot write the result as JSON: {e}"))?;
        let excess: Vec<Json> = self
            .findings
            .excess
            .iter()
            .map(|excess| {
                let reasons: Vec<String> = excess.reasons.iter().map(ToString::to_string).collect();
                let rule = self
                    .actual
                    .get(excess.actual)
                    .map_or(Json::Null, |a| a.original.clone());
                json!({ "reasons": reasons, "rule": rule })
            })
            .collect();
        let result = json!({
            "compliant": self.compliant(),
            "covered": self.findings.covered,
            "excess": excess,
            "missing": missing,
        });
        Ok(format!("{}\n", json::to_string(&result)))
    }

    /// The result as a report for people.
    pub fn text(&self) -> String {
        let findings = &self.findings;
        let mut out = String::new();
        let verdict = if self.compliant() {
            "compliant"
        } else {
            "NOT compliant"
        };
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{} {}: {verdict}", self.label, self.direction);
        let _ = writeln!(
            out,
            "{} required rules: {} covered, {} missing. {} actual rules: {} in excess.",
            self.required.len(),
            findings.covered,
            findings.missing.len(),
            self.actual.len(),
            findings.excess.len()
        );
        if !findings.missing.is_empty() {
            out.push_str("\nMissing (required rules no actual rule covers):\n");
            let preposition = match self.direction {
                Direction::Ingress => "from",
                Direction::Egress => "to",
            };
            for rule in findings
                .missing
                .iter()
                .filter_map(|&i| self.required.get(i))
            {
                let cidr = known_cidr(&rule.cidr_ipv4).or(known_cidr(&rule.cidr_ipv6));
                let _ = writeln!(
                    out,
                    "  {} {} {preposition} {} ({})",
                    rule.protocol,
                    crate::flows::matrix::port_range(rule.from_port, rule.to_port),
                    cidr.unwrap_or("-"),
                    rule.peer
                );
            }
        }
        if !findings.excess.is_empty() {
            out.push_str("\nExcess (actual rules that allow more than required):\n");
            for excess in &findings.excess {
                let Some(actual) = self.actual.get(excess.actual) else {
                    continue;
                };
                let _ = writeln!(out, "  {}: {}", position(actual), summary(&actual.rule));
                for reason in &excess.reasons {
                    let _ = writeln!(out, "    - {reason}");
                }
            }
        }
        out
    }
}

/// A rule's place for a person: `[3]`, `["https"]`, `SecurityGroupRules[3] (sgr-0abc)`.
fn position(rule: &Actual) -> String {
    let id = ["SecurityGroupRuleId", "security_group_rule_id"]
        .iter()
        .find_map(|name| rule.original.get(*name).and_then(Json::as_str));
    match id {
        Some(id) => format!("{} ({})", rule.path, echo(id)),
        None => rule.path.to_string(),
    }
}

/// An actual rule in one line: `tcp 0-65535 10.20.0.0/16`.
fn summary(rule: &Json) -> String {
    let text = |name: &str| match rule.get(name) {
        Some(Json::String(text)) if !text.is_empty() => Some(echo(text)),
        Some(Json::Number(number)) => Some(number.to_string()),
        _ => None,
    };
    let protocol = text("protocol")
        .or_else(|| text("ip_protocol"))
        .unwrap_or_else(|| "?".into());
    let ports = match (text("from_port"), text("to_port")) {
        (Some(from), Some(to)) if from == to => format!(" {from}"),
        (Some(from), Some(to)) => format!(" {from}-{to}"),
        _ => String::new(),
    };
    let peer = text("cidr_ipv4")
        .or_else(|| text("cidr_ipv6"))
        .or_else(|| text("referenced_security_group_id"))
        .or_else(|| text("prefix_list_id"))
        .unwrap_or_else(|| "-".into());
    format!("{protocol}{ports} {peer}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::{self, config::EstateConfig};

    fn matrix() -> FlowMatrix {
        let config: EstateConfig = serde_json::from_value(json!({
            "panorama": { "version": "10.2", "model": "m-600", "interfaces": { "log_collection": "eth1" },
                "nodes": { "a": { "addresses": { "mgt": ["10.0.0.1"], "eth1": ["10.0.1.1"] } } } },
            "firewalls": { "f": { "version": "10.1", "addresses": ["10.1.0.0/16"] } },
            "services": { "dns": { "addresses": ["10.0.0.2"] } },
        }))
        .unwrap();
        flows::compute(&config).matrix.unwrap()
    }

    fn input(value: Json) -> Input {
        Input::from(value)
    }

    #[test]
    fn the_appliance_is_named_with_its_interface_unless_that_is_clear() {
        let matrix = matrix();
        let mgt = required(&matrix, "panorama.a@mgt", Direction::Ingress).unwrap();
        assert_eq!(mgt.label, "panorama.a@mgt");
        assert!(!mgt.rules.is_empty());
        assert!(mgt
            .rules
            .iter()
            .all(|r| r.interface.as_deref() == Some("mgt")));
        let error = required(&matrix, "panorama.a", Direction::Ingress).unwrap_err();
        assert_eq!(
            error,
            "`panorama.a` has ingress rules on several interfaces: name one of `panorama.a@eth1`, `panorama.a@mgt`"
        );
        let firewall = required(&matrix, "firewall.f", Direction::Egress).unwrap();
        assert_eq!(firewall.label, "firewall.f");
        let error = required(&matrix, "panorama.b@mgt", Direction::Ingress).unwrap_err();
        assert!(error.starts_with("the estate has no appliance `panorama.b@mgt`; appliances with ingress rules: `panorama.a@eth1`, `panorama.a@mgt`"), "{error}");
        // An appliance with no rules this way: nothing is required, every rule is excess.
        let none = required(&matrix, "firewall.f", Direction::Ingress).unwrap();
        assert!(none.rules.is_empty());
        // A service is no appliance of ours: naming it is a mistake.
        assert!(required(&matrix, "service.dns", Direction::Ingress).is_err());
    }

    #[test]
    fn exact_rules_are_compliant_and_a_wide_one_is_excess() {
        let matrix = matrix();
        let wanted = required(&matrix, "panorama.a@mgt", Direction::Ingress).unwrap();
        let exact: Vec<Json> = wanted
            .rules
            .iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        let actual = actual_rules(&input(Json::Array(exact)), Direction::Ingress).unwrap();
        let outcome = compare(wanted, Direction::Ingress, &actual).unwrap();
        assert!(outcome.compliant(), "{}", outcome.text());
        assert!(outcome
            .text()
            .starts_with("panorama.a@mgt ingress: compliant\n"));

        let wanted = required(&matrix, "panorama.a@mgt", Direction::Ingress).unwrap();
        let count = wanted.rules.len();
        let wide = input(json!([
            { "ip_protocol": "tcp", "from_port": 0, "to_port": 65535, "cidr_ipv4": "10.0.0.0/8" }
        ]));
        let actual = actual_rules(&wide, Direction::Ingress).unwrap();
        let outcome = compare(wanted, Direction::Ingress, &actual).unwrap();
        assert!(!outcome.compliant());
        assert_eq!(outcome.findings.covered, count);
        let result: Json = serde_json::from_str(&outcome.json().unwrap()).unwrap();
        assert_eq!(result["compliant"], json!(false));
        assert_eq!(result["missing"], json!([]));
        assert_eq!(result["excess"][0]["rule"]["ip_protocol"], json!("tcp"));
        let reasons = result["excess"][0]["reasons"].as_array().unwrap();
        assert!(reasons
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("other ports: ")));
        assert!(reasons
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("wider CIDR: ")));
        let text = outcome.text();
        assert!(text.contains("\nExcess (actual rules that allow more than required):\n  [0]: tcp 0-65535 10.0.0.0/8\n    - "), "{text}");
    }

    #[test]
    fn the_aws_cli_output_is_read_for_one_direction() {
        let file = input(json!({ "SecurityGroupRules": [
            { "SecurityGroupRuleId": "sgr-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 3978, "ToPort": 3978, "CidrIpv4": "10.1.0.0/16" },
            { "SecurityGroupRuleId": "sgr-2", "IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0" },
            { "SecurityGroupRuleId": "sgr-3", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
              "ReferencedGroupInfo": { "GroupId": "sg-9" } },
        ]}));
        let ingress = actual_rules(&file, Direction::Ingress).unwrap();
        let paths: Vec<String> = ingress.iter().map(|a| a.path.to_string()).collect();
        assert_eq!(paths, ["SecurityGroupRules[0]", "SecurityGroupRules[2]"]);
        assert_eq!(
            ingress[0].rule,
            json!({ "protocol": "tcp", "from_port": 3978, "to_port": 3978, "cidr_ipv4": "10.1.0.0/16" })
        );
        assert_eq!(
            ingress[1].rule["referenced_security_group_id"],
            json!("sg-9")
        );
        assert_eq!(actual_rules(&file, Direction::Egress).unwrap().len(), 1);
    }

    #[test]
    fn bad_rules_are_diagnostics_at_their_place_in_the_file() {
        let matrix = matrix();
        let file = input(json!({ "SecurityGroupRules": [
            { "IsEgress": false, "IpProtocol": "tcp", "FromPort": 3978, "ToPort": 70000, "CidrIpv4": "10.1.0.0/16" },
        ]}));
        let actual = actual_rules(&file, Direction::Ingress).unwrap();
        let wanted = required(&matrix, "panorama.a@mgt", Direction::Ingress).unwrap();
        let problems = compare(wanted, Direction::Ingress, &actual).unwrap_err();
        let paths: Vec<String> = problems.iter().map(|d| d.path.to_string()).collect();
        assert_eq!(paths, ["SecurityGroupRules[0].ToPort"]);

        let named = input(
            json!({ "https": { "protocol": "tcp", "from_port": "443", "to_port": 443, "cidr_ipv4": "10.0.0.0/8" } }),
        );
        let actual = actual_rules(&named, Direction::Ingress).unwrap();
        let wanted = required(&matrix, "panorama.a@mgt", Direction::Ingress).unwrap();
        let problems = compare(wanted, Direction::Ingress, &actual).unwrap_err();
        assert_eq!(problems[0].path.to_string(), "[\"https\"]");
        assert_eq!(problems[0].summary, "Invalid rule");

        for bad in [
            json!("rules"),
            json!({ "protocol": "tcp" }),
            json!({ "SecurityGroupRules": {} }),
        ] {
            let problems = actual_rules(&input(bad), Direction::Ingress).unwrap_err();
            assert_eq!(problems[0].summary, "Not a list of rules");
        }
    }
}
