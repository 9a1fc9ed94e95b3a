//! One argument of `audit` as Terraform sends it (a dynamic value: a list, set, tuple or
//! map of objects) read into the engine's [`RuleInput`]s, keeping each element and its
//! type to give back in the result. Every bad element is a diagnostic at its path inside
//! the argument (`[3].from_port`, `["https"].protocol`).

use crate::flows::audit::RuleInput;
use crate::flows::{Diagnostic, Known, Path};
use crate::tfproto::{Number, Type, Value};

use super::Read;

/// Which argument is read: required rules also carry their scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `required`: rules of the flow matrix.
    Required,
    /// `actual`: rules as a cloud reports them.
    Actual,
}

/// The elements of an argument as given.
#[derive(Debug)]
pub struct Rules<'v> {
    /// Each element, its type and its path inside the argument.
    pub elements: Vec<Element<'v>>,
    /// The one type of every element, when the argument's type says so (a list, set or
    /// map, or a tuple or object whose elements share one type); `None` otherwise.
    pub uniform: Option<Type>,
}

/// One element of an argument.
#[derive(Debug)]
pub struct Element<'v> {
    /// The element as given.
    pub value: &'v Value,
    /// Its type.
    pub ty: Type,
    /// Where it sits inside the argument: `[3]` or `["https"]`.
    pub path: Path,
}

/// The attributes read as text besides the protocol, and those only required rules have.
const TEXT: [&str; 4] = [
    "cidr_ipv4",
    "cidr_ipv6",
    "referenced_security_group_id",
    "prefix_list_id",
];
const SCOPE: [&str; 3] = ["appliance", "interface", "flow_key"];

/// Reads `value`: unknown while it, an element, or an attribute the audit reads is.
pub fn rules(value: &Value, role: Role) -> Result<Known<Read<'_>>, Vec<Diagnostic>> {
    let rules = match elements(value)? {
        Known::Value(rules) => rules,
        Known::Unknown => return Ok(Known::Unknown),
    };
    let mut inputs = Vec::with_capacity(rules.elements.len());
    let mut errors = Vec::new();
    let mut unknown = false;
    for element in &rules.elements {
        match rule(element.value, &element.path, role) {
            Ok(Known::Value(input)) => inputs.push(input),
            Ok(Known::Unknown) => unknown = true,
            Err(mut found) => errors.append(&mut found),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(match unknown {
        true => Known::Unknown,
        false => Known::Value(Read { inputs, rules }),
    })
}

/// The elements of a list, set, tuple, map or object, each with its type.
fn elements(value: &Value) -> Result<Known<Rules<'_>>, Vec<Diagnostic>> {
    let root = Path::root();
    let wrong = || {
        vec![Diagnostic::error(
            root.clone(),
            "Incorrect value type",
            "Give a list of rule objects (or a map of them).",
        )]
    };
    let Value::Dynamic(ty, inner) = value else {
        // Terraform sends a bare unknown when not even the type is known.
        return match value.is_unknown() {
            true => Ok(Known::Unknown),
            false => Err(wrong()),
        };
    };
    let shared = |types: &[&Type]| match types.split_first() {
        Some((first, rest)) if rest.iter().all(|ty| ty == first) => Some((*first).clone()),
        _ => None,
    };
    let rules = match (ty, inner.as_ref()) {
        (_, Value::Unknown) => return Ok(Known::Unknown),
        (Type::List(element) | Type::Set(element), Value::List(items) | Value::Set(items)) => {
            Rules {
                elements: items
                    .iter()
                    .enumerate()
                    .map(|(index, value)| Element {
                        value,
                        ty: (**element).clone(),
                        path: root.index(index),
                    })
                    .collect(),
                uniform: Some((**element).clone()),
            }
        }
        (Type::Tuple(types), Value::Tuple(items)) if types.len() == items.len() => Rules {
            elements: items
                .iter()
                .zip(types)
                .enumerate()
                .map(|(index, (value, ty))| Element {
                    value,
                    ty: ty.clone(),
                    path: root.index(index),
                })
                .collect(),
            uniform: shared(&types.iter().collect::<Vec<_>>()),
        },
        (Type::Map(element), Value::Map(entries)) => Rules {
            elements: entries
                .iter()
                .map(|(key, value)| Element {
                    value,
                    ty: (**element).clone(),
                    path: root.key(key),
                })
                .collect(),
            uniform: Some((**element).clone()),
        },
        (Type::Object(types), Value::Object(entries)) => {
            let mut elements = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let Some(ty) = types.get(key) else {
                    return Err(wrong());
                };
                elements.push(Element {
                    value,
                    ty: ty.clone(),
                    path: root.key(key),
                });
            }
            let types: Vec<&Type> = elements.iter().map(|e| &e.ty).collect();
            let uniform = shared(&types);
            Rules { elements, uniform }
        }
        _ => return Err(wrong()),
    };
    Ok(Known::Value(rules))
}

/// One element: the attributes the audit reads, unknown while any of them is.
fn rule(value: &Value, path: &Path, role: Role) -> Result<Known<RuleInput>, Vec<Diagnostic>> {
    if value.is_unknown() {
        return Ok(Known::Unknown);
    }
    let Some(attributes) = value.as_entries() else {
        return Err(vec![Diagnostic::error(
            path.clone(),
            "Incorrect value type",
            "A rule is an object with `protocol` (or `ip_protocol`), `from_port`, `to_port`, `cidr_ipv4` and `cidr_ipv6`.",
        )]);
    };
    let get = |name: &str| attributes.get(name).map(Value::concrete);
    let mut errors = Vec::new();
    let mut unknown = false;
    let mut text = |name: &'static str, numbers: bool| -> Option<String> {
        match get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Unknown) => {
                unknown = true;
                None
            }
            Some(Value::String(text)) => Some(text.clone()),
            // A protocol number as a number (Terraform converts it to text elsewhere).
            Some(Value::Number(number)) if numbers => Some(number_text(number)),
            Some(_) => {
                errors.push(Diagnostic::error(
                    path.attr(name),
                    "Incorrect value type",
                    format!("`{name}` is a string or null."),
                ));
                None
            }
        }
    };
    // AWS names the protocol `ip_protocol`; either will do, `protocol` first.
    let protocol = text("protocol", true).or_else(|| text("ip_protocol", true));
    let texts = TEXT.map(|name| text(name, false));
    let scope = match role {
        Role::Required => SCOPE.map(|name| text(name, false)),
        Role::Actual => [None, None, None],
    };
    let mut number = |name: &'static str| -> Option<f64> {
        match get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Unknown) => {
                unknown = true;
                None
            }
            Some(Value::Number(number)) => number.as_f64(),
            // "443", as adapters over string attributes may write it.
            Some(Value::String(text)) if Number::is_decimal_text(text.trim()) => {
                Number::from_decimal_text(text.trim())
                    .ok()
                    .and_then(|n| n.as_f64())
            }
            Some(_) => {
                errors.push(Diagnostic::error(
                    path.attr(name),
                    "Incorrect value type",
                    format!("`{name}` is a whole number (or null for protocols without ports)."),
                ));
                None
            }
        }
    };
    let from_port = number("from_port");
    let to_port = number("to_port");
    if !errors.is_empty() {
        return Err(errors);
    }
    if unknown {
        return Ok(Known::Unknown);
    }
    let [cidr_ipv4, cidr_ipv6, referenced_security_group_id, prefix_list_id] = texts;
    let [appliance, interface, flow_key] = scope;
    Ok(Known::Value(RuleInput {
        protocol,
        from_port,
        to_port,
        cidr_ipv4,
        cidr_ipv6,
        referenced_security_group_id,
        prefix_list_id,
        appliance,
        interface,
        flow_key,
    }))
}

/// A protocol number as text: `6` for 6 or 6.0; other numbers as they are, to be refused.
fn number_text(number: &Number) -> String {
    match number.as_i64() {
        Some(int) => int.to_string(),
        None => number.as_f64().map_or_else(String::new, |f| f.to_string()),
    }
}
