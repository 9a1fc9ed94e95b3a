//! The result of `audit` as a Terraform value, with a type that follows from the
//! arguments' types alone.
//!
//! `missing` is a list of `required`'s element type when `required` has one (a list, set
//! or map, or a tuple whose elements share one type, as a `for` expression over rules of
//! one resource gives); `excess` likewise holds `{ reasons = list(string), rule = <actual's
//! element type> }`. Only when the elements of a tuple differ in type (hand-written rules
//! with different attributes) is each list a tuple of the types of the elements it holds.
//! So an empty result has the same type as a full one, and `length()`, `for` and
//! `jsonencode()` work the same on both.

use std::collections::BTreeMap;

use crate::flows::audit::Findings;
use crate::tfproto::{Type, Value};

use super::Read;

/// `{ compliant, covered, excess, missing }` for `findings` over the rules read.
pub fn value(findings: &Findings, required: &Read<'_>, actual: &Read<'_>) -> Value {
    let missing = findings
        .missing
        .iter()
        .filter_map(|&i| required.rules.elements.get(i))
        .map(|element| (element.value.clone(), element.ty.clone()));
    let (missing, missing_type) = sequence(missing, required.rules.uniform.clone());

    let reasons_type = Type::list(Type::String);
    let excess_type = |rule: Type| {
        Type::Object(BTreeMap::from([
            ("reasons".to_owned(), reasons_type.clone()),
            ("rule".to_owned(), rule),
        ]))
    };
    let excess = findings.excess.iter().filter_map(|excess| {
        let element = actual.rules.elements.get(excess.actual)?;
        let reasons = excess
            .reasons
            .iter()
            .map(|reason| Value::String(reason.to_string()))
            .collect();
        let value = Value::object([
            ("reasons", Value::List(reasons)),
            ("rule", element.value.clone()),
        ]);
        Some((value, excess_type(element.ty.clone())))
    });
    let (excess, excess_list_type) =
        sequence(excess, actual.rules.uniform.clone().map(excess_type));

    let ty = Type::Object(BTreeMap::from([
        ("compliant".to_owned(), Type::Bool),
        ("covered".to_owned(), Type::Number),
        ("excess".to_owned(), excess_list_type),
        ("missing".to_owned(), missing_type),
    ]));
    let covered = i64::try_from(findings.covered).unwrap_or(i64::MAX);
    let result = Value::object([
        ("compliant", Value::Bool(findings.compliant())),
        ("covered", Value::int(covered)),
        ("excess", excess),
        ("missing", missing),
    ]);
    Value::Dynamic(ty, Box::new(result))
}

/// The items as a list of `uniform`, or as a tuple of their own types without one.
fn sequence(items: impl Iterator<Item = (Value, Type)>, uniform: Option<Type>) -> (Value, Type) {
    let (values, types): (Vec<Value>, Vec<Type>) = items.unzip();
    match uniform {
        Some(element) => (Value::List(values), Type::list(element)),
        None => (Value::Tuple(values), Type::Tuple(types)),
    }
}
