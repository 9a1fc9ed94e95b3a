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
//! [`interfaces`]) -> [`estate`] (checked) -> [`expand`] with the [`catalog`] and the
//! [`services`] table -> flows -> [`views`] (rules, digest).

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
    let (estate, diagnostics) = parse::parse(config);
    let matrix = estate.map(|estate| views::matrix(expand::flows(&estate)));
    Outcome {
        matrix,
        diagnostics,
    }
}

/// Checks `config` without computing flows.
pub fn check(config: &EstateConfig) -> Vec<Diagnostic> {
    parse::parse(config).1
}
