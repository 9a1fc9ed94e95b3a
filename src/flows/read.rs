//! The strict reader: the estate as written ([`Input`]) checked against the model's
//! schema ([`crate::flows::schema`]) before anything else looks at it.
//!
//! Every entry point (the data source, the functions, a command line) reads through here,
//! so each gets the same diagnostics at the same paths. The reader checks the shape:
//! attribute names (an unknown name is an error proposing the closest valid one), missing
//! required attributes, nulls, and the kind of every value (a version written as a
//! number, a port written as a string, a map where a list belongs). Values themselves
//! (releases, addresses, port ranges) are checked by [`crate::flows::parse`] next, with
//! messages that know their domain.
//!
//! Where a value is unknown, or was refused, the reader puts a placeholder of the right
//! shape in its place and records its path as *unsettled*: the later checks run on the
//! whole estate, and any finding that rests on an unsettled path is dropped (it waits for
//! the value, or would only repeat the reader's error).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value as Json};

use super::config::EstateConfig;
use super::diagnostic::{echo, Diagnostic, Path, Step};
use super::input::{Input, Number};
use super::schema::{self, Field, Shape};

/// What the reader made of an estate.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The estate, with placeholders where a value was unknown or refused; `None` only
    /// after an internal error (which is then among the diagnostics).
    pub config: Option<EstateConfig>,
    /// Every error in the estate's shape, at its path.
    pub diagnostics: Vec<Diagnostic>,
    /// Paths whose values are placeholders: unknown values and refused ones.
    pub unsettled: Vec<Path>,
    /// Whether any value is unknown.
    pub has_unknowns: bool,
    /// Paths of the unknown values, in the order read.
    pub unknowns: Vec<Path>,
}

impl Reading {
    /// Whether `found` rests on a value that is unknown or was refused.
    pub fn unsettles(&self, found: &Diagnostic) -> bool {
        found
            .paths()
            .any(|path| self.unsettled.iter().any(|u| u.overlaps(path)))
    }
}

/// Reads `input`, the estate's attributes as written.
pub fn read(input: &Input) -> Reading {
    let shape = match schema::estate_shape() {
        Ok(shape) => shape,
        Err(error) => return internal(error.to_string()),
    };
    let mut reader = Reader::default();
    let json = reader.value(shape, input, &Path::root());
    match serde_json::from_value::<EstateConfig>(json) {
        Ok(config) => Reading {
            config: Some(config),
            diagnostics: reader.diagnostics,
            unsettled: reader.unsettled,
            has_unknowns: !reader.unknowns.is_empty(),
            unknowns: reader.unknowns,
        },
        Err(error) => internal(format!(
            "the checked estate does not fit the model: {error}"
        )),
    }
}

fn internal(what: String) -> Reading {
    Reading {
        config: None,
        diagnostics: vec![Diagnostic::error(
            Path::root(),
            "Internal error reading the estate",
            format!(
                "{what}. This is a bug in the provider: please report it with the configuration."
            ),
        )],
        unsettled: vec![Path::root()],
        has_unknowns: false,
        unknowns: Vec::new(),
    }
}

#[derive(Default)]
struct Reader {
    diagnostics: Vec<Diagnostic>,
    unsettled: Vec<Path>,
    unknowns: Vec<Path>,
}

impl Reader {
    fn error(&mut self, path: &Path, summary: &str, detail: String) {
        self.diagnostics
            .push(Diagnostic::error(path.clone(), summary, detail));
        self.unsettle(path);
    }

    fn unsettle(&mut self, path: &Path) {
        self.unsettled.push(path.clone());
    }

    /// The value at `path`, checked against `shape`, as JSON for the model.
    fn value(&mut self, shape: &Shape, input: &Input, path: &Path) -> Json {
        match (shape, input) {
            (_, Input::Unknown) => {
                self.unknowns.push(path.clone());
                self.unsettle(path);
                return shape.placeholder();
            }
            (Shape::String, Input::String(text)) => return Json::String(text.clone()),
            (Shape::Number, Input::Number(number)) => {
                match number.to_f64().and_then(serde_json::Number::from_f64) {
                    Some(json) => return Json::Number(json),
                    None => self.error(
                        path,
                        "Number out of range",
                        format!(
                            "`{}` is too large to be {}.",
                            echo(number.text()),
                            shape.accepted()
                        ),
                    ),
                }
            }
            (Shape::Bool, Input::Bool(flag)) => return Json::Bool(*flag),
            (Shape::List(element), Input::List(items)) => {
                return Json::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(index, item)| self.element(element, item, &path.index(index)))
                        .collect(),
                )
            }
            (Shape::Map(element), Input::Map(entries)) => {
                return Json::Object(
                    entries
                        .iter()
                        .map(|(key, item)| {
                            (key.clone(), self.element(element, item, &path.key(key)))
                        })
                        .collect(),
                )
            }
            (Shape::Object(fields), Input::Map(entries)) => {
                return self.object(fields, entries, path)
            }
            (Shape::Either(shapes), input) => {
                if let Some(shape) = shapes.iter().find(|s| same_kind(s, input)) {
                    return self.value(shape, input, path);
                }
                self.wrong_kind(shape, input, path);
            }
            (shape, input) => self.wrong_kind(shape, input, path),
        }
        shape.placeholder()
    }

    /// An element of a list or map, which may not be null.
    fn element(&mut self, shape: &Shape, input: &Input, path: &Path) -> Json {
        if *input == Input::Null {
            let what = match path.0.last() {
                Some(Step::Key(key)) => format!("The element `{}`", echo(key)),
                _ => "A list element".to_owned(),
            };
            self.error(
                path,
                "Null where a value is required",
                format!(
                    "{what} cannot be null: remove it, or give {}.",
                    shape.accepted()
                ),
            );
            return shape.placeholder();
        }
        self.value(shape, input, path)
    }

    /// An object: every name must be an attribute, every required attribute present.
    fn object(&mut self, fields: &[Field], entries: &BTreeMap<String, Input>, path: &Path) -> Json {
        let mut object = Map::new();
        // Required attributes a misspelt name stands for: that one error is enough.
        let mut meant = BTreeSet::new();
        for name in entries.keys() {
            if fields.iter().any(|f| f.name == *name) {
                continue;
            }
            let suggestions = closest(name, fields);
            for field in suggestions
                .iter()
                .filter(|f| !entries.contains_key(&f.name))
            {
                meant.insert(field.name.as_str());
                // Whatever rests on the attribute the user meant waits for the fix.
                self.unsettle(&path.attr(field.name.clone()));
            }
            // Of names equally near, those as long as the slip read best (`modle` is
            // `model` with two letters swapped, more likely than `mode` with one added).
            let length = |f: &Field| f.name.chars().count().abs_diff(name.chars().count());
            let nearest = suggestions.iter().map(|f| length(f)).min();
            let names: Vec<String> = suggestions
                .iter()
                .filter(|f| Some(length(f)) == nearest)
                .map(|f| format!("`{}`", f.name))
                .collect();
            let hint = match names.is_empty() {
                true => String::new(),
                false => format!(" Did you mean {}?", or_list(&names)),
            };
            let valid: Vec<String> = fields.iter().map(|f| format!("`{}`", f.name)).collect();
            self.error(
                &path.attr(name.clone()),
                "Unknown attribute",
                format!(
                    "There is no attribute `{}` here.{hint} The attributes here are {}.",
                    echo(name),
                    valid.join(", ")
                ),
            );
        }
        for field in fields {
            let here = path.attr(field.name.clone());
            let value = match entries.get(&field.name) {
                Some(Input::Null) | None if !field.required => continue,
                None if meant.contains(field.name.as_str()) => field.shape.placeholder(),
                None => {
                    self.error(
                        &here,
                        "Missing required attribute",
                        format!("`{}` is required here: {}", field.name, field.description),
                    );
                    field.shape.placeholder()
                }
                Some(Input::Null) => {
                    self.error(
                        &here,
                        "Null where a value is required",
                        format!(
                            "`{}` cannot be null: it is required. {}",
                            field.name, field.description
                        ),
                    );
                    field.shape.placeholder()
                }
                Some(input) => self.value(&field.shape, input, &here),
            };
            object.insert(field.name.clone(), value);
        }
        Json::Object(object)
    }

    /// A value of the wrong kind: say what was found, what is accepted, and the fix when
    /// the kind is a matter of quotes.
    fn wrong_kind(&mut self, shape: &Shape, input: &Input, path: &Path) {
        let what = match path.0.last() {
            Some(Step::Attr(name)) => format!("`{}`", echo(name)),
            Some(Step::Key(key)) => format!("the element `{}`", echo(key)),
            Some(Step::Index(index)) => format!("element {index}"),
            None => "the estate".to_owned(),
        };
        let fix = match (shape, input) {
            (Shape::String, Input::Number(_)) => " Write it in quotes, exactly as it is named \
                (`\"10.10\"`, not `10.10`): unquoted, it is a number and loses how it was written \
                (`10.10` reads as `10.1`, `8.0` as `8`)."
                .to_owned(),
            (Shape::Number, Input::String(text)) if Number::parse(text.trim()).is_some() => {
                format!(" Write it without quotes: `{}`.", echo(text.trim()))
            }
            (Shape::Bool, Input::String(text)) if matches!(text.as_str(), "true" | "false") => {
                format!(" Write it without quotes: `{text}`.")
            }
            _ => String::new(),
        };
        self.error(
            path,
            "Incorrect value type",
            format!(
                "Found {}, but {what} takes {}.{fix}",
                found(input),
                shape.accepted()
            ),
        );
    }
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The found value in words, echoing short values: `the number `10.1``, `a list`.
fn found(input: &Input) -> String {
    match input {
        Input::Number(number) => format!("the number `{}`", echo(number.text())),
        Input::String(text) => format!("the string `{:?}`", echo(text)),
        Input::Bool(flag) => format!("the bool `{flag}`"),
        other => other.kind().to_owned(),
    }
}

/// Whether `input` is of the kind `shape` takes (for choosing among alternatives).
fn same_kind(shape: &Shape, input: &Input) -> bool {
    matches!(
        (shape, input),
        (Shape::String, Input::String(_))
            | (Shape::Number, Input::Number(_))
            | (Shape::Bool, Input::Bool(_))
            | (Shape::List(_), Input::List(_))
            | (Shape::Map(_) | Shape::Object(_), Input::Map(_))
    )
}

/// The attributes a misspelt `name` most likely means: the one whose alias it is, else
/// the nearest by edit distance (an adjacent swap counts as one edit, case is ignored), all
/// of them on a tie, if near enough to be a slip rather than another word.
fn closest<'f>(name: &str, fields: &'f [Field]) -> Vec<&'f Field> {
    let lower = name.to_lowercase();
    if let Some(field) = fields.iter().find(|f| f.aliases.contains(&lower)) {
        return vec![field];
    }
    let allowed = if lower.chars().count() < 5 { 1 } else { 2 };
    let distances: Vec<(usize, &Field)> = fields
        .iter()
        .map(|f| (strsim::osa_distance(&lower, &f.name), f))
        .filter(|(distance, _)| *distance <= allowed)
        .collect();
    let best = distances.iter().map(|(d, _)| *d).min();
    distances
        .into_iter()
        .filter(|(d, _)| Some(*d) == best)
        .map(|(_, f)| f)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reading(estate: Json) -> Reading {
        read(&Input::from(estate))
    }

    /// (path, summary, detail) of every diagnostic.
    fn found(estate: Json) -> Vec<(String, String, String)> {
        reading(estate)
            .diagnostics
            .into_iter()
            .map(|d| (d.path.to_string(), d.summary, d.detail))
            .collect()
    }

    fn pano() -> Json {
        json!({ "version": "10.2", "nodes": { "a": {} } })
    }

    #[test]
    fn a_valid_estate_reads_as_serde_does() {
        let estate = json!({
            "panorama": { "version": "10.2", "model": "m-600", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.1"] } } } },
            "firewalls": { "b": { "version": "10.1", "addresses": { "x": "10.1.0.0/16" }, "cortex_data_lake": null } },
            "services": { "ldap": { "addresses": ["10.9.0.7"], "ports": [636] } },
            "wildfire": null,
        });
        let read = reading(estate.clone());
        assert_eq!(read.diagnostics, []);
        assert!(read.unsettled.is_empty() && !read.has_unknowns);
        let expected: EstateConfig = serde_json::from_value(estate).unwrap();
        assert_eq!(read.config, Some(expected));
    }

    #[test]
    fn a_misspelt_attribute_is_one_error_naming_the_closest() {
        let found = found(json!({
            "panorama": pano(),
            "firewalls": { "branches": { "version": "10.1", "colector_group": "cg" } },
        }));
        assert_eq!(found.len(), 1, "{found:#?}");
        let (path, summary, detail) = &found[0];
        assert_eq!(path, "firewalls[\"branches\"].colector_group");
        assert_eq!(summary, "Unknown attribute");
        assert_eq!(
            detail,
            "There is no attribute `colector_group` here. Did you mean `collector_group`? The attributes here are `addresses`, `collector_group`, `cortex_data_lake`, `duplicate_logging`, `version`."
        );
    }

    #[test]
    fn a_misspelt_required_attribute_is_not_also_missing() {
        let read = reading(json!({ "panorama": { "verison": "10.2", "nodes": { "a": {} } } }));
        assert_eq!(read.diagnostics.len(), 1, "{:#?}", read.diagnostics);
        assert!(read.diagnostics[0]
            .detail
            .contains("Did you mean `version`?"));
        let version = Path::root().attr("panorama").attr("version");
        assert!(read.unsettled.contains(&version));
    }

    #[test]
    fn aliases_and_case_find_the_attribute() {
        let found = found(json!({
            "panorama": { "Version": "10.2", "nodes": { "a": {} } },
            "services": { "syslog": { "protocol": "tcp" } },
        }));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].2.contains("Did you mean `version`?"), "{found:#?}");
        assert!(
            found[1].2.contains("Did you mean `transport`?"),
            "{found:#?}"
        );
        let far = self::found(
            json!({ "panorama": pano(), "wildfire": { "w": { "version": "10.1", "colour": "red" } } }),
        );
        assert_eq!(
            far[0].2,
            "There is no attribute `colour` here. The attributes here are `addresses`, `version`."
        );
    }

    #[test]
    fn a_slip_proposes_the_likeliest_names_and_waits_for_all() {
        let read = reading(
            json!({ "panorama": { "version": "10.2", "modl": "vm", "nodes": { "a": {} } } }),
        );
        assert_eq!(read.diagnostics.len(), 1, "{:#?}", read.diagnostics);
        assert!(read.diagnostics[0].detail.contains("Did you mean `mode`?"));
        let modle = reading(
            json!({ "panorama": { "version": "10.2", "modle": "vm", "nodes": { "a": {} } } }),
        );
        assert!(modle.diagnostics[0]
            .detail
            .contains("Did you mean `model`?"));
        assert!(modle
            .unsettled
            .contains(&Path::root().attr("panorama").attr("mode")));
        let pano = Path::root().attr("panorama");
        assert!(read.unsettled.contains(&pano.attr("mode")));
        assert!(read.unsettled.contains(&pano.attr("model")));
    }

    #[test]
    fn missing_and_null_required_attributes_are_errors_at_their_paths() {
        let found = found(json!({
            "panorama": { "version": null, "nodes": { "a": {} } },
            "log_collectors": { "lc": { "version": "10.2" } },
        }));
        let summary: Vec<(&str, &str)> = found
            .iter()
            .map(|(p, s, _)| (p.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "log_collectors[\"lc\"].collector_group",
                    "Missing required attribute"
                ),
                ("panorama.version", "Null where a value is required"),
            ]
        );
        assert!(found[0]
            .2
            .starts_with("`collector_group` is required here: Collector Group"));
    }

    #[test]
    fn nulls_inside_lists_and_maps_are_errors_at_the_element() {
        let found = found(json!({
            "panorama": { "version": "10.2", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.1", null], "eth1": null } } } },
            "firewalls": { "f": null },
        }));
        let paths: Vec<&str> = found.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "firewalls[\"f\"]",
                "panorama.nodes[\"a\"].addresses[\"eth1\"]",
                "panorama.nodes[\"a\"].addresses[\"mgt\"][1]",
            ]
        );
        assert_eq!(
            found[2].2,
            "A list element cannot be null: remove it, or give a string."
        );
    }

    #[test]
    fn wrong_kinds_say_what_was_found_and_how_to_fix_it() {
        let found = found(json!({
            "panorama": { "version": 10.1, "ha_encryption": "true", "nodes": { "a": {} } },
            "firewalls": ["10.1"],
            "services": { "ldap": { "ports": ["636", 389], "addresses": "10.9.0.7" } },
        }));
        let details: BTreeMap<&str, &str> = found
            .iter()
            .map(|(p, _, d)| (p.as_str(), d.as_str()))
            .collect();
        assert!(found.iter().all(|(_, s, _)| s == "Incorrect value type"));
        assert_eq!(details["panorama.version"], "Found the number `10.1`, but `version` takes a string. Write it in quotes, exactly as it is named (`\"10.10\"`, not `10.10`): unquoted, it is a number and loses how it was written (`10.10` reads as `10.1`, `8.0` as `8`).");
        assert_eq!(details["panorama.ha_encryption"], "Found the string `\"true\"`, but `ha_encryption` takes a bool (`true` or `false`). Write it without quotes: `true`.");
        assert_eq!(
            details["firewalls"],
            "Found a list, but `firewalls` takes a map of names to objects of attributes."
        );
        assert_eq!(details["services[\"ldap\"].ports[0]"], "Found the string `\"636\"`, but element 0 takes a number. Write it without quotes: `636`.");
        assert_eq!(details["services[\"ldap\"].addresses"], "Found the string `\"10.9.0.7\"`, but `addresses` takes a list of strings, or a map of names to strings.");
        assert_eq!(found.len(), 5);
    }

    #[test]
    fn echoed_values_are_cut() {
        let long = "9".repeat(10_000);
        let found = found(
            json!({ "panorama": { "version": 1, "nodes": { "a": {} } }, "firewalls": { "f": { "version": "1", long.clone(): true } } }),
        );
        assert!(
            found.iter().all(|(p, _, d)| d.len() < 400 && p.len() < 200),
            "{found:#?}"
        );
    }

    #[test]
    fn unknowns_become_placeholders_and_are_unsettled() {
        let input = Input::map([
            (
                "panorama",
                Input::map([
                    ("version", Input::Unknown),
                    (
                        "nodes",
                        Input::map([("a", Input::map([("addresses", Input::Unknown)]))]),
                    ),
                ]),
            ),
            ("firewalls", Input::Unknown),
        ]);
        let read = read(&input);
        assert_eq!(read.diagnostics, []);
        assert!(read.has_unknowns);
        let unsettled: Vec<String> = read.unsettled.iter().map(ToString::to_string).collect();
        assert_eq!(
            unsettled,
            [
                "firewalls",
                "panorama.nodes[\"a\"].addresses",
                "panorama.version"
            ]
        );
        let config = read.config.unwrap();
        assert_eq!(config.panorama.version, "");
        assert_eq!(config.firewalls, Some(BTreeMap::new()));
    }

    #[test]
    fn the_root_must_be_an_object() {
        let read = read(&Input::List(Vec::new()));
        assert_eq!(read.diagnostics[0].summary, "Incorrect value type");
        assert!(read.config.is_some());
        let read = self::read(&Input::map([("x", Input::Null)]));
        let summaries: Vec<&str> = read
            .diagnostics
            .iter()
            .map(|d| d.summary.as_str())
            .collect();
        assert_eq!(
            summaries,
            ["Unknown attribute", "Missing required attribute"]
        );
    }
}
