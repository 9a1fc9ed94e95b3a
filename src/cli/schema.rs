//! `schema`: the JSON Schema (draft 2020-12) of an estate file, for editors and
//! validators. It is the engine's schema ([`crate::flows::schema::estate`]), the one the
//! reader checks every estate against and the registry docs render, with a title: every
//! attribute has its description, and every object refuses names it does not define
//! (`additionalProperties: false`), as the reader does.

use serde_json::Value as Json;

use crate::flows::schema;

/// What editors show as the schema's name.
pub const TITLE: &str = "Panorama estate (inputs of panorama_flow_matrix)";

/// The schema document.
pub fn document() -> Json {
    let mut document = schema::estate().clone();
    if let Json::Object(root) = &mut document {
        root.insert("title".into(), Json::String(TITLE.into()));
    }
    document
}

/// The schema as printed: indented for people and diffs, keys sorted, ending with a newline.
pub fn text() -> Result<String, String> {
    serde_json::to_string_pretty(&document())
        .map(|text| text + "\n")
        .map_err(|e| format!("cannot write the schema: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every object schema under `node`, with where it sits.
    fn objects<'a>(node: &'a Json, at: String, found: &mut Vec<(String, &'a Json)>) {
        match node {
            Json::Object(map) => {
                if map.get("type") == Some(&Json::from("object"))
                    || map
                        .get("type")
                        .and_then(Json::as_array)
                        .is_some_and(|t| t.contains(&Json::from("object")))
                {
                    found.push((at.clone(), node));
                }
                for (key, value) in map {
                    objects(value, format!("{at}/{key}"), found);
                }
            }
            Json::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    objects(item, format!("{at}/{index}"), found);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn it_is_draft_2020_12_with_a_title_and_descriptions() {
        let document = document();
        assert_eq!(
            document["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(document["title"], TITLE);
        assert!(document["properties"]["panorama"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("Panorama")));
    }

    #[test]
    fn every_object_with_attributes_refuses_other_names() {
        let document = document();
        let mut found = Vec::new();
        objects(&document, String::new(), &mut found);
        let with_attributes: Vec<&(String, &Json)> = found
            .iter()
            .filter(|(_, o)| o.get("properties").is_some())
            .collect();
        assert!(with_attributes.len() >= 10, "{}", with_attributes.len());
        for (at, object) in with_attributes {
            assert_eq!(object["additionalProperties"], false, "{at}");
        }
    }
}
