//! Input files (an estate, a list of rules): read from a path or standard input, parsed
//! as JSON or YAML into the engine's neutral tree ([`Input`]), which keeps every value's
//! kind as written so the one reader checks a file exactly as it checks Terraform's values.
//!
//! JSON is read by `serde_json` (a duplicated key is an error here, where Terraform's
//! `jsondecode` keeps the last one silently); YAML by `saphyr` (see [`super::yaml`]), which
//! also gives each value's line.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::io::Read;
use std::path::Path as FsPath;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;

use super::report::{File, Finding, Lines};
use super::yaml;
use crate::flows::diagnostic::echo;
use crate::flows::input::{Input, Number};

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON.
    Json,
    /// YAML 1.2 (core schema: `yes` is a string, `10.10` a number).
    Yaml,
}

/// A file as read: its name for messages, its text and how it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The path as given, or `<stdin>`.
    pub name: String,
    /// The whole text.
    pub text: String,
    /// JSON or YAML.
    pub syntax: Syntax,
}

impl Source {
    /// The file as the report shows it.
    pub fn file(&self) -> File<'_> {
        File {
            name: &self.name,
            text: &self.text,
        }
    }
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// It cannot be opened or read (a usage error: the argument names no readable file).
    Unreadable(String),
    /// It is not UTF-8 text (an invalid input): its name, and the offset of the first
    /// byte that is not.
    NotText {
        /// The name the user gave.
        name: String,
        /// Where the text stops being UTF-8.
        offset: usize,
    },
}

/// The finding for a file that is not UTF-8 text from `offset` on.
pub fn not_text(offset: usize) -> Finding {
    Finding::whole(
        "Not a text file",
        format!(
            "The file is not UTF-8 text (invalid byte at offset {offset}): give a JSON or YAML file."
        ),
        None,
    )
}

/// Reads `arg`, a path or `-` for `stdin`.
pub fn read(arg: &OsStr, stdin: &mut dyn Read) -> Result<Source, ReadError> {
    let (name, bytes) = if arg == "-" {
        let mut bytes = Vec::new();
        stdin
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::Unreadable(format!("cannot read standard input: {e}")))?;
        ("<stdin>".to_owned(), bytes)
    } else {
        let name = arg.to_string_lossy().into_owned();
        let bytes = std::fs::read(arg)
            .map_err(|e| ReadError::Unreadable(format!("cannot read `{}`: {e}", echo(&name))))?;
        (name, bytes)
    };
    let text = String::from_utf8(bytes).map_err(|e| ReadError::NotText {
        name: name.clone(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    // A byte order mark is not part of the document.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    let syntax = syntax(arg, &text);
    Ok(Source { name, text, syntax })
}

/// JSON for `.json`, YAML for `.yaml` and `.yml`; otherwise (standard input, process
/// substitution, other names) JSON when the first character is `{` or `[`.
pub fn syntax(name: &OsStr, text: &str) -> Syntax {
    let extension = FsPath::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("json") => Syntax::Json,
        Some("yaml" | "yml") => Syntax::Yaml,
        _ if text.trim_start().starts_with(['{', '[']) => Syntax::Json,
        _ => Syntax::Yaml,
    }
}

/// A parsed file: its values as written, and their lines when the parser knows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The values.
    pub input: Input,
    /// Line of each value (YAML only).
    pub lines: Lines,
}

/// Parses `source`; a syntax error is one finding at its line.
pub fn parse(source: &Source) -> Result<Document, Finding> {
    match source.syntax {
        Syntax::Json => parse_json(&source.text),
        Syntax::Yaml => yaml::parse(&source.text),
    }
}

fn parse_json(text: &str) -> Result<Document, Finding> {
    match serde_json::from_str::<JsonInput>(text) {
        Ok(JsonInput(input)) => Ok(Document {
            input,
            lines: Lines::default(),
        }),
        Err(error) => Err(Finding::whole(
            "Invalid JSON",
            format!("The file is not valid JSON: {error}."),
            Some(error.line()).filter(|line| *line > 0),
        )),
    }
}

/// A file's values as JSON (for a serde type, or a JSON Schema validator). Numbers are
/// whole when written whole; `None` for a value JSON cannot hold (an unknown value, which
/// no file has, or a number such as `.inf`).
pub fn to_json(input: &Input) -> Option<Json> {
    Some(match input {
        Input::Null => Json::Null,
        Input::Unknown => return None,
        Input::Bool(flag) => Json::Bool(*flag),
        Input::Number(number) => match number.text().parse::<i64>() {
            Ok(int) => Json::from(int),
            Err(_) => Json::Number(serde_json::Number::from_f64(number.to_f64()?)?),
        },
        Input::String(text) => Json::String(text.clone()),
        Input::List(items) => Json::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        Input::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, value)| Some((key.clone(), to_json(value)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// A JSON value read straight into [`Input`], refusing duplicated keys.
struct JsonInput(Input);

impl<'de> Deserialize<'de> for JsonInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = JsonInput;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<JsonInput, E> {
        Ok(JsonInput(Input::Null))
    }

    fn visit_bool<E>(self, flag: bool) -> Result<JsonInput, E> {
        Ok(JsonInput(Input::Bool(flag)))
    }

    fn visit_i64<E>(self, int: i64) -> Result<JsonInput, E> {
        Ok(JsonInput(Input::Number(Number::int(int))))
    }

    fn visit_u64<E>(self, int: u64) -> Result<JsonInput, E> {
        Ok(JsonInput(Input::Number(Number::from_text(int.to_string()))))
    }

    fn visit_f64<E>(self, float: f64) -> Result<JsonInput, E> {
        // As Terraform's `jsondecode` reads it: `10.10` is the number 10.1 (written the
        // shortest way, as serde_json writes numbers).
        let text = serde_json::Number::from_f64(float)
            .map_or_else(|| float.to_string(), |number| number.to_string());
        Ok(JsonInput(Input::Number(Number::from_text(text))))
    }

    fn visit_str<E>(self, text: &str) -> Result<JsonInput, E> {
        Ok(JsonInput(Input::String(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<JsonInput, E> {
        Ok(JsonInput(Input::String(text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonInput, A::Error> {
        let mut items = Vec::new();
        while let Some(JsonInput(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(JsonInput(Input::List(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonInput, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            // Refused before its value is read, so the error's line is the key's.
            if entries.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key {:?} appears twice in one object",
                    echo(&key)
                )));
            }
            let JsonInput(value) = map.next_value()?;
            entries.insert(key, value);
        }
        Ok(JsonInput(Input::Map(entries)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json(text: &str) -> Result<Input, Finding> {
        parse_json(text).map(|d| d.input)
    }

    #[test]
    fn json_reads_as_the_engine_reads_serde_values() {
        let text = r#"{"v": 10.10, "p": [443, -1, 18446744073709551615, 1e3], "s": "x", "n": null, "b": true}"#;
        let expected = Input::from(serde_json::from_str::<serde_json::Value>(text).unwrap());
        assert_eq!(json(text).unwrap(), expected);
        let Input::Map(entries) = json(text).unwrap() else {
            panic!("a map")
        };
        assert_eq!(entries["v"], Input::Number(Number::from_text("10.1")));
        assert_eq!(
            Input::from(json!([1e300])),
            json("[1e300]").unwrap(),
            "large numbers stay short"
        );
    }

    #[test]
    fn json_refuses_duplicated_keys_with_their_line() {
        let error = json("{\n  \"panorama\": {},\n  \"panorama\": {}\n}").unwrap_err();
        assert_eq!(error.diagnostic.summary, "Invalid JSON");
        assert_eq!(error.line, Some(3));
        assert!(
            error
                .diagnostic
                .detail
                .contains("the key \"panorama\" appears twice in one object"),
            "{}",
            error.diagnostic.detail
        );
    }

    #[test]
    fn json_syntax_errors_say_where() {
        let error = json("{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error
            .diagnostic
            .detail
            .starts_with("The file is not valid JSON: "));
        let deep = "[".repeat(10_000);
        assert!(
            json(&deep).is_err(),
            "nesting is bounded, not a stack overflow"
        );
    }

    #[test]
    fn values_go_back_to_json_as_written() {
        let text = r#"{"a": [1, 2.5, -3, "x", null, true], "b": {"c": 18446744073709551615}}"#;
        let value: Json = serde_json::from_str(text).unwrap();
        let back = to_json(&json(text).unwrap()).unwrap();
        assert_eq!(back["a"], value["a"]);
        assert_eq!(back["b"]["c"].as_f64(), value["b"]["c"].as_f64());
        assert_eq!(to_json(&Input::Unknown), None);
        assert_eq!(to_json(&Input::Number(Number::from_text(".inf"))), None);
    }

    #[test]
    fn syntax_is_chosen_by_extension_then_by_first_character() {
        for (name, text, expected) in [
            ("e.json", "a: 1", Syntax::Json),
            ("e.YAML", "{}", Syntax::Yaml),
            ("e.yml", "{}", Syntax::Yaml),
            ("-", "  {\"a\": 1}", Syntax::Json),
            ("/dev/fd/63", "[]", Syntax::Json),
            ("-", "a: 1", Syntax::Yaml),
            ("estate.txt", "# comment\n{}", Syntax::Yaml),
        ] {
            assert_eq!(syntax(OsStr::new(name), text), expected, "{name}");
        }
    }

    #[test]
    fn standard_input_is_read_once_and_named() {
        let mut stdin: &[u8] = b"\xef\xbb\xbfpanorama: {}\n";
        let source = read(OsStr::new("-"), &mut stdin).unwrap();
        assert_eq!(source.name, "<stdin>");
        assert_eq!(source.text, "panorama: {}\n");
        assert_eq!(source.syntax, Syntax::Yaml);
        let mut binary: &[u8] = b"\xff\xfe";
        assert!(matches!(
            read(OsStr::new("-"), &mut binary),
            Err(ReadError::NotText { offset: 0, .. })
        ));
        let missing = read(OsStr::new("/nonexistent/estate.yaml"), &mut &b""[..]);
        assert!(
            matches!(missing, Err(ReadError::Unreadable(m)) if m.contains("/nonexistent/estate.yaml"))
        );
    }
}
