//! A state larger than Terraform accepts in one response is an error naming the estate's
//! size and a selection of outputs that fits, never a state over the limit. The real
//! limit (256 MiB) takes an estate of 10,000 firewall groups (see `make bench`); these
//! tests lower it for the data source so a small estate reaches it.

#[path = "../benches/support/estate.rs"]
mod estate;

use panorama_provider::flows::CancelToken;
use panorama_provider::provider::flow_matrix::FlowMatrixDataSource;
use panorama_provider::provider::limit;
use panorama_provider::tfproto::Severity;
use serde_json::{json, Value as Json};

use estate::Shape;

/// The state's size and the error's detail, if any, for `estate` under `max_bytes`.
fn read(estate: &Json, max_bytes: usize) -> (usize, Option<String>) {
    let data_source = FlowMatrixDataSource::new()
        .expect("schema")
        .with_max_bytes(max_bytes);
    let request = estate::read_request(estate).expect("a request");
    let (state, diagnostics) = data_source.read(request.config.as_ref(), &CancelToken::new());
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    match (state, errors.as_slice()) {
        (Some(state), []) => (state.msgpack.len(), None),
        (None, [error]) => {
            assert_eq!(error.summary, "Response too large for Terraform");
            (0, Some(error.detail.clone()))
        }
        other => panic!("a state or one error: {other:?}"),
    }
}

/// The views the detail proposes: `views = ["a", "b"]`.
fn proposed_views(detail: &str) -> Json {
    let start = detail.find("`views = [").expect("a views proposal") + "`views = ".len();
    let end = start + detail[start..].find("]`").expect("the list ends") + 1;
    serde_json::from_str(&detail[start..end]).expect("a JSON list")
}

#[test]
fn a_state_over_the_limit_is_an_error_proposing_a_selection_that_fits() {
    let estate = estate::estate(&Shape::wide(30)).expect("fits");
    let (full, error) = read(&estate, limit::MAX_VALUE_BYTES);
    assert!(error.is_none() && full > 0);
    // Half the state: some outputs must go.
    let max_bytes = full / 2;
    let (_, error) = read(&estate, max_bytes);
    let detail = error.expect("too large");
    assert!(
        detail.contains(&format!("({full} bytes): more than Terraform accepts")),
        "{detail}"
    );
    assert!(
        detail
            .contains("The estate has 30 firewall groups and 50 Log Collectors; the outputs hold"),
        "{detail}"
    );
    assert!(detail.contains("\n- ingress_rules: "), "{detail}");
    assert!(detail.contains("`log_collector.*` "), "{detail}");
    // The selection it proposes passes under the same limit, and leaves something out.
    let views = proposed_views(&detail);
    let chosen = views.as_array().expect("a list").len();
    assert!((1..6).contains(&chosen), "{views}");
    let selected = estate::with_inputs(estate, &json!({ "views": views })).expect("selected");
    let (size, error) = read(&selected, max_bytes);
    assert_eq!(error, None);
    assert!(size <= max_bytes, "{size} > {max_bytes}");
}

#[test]
fn a_state_exactly_at_the_limit_is_sent() {
    let estate = estate::estate(&Shape::groups(5)).expect("fits");
    let (full, _) = read(&estate, limit::MAX_VALUE_BYTES);
    assert_eq!(read(&estate, full), (full, None));
    assert!(read(&estate, full - 1).1.is_some());
}
