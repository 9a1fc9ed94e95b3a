//! Benchmark estates: an HA pair of Panorama M-600s, dedicated Log Collectors in
//! Collector Groups of up to ten, and N firewall groups with K management CIDRs each,
//! the estates of issue 13 ("HA pair, 4 Log Collectors, N firewall groups of 2 CIDRs"
//! and "50 Log Collectors, 3 CIDRs each").
//!
//! One generator for every consumer: the criterion benches and the integration tests
//! include this file with `#[path]`, and `make bench` writes the same JSON with the
//! `bench-estate` example for Terraform (as a `locals` block) and for the read helper.
//! The output depends only on the [`Shape`]: same shape, byte-identical JSON.
//!
//! Each firewall group gets every flow its settings call for, so the pure-HCL module
//! under `bench/` has real work to do, and the sizes match the (about 100 MB of
//! state at N = 10,000, and a wide estate over Terraform's 256 MiB message limit):
//! - versions cycle through 10.2.4, 9.1.14 and 7.1.0 (the last gets no updates flow);
//! - one group in eight logs to Panorama's local Log Collector, the others to the
//!   Collector Groups in turn (all of them log to Panorama when there is no collector);
//! - Panorama takes management on `mgt`, logs on `eth1`, Collector Group traffic on
//!   `eth2` and update traffic on `eth3`, so each function is a flow of its own.

// Each includer uses a different part of this file.
#![allow(dead_code)]

use panorama_provider::provider::flow_matrix::FlowMatrixDataSource;
use panorama_provider::tfproto::tfplugin6 as pb;
use panorama_provider::tfproto::{msgpack, Type, Value};
use serde_json::{json, Map, Value as Json};

/// How big an estate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Firewall groups (the N of the issue).
    pub firewall_groups: usize,
    /// Management CIDRs per firewall group.
    pub cidrs_per_group: usize,
    /// Dedicated Log Collectors, [`COLLECTORS_PER_GROUP`] to a Collector Group.
    pub log_collectors: usize,
}

impl Shape {
    /// The main estate: N firewall groups of 2 CIDRs, 4 Log Collectors.
    pub fn groups(firewall_groups: usize) -> Shape {
        Shape {
            firewall_groups,
            cidrs_per_group: 2,
            log_collectors: 4,
        }
    }

    /// The wide estate: N firewall groups of 3 CIDRs, 50 Log Collectors.
    pub fn wide(firewall_groups: usize) -> Shape {
        Shape {
            firewall_groups,
            cidrs_per_group: 3,
            log_collectors: 50,
        }
    }

    /// Collector Groups: the Log Collectors [`COLLECTORS_PER_GROUP`] at a time.
    pub fn collector_groups(&self) -> usize {
        self.log_collectors.div_ceil(COLLECTORS_PER_GROUP)
    }
}

/// Log Collectors per Collector Group (Panorama allows up to 16).
pub const COLLECTORS_PER_GROUP: usize = 10;
/// Panorama release; every device runs this or an earlier one.
const PANORAMA_VERSION: &str = "10.2.4";
/// Firewall group releases, by group number modulo 3 (7.1.0 needs no updates flow).
const FIREWALL_VERSIONS: [&str; 3] = ["10.2.4", "9.1.14", "7.1.0"];
/// Panorama's interfaces, as `(function, interface)`.
const PANORAMA_INTERFACES: [(&str, &str); 4] = [
    ("device_management", "mgt"),
    ("log_collection", "eth1"),
    ("collector_group", "eth2"),
    ("device_deployment", "eth3"),
];
/// Firewall CIDRs are /24s counted up from 10.64.0.0, clear of the appliances in 10.0/16
/// and 10.1/16.
const FIRST_FIREWALL_OCTET: usize = 64;
/// Log Collector host numbers start here (10.1.x.10, 10.1.x.11, ...).
const FIRST_COLLECTOR_HOST: usize = 10;

/// The estate's inputs as the data source takes them (`panorama`, `log_collectors`,
/// `firewalls`), or why the shape does not fit the address plan.
pub fn estate(shape: &Shape) -> Result<Json, String> {
    let cidrs = shape.firewall_groups * shape.cidrs_per_group;
    let room = (256 - FIRST_FIREWALL_OCTET) * 256;
    if cidrs > room {
        return Err(format!(
            "{cidrs} firewall CIDRs do not fit the address plan (at most {room} /24s in 10.64.0.0-10.255.255.0)"
        ));
    }
    if shape.log_collectors > 256 - FIRST_COLLECTOR_HOST {
        return Err(format!(
            "{} Log Collectors do not fit the address plan (at most {})",
            shape.log_collectors,
            256 - FIRST_COLLECTOR_HOST
        ));
    }
    Ok(json!({
        "panorama": panorama(),
        "log_collectors": log_collectors(shape),
        "firewalls": firewalls(shape),
    }))
}

fn panorama() -> Json {
    let node = |host: usize| {
        let addresses: Map<String, Json> = PANORAMA_INTERFACES
            .iter()
            .enumerate()
            .map(|(subnet, (_, interface))| {
                (
                    interface.to_string(),
                    json!([format!("10.0.{subnet}.{host}")]),
                )
            })
            .collect();
        json!({ "addresses": addresses })
    };
    let interfaces: Map<String, Json> = PANORAMA_INTERFACES
        .iter()
        .map(|(function, interface)| (function.to_string(), json!(interface)))
        .collect();
    json!({
        "version": PANORAMA_VERSION,
        "model": "m-600",
        "mode": "panorama",
        "interfaces": interfaces,
        "nodes": { "primary": node(10), "secondary": node(11) },
    })
}

/// `prefix-0042`: zero-padded to at least `min_width` digits so names sort by number.
fn name(prefix: &str, number: usize, count: usize, min_width: usize) -> String {
    let width = count.to_string().len().max(min_width);
    format!("{prefix}-{number:0width$}")
}

fn collector_group_name(shape: &Shape, index: usize) -> String {
    name("cg", index + 1, shape.collector_groups(), 2)
}

fn log_collectors(shape: &Shape) -> Json {
    let collectors: Map<String, Json> = (0..shape.log_collectors)
        .map(|index| {
            let host = FIRST_COLLECTOR_HOST + index;
            let collector = json!({
                "version": PANORAMA_VERSION,
                "model": "m-600",
                "collector_group": collector_group_name(shape, index / COLLECTORS_PER_GROUP),
                "interfaces": { "log_collection": "eth1", "collector_group": "eth2" },
                "addresses": {
                    "mgt": [format!("10.1.0.{host}")],
                    "eth1": [format!("10.1.1.{host}")],
                    "eth2": [format!("10.1.2.{host}")],
                },
            });
            (name("lc", index + 1, shape.log_collectors, 2), collector)
        })
        .collect();
    Json::Object(collectors)
}

fn firewalls(shape: &Shape) -> Json {
    let groups: Map<String, Json> = (0..shape.firewall_groups)
        .map(|index| {
            let addresses: Vec<String> = (0..shape.cidrs_per_group)
                .map(|cidr| {
                    let block = index * shape.cidrs_per_group + cidr;
                    format!(
                        "10.{}.{}.0/24",
                        FIRST_FIREWALL_OCTET + block / 256,
                        block % 256
                    )
                })
                .collect();
            let mut group = json!({
                "version": FIREWALL_VERSIONS[index % FIREWALL_VERSIONS.len()],
                "addresses": addresses,
            });
            if index % 8 != 0 && shape.collector_groups() > 0 {
                group["collector_group"] = json!(collector_group_name(
                    shape,
                    index % shape.collector_groups()
                ));
            }
            (name("fw", index + 1, shape.firewall_groups, 5), group)
        })
        .collect();
    Json::Object(groups)
}

/// `estate` with the top-level attributes of `extra` added or replaced (for example an
/// output selection), or why `extra` is not an object.
pub fn with_inputs(mut estate: Json, extra: &Json) -> Result<Json, String> {
    let (Json::Object(into), Json::Object(from)) = (&mut estate, extra) else {
        return Err(format!("extra inputs must be a JSON object, not {extra}"));
    };
    into.extend(from.clone());
    Ok(estate)
}

/// The type Terraform gives a value written in HCL or a JSON `locals` block: tuples for
/// lists, objects for maps.
pub fn written_type(json: &Json) -> Type {
    match json {
        Json::Null => Type::Dynamic,
        Json::Bool(_) => Type::Bool,
        Json::Number(_) => Type::Number,
        Json::String(_) => Type::String,
        Json::Array(items) => Type::Tuple(items.iter().map(written_type).collect()),
        Json::Object(entries) => {
            Type::object(entries.iter().map(|(k, v)| (k.clone(), written_type(v))))
        }
    }
}

/// The data source's configuration as Terraform sends it to ReadDataSource: every
/// attribute present, inputs as written (a `dynamic` input with the type it was written
/// with), everything else null; or why `estate` cannot be sent.
pub fn read_request(estate: &Json) -> Result<pb::read_data_source::Request, String> {
    let data_source = FlowMatrixDataSource::new().map_err(|e| e.to_string())?;
    let value_type = data_source.schema().block.value_type();
    let Type::Object(attributes) = &value_type else {
        return Err("the data source's schema is not an object".into());
    };
    let given = estate
        .as_object()
        .ok_or("the estate is not a JSON object")?;
    if let Some(name) = given.keys().find(|name| !attributes.contains_key(*name)) {
        // Terraform would refuse the configuration before asking the provider.
        return Err(format!(
            "`{name}` is not an attribute of panorama_flow_matrix in this build"
        ));
    }
    let mut config = std::collections::BTreeMap::new();
    for (name, ty) in attributes {
        let value = match (ty, given.get(name)) {
            (_, None | Some(Json::Null)) => Value::Null,
            (Type::Dynamic, Some(written)) => {
                let written_ty = written_type(written);
                let value = Value::from_json(written, &written_ty).map_err(|e| e.to_string())?;
                Value::Dynamic(written_ty, Box::new(value))
            }
            (ty, Some(written)) => {
                Value::from_json(written, ty).map_err(|e| format!("`{name}`: {e}"))?
            }
        };
        config.insert(name.clone(), value);
    }
    let config = msgpack::to_dynamic_value(&Value::Object(config), &value_type)
        .map_err(|e| e.to_string())?;
    Ok(pb::read_data_source::Request {
        type_name: "panorama_flow_matrix".into(),
        config: Some(config),
        ..Default::default()
    })
}
