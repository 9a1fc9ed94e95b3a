//! Problems found in a declared estate, each pointing at the input value at fault.

use std::borrow::Cow;
use std::fmt;

/// Longest user value, in characters, that a diagnostic echoes.
pub const ECHO_LIMIT: usize = 80;

/// `text` as a diagnostic may echo it: at most [`ECHO_LIMIT`] characters (a longer text is
/// cut and ends with `…`), control characters escaped so the message stays on its lines.
/// Every user value a diagnostic quotes goes through here.
pub fn echo(text: &str) -> String {
    let mut chars = text.chars().flat_map(|c| {
        let escape = c.is_control().then(|| c.escape_default());
        let plain = (!c.is_control()).then_some(c);
        escape.into_iter().flatten().chain(plain)
    });
    let mut out: String = chars.by_ref().take(ECHO_LIMIT - 1).collect();
    let rest: Vec<char> = chars.take(2).collect();
    match rest.as_slice() {
        [] => {}
        [last] => out.push(*last),
        _ => out.push('…'),
    }
    out
}

/// One step into the declared estate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// An attribute of an object, e.g. `version` (or a name written where an attribute
    /// was expected).
    Attr(Cow<'static, str>),
    /// A map element, e.g. `["branches"]`.
    Key(String),
    /// A list element, e.g. `[2]`.
    Index(usize),
}

/// Where in the declared estate a value sits, e.g. `firewalls["branches"].version`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path(pub Vec<Step>);

impl Path {
    /// The whole estate.
    pub fn root() -> Self {
        Path(Vec::new())
    }

    /// This path, then an attribute.
    pub fn attr(&self, name: impl Into<Cow<'static, str>>) -> Self {
        self.with(Step::Attr(name.into()))
    }

    /// This path, then a map key.
    pub fn key(&self, key: &str) -> Self {
        self.with(Step::Key(key.to_owned()))
    }

    /// This path, then a list index.
    pub fn index(&self, index: usize) -> Self {
        self.with(Step::Index(index))
    }

    fn with(&self, step: Step) -> Self {
        let mut steps = self.0.clone();
        steps.push(step);
        Path(steps)
    }

    /// Whether `other` lies at or below this path.
    pub fn contains(&self, other: &Path) -> bool {
        other.0.starts_with(&self.0)
    }

    /// Whether one of the two paths lies at or below the other.
    pub fn overlaps(&self, other: &Path) -> bool {
        self.contains(other) || other.contains(self)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Attr(name) if i == 0 => write!(f, "{}", echo(name))?,
                Step::Attr(name) => write!(f, ".{}", echo(name))?,
                Step::Key(key) => write!(f, "[{:?}]", echo(key))?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The estate cannot be computed.
    Error,
    /// The estate is computed, but something is probably not what the user meant.
    Warning,
}

/// A problem in the declared estate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line: what is wrong.
    pub summary: String,
    /// What is accepted, or what to do.
    pub detail: String,
    /// The value at fault.
    pub path: Path,
    /// Other values the finding depends on (e.g. Panorama's version when a device is
    /// newer). A finding is only trustworthy once all of them are known.
    pub related: Vec<Path>,
}

impl Diagnostic {
    /// An error at `path`.
    pub fn error(path: Path, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path,
            related: Vec::new(),
        }
    }

    /// A warning at `path`.
    pub fn warning(path: Path, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, summary, detail)
        }
    }

    /// The same finding, also depending on `path`.
    pub fn depends_on(mut self, path: Path) -> Self {
        self.related.push(path);
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Every path the finding rests on: its own and the related ones.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(&self.path).chain(&self.related)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_like_terraform() {
        let path = Path::root()
            .attr("firewalls")
            .key("branches")
            .attr("addresses")
            .index(2);
        assert_eq!(path.to_string(), "firewalls[\"branches\"].addresses[2]");
    }

    #[test]
    fn echoes_are_short_and_on_one_line() {
        assert_eq!(echo("10.2"), "10.2");
        let exact = "x".repeat(ECHO_LIMIT);
        assert_eq!(echo(&exact), exact);
        let long = "y".repeat(1_000_000);
        let cut = echo(&long);
        assert_eq!(cut.chars().count(), ECHO_LIMIT);
        assert!(cut.ends_with("y…"));
        assert_eq!(echo("a\nb"), "a\\nb");
        assert!(echo(&"\n".repeat(100)).chars().count() <= ECHO_LIMIT);
        let path = Path::root().attr("firewalls").key(&long);
        assert!(path.to_string().chars().count() < 2 * ECHO_LIMIT);
    }

    #[test]
    fn containment_is_by_prefix() {
        let firewalls = Path::root().attr("firewalls");
        let version = firewalls.key("b").attr("version");
        assert!(firewalls.contains(&version));
        assert!(!version.contains(&firewalls));
    }
}
