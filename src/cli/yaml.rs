//! YAML files into [`Input`], with the line of every value.
//!
//! `saphyr` (the maintained successor of `yaml-rust`; `serde_yaml` is archived) reads YAML
//! 1.2 with positions, refuses duplicated keys, and bounds alias expansion. Scalars are
//! resolved by the YAML 1.2 core schema, so kinds match Terraform's values: `10.10` and
//! `8.0` are numbers (and a version written so is refused, as in Terraform), `"10.10"`,
//! `'10.10'` and `!!str 10.10` are strings, `yes` is the string "yes" and not a bool. A
//! number keeps its text as written, so a diagnostic quotes `10.10` rather than `10.1`.

use std::borrow::Cow;

use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use saphyr_parser::{Parser, ScalarStyle, ScanError, Tag};

use super::document::Document;
use super::report::{Finding, Lines, Seg};
use crate::flows::diagnostic::echo;
use crate::flows::input::{Input, Number};

/// How deep values may nest: an estate needs six levels; this bounds the work (and the
/// stack) for any file.
const MAX_DEPTH: usize = 32;

/// Parses a YAML file holding one document.
pub fn parse(text: &str) -> Result<Document, Finding> {
    let mut parser = Parser::new_from_str(text);
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    // Keep each scalar's text, tag and quoting: they decide its kind here.
    loader.early_parse(false);
    let scanned = parser.load(&mut loader, true);
    if let Some(error) = scanned.err().or_else(|| loader.error().cloned()) {
        return Err(syntax_error(&error));
    }
    let documents = loader.into_documents();
    let root = match documents.as_slice() {
        [] => {
            return Err(Finding::whole(
                "Empty file",
                "The file holds no YAML document: write the estate's attributes, starting with `panorama:`.",
                None,
            ))
        }
        [root] => root,
        [_, second, ..] => {
            return Err(Finding::whole(
                "More than one YAML document",
                "The file holds several documents (separated by `---`): give one estate per file.",
                Some(second.span.start.line()),
            ))
        }
    };
    let mut converter = Converter::default();
    let input = converter.node(root)?;
    Ok(Document {
        input,
        lines: converter.lines,
    })
}

fn syntax_error(error: &ScanError) -> Finding {
    let mark = error.marker();
    Finding::whole(
        "Invalid YAML",
        format!(
            "The file is not valid YAML: {} at line {} column {}.",
            error.info(),
            mark.line(),
            mark.col() + 1
        ),
        Some(mark.line()).filter(|line| *line > 0),
    )
}

#[derive(Default)]
struct Converter {
    lines: Lines,
    at: Vec<Seg>,
}

impl Converter {
    fn node(&mut self, node: &MarkedYaml<'_>) -> Result<Input, Finding> {
        let line = node.span.start.line();
        if self.at.len() > MAX_DEPTH {
            return Err(invalid(
                format!("Values nest more than {MAX_DEPTH} levels deep; an estate needs six."),
                line,
            ));
        }
        match &node.data {
            YamlData::Representation(text, style, tag) => scalar(text, *style, tag.as_ref())
                .ok_or_else(|| invalid(format!("`{}` does not fit its tag.", echo(text)), line)),
            YamlData::Value(value) => Ok(resolved(value.clone(), None)),
            YamlData::Sequence(items) => {
                let mut list = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    self.at.push(Seg::Index(index));
                    self.lines.insert(&self.at, item.span.start.line());
                    let value = self.node(item);
                    self.at.pop();
                    list.push(value?);
                }
                Ok(Input::List(list))
            }
            YamlData::Mapping(entries) => {
                let mut map = std::collections::BTreeMap::new();
                for (key, value) in entries {
                    let name = key_text(key)?;
                    if map.contains_key(&name) {
                        return Err(invalid(
                            format!("The key `{}` appears twice in one mapping.", echo(&name)),
                            key.span.start.line(),
                        ));
                    }
                    self.at.push(Seg::Name(name.clone()));
                    self.lines.insert(&self.at, key.span.start.line());
                    let value = self.node(value);
                    self.at.pop();
                    map.insert(name, value?);
                }
                Ok(Input::Map(map))
            }
            YamlData::Tagged(_, inner) => self.node(inner),
            // The loader resolves aliases and reports what it cannot read.
            YamlData::Alias(_) | YamlData::BadValue => Err(invalid(
                "A value here cannot be read (an alias to an unknown anchor?).".into(),
                line,
            )),
        }
    }
}

/// A mapping key: a scalar, taken as written (`10: x` is the key "10").
fn key_text(key: &MarkedYaml<'_>) -> Result<String, Finding> {
    match &key.data {
        YamlData::Representation(text, ..) => Ok(text.to_string()),
        YamlData::Value(Scalar::String(text)) => Ok(text.to_string()),
        YamlData::Tagged(_, inner) => key_text(inner),
        _ => Err(invalid(
            "A mapping key must be a name, not a list or a mapping.".into(),
            key.span.start.line(),
        )),
    }
}

/// A scalar resolved by the YAML 1.2 core schema; `None` when its tag refuses it
/// (`!!int abc`).
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Cow<'_, Tag>>) -> Option<Input> {
    let value = Scalar::parse_from_cow_and_metadata(Cow::Borrowed(text), style, tag)?;
    Some(resolved(value, Some(text)))
}

fn resolved(value: Scalar<'_>, written: Option<&str>) -> Input {
    match value {
        Scalar::Null => Input::Null,
        Scalar::Boolean(flag) => Input::Bool(flag),
        Scalar::Integer(int) => Input::Number(Number::int(int)),
        // As written when that is plain decimal text (`10.10`); `.inf` and `.nan` keep
        // their text too, and the reader refuses them wherever a number is taken.
        Scalar::FloatingPoint(float) => Input::Number(
            written
                .map(str::trim)
                .and_then(Number::parse)
                .or_else(|| {
                    serde_json::Number::from_f64(*float).map(|n| Number::from_text(n.to_string()))
                })
                .unwrap_or_else(|| Number::from_text(written.unwrap_or("NaN"))),
        ),
        Scalar::String(text) => Input::String(text.into_owned()),
    }
}

fn invalid(detail: String, line: usize) -> Finding {
    Finding::whole("Invalid YAML", detail, Some(line).filter(|line| *line > 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::Path;
    use proptest::prelude::*;

    fn input(text: &str) -> Input {
        parse(text).unwrap_or_else(|e| panic!("{e:?}")).input
    }

    fn map(entries: Vec<(&str, Input)>) -> Input {
        Input::map(entries)
    }

    fn number(text: &str) -> Input {
        Input::Number(Number::from_text(text))
    }

    #[test]
    fn scalars_take_the_core_schema_kinds() {
        let text = "a: 10.10\nb: '10.10'\nc: !!str 10.10\nd: \"8.0\"\ne: 8.0\nf: yes\ng: true\nh: ~\ni:\nj: 0x1F\nk: 443\nl: -1.5e3\nm: .inf\nn: 10.2.4\n";
        assert_eq!(
            input(text),
            map(vec![
                ("a", number("10.10")),
                ("b", Input::String("10.10".into())),
                ("c", Input::String("10.10".into())),
                ("d", Input::String("8.0".into())),
                ("e", number("8.0")),
                ("f", Input::String("yes".into())),
                ("g", Input::Bool(true)),
                ("h", Input::Null),
                ("i", Input::Null),
                ("j", number("31")),
                ("k", number("443")),
                ("l", number("-1.5e3")),
                ("m", number(".inf")),
                ("n", Input::String("10.2.4".into())),
            ])
        );
    }

    #[test]
    fn every_value_has_its_line() {
        let text = "panorama:\n  version: \"10.2\"\n  nodes:\n    a: {}\nfirewalls:\n  branches:\n    addresses:\n      - 10.0.0.0/8\n      - 10.1.0.0/16\n";
        let document = parse(text).unwrap();
        let root = Path::root();
        let line = |path: &Path| document.lines.line_of(path);
        assert_eq!(line(&root.attr("panorama").attr("version")), Some(2));
        assert_eq!(line(&root.attr("panorama").attr("nodes").key("a")), Some(4));
        let addresses = root.attr("firewalls").key("branches").attr("addresses");
        assert_eq!(line(&addresses), Some(7));
        assert_eq!(line(&addresses.index(1)), Some(9));
        // Missing: the nearest value the file has.
        assert_eq!(
            line(&root.attr("firewalls").key("branches").attr("version")),
            Some(6)
        );
    }

    #[test]
    fn anchors_expand_and_keys_are_text() {
        let text = "base: &v { version: '10.1' }\ncopy: *v\n10: ten\n";
        let copy = map(vec![("version", Input::String("10.1".into()))]);
        assert_eq!(
            input(text),
            map(vec![
                ("10", Input::String("ten".into())),
                ("base", copy.clone()),
                ("copy", copy)
            ])
        );
    }

    #[test]
    fn bad_files_are_findings_at_their_line() {
        let cases = [
            ("a: 1\na: 2\n", "Invalid YAML", Some(2)),
            ("a: 1\n'a': 2\n", "Invalid YAML", Some(2)),
            ("a: [1, 2\n", "Invalid YAML", None),
            ("a: 1\n---\nb: 2\n", "More than one YAML document", Some(3)),
            ("", "Empty file", None),
            ("# only a comment\n", "Empty file", None),
            ("? [a]\n: 1\n", "Invalid YAML", Some(1)),
            ("a: !!int ten\n", "Invalid YAML", Some(1)),
        ];
        for (text, summary, line) in cases {
            let error = parse(text).expect_err(text);
            assert_eq!(error.diagnostic.summary, summary, "{text:?}");
            if line.is_some() {
                assert_eq!(error.line, line, "{text:?}");
            }
        }
    }

    #[test]
    fn nesting_and_aliases_are_bounded() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert!(parse(&deep).is_err());
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            laughs.push_str(&format!(
                "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
            ));
        }
        assert!(parse(&laughs).is_err(), "a billion laughs is refused");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn no_text_makes_the_reader_panic(text in "[\\[\\]{}:,\\-?&*!|>'\"#%@` \\n\\ta-z0-9.~]{0,64}") {
            let _ = parse(&text);
        }
    }
}
