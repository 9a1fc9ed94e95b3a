//! Every output of an estate computed without a selection, for tests that read them all:
//! [`AllViews`] is a [`FlowMatrix`] whose outputs are each present (without `views`, none
//! is null), so those tests read `m.flows` rather than unwrap each output.

#![allow(dead_code)] // each test binary uses a different subset

use panorama_provider::flows::{Flow, FlowMatrix, GroupedRule, Known, Rule};
use serde::Serialize;

/// The outputs of a [`FlowMatrix`] computed with every view selected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllViews {
    pub id: Known<String>,
    pub flows: Vec<Flow>,
    pub ingress_rules: Known<Vec<Rule>>,
    pub egress_rules: Known<Vec<Rule>>,
    pub grouped_rules: Vec<GroupedRule>,
    pub flows_markdown: Known<String>,
    pub flows_mermaid: String,
}

impl From<FlowMatrix> for AllViews {
    /// Panics when an output is null: the estate selected views, which these tests never do.
    fn from(m: FlowMatrix) -> Self {
        let missing = |name: &str| format!("`{name}` is null, but no view was left out");
        AllViews {
            id: m.id,
            flows: m.flows.unwrap_or_else(|| panic!("{}", missing("flows"))),
            ingress_rules: m
                .ingress_rules
                .unwrap_or_else(|| panic!("{}", missing("ingress_rules"))),
            egress_rules: m
                .egress_rules
                .unwrap_or_else(|| panic!("{}", missing("egress_rules"))),
            grouped_rules: m
                .grouped_rules
                .unwrap_or_else(|| panic!("{}", missing("grouped_rules"))),
            flows_markdown: m
                .flows_markdown
                .unwrap_or_else(|| panic!("{}", missing("flows_markdown"))),
            flows_mermaid: m
                .flows_mermaid
                .unwrap_or_else(|| panic!("{}", missing("flows_mermaid"))),
        }
    }
}
