//! Provider-defined functions (Terraform 1.8 and later): a second way into the same
//! engine as the data source, for what a data source cannot do.
//!
//! - [`flow_matrix`](flow_matrix::FlowMatrixFunction): the data source's outputs for an
//!   estate, computed at plan time even when addresses are known only after apply
//!   (Terraform defers a data source's read to apply whenever an input is unknown);
//! - [`chunk_rules`](chunk_rules::ChunkRulesFunction): which security group of an
//!   interface each rule goes to, so none exceeds a quota of rules per group;
//! - [`audit`](audit::AuditFunction): whether the rules a security group has match the
//!   rules the matrix requires, for `check` blocks and `terraform test`.
//!
//! Each function decodes its arguments against its parameters' types, reads them with the
//! engine's checks, and returns one value of its return type, or one [`FunctionError`]
//! naming the argument and the path inside it. A function cannot return warnings
//! (Terraform's function calls return a value or an error), so warnings are left out.
//!
//! The provider runs calls like data source reads: off the async thread, a bounded number
//! at once, with a [`CancelToken`] that StopProvider sets; a stopped call answers
//! [`stopped`].

pub mod audit;
pub mod chunk_rules;
pub mod flow_matrix;

use crate::flows::{self, CancelToken, Diagnostic};
use crate::tfproto::tfplugin6::DynamicValue;
use crate::tfproto::{msgpack, Function, FunctionError, Value};

use super::schema::SchemaError;
use audit::AuditFunction;
use chunk_rules::ChunkRulesFunction;
use flow_matrix::FlowMatrixFunction;

/// Every function of the provider, with signatures derived once.
#[derive(Debug, Clone)]
pub struct Functions {
    flow_matrix: FlowMatrixFunction,
    chunk_rules: ChunkRulesFunction,
    audit: AuditFunction,
}

impl Functions {
    /// Derives every signature from the engine's types.
    pub fn new() -> Result<Self, SchemaError> {
        Ok(Functions {
            flow_matrix: FlowMatrixFunction::new()?,
            chunk_rules: ChunkRulesFunction::new(),
            audit: AuditFunction::new(),
        })
    }

    /// Every function by name, sorted.
    pub fn definitions(&self) -> Vec<(&'static str, &Function)> {
        vec![
            (audit::NAME, self.audit.definition()),
            (chunk_rules::NAME, self.chunk_rules.definition()),
            (flow_matrix::NAME, self.flow_matrix.definition()),
        ]
    }

    /// Calls function `name` with `arguments` as Terraform sends them, giving up with
    /// [`stopped`] soon after `cancel` is set.
    pub fn call(
        &self,
        name: &str,
        arguments: &[DynamicValue],
        cancel: &CancelToken,
    ) -> Result<DynamicValue, FunctionError> {
        let definition = self
            .definitions()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, definition)| definition)
            .ok_or_else(|| {
                let names: Vec<String> = self
                    .definitions()
                    .iter()
                    .map(|(n, _)| format!("`{n}`"))
                    .collect();
                FunctionError::internal(format!(
                    "This provider has no function `{}`; it has {}.",
                    flows::diagnostic::echo(name),
                    names.join(", ")
                ))
            })?;
        let values = decode(definition, arguments)?;
        // flow_matrix writes its (possibly large) result straight to msgpack; the others
        // return a value tree.
        let result = match name {
            flow_matrix::NAME => return self.flow_matrix.call(&values, cancel),
            audit::NAME => self.audit.call(&values, cancel),
            _ => self.chunk_rules.call(&values, cancel),
        }?;
        msgpack::to_dynamic_value(&result, &definition.returns).map_err(|error| {
            FunctionError::internal(format!(
                "The result could not be encoded: {error}. This is a bug in the provider: please report it with the configuration."
            ))
        })
    }
}

/// The error of a call Terraform interrupted with StopProvider (or a shutdown).
pub fn stopped() -> FunctionError {
    FunctionError::internal(
        "Stopped: Terraform asked the provider to stop before the function returned its result.",
    )
}

/// The arguments as values of their parameters' types.
fn decode(definition: &Function, arguments: &[DynamicValue]) -> Result<Vec<Value>, FunctionError> {
    let count = |n: usize| match n {
        1 => "1 argument".to_owned(),
        n => format!("{n} arguments"),
    };
    if arguments.len() != definition.parameters.len() {
        return Err(FunctionError::internal(format!(
            "The function takes {}; Terraform sent {}.",
            count(definition.parameters.len()),
            count(arguments.len())
        )));
    }
    definition
        .parameters
        .iter()
        .zip(arguments)
        .zip(0_i64..)
        .map(|((parameter, argument), index)| {
            msgpack::decode_dynamic_value(argument, &parameter.ty).map_err(|error| {
                FunctionError::argument(
                    index,
                    format!("`{}` could not be decoded: {error}.", parameter.name),
                )
            })
        })
        .collect()
}

/// The error of argument `index`, named `name`: every error among `diagnostics`, one per
/// line, each starting with its path inside the argument (`estate.firewalls["b"].version`).
/// `None` when there is no error. Terraform shows it as `Invalid value for "estate"
/// parameter: TEXT.`, so the text does not end with its own period.
pub fn argument_error(name: &str, index: i64, diagnostics: &[Diagnostic]) -> Option<FunctionError> {
    let lines: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}: {}", within(name, &d.path), d.summary, d.detail))
        .collect();
    let text = lines.join("\n");
    let text = text.strip_suffix('.').unwrap_or(&text);
    (!lines.is_empty()).then(|| FunctionError::argument(index, text))
}

/// `path` inside the argument `name`: `estate`, `estate.panorama.version`, `rules[3].key`.
pub fn within(name: &str, path: &flows::Path) -> String {
    match path.0.first() {
        None => name.to_owned(),
        Some(flows::Step::Attr(_)) => format!("{name}.{path}"),
        Some(_) => format!("{name}{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_argument_and_the_path_inside() {
        let root = flows::Path::root();
        let diagnostics = [
            Diagnostic::error(
                root.attr("firewalls").key("b").attr("version"),
                "Invalid version",
                "`x` is not a release.",
            ),
            Diagnostic::warning(root.attr("panorama"), "Odd", "Ignored."),
            Diagnostic::error(root.clone(), "Incorrect value type", "Found a list."),
        ];
        let error = argument_error("estate", 0, &diagnostics).unwrap();
        assert_eq!(error.argument, Some(0));
        assert_eq!(
            error.text,
            "estate.firewalls[\"b\"].version: Invalid version: `x` is not a release.\nestate: Incorrect value type: Found a list"
        );
        assert_eq!(argument_error("estate", 0, &diagnostics[1..2]), None);
        assert_eq!(within("rules", &root.index(3).attr("key")), "rules[3].key");
    }

    #[test]
    fn unknown_functions_and_wrong_arity_are_errors() {
        let functions = Functions::new().unwrap();
        let cancel = CancelToken::new();
        let error = functions.call("nope", &[], &cancel).unwrap_err();
        assert!(error.text.contains("no function `nope`"), "{}", error.text);
        assert!(error.text.contains("`flow_matrix`"), "{}", error.text);
        let error = functions.call(flow_matrix::NAME, &[], &cancel).unwrap_err();
        assert_eq!(
            error.text,
            "The function takes 1 argument; Terraform sent 0 arguments."
        );
    }
}
