//! Attribute paths: where inside a value something happened, step by step from the
//! top-level object. Used by decode errors and by diagnostics.

use std::fmt;

use super::tfplugin6;

/// One step of an [`AttributePath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// An attribute of an object.
    Attribute(String),
    /// A key of a map.
    Key(String),
    /// A position in a list or tuple.
    Index(i64),
}

/// A path from the top-level object to a nested value. The empty path is the
/// top-level object itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath {
    /// The steps, outermost first.
    pub steps: Vec<Step>,
}

impl AttributePath {
    /// The empty path (the top-level value).
    pub fn root() -> Self {
        Self::default()
    }

    /// This path followed by the attribute `name`.
    pub fn attr(mut self, name: impl Into<String>) -> Self {
        self.steps.push(Step::Attribute(name.into()));
        self
    }

    /// This path followed by the map key `key`.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.steps.push(Step::Key(key.into()));
        self
    }

    /// This path followed by the list or tuple position `index`.
    pub fn index(mut self, index: i64) -> Self {
        self.steps.push(Step::Index(index));
        self
    }

    /// This path followed by `step`.
    pub fn push(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// True if the path has no steps.
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// True if `other` is a prefix of this path (every path starts with the root).
    pub fn starts_with(&self, other: &AttributePath) -> bool {
        self.steps.starts_with(&other.steps)
    }
}

/// Writes a map key as a double-quoted string, escaping quotes, backslashes and
/// control characters.
fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\u{{{:04x}}}", u32::from(c))?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// Formats like Terraform does in messages: `firewalls["branches"].version`,
/// `flows[3]`. The root path prints as nothing.
impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, step) in self.steps.iter().enumerate() {
            match step {
                Step::Attribute(name) => {
                    if position > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Step::Key(key) => {
                    f.write_str("[")?;
                    write_quoted(f, key)?;
                    f.write_str("]")?;
                }
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl From<&Step> for tfplugin6::attribute_path::Step {
    fn from(step: &Step) -> Self {
        use tfplugin6::attribute_path::step::Selector;
        let selector = match step {
            Step::Attribute(name) => Selector::AttributeName(name.clone()),
            Step::Key(key) => Selector::ElementKeyString(key.clone()),
            Step::Index(index) => Selector::ElementKeyInt(*index),
        };
        Self {
            selector: Some(selector),
        }
    }
}

impl From<&AttributePath> for tfplugin6::AttributePath {
    fn from(path: &AttributePath) -> Self {
        Self {
            steps: path.steps.iter().map(Into::into).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_terraform() {
        let path = AttributePath::root()
            .attr("firewalls")
            .key("branches")
            .attr("version");
        assert_eq!(path.to_string(), r#"firewalls["branches"].version"#);
        assert_eq!(
            AttributePath::root().attr("flows").index(3).to_string(),
            "flows[3]"
        );
        assert_eq!(AttributePath::root().to_string(), "");
        assert_eq!(
            AttributePath::root().attr("m").key("a\"b").to_string(),
            r#"m["a\"b"]"#
        );
    }

    #[test]
    fn prefix_check() {
        let outer = AttributePath::root().attr("a");
        let inner = outer.clone().key("k").index(0);
        assert!(inner.starts_with(&outer));
        assert!(inner.starts_with(&AttributePath::root()));
        assert!(!outer.starts_with(&inner));
        assert!(!inner.starts_with(&AttributePath::root().attr("b")));
    }

    #[test]
    fn converts_to_protobuf() {
        use tfplugin6::attribute_path::step::Selector;
        let path = AttributePath::root().attr("a").key("k").index(2);
        let wire = tfplugin6::AttributePath::from(&path);
        let selectors: Vec<_> = wire.steps.into_iter().map(|s| s.selector).collect();
        assert_eq!(
            selectors,
            vec![
                Some(Selector::AttributeName("a".into())),
                Some(Selector::ElementKeyString("k".into())),
                Some(Selector::ElementKeyInt(2)),
            ]
        );
    }
}
