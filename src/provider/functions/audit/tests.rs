use std::collections::BTreeMap;

use super::*;
use crate::tfproto::msgpack;

/// The type of a rule of `ingress_rules` as far as these tests write it.
fn required_type() -> Type {
    let string = |name: &str| (name.to_owned(), Type::String);
    Type::Object(BTreeMap::from([
        string("appliance"),
        string("interface"),
        string("flow_key"),
        string("key"),
        string("protocol"),
        ("from_port".to_owned(), Type::Number),
        ("to_port".to_owned(), Type::Number),
        string("cidr_ipv4"),
        string("cidr_ipv6"),
    ]))
}

fn required_rule(port: i64, cidr: &str) -> Value {
    let key = format!("firewall.b>panorama.a@mgt:tcp:{port}");
    Value::object([
        ("appliance", "panorama.a".into()),
        ("interface", "mgt".into()),
        ("flow_key", key.as_str().into()),
        ("key", key.as_str().into()),
        ("protocol", "tcp".into()),
        ("from_port", Value::int(port)),
        ("to_port", Value::int(port)),
        ("cidr_ipv4", cidr.into()),
        ("cidr_ipv6", Value::Null),
    ])
}

/// The type of an `aws_vpc_security_group_rule` as far as these tests write it.
fn actual_type() -> Type {
    Type::Object(BTreeMap::from([
        ("ip_protocol".to_owned(), Type::String),
        ("from_port".to_owned(), Type::Number),
        ("to_port".to_owned(), Type::Number),
        ("cidr_ipv4".to_owned(), Type::String),
        ("cidr_ipv6".to_owned(), Type::String),
        ("security_group_rule_id".to_owned(), Type::String),
    ]))
}

fn actual_rule(id: &str, protocol: &str, from: i64, to: i64, cidr: &str) -> Value {
    Value::object([
        ("ip_protocol", protocol.into()),
        ("from_port", Value::int(from)),
        ("to_port", Value::int(to)),
        ("cidr_ipv4", cidr.into()),
        ("cidr_ipv6", Value::Null),
        ("security_group_rule_id", id.into()),
    ])
}

fn list(ty: Type, items: Vec<Value>) -> Value {
    Value::Dynamic(Type::list(ty), Box::new(Value::List(items)))
}

fn call(required: Value, actual: Value) -> Result<Value, FunctionError> {
    AuditFunction::new().call(&[required, actual], &CancelToken::new())
}

fn attribute<'v>(result: &'v Value, name: &str) -> &'v Value {
    result
        .get(name)
        .unwrap_or_else(|| panic!("no {name} in {result:?}"))
}

#[test]
fn findings_give_back_the_callers_rules_with_a_type_from_the_arguments() {
    let required = list(
        required_type(),
        vec![
            required_rule(3978, "10.20.0.0/16"),
            required_rule(28443, "10.20.0.0/16"),
        ],
    );
    let actual = list(
        actual_type(),
        vec![
            actual_rule("sgr-1", "tcp", 3978, 3978, "10.20.0.0/16"),
            actual_rule("sgr-2", "-1", -1, -1, "192.0.2.0/24"),
            actual_rule("sgr-3", "icmp", 8, 0, "0.0.0.0/0"),
        ],
    );
    let result = call(required, actual).unwrap();
    let Value::Dynamic(ty, _) = &result else {
        panic!("{result:?}")
    };
    let Type::Object(attributes) = ty else {
        panic!("{ty:?}")
    };
    assert_eq!(attributes["missing"], Type::list(required_type()));
    assert_eq!(
        attributes["excess"],
        Type::list(Type::Object(BTreeMap::from([
            ("reasons".to_owned(), Type::list(Type::String)),
            ("rule".to_owned(), actual_type()),
        ])))
    );
    assert_eq!(attribute(&result, "compliant"), &Value::Bool(false));
    assert_eq!(attribute(&result, "covered"), &Value::int(1));
    assert_eq!(
        attribute(&result, "missing"),
        &Value::List(vec![required_rule(28443, "10.20.0.0/16")])
    );
    let excess = attribute(&result, "excess").as_elements().unwrap();
    assert_eq!(excess.len(), 2);
    assert_eq!(
        attribute(&excess[0], "rule"),
        &actual_rule("sgr-2", "-1", -1, -1, "192.0.2.0/24")
    );
    let reasons = |excess: &Value| -> Vec<String> {
        attribute(excess, "reasons")
            .as_elements()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .map(|r| r.split(':').next().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(reasons(&excess[0]), ["all protocols", "wider CIDR"]);
    assert_eq!(reasons(&excess[1]), ["another protocol", "everyone"]);
    // Terraform can decode what the function returns.
    let encoded = msgpack::to_dynamic_value(&result, &Type::Dynamic).unwrap();
    assert_eq!(
        msgpack::decode_dynamic_value(&encoded, &Type::Dynamic).unwrap(),
        result
    );
}

#[test]
fn a_compliant_group_has_empty_lists_of_the_same_type() {
    let required = list(required_type(), vec![required_rule(3978, "10.20.0.0/16")]);
    let actual = list(
        actual_type(),
        vec![actual_rule("sgr-1", "6", 3978, 3978, "10.20.0.0/16")],
    );
    let result = call(required, actual).unwrap();
    assert_eq!(attribute(&result, "compliant"), &Value::Bool(true));
    assert_eq!(attribute(&result, "missing"), &Value::List(Vec::new()));
    let Value::Dynamic(Type::Object(attributes), _) = &result else {
        panic!("{result:?}")
    };
    assert_eq!(attributes["missing"], Type::list(required_type()));
}

#[test]
fn tuples_of_one_type_give_lists_and_of_several_give_tuples() {
    // What `[for r in ... : { ... }]` gives: a tuple whose elements share a type.
    let object = |protocol: &str, port: i64, cidr: &str| {
        Value::object([
            ("protocol", protocol.into()),
            ("from_port", Value::int(port)),
            ("to_port", Value::int(port)),
            ("cidr_ipv4", cidr.into()),
        ])
    };
    let object_type = Type::Object(BTreeMap::from([
        ("protocol".to_owned(), Type::String),
        ("from_port".to_owned(), Type::Number),
        ("to_port".to_owned(), Type::Number),
        ("cidr_ipv4".to_owned(), Type::String),
    ]));
    let tuple = |items: Vec<(Value, Type)>| {
        let (values, types): (Vec<_>, Vec<_>) = items.into_iter().unzip();
        Value::Dynamic(Type::Tuple(types), Box::new(Value::Tuple(values)))
    };
    let required = tuple(vec![
        (object("tcp", 443, "10.0.0.0/8"), object_type.clone()),
        (object("tcp", 22, "10.0.0.0/8"), object_type.clone()),
    ]);
    let mut extra = object("tcp", 443, "10.0.0.0/8");
    if let Value::Object(attributes) = &mut extra {
        attributes.insert("name".into(), "https".into());
    }
    let mut extra_type = object_type.clone();
    if let Type::Object(attributes) = &mut extra_type {
        attributes.insert("name".into(), Type::String);
    }
    let actual = tuple(vec![
        (extra, extra_type.clone()),
        (
            Value::object([
                ("protocol", "icmp".into()),
                ("cidr_ipv4", "10.0.0.0/8".into()),
            ]),
            Type::Object(BTreeMap::from([
                ("protocol".to_owned(), Type::String),
                ("cidr_ipv4".to_owned(), Type::String),
            ])),
        ),
    ]);
    let result = call(required, actual).unwrap();
    let Value::Dynamic(Type::Object(types), _) = &result else {
        panic!("{result:?}")
    };
    assert_eq!(types["missing"], Type::list(object_type));
    let Type::Tuple(excess) = &types["excess"] else {
        panic!("{:?}", types["excess"])
    };
    assert_eq!(excess.len(), 1, "the ICMP rule only");
    assert_eq!(attribute(&result, "covered"), &Value::int(1));
    msgpack::to_dynamic_value(&result, &Type::Dynamic).unwrap();
}

#[test]
fn unknowns_the_audit_reads_give_an_unknown_result_and_others_do_not() {
    let required = || list(required_type(), vec![required_rule(3978, "10.20.0.0/16")]);
    let with = |name: &str, value: Value| {
        let mut rule = actual_rule("sgr-1", "tcp", 3978, 3978, "10.20.0.0/16");
        if let Value::Object(attributes) = &mut rule {
            attributes.insert(name.into(), value);
        }
        list(actual_type(), vec![rule])
    };
    assert_eq!(
        call(Value::Unknown, with("cidr_ipv4", "10.20.0.0/16".into())),
        Ok(Value::Unknown)
    );
    assert_eq!(
        call(required(), with("cidr_ipv4", Value::Unknown)),
        Ok(Value::Unknown)
    );
    assert_eq!(
        call(required(), with("from_port", Value::Unknown)),
        Ok(Value::Unknown)
    );
    let known = call(required(), with("security_group_rule_id", Value::Unknown)).unwrap();
    assert_eq!(attribute(&known, "compliant"), &Value::Bool(true));
}

#[test]
fn errors_name_the_argument_and_the_path_inside_it() {
    let required = list(
        required_type(),
        vec![
            required_rule(3978, "10.20.0.0/16"),
            required_rule(443, "10.20.0.5/16"),
        ],
    );
    let actual = Value::Dynamic(
        Type::map(actual_type()),
        Box::new(Value::map([
            (
                "https",
                actual_rule("sgr-1", "http", 443, 443, "10.0.0.0/8"),
            ),
            ("ok", actual_rule("sgr-2", "tcp", 1, 2, "10.0.0.0/8")),
        ])),
    );
    let error = call(required, actual).unwrap_err();
    assert_eq!(error.argument, Some(0));
    let lines: Vec<&str> = error.text.lines().collect();
    assert_eq!(lines.len(), 2, "{}", error.text);
    assert!(
        lines[0].starts_with("required[1].cidr_ipv4: CIDR has host bits set: "),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("actual[\"https\"].protocol: Unknown protocol: "),
        "{}",
        lines[1]
    );
    assert!(!error.text.ends_with('.'));

    let wrong = Value::Dynamic(
        Type::list(Type::String),
        Box::new(Value::List(vec!["tcp".into()])),
    );
    let error = call(list(required_type(), Vec::new()), wrong).unwrap_err();
    assert_eq!(error.argument, Some(1));
    assert!(
        error
            .text
            .starts_with("actual[0]: Incorrect value type: A rule is an object"),
        "{}",
        error.text
    );
}

#[test]
fn rules_of_several_interfaces_are_an_error_that_says_how_to_filter() {
    let mut eth1 = required_rule(28443, "10.20.0.0/16");
    if let Value::Object(attributes) = &mut eth1 {
        attributes.insert("interface".into(), "eth1".into());
    }
    let required = list(
        required_type(),
        vec![required_rule(3978, "10.20.0.0/16"), eth1],
    );
    let error = call(required, list(actual_type(), Vec::new())).unwrap_err();
    assert_eq!(error.argument, Some(0));
    assert!(
        error.text.starts_with(
            "required[1].interface: Rules of several appliance interfaces: required[0] is a rule of `panorama.a@mgt`, required[1] one of `panorama.a@eth1`."
        ),
        "{}",
        error.text
    );
}

#[test]
fn a_set_token_stops_the_call() {
    let cancel = CancelToken::new();
    cancel.cancel();
    let rules = list(required_type(), vec![required_rule(3978, "10.20.0.0/16")]);
    let called = AuditFunction::new().call(&[rules, list(actual_type(), Vec::new())], &cancel);
    assert_eq!(called, Err(stopped()));
}
