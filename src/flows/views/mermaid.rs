//! The estate's flows as a Mermaid flowchart: one box per endpoint, grouped by kind, and
//! one arrow per initiator and listener labelled with its protocols and ports.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::flows::cancel::{CancelToken, Cancelled};
use crate::flows::expand::Kind;
use crate::flows::matrix::{port_range, Flow};

/// Heading of each kind's box.
fn heading(kind: Kind) -> &'static str {
    match kind {
        Kind::Panorama => "Panorama",
        Kind::LogCollector => "Log Collectors",
        Kind::Firewall => "Firewalls",
        Kind::Wildfire => "WildFire",
        Kind::CortexDataLake => "Cortex Data Lake",
        Kind::Service => "Services",
    }
}

/// A protocol and port range: `("tcp", 3978, 3978)`.
type Ports<'f> = (&'f str, u16, u16);

/// A `flowchart LR` diagram (without the Markdown fence). Node ids are positions in the
/// sorted endpoint list, so names never clash with Mermaid's keywords.
pub(super) fn diagram(flows: &[&Flow], cancel: &CancelToken) -> Result<String, Cancelled> {
    let mut endpoints: BTreeMap<&str, &str> = BTreeMap::new();
    let mut arrows: BTreeMap<(&str, &str), BTreeSet<Ports<'_>>> = BTreeMap::new();
    for &flow in flows {
        cancel.check()?;
        endpoints.insert(&flow.source, &flow.source_kind);
        endpoints.insert(&flow.destination, &flow.destination_kind);
        arrows
            .entry((&flow.source, &flow.destination))
            .or_default()
            .insert((&flow.protocol, flow.from_port, flow.to_port));
    }
    let ids: BTreeMap<&str, String> = endpoints
        .keys()
        .enumerate()
        .map(|(i, name)| (*name, format!("n{i}")))
        .collect();

    let id = |name: &str| ids.get(name).map_or("", String::as_str);

    // Writing to a String cannot fail.
    let mut out = String::from("flowchart LR\n");
    for kind in Kind::ALL {
        let members: Vec<&str> = endpoints
            .iter()
            .filter(|(_, k)| **k == kind.name())
            .map(|(name, _)| *name)
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  subgraph {}[\"{}\"]", kind.name(), heading(kind));
        for name in members {
            let _ = writeln!(out, "    {}[\"{name}\"]", id(name));
        }
        let _ = writeln!(out, "  end");
    }
    for ((source, destination), ports) in &arrows {
        cancel.check()?;
        let label: Vec<String> = ports
            .iter()
            .map(|&(protocol, from, to)| format!("{protocol}/{}", port_range(from, to)))
            .collect();
        let _ = writeln!(
            out,
            "  {} -->|\"{}\"| {}",
            id(source),
            label.join(", "),
            id(destination)
        );
    }
    Ok(out)
}
