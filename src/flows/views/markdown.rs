//! The flows as a Markdown table, for change requests and pull request comments.

use std::fmt::Write;

use super::endpoint;
use crate::flows::cancel::{CancelToken, Cancelled};
use crate::flows::known::Known;
use crate::flows::matrix::{port_range, Flow};

const HEADER: &str = "| Source | Source addresses | Destination | Destination addresses \
| Protocol | Ports | App-ID | Purpose |\n|---|---|---|---|---|---|---|---|\n";

/// One row per flow, sorted for reading: by source, destination, protocol and port
/// (numerically, where flow keys sort ports as text). Endpoints show their interface
/// (`panorama.primary@eth1`); an empty address list reads "not declared".
pub(super) fn table(flows: &[&Flow], cancel: &CancelToken) -> Result<String, Cancelled> {
    let mut rows: Vec<&Flow> = flows.to_vec();
    rows.sort_by_key(|f| {
        let source = (&f.source, &f.source_interface);
        let destination = (&f.destination, &f.destination_interface);
        (source, destination, &f.protocol, f.from_port, f.to_port)
    });
    let mut table = String::from(HEADER);
    for flow in rows {
        cancel.check()?;
        let ports = port_range(flow.from_port, flow.to_port);
        // Writing to a String cannot fail.
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | {ports} | {} | {} |",
            endpoint(&flow.source, &flow.source_interface),
            addresses(&flow.source_addresses),
            endpoint(&flow.destination, &flow.destination_interface),
            addresses(&flow.destination_addresses),
            flow.protocol,
            flow.applications.join(", "),
            flow.purpose.replace(',', ", "),
        );
    }
    Ok(table)
}

/// The CIDRs joined; `views::matrix` builds the table only when every one is known.
fn addresses(cidrs: &Known<Vec<String>>) -> String {
    match cidrs.value() {
        Some(cidrs) if cidrs.is_empty() => "not declared".to_owned(),
        Some(cidrs) => cidrs.join(", "),
        None => "known after apply".to_owned(),
    }
}
