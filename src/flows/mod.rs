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
//! assert!(matrix.flows.iter().any(|f| f.to_port == 28260));
//! ```
//!
//! Pipeline: [`config`] (as declared) -> [`parse`] and [`checks`] (compatibility,
//! [`interfaces`], [`addresses`]) -> [`estate`] (checked) -> [`expand`] with the
//! [`catalog`] and the [`services`] table -> flows -> [`views`] (rules, digest).

pub mod addresses;
pub mod audit;
pub mod catalog;
pub mod checks;
pub mod config;
pub mod diagnostic;
pub mod estate;
pub mod expand;
pub mod interfaces;
pub mod matrix;
pub mod parse;
pub mod services;
pub mod version;
pub mod views;

pub use diagnostic::{Diagnostic, Path, Severity, Step};
pub use matrix::{Flow, FlowMatrix, GroupedRule, Rule};

use config::EstateConfig;

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
    let (flows, diagnostics) = analyse(config);
    Outcome {
        matrix: flows.map(views::matrix),
        diagnostics,
    }
}

/// Checks `config` without building the views: the same diagnostics as [`compute`].
pub fn check(config: &EstateConfig) -> Vec<Diagnostic> {
    analyse(config).1
}

/// The flows of `config` when it holds no error, and every finding, including those that
/// need the flows (an address open to everyone names the flows it opens).
fn analyse(config: &EstateConfig) -> (Option<Vec<Flow>>, Vec<Diagnostic>) {
    let (estate, mut diagnostics) = parse::parse(config);
    let flows = estate.map(|estate| expand::flows(&estate));
    if let Some(flows) = &flows {
        diagnostics.extend(addresses::open_to_everyone(config, flows));
    }
    (flows, diagnostics)
}
