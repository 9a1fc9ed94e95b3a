use std::collections::BTreeMap;

use serde::Serialize;

use super::*;
use crate::flows::known::Known;
use crate::tfproto::msgpack;

#[derive(Serialize)]
struct Row {
    name: String,
    port: i64,
    weight: f64,
    cidr: Known<Option<String>>,
    tags: Known<Vec<String>>,
    labels: BTreeMap<String, u64>,
    on: bool,
}

fn row_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("port", Type::Number),
        ("weight", Type::Number),
        ("cidr", Type::String),
        ("tags", Type::set(Type::String)),
        ("labels", Type::map(Type::Number)),
        ("on", Type::Bool),
    ])
}

fn row(port: i64) -> Row {
    Row {
        name: "x".repeat(port.unsigned_abs() as usize % 300),
        port,
        weight: port as f64 / 4.0,
        cidr: Known::Value(Some("10.0.0.0/8".into())),
        tags: Known::Value(vec!["b".into(), "a".into()]),
        labels: [("z".to_owned(), u64::MAX), ("a".to_owned(), 7)]
            .into_iter()
            .collect(),
        on: port % 2 == 0,
    }
}

fn options(cancel: &CancelToken, unknowns: bool) -> Options<'_> {
    Options { cancel, unknowns }
}

fn direct<T: Serialize + ?Sized>(
    output: &T,
    ty: &Type,
    unknowns: bool,
) -> Result<Vec<u8>, OutputError> {
    let cancel = CancelToken::new();
    let mut buffer = Buffer::default();
    write(&mut buffer, output, ty, options(&cancel, unknowns))?;
    let mut counter = Counter::default();
    write(&mut counter, output, ty, options(&cancel, unknowns))?;
    let bytes = buffer.into_bytes();
    assert_eq!(
        counter.position(),
        bytes.len(),
        "the counter measures the bytes"
    );
    Ok(bytes)
}

fn through_value<T: Serialize + ?Sized>(output: &T, ty: &Type) -> Vec<u8> {
    let value = output::to_value(output, ty).expect("a value");
    msgpack::encode(&value, ty).expect("encodes")
}

#[test]
fn the_bytes_are_those_of_the_value_path() {
    let ty = Type::list(row_type());
    // Ports across every msgpack integer width, negative ones too; names across str widths.
    let ports = [
        0,
        1,
        127,
        128,
        255,
        256,
        65_535,
        65_536,
        -1,
        -33,
        -200,
        -40_000,
        i64::MAX,
        i64::MIN,
        299,
    ];
    let rows: Vec<Row> = ports.into_iter().map(row).collect();
    assert_eq!(
        direct(&rows, &ty, false).unwrap(),
        through_value(&rows, &ty)
    );
    let long = vec!["y".repeat(70_000)];
    let strings = Type::list(Type::String);
    assert_eq!(
        direct(&long, &strings, false).unwrap(),
        through_value(&long, &strings)
    );
}

#[test]
fn unknowns_are_written_only_when_allowed() {
    let unknown = Row {
        cidr: Known::Unknown,
        ..row(1)
    };
    let ty = row_type();
    assert_eq!(
        direct(&unknown, &ty, true).unwrap(),
        through_value(&unknown, &ty)
    );
    let error = direct(&unknown, &ty, false).unwrap_err();
    assert_eq!(error.0, "`Row.cidr`: an output is not known yet");
}

#[test]
fn a_struct_and_its_type_must_agree() {
    let narrower = Type::object([("name", Type::String), ("port", Type::Number)]);
    let error = direct(&row(1), &narrower, false).unwrap_err();
    assert!(
        error.0.contains("`Row.weight` is not in the schema"),
        "{error}"
    );
    let wider = match row_type() {
        Type::Object(mut types) => {
            types.insert("extra".into(), Type::Bool);
            Type::Object(types)
        }
        other => other,
    };
    let error = direct(&row(1), &wider, false).unwrap_err();
    assert!(error.0.contains("no `extra`"), "{error}");
    assert!(direct(&"a", &Type::Number, false).is_err());
    assert!(direct(&f64::NAN, &Type::Number, false).is_err());
}

#[test]
fn one_attribute_at_a_time() {
    let cancel = CancelToken::new();
    let mut buffer = Buffer::default();
    let labels = Type::map(Type::Number);
    write_attribute(
        &mut buffer,
        &row(3),
        "labels",
        &labels,
        options(&cancel, false),
    )
    .unwrap();
    assert_eq!(buffer.into_bytes(), through_value(&row(3).labels, &labels));
    let mut counter = Counter::default();
    let error = write_attribute(
        &mut counter,
        &row(3),
        "nope",
        &labels,
        options(&cancel, false),
    )
    .unwrap_err();
    assert_eq!(error.0, "no attribute `nope`");
    assert!(write_attribute(&mut counter, &3, "port", &labels, options(&cancel, false)).is_err());
}

#[test]
fn a_set_token_stops_the_writer() {
    let cancel = CancelToken::new();
    cancel.cancel();
    let rows = vec![1_u16; 3];
    let error = write(
        &mut Counter::default(),
        &rows,
        &Type::list(Type::Number),
        options(&cancel, false),
    )
    .unwrap_err();
    assert_eq!(error, OutputError::from(crate::flows::Cancelled));
}
