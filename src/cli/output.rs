//! What `flows` and `rules` print: the data source's values in the format asked for.
//!
//! JSON is exactly what `terraform output -json` prints for the same attribute. CSV has
//! one row per element and the JSON attribute names as its header, in the order the
//! attributes are documented (any attribute added later follows, sorted); a list becomes
//! its elements separated by spaces, null an empty cell.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::args::{FlowsFormat, RulesFormat};
use super::json;
use crate::flows::{Flow, FlowMatrix, Known, Rule, View};

/// The columns of a flow, in reading order.
const FLOW_COLUMNS: &[&str] = &[
    "key",
    "source",
    "source_kind",
    "source_interface",
    "source_addresses",
    "destination",
    "destination_kind",
    "destination_interface",
    "destination_addresses",
    "protocol",
    "from_port",
    "to_port",
    "application",
    "purpose",
    "description",
];

/// The columns of a rule, in reading order.
const RULE_COLUMNS: &[&str] = &[
    "key",
    "appliance",
    "interface",
    "peer",
    "protocol",
    "from_port",
    "to_port",
    "cidr_ipv4",
    "cidr_ipv6",
    "description",
    "flow_key",
];

/// The flows in `format`, ending with a newline.
pub fn flows(matrix: &FlowMatrix, format: FlowsFormat) -> Result<String, String> {
    match format {
        FlowsFormat::Json => Ok(line(json::to_string(&to_json(selected(
            &matrix.flows,
            View::Flows,
        )?)?))),
        FlowsFormat::Csv => {
            let rows = rows(selected(&matrix.flows, View::Flows)?)?;
            csv(
                &columns::<Flow>(FLOW_COLUMNS)?,
                rows.iter().map(|row| (None, row)),
            )
        }
        FlowsFormat::Markdown => Ok(line(
            known(selected(&matrix.flows_markdown, View::FlowsMarkdown)?)?.clone(),
        )),
        FlowsFormat::Mermaid => Ok(line(
            selected(&matrix.flows_mermaid, View::FlowsMermaid)?.clone(),
        )),
    }
}

/// The ingress and egress rules in `format`, ending with a newline.
pub fn rules(matrix: &FlowMatrix, format: RulesFormat) -> Result<String, String> {
    match format {
        RulesFormat::Json => {
            let mut both = Map::new();
            both.insert("egress_rules".into(), to_json(&matrix.egress_rules)?);
            both.insert("ingress_rules".into(), to_json(&matrix.ingress_rules)?);
            Ok(line(json::to_string(&Json::Object(both))))
        }
        RulesFormat::Csv => {
            let mut header = vec!["direction".to_owned()];
            header.extend(columns::<Rule>(RULE_COLUMNS)?);
            let ingress = rows(known(selected(&matrix.ingress_rules, View::IngressRules)?)?)?;
            let egress = rows(known(selected(&matrix.egress_rules, View::EgressRules)?)?)?;
            let tagged = ingress
                .iter()
                .map(|row| (Some("ingress"), row))
                .chain(egress.iter().map(|row| (Some("egress"), row)));
            csv(&header, tagged)
        }
    }
}

/// An output of an estate file, which holds no value known only after apply (only
/// Terraform has those), so every output is known.
pub fn known<T>(output: &Known<T>) -> Result<&T, String> {
    output.value().ok_or_else(|| {
        "an output is known only after apply, which an estate file cannot make".to_owned()
    })
}

/// An output the estate file's `views` selects, or an error saying how to select it.
pub fn selected<T>(output: &Option<T>, view: View) -> Result<&T, String> {
    output.as_ref().ok_or_else(|| {
        format!(
            "the estate's `views` leaves out `{}`: add it to `views`, or remove `views` for \
             every output",
            view.name()
        )
    })
}

/// `text`, ending with exactly one newline.
fn line(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn to_json<T: Serialize>(value: &T) -> Result<Json, String> {
    serde_json::to_value(value).map_err(|e| format!("cannot write the output as JSON: {e}"))
}

/// Each element as a JSON object.
fn rows<T: Serialize>(items: &[T]) -> Result<Vec<Map<String, Json>>, String> {
    items
        .iter()
        .map(|item| match to_json(item)? {
            Json::Object(row) => Ok(row),
            _ => Err("an output element is not an object".to_owned()),
        })
        .collect()
}

/// The JSON attribute names of `T`: those of `order` first, in that order, then any
/// other, sorted.
fn columns<T: Serialize + Default>(order: &[&str]) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = match to_json(&T::default())? {
        Json::Object(fields) => fields.keys().cloned().collect(),
        _ => return Err("an output element is not an object".to_owned()),
    };
    names.sort_by_key(|name| {
        let rank = order.iter().position(|o| o == name);
        (rank.is_none(), rank, name.clone())
    });
    Ok(names)
}

/// A CSV table: `header`, then one row per object (its cells in `header` order, after the
/// leading tag when there is one).
fn csv<'r>(
    header: &[String],
    rows: impl Iterator<Item = (Option<&'static str>, &'r Map<String, Json>)>,
) -> Result<String, String> {
    let failed = |e: csv::Error| format!("cannot write CSV: {e}");
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(failed)?;
    for (tag, row) in rows {
        let fields = header.iter().skip(usize::from(tag.is_some()));
        let cells = tag
            .map(str::to_owned)
            .into_iter()
            .chain(fields.map(|name| cell(row.get(name).unwrap_or(&Json::Null))));
        writer
            .write_record(cells.collect::<Vec<_>>())
            .map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| format!("cannot write CSV: {e}"))?;
    String::from_utf8(bytes).map_err(|e| format!("cannot write CSV: {e}"))
}

/// One value as a CSV cell.
fn cell(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::String(text) => text.clone(),
        Json::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::{self, config::EstateConfig};
    use serde_json::json;

    fn matrix() -> FlowMatrix {
        let config: EstateConfig = serde_json::from_value(json!({
            "panorama": { "version": "10.2", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.1"] } } } },
            "firewalls": { "f": { "version": "10.1", "addresses": ["10.1.0.0/16", "2001:db8::/64"] } },
        }))
        .unwrap();
        flows::compute(&config).matrix.unwrap()
    }

    #[test]
    fn json_is_the_data_source_value() {
        let matrix = matrix();
        let printed = flows(&matrix, FlowsFormat::Json).unwrap();
        assert!(printed.ends_with("]\n") && printed.lines().count() == 1);
        let back: Json = serde_json::from_str(&printed).unwrap();
        assert_eq!(back, serde_json::to_value(&matrix.flows).unwrap());
        let rules = rules(&matrix, RulesFormat::Json).unwrap();
        assert!(rules.starts_with("{\"egress_rules\":["));
        let back: Json = serde_json::from_str(&rules).unwrap();
        assert_eq!(
            back["ingress_rules"],
            serde_json::to_value(&matrix.ingress_rules).unwrap()
        );
    }

    #[test]
    fn csv_has_one_row_per_element_under_the_json_names() {
        let matrix = matrix();
        let printed = flows(&matrix, FlowsFormat::Csv).unwrap();
        let mut reader = csv::Reader::from_reader(printed.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header, columns::<Flow>(FLOW_COLUMNS).unwrap());
        assert_eq!(header[..3], ["key", "source", "source_kind"]);
        assert!(header.contains(&"destination_addresses".to_owned()));
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), matrix.flows.as_ref().unwrap().len());
        let at = |name: &str| header.iter().position(|h| h == name).unwrap();
        let firewall = records
            .iter()
            .find(|r| &r[at("source")] == "firewall.f")
            .unwrap();
        assert_eq!(
            &firewall[at("source_addresses")],
            "10.1.0.0/16 2001:db8::/64"
        );
        assert_eq!(&firewall[at("source_interface")], "");

        let rules = rules(&matrix, RulesFormat::Csv).unwrap();
        let mut reader = csv::Reader::from_reader(rules.as_bytes());
        assert_eq!(&reader.headers().unwrap()[0], "direction");
        let directions: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
        assert_eq!(
            directions.len(),
            known(matrix.ingress_rules.as_ref().unwrap()).unwrap().len()
                + known(matrix.egress_rules.as_ref().unwrap()).unwrap().len()
        );
        assert!(
            directions.iter().any(|d| d == "egress") && directions.iter().any(|d| d == "ingress")
        );
    }

    #[test]
    fn views_for_people_are_the_data_source_strings() {
        let matrix = matrix();
        assert_eq!(
            flows(&matrix, FlowsFormat::Markdown).unwrap(),
            *known(matrix.flows_markdown.as_ref().unwrap()).unwrap()
        );
        assert!(flows(&matrix, FlowsFormat::Mermaid)
            .unwrap()
            .starts_with(matrix.flows_mermaid.as_ref().unwrap()));
    }

    #[test]
    fn an_empty_list_still_has_its_header() {
        let empty = FlowMatrix {
            flows: Some(Vec::new()),
            ..FlowMatrix::default()
        };
        assert_eq!(flows(&empty, FlowsFormat::Json).unwrap(), "[]\n");
        let csv = flows(&empty, FlowsFormat::Csv).unwrap();
        assert_eq!(csv.lines().count(), 1);
        assert!(csv.starts_with("key,source,"));
    }

    #[test]
    fn an_output_left_out_is_an_error_saying_how_to_select_it() {
        let config: EstateConfig = serde_json::from_value(json!({
            "panorama": { "version": "10.2", "nodes": { "a": {} } },
            "views": ["flows_mermaid", "egress_rules"],
        }))
        .unwrap();
        let matrix = flows::compute(&config).matrix.unwrap();
        assert!(flows(&matrix, FlowsFormat::Mermaid).is_ok());
        assert_eq!(
            flows(&matrix, FlowsFormat::Json),
            Err(
                "the estate's `views` leaves out `flows`: add it to `views`, or remove \
                 `views` for every output"
                    .to_owned()
            )
        );
        let err = rules(&matrix, RulesFormat::Csv).unwrap_err();
        assert!(err.contains("leaves out `ingress_rules`"), "{err}");
    }

    #[test]
    fn every_ordered_column_is_an_attribute() {
        for (order, names) in [
            (FLOW_COLUMNS, columns::<Flow>(&[]).unwrap()),
            (RULE_COLUMNS, columns::<Rule>(&[]).unwrap()),
        ] {
            for column in order {
                assert!(
                    names.iter().any(|n| n == column),
                    "`{column}` is no attribute"
                );
            }
        }
        let rules = columns::<Rule>(RULE_COLUMNS).unwrap();
        assert_eq!(rules.len(), columns::<Rule>(&[]).unwrap().len());
    }
}
