//! Diagnostics as Terraform prints them (with `-no-color`): a `Error:` or `Warning:` line
//! with the summary, where the value sits (file, line and the source line when the parser
//! knows it, and always the full attribute path), then the detail.
//!
//! ```text
//! Error: Unknown attribute
//!
//!   on estate.yaml line 9, in firewalls["branches"].colector_group:
//!    9:     colector_group: east
//!
//! There is no attribute `colector_group` here. Did you mean `collector_group`? ...
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::flows::diagnostic::echo;
use crate::flows::{Diagnostic, Path, Severity, Step};

/// One step of a path as a file writes it: attribute names and map keys alike are names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seg {
    /// A mapping key (an attribute or a map element).
    Name(String),
    /// A sequence element.
    Index(usize),
}

/// The 1-based line of each value of a file whose parser gives positions, by where the
/// value sits: a mapping entry's line is its key's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines(BTreeMap<Vec<Seg>, usize>);

impl Lines {
    /// Records that the value at `at` starts on `line`.
    pub fn insert(&mut self, at: &[Seg], line: usize) {
        self.0.insert(at.to_vec(), line);
    }

    /// The line of the value at `path`, or of its nearest ancestor the file has (a
    /// missing attribute points at the object it is missing from).
    pub fn line_of(&self, path: &Path) -> Option<usize> {
        let mut segs: Vec<Seg> = path
            .0
            .iter()
            .map(|step| match step {
                Step::Attr(name) => Seg::Name(name.to_string()),
                Step::Key(key) => Seg::Name(key.clone()),
                Step::Index(index) => Seg::Index(*index),
            })
            .collect();
        loop {
            if let Some(line) = self.0.get(&segs) {
                return Some(*line);
            }
            segs.pop()?;
        }
    }
}

/// A file as the report shows it: its name and, for snippets, its text.
#[derive(Debug, Clone, Copy)]
pub struct File<'a> {
    /// The name the user gave (`<stdin>` for `-`).
    pub name: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// A diagnostic about a file, with the line it points at when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The problem, its path in the file's terms.
    pub diagnostic: Diagnostic,
    /// Its 1-based line in the file, when the parser gives positions.
    pub line: Option<usize>,
}

impl Finding {
    /// A finding placed by `lines`.
    pub fn placed(diagnostic: Diagnostic, lines: &Lines) -> Finding {
        let line = lines.line_of(&diagnostic.path);
        Finding { diagnostic, line }
    }

    /// A finding about the whole file (unreadable, not JSON), at `line` if known.
    pub fn whole(
        summary: impl Into<String>,
        detail: impl Into<String>,
        line: Option<usize>,
    ) -> Finding {
        Finding {
            diagnostic: Diagnostic::error(Path::root(), summary, detail),
            line,
        }
    }
}

/// The findings, each as Terraform prints a diagnostic, each followed by a blank line, in
/// the file's order: by line (those with none first), the engine's order within a line.
pub fn render(findings: &[Finding], file: File<'_>) -> String {
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    ordered.sort_by_key(|finding| finding.line);
    let mut out = String::new();
    for finding in ordered {
        let diagnostic = &finding.diagnostic;
        let severity = match diagnostic.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        };
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{severity}: {}\n", diagnostic.summary);
        let _ = write!(out, "  on {}", file.name);
        if let Some(line) = finding.line {
            let _ = write!(out, " line {line}");
        }
        if !diagnostic.path.0.is_empty() {
            let _ = write!(out, ", in {}", diagnostic.path);
        }
        out.push_str(":\n");
        let source = finding
            .line
            .and_then(|line| file.text.lines().nth(line.checked_sub(1)?));
        if let (Some(line), Some(source)) = (finding.line, source) {
            let _ = writeln!(out, "{line:4}: {}", echo(source.trim_end()));
        }
        let _ = writeln!(out, "\n{}\n", diagnostic.detail);
    }
    out
}

/// Whether any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.diagnostic.is_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fall_back_to_the_nearest_ancestor() {
        let mut lines = Lines::default();
        let firewalls = [Seg::Name("firewalls".into())];
        lines.insert(&firewalls, 3);
        let branches = [firewalls[0].clone(), Seg::Name("branches".into())];
        lines.insert(&branches, 4);
        let root = Path::root();
        let version = root.attr("firewalls").key("branches").attr("version");
        assert_eq!(lines.line_of(&version), Some(4));
        assert_eq!(lines.line_of(&root.attr("firewalls")), Some(3));
        assert_eq!(lines.line_of(&root.attr("panorama")), None);
    }

    #[test]
    fn diagnostics_print_like_terraform() {
        let text = "panorama:\n  version: 10.10\n";
        let path = Path::root().attr("panorama").attr("version");
        let findings = [
            Finding {
                diagnostic: Diagnostic::error(path.clone(), "Incorrect value type", "Quote it."),
                line: Some(2),
            },
            Finding {
                diagnostic: Diagnostic::warning(path, "Odd", "Look."),
                line: None,
            },
        ];
        let file = File {
            name: "estate.yaml",
            text,
        };
        assert_eq!(
            render(&findings, file),
            "Warning: Odd\n\n  on estate.yaml, in panorama.version:\n\nLook.\n\n\
             Error: Incorrect value type\n\n  on estate.yaml line 2, in panorama.version:\n   2:   version: 10.10\n\nQuote it.\n\n"
        );
        assert!(has_errors(&findings));
        assert!(!has_errors(&findings[1..]));
    }

    #[test]
    fn a_line_past_the_end_prints_no_snippet() {
        let finding = Finding::whole("Invalid YAML", "Unclosed.", Some(9));
        let out = render(
            &[finding],
            File {
                name: "-",
                text: "[",
            },
        );
        assert_eq!(
            out,
            "Error: Invalid YAML\n\n  on - line 9:\n\nUnclosed.\n\n"
        );
    }
}
