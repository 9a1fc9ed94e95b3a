//! `provider::panorama::chunk_rules(rules, limit)`: the security group of each rule, so
//! that no group holds more than `limit` rules of one address family.
//!
//! The flow matrix gives one rule list per direction; a security group per appliance
//! interface holds both directions. AWS counts inbound and outbound rules apart, and IPv4
//! and IPv6 rules apart, against the quota of each group (60 by default), and an
//! interface takes several groups (5 by default). Call the function once per direction:
//! the `N`-th chunk of both lists goes into the `N`-th group of the interface. The
//! placement is [`crate::flows::chunks`].

use crate::flows::chunks::{self, Item};
use crate::flows::{CancelToken, Diagnostic, Known, Path};
use crate::tfproto::{Function, FunctionError, Parameter, Type, Value};

use super::{argument_error, stopped};

/// The function's name: `provider::panorama::chunk_rules`.
pub const NAME: &str = "chunk_rules";

const SUMMARY: &str = "The security group of each rule, so that none exceeds a quota.";

const DESCRIPTION: &str = "Splits `rules` (the `ingress_rules` or the `egress_rules` of the \
flow matrix, as a list or as a map) into chunks of at most `limit` rules of each address \
family per appliance interface, and returns a map from each rule's `key` to its chunk. \
The first chunk of an interface is named like it (`panorama.primary@mgt`, or the appliance \
for rules without an interface), the next ones `panorama.primary@mgt#2`, `#3`... Create one \
security group per chunk name of both directions, and put each rule in the group of its \
chunk.\n\n\
A rule's chunk depends on its key and on how many chunks its interface needs, so rules \
coming and going move no other rule, except when the interface needs one chunk more or \
less (then about one rule in that many moves) or a chunk is full. A rule whose CIDRs are \
known after apply counts as IPv4. The result is unknown while `limit`, a rule, or a \
rule's `key`, `appliance` or `interface` is.";

/// The function, with its signature.
#[derive(Debug, Clone)]
pub struct ChunkRulesFunction {
    definition: Function,
}

impl Default for ChunkRulesFunction {
    fn default() -> Self {
        Self::new()
    }
}

impl ChunkRulesFunction {
    /// The signature: `rules` (dynamic: a list, set or map of rule objects) and `limit`.
    pub fn new() -> Self {
        let parameter = |name: &str, ty: Type, description: &str| Parameter {
            name: name.to_owned(),
            ty,
            allow_null: false,
            allow_unknown: true,
            description: description.to_owned(),
        };
        ChunkRulesFunction {
            definition: Function {
                summary: SUMMARY.to_owned(),
                description: DESCRIPTION.to_owned(),
                parameters: vec![
                    parameter(
                        "rules",
                        Type::Dynamic,
                        "Rules of one direction, as `ingress_rules` or `egress_rules` give them (a list, or a map of them by key). Each needs `key`, `appliance`, `interface`, `cidr_ipv4` and `cidr_ipv6`; other attributes are ignored.",
                    ),
                    parameter(
                        "limit",
                        Type::Number,
                        "Most rules of one address family per chunk: the quota \"Inbound or outbound rules per security group\" (60 by default on AWS).",
                    ),
                ],
                returns: Type::map(Type::String),
            },
        }
    }

    /// The signature.
    pub fn definition(&self) -> &Function {
        &self.definition
    }

    /// The chunk of each rule of `arguments` (rules and limit), or [`stopped`] soon after
    /// `cancel` is set.
    pub fn call(&self, arguments: &[Value], cancel: &CancelToken) -> Result<Value, FunctionError> {
        let [rules, limit] = arguments else {
            return Err(FunctionError::internal("chunk_rules takes two arguments."));
        };
        let rules = read_rules(rules)?;
        let limit = read_limit(limit)?;
        let (Known::Value(rules), Known::Value(limit)) = (rules, limit) else {
            return Ok(Value::Unknown);
        };
        let items: Vec<Item<'_>> = rules
            .iter()
            .map(|rule| Item {
                key: &rule.key,
                group: &rule.group,
                ipv6: rule.ipv6,
            })
            .collect();
        let placed = chunks::chunks(&items, limit, cancel).map_err(|_| stopped())?;
        Ok(Value::Map(
            placed
                .into_iter()
                .map(|(key, chunk)| (key, Value::String(chunk)))
                .collect(),
        ))
    }
}

/// What chunking needs of one rule.
struct Rule {
    key: String,
    group: String,
    ipv6: bool,
}

/// The rules, unknown while a rule or what places it is; an error lists every rule at
/// fault.
fn read_rules(rules: &Value) -> Result<Known<Vec<Rule>>, FunctionError> {
    let root = Path::root();
    let elements: Vec<(Path, &Value)> = match (rules.as_elements(), rules.as_entries()) {
        _ if rules.is_unknown() => return Ok(Known::Unknown),
        (Some(items), _) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (root.index(index), item))
            .collect(),
        (_, Some(entries)) => entries
            .iter()
            .map(|(key, item)| (root.key(key), item))
            .collect(),
        _ => {
            let error = Diagnostic::error(
                root,
                "Incorrect value type",
                "Give a list of rules (`ingress_rules` or `egress_rules`), or a map of them.",
            );
            return Err(rules_error(&[error]));
        }
    };
    let mut errors = Vec::new();
    let mut unknown = false;
    let mut read = Vec::with_capacity(elements.len());
    for (path, element) in elements {
        match read_rule(element, &path) {
            Ok(Known::Value(rule)) => read.push((path, rule)),
            Ok(Known::Unknown) => unknown = true,
            Err(error) => errors.push(error),
        }
    }
    let mut seen: std::collections::BTreeMap<&str, &Path> = std::collections::BTreeMap::new();
    for (path, rule) in &read {
        if let Some(first) = seen.insert(&rule.key, path) {
            errors.push(Diagnostic::error(
                path.attr("key"),
                "Duplicate key",
                format!(
                    "`{}` is also the key of rules{first}: give each rule once (the rules of one direction have unique keys).",
                    crate::flows::diagnostic::echo(&rule.key)
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(rules_error(&errors));
    }
    Ok(match unknown {
        true => Known::Unknown,
        false => Known::Value(read.into_iter().map(|(_, rule)| rule).collect()),
    })
}

fn rules_error(errors: &[Diagnostic]) -> FunctionError {
    argument_error("rules", 0, errors)
        .unwrap_or_else(|| FunctionError::argument(0, "The rules are not valid."))
}

/// One rule: `key` and `appliance` (strings), `interface` (string or null), and
/// `cidr_ipv6` (set for an IPv6 rule).
fn read_rule(rule: &Value, path: &Path) -> Result<Known<Rule>, Diagnostic> {
    if rule.is_unknown() {
        return Ok(Known::Unknown);
    }
    let Some(attributes) = rule.as_entries() else {
        return Err(Diagnostic::error(
            path.clone(),
            "Incorrect value type",
            "A rule is an object with `key`, `appliance`, `interface`, `cidr_ipv4` and `cidr_ipv6`.",
        ));
    };
    let text = |name: &'static str, nullable: bool| -> Result<Known<Option<String>>, Diagnostic> {
        let value = attributes.get(name).unwrap_or(&Value::Null);
        match value.concrete() {
            Value::Unknown => Ok(Known::Unknown),
            Value::String(text) => Ok(Known::Value(Some(text.clone()))),
            Value::Null if nullable => Ok(Known::Value(None)),
            _ => Err(Diagnostic::error(
                path.attr(name),
                "Incorrect value type",
                match nullable {
                    true => format!("`{name}` is a string or null."),
                    false => format!("A rule needs a string `{name}`."),
                },
            )),
        }
    };
    let key = text("key", false)?;
    let appliance = text("appliance", false)?;
    let interface = text("interface", true)?;
    // An IPv6 rule has `cidr_ipv6`; an unknown CIDR counts as IPv4, as in the matrix.
    let ipv6 = matches!(
        attributes.get("cidr_ipv6").map(Value::concrete),
        Some(Value::String(_))
    );
    let (Known::Value(Some(key)), Known::Value(Some(appliance)), Known::Value(interface)) =
        (key, appliance, interface)
    else {
        return Ok(Known::Unknown);
    };
    let group = match interface {
        Some(interface) => format!("{appliance}@{interface}"),
        None => appliance,
    };
    Ok(Known::Value(Rule { key, group, ipv6 }))
}

/// `limit`: a whole number from 1; unknown while it is.
fn read_limit(limit: &Value) -> Result<Known<usize>, FunctionError> {
    if limit.is_unknown() {
        return Ok(Known::Unknown);
    }
    let whole = limit
        .as_number()
        .and_then(|n| n.as_f64())
        .filter(|n| n.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(n));
    match whole {
        // A whole number within u32 converts exactly.
        Some(n) => Ok(Known::Value(n as usize)),
        None => Err(FunctionError::argument(
            1,
            "limit: Invalid limit: the most rules of one family per security group is a whole number from 1 (AWS allows 60 by default)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(key: &str, interface: Option<&str>, ipv6: bool) -> Value {
        let cidr = |on: bool, cidr: &str| if on { Value::from(cidr) } else { Value::Null };
        Value::object([
            ("key", key.into()),
            ("appliance", "panorama.a".into()),
            ("interface", interface.map_or(Value::Null, Value::from)),
            ("cidr_ipv4", cidr(!ipv6, "10.0.0.0/8")),
            ("cidr_ipv6", cidr(ipv6, "2001:db8::/32")),
            ("description", "ignored".into()),
        ])
    }

    fn call(rules: Value, limit: Value) -> Result<Value, FunctionError> {
        ChunkRulesFunction::new().call(&[rules, limit], &CancelToken::new())
    }

    #[test]
    fn a_set_token_stops_the_call() {
        let cancel = CancelToken::new();
        cancel.cancel();
        let rules = Value::List(vec![rule("a", Some("mgt"), false)]);
        let called = ChunkRulesFunction::new().call(&[rules, Value::int(1)], &cancel);
        assert_eq!(called, Err(stopped()));
    }

    #[test]
    fn rules_get_the_chunk_of_their_interface() {
        let rules = Value::List(vec![
            rule("a", Some("mgt"), false),
            rule("b", Some("mgt"), false),
            rule("c", Some("mgt"), true),
            rule("d", None, false),
        ]);
        let placed = call(rules, Value::int(1)).unwrap();
        let chunk = |key: &str| {
            placed
                .as_entries()
                .and_then(|m| m.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        assert_eq!(chunk("d").as_deref(), Some("panorama.a"));
        let mut mgt = vec![chunk("a").unwrap(), chunk("b").unwrap()];
        mgt.sort();
        assert_eq!(mgt, ["panorama.a@mgt", "panorama.a@mgt#2"]);
        assert!(chunk("c").unwrap().starts_with("panorama.a@mgt"));
    }

    #[test]
    fn a_map_of_rules_works_like_a_list() {
        let list = Value::List(vec![
            rule("a", Some("mgt"), false),
            rule("b", Some("mgt"), false),
        ]);
        let map = Value::map([
            ("a", rule("a", Some("mgt"), false)),
            ("b", rule("b", Some("mgt"), false)),
        ]);
        assert_eq!(call(list, Value::int(60)), call(map, Value::int(60)));
    }

    #[test]
    fn unknowns_give_an_unknown_result_and_unknown_cidrs_count_as_ipv4() {
        assert_eq!(call(Value::Unknown, Value::int(60)), Ok(Value::Unknown));
        let rules = Value::List(vec![rule("a", Some("mgt"), false)]);
        assert_eq!(call(rules.clone(), Value::Unknown), Ok(Value::Unknown));
        let mut unknown_key = rule("b", Some("mgt"), false);
        if let Value::Object(attributes) = &mut unknown_key {
            attributes.insert("key".into(), Value::Unknown);
        }
        assert_eq!(
            call(
                Value::List(vec![rule("a", Some("mgt"), false), unknown_key]),
                Value::int(60)
            ),
            Ok(Value::Unknown)
        );
        let mut unknown_cidrs = rule("b", Some("mgt"), false);
        if let Value::Object(attributes) = &mut unknown_cidrs {
            attributes.insert("cidr_ipv4".into(), Value::Unknown);
            attributes.insert("cidr_ipv6".into(), Value::Unknown);
        }
        let placed = call(
            Value::List(vec![rule("a", Some("mgt"), false), unknown_cidrs]),
            Value::int(1),
        )
        .unwrap();
        let chunks: std::collections::BTreeSet<&str> = placed
            .as_entries()
            .unwrap()
            .values()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(chunks.len(), 2, "both count as IPv4: {placed:?}");
    }

    #[test]
    fn bad_rules_and_limits_are_errors_naming_the_argument() {
        let rules = Value::List(vec![
            rule("a", Some("mgt"), false),
            Value::object([("appliance", "x".into())]),
            rule("a", Some("mgt"), false),
            "nonsense".into(),
        ]);
        let error = call(rules, Value::int(60)).unwrap_err();
        assert_eq!(error.argument, Some(0));
        assert_eq!(
            error.text,
            "rules[1].key: Incorrect value type: A rule needs a string `key`.\n\
             rules[3]: Incorrect value type: A rule is an object with `key`, `appliance`, `interface`, `cidr_ipv4` and `cidr_ipv6`.\n\
             rules[2].key: Duplicate key: `a` is also the key of rules[0]: give each rule once (the rules of one direction have unique keys)"
        );
        for limit in [
            Value::int(0),
            Value::Number(crate::tfproto::Number::Float(1.5)),
        ] {
            let error = call(Value::List(Vec::new()), limit).unwrap_err();
            assert_eq!(error.argument, Some(1));
        }
        assert!(call("x".into(), Value::int(1)).is_err());
    }
}
