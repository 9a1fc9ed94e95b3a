//! The flow engine: from a declared estate to the flows it needs.
//!
//! Pure Rust with no Terraform types, usable on its own:
//!
//! ```
//! use panorama_provider::flows::{self, config::EstateConfig};
//!
//! let config: EstateConfig = serde_json::from_value(serde_json::json!({
//!     "panorama": { "version": "10.2", "nodes": { "a": {}, "b": {} } },
//! })).unwrap();
//! let outcome = flows::compute(&config);
//! let matrix = outcome.matrix.unwrap();
//! assert!(matrix.flows.unwrap().iter().any(|f| f.to_port == 28260));
//! ```
//!
//! Pipeline: [`input`] (as written) -> [`read`] against the [`schema`] -> [`config`] (as
//! declared) -> [`parse`] and [`checks`] (compatibility, [`interfaces`], [`addresses`]) ->
//! [`estate`] (checked) -> [`expand`] with the [`catalog`] and the [`services`] table ->
//! flows -> [`views`] (rules keyed as [`keys`] says, digest; only the outputs the
//! [`selection`] asks for). Every entry point starts at
//! [`compute_input`] or [`check_input`]; [`compute`] and [`check`] start from a model built
//! some other way.
//!
//! An estate whose only unknown values are addresses (Terraform plans an ENI and its
//! rules together) is still computed: outputs that depend on an unknown address are
//! [`known::Known::Unknown`], everything else is what apply will compute.
//!
//! A caller that may lose interest (Terraform's StopProvider) uses
//! [`compute_input_cancellable`] or [`compute_cancellable`] with a [`CancelToken`] it
//! sets from elsewhere.

pub mod addresses;
pub mod audit;
pub mod cancel;
pub mod catalog;
pub mod checks;
pub mod chunks;
pub mod config;
pub mod diagnostic;
pub mod estate;
pub mod expand;
pub mod input;
pub mod interfaces;
pub mod keys;
pub mod known;
pub mod matrix;
pub mod parse;
pub mod read;
pub mod schema;
pub mod selection;
pub mod services;
pub mod version;
pub mod views;

pub use cancel::{CancelToken, Cancelled};
pub use diagnostic::{Diagnostic, Path, Severity, Step};
pub use known::Known;
pub use matrix::{Flow, FlowMatrix, GroupedRule, Rule};
pub use selection::{Selection, View};

use std::collections::BTreeSet;

use config::EstateConfig;
use expand::Expanded;
use input::Input;

/// What the engine makes of a declared estate.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The flows, unless an error was found.
    pub matrix: Option<FlowMatrix>,
    /// Every error and warning, each pointing at the value at fault.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks `config` and, when it holds no error, computes its flows.
pub fn compute(config: &EstateConfig) -> Outcome {
    // A token nobody else holds is never set.
    compute_cancellable(config, &CancelToken::new()).unwrap_or_else(|Cancelled| Outcome {
        matrix: None,
        diagnostics: Vec::new(),
    })
}

/// [`compute`], giving up with [`Cancelled`] soon after `cancel` is set: the expansion
/// and every view check it as they go.
pub fn compute_cancellable(
    config: &EstateConfig,
    cancel: &CancelToken,
) -> Result<Outcome, Cancelled> {
    let (flows, diagnostics) = analyse(config, &BTreeSet::new(), cancel)?;
    let matrix = match flows {
        Some((flows, selection)) => Some(views::matrix(flows, &selection, cancel)?),
        None => None,
    };
    Ok(Outcome {
        matrix,
        diagnostics,
    })
}

/// Checks `config` without building the views: the same diagnostics as [`compute`].
pub fn check(config: &EstateConfig) -> Vec<Diagnostic> {
    // A token nobody else holds is never set.
    check_cancellable(config, &CancelToken::new()).unwrap_or_default()
}

/// [`check`], giving up with [`Cancelled`] soon after `cancel` is set (the findings on
/// open addresses need the expansion).
fn check_cancellable(
    config: &EstateConfig,
    cancel: &CancelToken,
) -> Result<Vec<Diagnostic>, Cancelled> {
    analyse(config, &BTreeSet::new(), cancel).map(|(_, found)| found)
}

/// The flows of `config` and the outputs it selects, when it holds no error, and every
/// finding, including those that need the flows (an address open to everyone names the
/// flows it opens). The addresses declared at `unknown` are known only after apply.
#[allow(clippy::type_complexity)]
fn analyse(
    config: &EstateConfig,
    unknown: &BTreeSet<Path>,
    cancel: &CancelToken,
) -> Result<(Option<(Vec<Expanded>, Selection)>, Vec<Diagnostic>), Cancelled> {
    cancel.check()?;
    let (estate, mut diagnostics) = parse::parse_with_unknown_addresses(config, unknown);
    let (selection, refused) = selection::read(config);
    let selected = refused.is_empty();
    diagnostics.extend(refused);
    let flows = match estate {
        Some(estate) => Some(expand::flows(&estate, cancel)?),
        None => None,
    };
    if let Some(flows) = &flows {
        diagnostics.extend(addresses::open_to_everyone(config, flows));
    }
    let flows = flows.filter(|_| selected).map(|flows| (flows, selection));
    Ok((flows, diagnostics))
}

/// Reads the estate as written, checks it and, when it holds no error, computes its
/// flows. Findings that rest on a value not known yet, or on a value the reader refused,
/// are left out (see [`read`]).
///
/// Unknown values: when every unknown value is an address (an element of an address list
/// or a value of a map of named addresses), the flows are computed with those addresses
/// unknown (see [`known`]); any other unknown value (a version, a whole list or map)
/// leaves no matrix and no error, to wait for the value.
pub fn compute_input(input: &Input) -> Outcome {
    // A token nobody else holds is never set.
    compute_input_cancellable(input, &CancelToken::new()).unwrap_or_else(|Cancelled| Outcome {
        matrix: None,
        diagnostics: Vec::new(),
    })
}

/// [`compute_input`], giving up with [`Cancelled`] soon after `cancel` is set.
pub fn compute_input_cancellable(
    input: &Input,
    cancel: &CancelToken,
) -> Result<Outcome, Cancelled> {
    let reading = read::read(input);
    let Some(config) = &reading.config else {
        return Ok(Outcome {
            matrix: None,
            diagnostics: reading.diagnostics,
        });
    };
    let unknown = unknown_addresses(config, &reading);
    let Some(unknown) = unknown.filter(|_| reading.diagnostics.is_empty()) else {
        return Ok(Outcome {
            matrix: None,
            diagnostics: settled(&reading, check_cancellable(config, cancel)?),
        });
    };
    if unknown.is_empty() {
        return compute_cancellable(config, cancel);
    }
    let (flows, found) = analyse(config, &unknown, cancel)?;
    let diagnostics = settled(&reading, found);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    let matrix = match flows.filter(|_| !failed) {
        Some((flows, selection)) => Some(views::matrix(flows, &selection, cancel)?),
        None => None,
    };
    Ok(Outcome {
        matrix,
        diagnostics,
    })
}

/// The paths of the unknown values when each is an address, `None` when another value is
/// unknown.
fn unknown_addresses(config: &EstateConfig, reading: &read::Reading) -> Option<BTreeSet<Path>> {
    let unknown: BTreeSet<Path> = reading.unknowns.iter().cloned().collect();
    if unknown.is_empty() {
        return Some(unknown);
    }
    let addresses = addresses::declared(config)
        .into_iter()
        .filter(|address| unknown.contains(&address.path))
        .count();
    (addresses == unknown.len()).then_some(unknown)
}

/// Reads and checks the estate as written without computing flows; checks that rest on
/// a value not known yet wait for it.
pub fn check_input(input: &Input) -> Vec<Diagnostic> {
    let reading = read::read(input);
    match &reading.config {
        Some(config) => settled(&reading, check(config)),
        None => reading.diagnostics,
    }
}

/// The reader's diagnostics, then the findings that do not rest on an unsettled value.
fn settled(reading: &read::Reading, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diagnostics = reading.diagnostics.clone();
    diagnostics.extend(found.into_iter().filter(|d| !reading.unsettles(d)));
    diagnostics
}
