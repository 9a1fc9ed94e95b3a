//! Provider-defined functions as plain data (protocol 6.5 and later, Terraform 1.8 and
//! later): their signatures, and the one error a call may return.
//!
//! A function takes positional arguments of fixed types and returns one value of a fixed
//! type. It cannot return warnings or diagnostics with attribute paths: a call fails with
//! one [`FunctionError`], whose text Terraform shows after the argument it names.

use super::tfplugin6;
use super::types::Type;

/// A function's signature and documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// One line on what the function does.
    pub summary: String,
    /// Markdown description.
    pub description: String,
    /// The positional parameters.
    pub parameters: Vec<Parameter>,
    /// The type of the result.
    pub returns: Type,
}

/// One positional parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// Name, for documentation and error messages.
    pub name: String,
    /// Type constraint.
    pub ty: Type,
    /// Whether Terraform may pass null (otherwise it refuses the call itself).
    pub allow_null: bool,
    /// Whether Terraform may pass a value that is unknown or holds unknowns (otherwise
    /// it skips the call and takes the result as unknown).
    pub allow_unknown: bool,
    /// Markdown description.
    pub description: String,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    /// What is wrong, in words.
    pub text: String,
    /// Position of the argument at fault, when one is.
    pub argument: Option<i64>,
}

impl FunctionError {
    /// An error in the argument at position `argument`.
    pub fn argument(argument: i64, text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: Some(argument),
        }
    }

    /// An error that no argument is at fault for.
    pub fn internal(text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: None,
        }
    }
}

impl From<&Parameter> for tfplugin6::function::Parameter {
    fn from(parameter: &Parameter) -> Self {
        Self {
            name: parameter.name.clone(),
            r#type: parameter.ty.to_json_bytes(),
            allow_null_value: parameter.allow_null,
            allow_unknown_values: parameter.allow_unknown,
            description: parameter.description.clone(),
            description_kind: tfplugin6::StringKind::Markdown.into(),
        }
    }
}

impl From<&Function> for tfplugin6::Function {
    fn from(function: &Function) -> Self {
        Self {
            parameters: function.parameters.iter().map(Into::into).collect(),
            variadic_parameter: None,
            r#return: Some(tfplugin6::function::Return {
                r#type: function.returns.to_json_bytes(),
            }),
            summary: function.summary.clone(),
            description: function.description.clone(),
            description_kind: tfplugin6::StringKind::Markdown.into(),
            deprecation_message: String::new(),
        }
    }
}

impl From<FunctionError> for tfplugin6::FunctionError {
    fn from(error: FunctionError) -> Self {
        Self {
            text: error.text,
            function_argument: error.argument,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_convert_to_the_wire() {
        let function = Function {
            summary: "Adds.".into(),
            description: "Adds two numbers.".into(),
            parameters: vec![Parameter {
                name: "a".into(),
                ty: Type::Dynamic,
                allow_null: false,
                allow_unknown: true,
                description: "First.".into(),
            }],
            returns: Type::list(Type::String),
        };
        let wire = tfplugin6::Function::from(&function);
        assert_eq!(wire.parameters[0].r#type, b"\"dynamic\"");
        assert!(wire.parameters[0].allow_unknown_values);
        assert!(!wire.parameters[0].allow_null_value);
        assert_eq!(
            wire.r#return.map(|r| r.r#type),
            Some(br#"["list","string"]"#.to_vec())
        );
        assert_eq!(wire.summary, "Adds.");
        let error = tfplugin6::FunctionError::from(FunctionError::argument(0, "bad"));
        assert_eq!(error.function_argument, Some(0));
        assert_eq!(
            tfplugin6::FunctionError::from(FunctionError::internal("x")).function_argument,
            None
        );
    }
}
