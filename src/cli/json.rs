//! JSON written as Terraform writes it (`terraform output -json NAME`, `jsondecode`'s
//! counterpart `jsonencode`): compact, object keys sorted, and the characters Go's JSON
//! encoder escapes for HTML (`<`, `>`, `&`, U+2028, U+2029) escaped the same way, so the
//! command line's output and Terraform's compare byte for byte.

use std::io;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::ser::Formatter;
use serde_json::Value as Json;

/// `value` as one line of Terraform-style JSON, without a newline.
pub fn to_string(value: &Json) -> String {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, GoEscapes);
    // Serialising a JSON value into memory cannot fail; an empty result would show it.
    let _ = Sorted(value).serialize(&mut serializer);
    String::from_utf8(out).unwrap_or_default()
}

/// A value whose objects serialise with their keys in order, whatever map type
/// serde_json was built with.
struct Sorted<'v>(&'v Json);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Sorted(item))?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut sorted: Vec<(&String, &Json)> = entries.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(b.0));
                let mut map = serializer.serialize_map(Some(sorted.len()))?;
                for (key, value) in sorted {
                    map.serialize_entry(key, &Sorted(value))?;
                }
                map.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// serde_json's compact formatter, escaping what Go's `encoding/json` escapes beyond it.
struct GoEscapes;

impl Formatter for GoEscapes {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            let escape = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            // ok: `start` and `index` are char boundaries of `fragment`, `start <= index`.
            writer.write_all(&fragment.as_bytes()[start..index])?;
            writer.write_all(escape.as_bytes())?;
            start = index + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_as_terraform_output_json_does() {
        // What `terraform output -json` printed for the same value (Terraform 1.11).
        let value =
            json!([{ "b": 1, "a": "x", "c": null, "d": ["p", "q"] }, "a>b&c<d", "é\u{2028}x\ty"]);
        assert_eq!(
            to_string(&value),
            r#"[{"a":"x","b":1,"c":null,"d":["p","q"]},"a\u003eb\u0026c\u003cd","é\u2028x\ty"]"#
        );
    }

    #[test]
    fn reads_back_as_the_same_value() {
        let value =
            json!({ "k": "panorama.a@mgt>panorama.b@mgt:tcp:28260", "n": [1, 2.5, -3], "e": {} });
        let text = to_string(&value);
        assert_eq!(serde_json::from_str::<Json>(&text).unwrap(), value);
        assert!(!text.contains('\n'));
    }
}
