//! Per-CIDR rules: one per flow side and peer CIDR, shaped for AWS security group rules.

use super::{description, is_ipv6, sides, Direction, Side};
use crate::flows::matrix::{Flow, Rule};

/// The ingress and egress rules of `flows`, each sorted by key.
pub(super) fn rules(flows: &[Flow]) -> (Vec<Rule>, Vec<Rule>) {
    let mut ingress = Vec::new();
    let mut egress = Vec::new();
    for side in sides(flows) {
        let rules = match side.direction {
            Direction::Ingress => &mut ingress,
            Direction::Egress => &mut egress,
        };
        rules.extend(per_cidr(&side));
    }
    ingress.sort_by(|a: &Rule, b: &Rule| a.key.cmp(&b.key));
    egress.sort_by(|a: &Rule, b: &Rule| a.key.cmp(&b.key));
    (ingress, egress)
}

/// One rule per peer CIDR of a flow side.
fn per_cidr<'s>(side: &'s Side<'_>) -> impl Iterator<Item = Rule> + 's {
    let flow = side.flow;
    let description = description(&format!(
        "{} {} {}",
        flow.purpose,
        side.direction.preposition(),
        side.peer
    ));
    side.peer_cidrs.iter().map(move |cidr| Rule {
        key: format!("{}:{cidr}", flow.key),
        appliance: side.appliance.to_owned(),
        interface: side.interface.clone(),
        peer: side.peer.to_owned(),
        protocol: flow.protocol.clone(),
        from_port: flow.from_port,
        to_port: flow.to_port,
        cidr_ipv4: (!is_ipv6(cidr)).then(|| cidr.clone()),
        cidr_ipv6: is_ipv6(cidr).then(|| cidr.clone()),
        description: description.clone(),
        flow_key: flow.key.clone(),
    })
}
