//! Diagnostics: the errors and warnings a provider reports to Terraform, optionally
//! pointing at an attribute so Terraform can show the configuration line.

use super::error::{DecodeError, EncodeError};
use super::path::AttributePath;
use super::tfplugin6;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The operation failed.
    Error,
    /// The operation went ahead, but something deserves attention.
    Warning,
}

/// One error or warning for Terraform to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short, one-line description.
    pub summary: String,
    /// A longer explanation, possibly empty.
    pub detail: String,
    /// The attribute the diagnostic is about, if any.
    pub path: Option<AttributePath>,
}

impl Diagnostic {
    /// An error with no attribute.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }

    /// A warning with no attribute.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(summary, detail)
        }
    }

    /// The same diagnostic, pointing at `path`.
    pub fn at(mut self, path: AttributePath) -> Self {
        self.path = Some(path);
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True if any of `diagnostics` is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

impl From<&DecodeError> for Diagnostic {
    /// An error diagnostic for a value Terraform sent that could not be read, pointing
    /// at the attribute where reading failed (if it is not the whole value).
    fn from(err: &DecodeError) -> Self {
        let diagnostic = Diagnostic::error("Invalid value from Terraform", err.to_string());
        if err.path.is_root() {
            diagnostic
        } else {
            diagnostic.at(err.path.clone())
        }
    }
}

impl From<&EncodeError> for Diagnostic {
    /// An error diagnostic for a value the provider could not encode (a provider bug).
    fn from(err: &EncodeError) -> Self {
        Diagnostic::error(
            "Provider produced a value it cannot encode",
            format!("{err}. This is a bug in the provider."),
        )
    }
}

impl From<&Diagnostic> for tfplugin6::Diagnostic {
    fn from(diagnostic: &Diagnostic) -> Self {
        let severity = match diagnostic.severity {
            Severity::Error => tfplugin6::diagnostic::Severity::Error,
            Severity::Warning => tfplugin6::diagnostic::Severity::Warning,
        };
        Self {
            severity: severity.into(),
            summary: diagnostic.summary.clone(),
            detail: diagnostic.detail.clone(),
            attribute: diagnostic.path.as_ref().map(Into::into),
        }
    }
}

impl From<Diagnostic> for tfplugin6::Diagnostic {
    fn from(diagnostic: Diagnostic) -> Self {
        (&diagnostic).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_protobuf() {
        let path = AttributePath::root().attr("flows").index(0);
        let wire = tfplugin6::Diagnostic::from(
            Diagnostic::error("Bad flow", "port out of range").at(path.clone()),
        );
        assert_eq!(wire.severity, 1);
        assert_eq!(wire.summary, "Bad flow");
        assert_eq!(wire.detail, "port out of range");
        assert_eq!(wire.attribute, Some((&path).into()));

        let wire = tfplugin6::Diagnostic::from(Diagnostic::warning("Careful", ""));
        assert_eq!(wire.severity, 2);
        assert_eq!(wire.attribute, None);
    }

    #[test]
    fn error_detection() {
        let warning = Diagnostic::warning("w", "");
        assert!(!has_errors(std::slice::from_ref(&warning)));
        assert!(has_errors(&[warning, Diagnostic::error("e", "")]));
        assert!(!has_errors(&[]));
    }

    #[test]
    fn from_decode_error_keeps_the_path() {
        let err = DecodeError::new(&AttributePath::root().attr("a"), "bad");
        let diagnostic = Diagnostic::from(&err);
        assert!(diagnostic.is_error());
        assert_eq!(diagnostic.path, Some(AttributePath::root().attr("a")));
        let root = Diagnostic::from(&DecodeError::new(&AttributePath::root(), "bad"));
        assert_eq!(root.path, None);
    }
}
