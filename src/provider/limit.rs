//! The largest response Terraform accepts, and what the provider says instead of sending
//! a larger one.
//!
//! Terraform's gRPC client keeps grpc-go's default receive limit of 256 MiB per message:
//! a larger ReadDataSource or CallFunction response fails in Terraform with
//! `rpc error: code = OutOfRange desc = Error, encoded message length too large`, after
//! the provider did all the work. The provider measures the response before writing it
//! (see [`convert::layout`](super::convert::layout)) and answers with a diagnostic that
//! names the estate's size and a selection of outputs that would fit.

use std::collections::BTreeMap;

use crate::flows::{FlowMatrix, Known, Rule};
use crate::tfproto::{Type, Value};

use super::convert::{self, Layout};
use super::encode::{self, Options};
use super::output::OutputError;

/// Terraform's limit on one gRPC message it receives, in bytes (256 MiB).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// Room kept for the rest of the response: its diagnostics and the protobuf framing of
/// the state (a few bytes; warnings a few kilobytes at most).
pub const RESERVE_BYTES: usize = 1024 * 1024;

/// The largest state or function result the provider sends.
pub const MAX_VALUE_BYTES: usize = MAX_MESSAGE_BYTES - RESERVE_BYTES;

/// Whether a value of `bytes` can be sent.
pub fn fits(bytes: usize) -> bool {
    bytes <= MAX_VALUE_BYTES
}

/// How big an estate is, for the diagnostic: its size as written, and what the outputs
/// it computed hold (`None` for an output left out or unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EstateSize {
    /// Entries of `firewalls`.
    pub firewall_groups: usize,
    /// Entries of `log_collectors`.
    pub log_collectors: usize,
    /// Flows in `flows`.
    pub flows: Option<usize>,
    /// Rules in `ingress_rules` and `egress_rules`.
    pub rules: Option<usize>,
    /// Rules in `grouped_rules`.
    pub grouped_rules: Option<usize>,
}

impl EstateSize {
    /// The size of the estate in `estate` (the data source's configuration or the
    /// function's argument) and of what it computed.
    pub fn of(estate: &Value, matrix: &FlowMatrix) -> Self {
        let entries = |name: &str| {
            estate
                .get(name)
                .and_then(Value::as_entries)
                .map_or(0, |entries| entries.len())
        };
        let rules =
            |rules: &Option<Known<Vec<Rule>>>| rules.as_ref().and_then(Known::value).map(Vec::len);
        let (ingress, egress) = (rules(&matrix.ingress_rules), rules(&matrix.egress_rules));
        EstateSize {
            firewall_groups: entries("firewalls"),
            log_collectors: entries("log_collectors"),
            flows: matrix.flows.as_ref().map(Vec::len),
            rules: match (ingress, egress) {
                (None, None) => None,
                (ingress, egress) => Some(ingress.unwrap_or(0) + egress.unwrap_or(0)),
            },
            grouped_rules: matrix.grouped_rules.as_ref().map(Vec::len),
        }
    }

    /// "10000 firewall groups and 50 Log Collectors; the outputs hold 1 flows, ...".
    fn describe(&self) -> String {
        let mut text = format!(
            "The estate has {} firewall groups and {} Log Collectors",
            self.firewall_groups, self.log_collectors
        );
        let held: Vec<String> = [
            (self.flows, "flows"),
            (self.rules, "ingress and egress rules"),
            (self.grouped_rules, "grouped rules"),
        ]
        .into_iter()
        .filter_map(|(count, what)| count.map(|count| format!("{count} {what}")))
        .collect();
        if !held.is_empty() {
            text.push_str(&format!("; the outputs hold {}", held.join(", ")));
        }
        text.push('.');
        text
    }
}

/// `id`: computed whatever `views` selects, so never part of a selection.
const ALWAYS: &str = "id";

/// The summary and detail of the error for a response of `layout` that is too large.
/// `what` names the response (`The state of panorama_flow_matrix`).
pub fn too_large(
    what: &str,
    size: &EstateSize,
    layout: &Layout,
    by_appliance: &[(String, usize)],
    max_bytes: usize,
) -> (String, String) {
    let summary = "Response too large for Terraform".to_owned();
    let mut outputs: Vec<(&str, usize)> = layout
        .outputs()
        .filter(|(name, _)| *name != ALWAYS)
        .collect();
    let fixed = layout.total - outputs.iter().map(|(_, bytes)| bytes).sum::<usize>();
    let mut detail = format!(
        "{what} would take {} ({} bytes): more than Terraform accepts in one response ({}, \
         {} bytes, with room for the rest of the response), so the provider sends none. \
         {}\n\nSize of each output:",
        mib(layout.total),
        layout.total,
        mib(MAX_MESSAGE_BYTES),
        MAX_MESSAGE_BYTES,
        size.describe(),
    );
    for (name, bytes) in &outputs {
        detail.push_str(&format!("\n- {name}: {}", mib(*bytes)));
    }
    // The most outputs that fit, smallest first: a selection that passes.
    outputs.sort_by_key(|(name, bytes)| (*bytes, *name));
    let mut total = fixed;
    let mut chosen = Vec::new();
    for (name, bytes) in outputs {
        if total + bytes <= max_bytes {
            total += bytes;
            chosen.push(name);
        }
    }
    chosen.sort_unstable();
    let listed: Vec<String> = chosen.iter().map(|name| format!("\"{name}\"")).collect();
    detail.push_str(&format!(
        "\n\nSelect only the outputs the configuration uses, for example `views = [{}]` ({}), \
         and narrow the rules and flows to the appliances whose rules are needed with \
         `appliances`.",
        listed.join(", "),
        mib(total),
    ));
    if !by_appliance.is_empty() {
        let sizes: Vec<String> = by_appliance
            .iter()
            .map(|(pattern, bytes)| format!("`{pattern}` {}", mib(*bytes)))
            .collect();
        detail.push_str(&format!(
            " The rules (ingress, egress and grouped) by appliance: {}.",
            sizes.join(", ")
        ));
    }
    (summary, detail)
}

/// Why a response was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotWritten {
    /// Larger than `max_bytes`: the error's summary and detail ([`too_large`]).
    TooLarge(String, String),
    /// The writer failed (cancelled, or a bug).
    Failed(OutputError),
}

impl From<OutputError> for NotWritten {
    fn from(error: OutputError) -> Self {
        NotWritten::Failed(error)
    }
}

/// The object `object` (see [`convert::layout`](super::convert::layout)) as msgpack, when
/// it takes at most `max_bytes`: measured before it is written, checked again after, so
/// nothing larger is ever returned. `estate` is what the estate's size is read from;
/// `what` names the response in the error.
#[allow(clippy::too_many_arguments)]
pub fn write_within(
    config: Option<&Value>,
    estate: &Value,
    matrix: &FlowMatrix,
    object: &Type,
    outputs: &Type,
    options: Options<'_>,
    max_bytes: usize,
    what: &str,
) -> Result<Vec<u8>, NotWritten> {
    let layout = convert::layout(config, matrix, object, outputs, options)?;
    let too_large = || {
        let size = EstateSize::of(estate, matrix);
        let by_appliance = rules_by_appliance(matrix, outputs, options)?;
        let (summary, detail) = too_large(what, &size, &layout, &by_appliance, max_bytes);
        Ok(NotWritten::TooLarge(summary, detail))
    };
    if layout.total > max_bytes {
        return Err(too_large().unwrap_or_else(NotWritten::Failed));
    }
    let bytes = convert::write_object(config, matrix, object, outputs, options, layout.total)?;
    if bytes.len() > max_bytes {
        return Err(too_large().unwrap_or_else(NotWritten::Failed));
    }
    Ok(bytes)
}

/// The encoded size of the rules (ingress, egress and grouped) of each kind of appliance,
/// as the pattern that selects them (`panorama.*`), largest first: measured only for the
/// error, where they show which `appliances` would fit.
pub fn rules_by_appliance(
    matrix: &FlowMatrix,
    outputs: &Type,
    options: Options<'_>,
) -> Result<Vec<(String, usize)>, OutputError> {
    let element = |name: &str| match outputs {
        Type::Object(types) => match types.get(name) {
            Some(Type::List(element)) => Ok(element.as_ref()),
            _ => Err(OutputError(format!("`{name}` is not a list in the schema"))),
        },
        _ => Err(OutputError("the outputs are not an object".into())),
    };
    let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
    let mut add = |appliance: &str, bytes: usize| {
        let kind = appliance.split('.').next().unwrap_or(appliance);
        *sizes.entry(format!("{kind}.*")).or_default() += bytes;
    };
    for (name, rules) in [
        ("ingress_rules", &matrix.ingress_rules),
        ("egress_rules", &matrix.egress_rules),
    ] {
        if let Some(Known::Value(rules)) = rules {
            let ty = element(name)?;
            for rule in rules {
                add(&rule.appliance, measure(rule, ty, options)?);
            }
        }
    }
    if let Some(rules) = &matrix.grouped_rules {
        let ty = element("grouped_rules")?;
        for rule in rules {
            add(&rule.appliance, measure(rule, ty, options)?);
        }
    }
    let mut sizes: Vec<(String, usize)> = sizes.into_iter().collect();
    sizes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(sizes)
}

/// The encoded size of `value` at type `ty`.
fn measure<T: serde::Serialize>(
    value: &T,
    ty: &Type,
    options: Options<'_>,
) -> Result<usize, OutputError> {
    let mut counter = encode::Counter::default();
    encode::write(&mut counter, value, ty, options)?;
    Ok(encode::Sink::position(&counter))
}

/// `bytes` in MiB with one decimal.
fn mib(bytes: usize) -> String {
    // Sizes stay far below 2^52, so the conversion is exact enough for one decimal.
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(outputs: &[(&str, usize)]) -> Layout {
        let mut attributes = vec![
            ("firewalls".to_owned(), false, 1000),
            ("id".to_owned(), true, 66),
        ];
        attributes.extend(
            outputs
                .iter()
                .map(|(name, bytes)| ((*name).to_owned(), true, *bytes)),
        );
        let total = attributes.iter().map(|(_, _, bytes)| bytes).sum::<usize>() + 100;
        Layout { attributes, total }
    }

    #[test]
    fn the_limit_is_terraforms() {
        assert_eq!(MAX_MESSAGE_BYTES, 268_435_456);
        assert!(fits(MAX_VALUE_BYTES) && !fits(MAX_VALUE_BYTES + 1));
    }

    #[test]
    fn the_detail_names_the_estate_and_a_selection_that_fits() {
        let size = EstateSize {
            firewall_groups: 10_000,
            log_collectors: 50,
            flows: None,
            rules: Some(34),
            grouped_rules: Some(5),
        };
        let mib = 1024 * 1024;
        let layout = layout(&[
            ("flows", 200 * mib),
            ("ingress_rules", 100 * mib),
            ("grouped_rules", 10 * mib),
            ("flows_markdown", 50 * mib),
        ]);
        let by_appliance = [("panorama.*".to_owned(), 3 * mib)];
        let (summary, detail) =
            too_large("The state", &size, &layout, &by_appliance, MAX_VALUE_BYTES);
        assert_eq!(summary, "Response too large for Terraform");
        assert!(
            detail.contains(
                "The estate has 10000 firewall groups and 50 Log Collectors; the outputs hold \
                 34 ingress and egress rules, 5 grouped rules."
            ),
            "{detail}"
        );
        assert!(detail.contains("- flows: 200.0 MiB"), "{detail}");
        assert!(
            detail.ends_with("by appliance: `panorama.*` 3.0 MiB."),
            "{detail}"
        );
        assert!(
            detail.contains(
                "`views = [\"flows_markdown\", \"grouped_rules\", \"ingress_rules\"]` (160.0 MiB)"
            ),
            "{detail}"
        );
    }
}
