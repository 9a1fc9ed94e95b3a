//! The audit on small hand-made cases: each states one rule of the semantics.

use std::time::Instant;

use serde_json::{json, Value};

use super::*;
use crate::flows::Known;

/// The findings for rules written as JSON, as a caller would pass them.
fn run(required: Value, actual: Value) -> Findings {
    let required: Vec<RuleInput> = serde_json::from_value(required).unwrap();
    let actual: Vec<RuleInput> = serde_json::from_value(actual).unwrap();
    audit(&required, &actual).unwrap()
}

/// A rule as JSON: protocol, ports and one CIDR in the field of its family.
fn r(protocol: &str, from: i32, to: i32, cidr: &str) -> Value {
    let field = if cidr.contains(':') {
        "cidr_ipv6"
    } else {
        "cidr_ipv4"
    };
    json!({ "protocol": protocol, "from_port": from, "to_port": to, field: cidr })
}

/// Each excess rule as its position and its reasons' texts.
fn excess(findings: &Findings) -> Vec<(usize, Vec<String>)> {
    findings
        .excess
        .iter()
        .map(|e| {
            (
                e.actual,
                e.reasons.iter().map(ToString::to_string).collect(),
            )
        })
        .collect()
}

fn kinds(findings: &Findings) -> Vec<(usize, Vec<&'static str>)> {
    findings
        .excess
        .iter()
        .map(|e| (e.actual, e.reasons.iter().map(Reason::kind).collect()))
        .collect()
}

#[test]
fn the_same_rules_are_compliant() {
    let rules = json!([
        r("tcp", 3978, 3978, "10.20.0.0/16"),
        r("udp", 514, 514, "2001:db8::5/128")
    ]);
    let findings = run(rules.clone(), rules);
    assert!(findings.compliant());
    assert_eq!(findings.covered, 2);
}

#[test]
fn nothing_required_and_nothing_open_is_compliant() {
    assert!(run(json!([]), json!([])).compliant());
}

#[test]
fn with_no_rules_every_required_rule_is_missing() {
    let findings = run(
        json!([
            r("tcp", 443, 443, "10.0.0.0/24"),
            r("tcp", 22, 22, "10.0.0.0/24")
        ]),
        json!([]),
    );
    assert_eq!(findings.missing, [0, 1]);
    assert_eq!(findings.covered, 0);
    assert!(!findings.compliant());
}

#[test]
fn several_actual_rules_cover_one_required_rule_together() {
    let required = json!([r("tcp", 28270, 28271, "10.0.0.0/24")]);
    // Halves of the ports, and halves of the addresses.
    let by_ports = json!([
        r("tcp", 28270, 28270, "10.0.0.0/24"),
        r("tcp", 28271, 28271, "10.0.0.0/24")
    ]);
    let by_addresses = json!([
        r("tcp", 28270, 28271, "10.0.0.0/25"),
        r("6", 28270, 28271, "10.0.0.128/25")
    ]);
    assert!(run(required.clone(), by_ports).compliant());
    assert!(run(required.clone(), by_addresses).compliant());
    // One address short: missing, and nothing in excess.
    let short = json!([
        r("tcp", 28270, 28271, "10.0.0.0/25"),
        r("tcp", 28270, 28271, "10.0.0.128/26"),
        r("tcp", 28270, 28271, "10.0.0.192/27"),
        r("tcp", 28270, 28271, "10.0.0.224/28"),
        r("tcp", 28270, 28271, "10.0.0.240/29"),
        r("tcp", 28270, 28271, "10.0.0.248/30"),
        r("tcp", 28270, 28271, "10.0.0.252/31"),
        r("tcp", 28270, 28270, "10.0.0.254/31"),
        r("tcp", 28271, 28271, "10.0.0.254/32")
    ]);
    let findings = run(required, short);
    assert_eq!(findings.missing, [0]);
    assert!(findings.excess.is_empty());
}

#[test]
fn one_wide_rule_covers_several_and_says_what_else_it_opens() {
    let findings = run(
        json!([
            r("tcp", 3978, 3978, "10.20.1.0/24"),
            r("tcp", 28443, 28443, "10.20.2.5/32")
        ]),
        json!([r("tcp", 3978, 28443, "10.20.0.0/16")]),
    );
    assert_eq!(findings.covered, 2);
    assert_eq!(
        excess(&findings),
        [(0, vec![
            "wider CIDR: allows 10.20.0.0/24, 10.20.2.0-10.20.2.4, 10.20.2.6-10.20.255.255, which no required rule has for these ports".to_string(),
            "other ports: allows 3979-28442, which no required rule has for these addresses".to_string(),
        ])]
    );
}

#[test]
fn every_port_and_address_needed_but_not_together() {
    // 22 for one half, 23 for the other: the rule opens 22 for the second half too.
    let findings = run(
        json!([
            r("tcp", 22, 22, "10.0.0.0/25"),
            r("tcp", 23, 23, "10.0.0.128/25")
        ]),
        json!([r("tcp", 22, 23, "10.0.0.0/24")]),
    );
    assert_eq!(findings.covered, 2);
    assert_eq!(kinds(&findings), [(0, vec!["combination"])]);
}

#[test]
fn all_protocols_cover_tcp_and_udp_and_are_always_excess() {
    let findings = run(
        json!([
            r("tcp", 443, 443, "10.0.0.5/32"),
            r("udp", 514, 514, "10.0.0.5/32"),
            r("tcp", 443, 443, "2001:db8::1/128")
        ]),
        json!([{ "ip_protocol": "-1", "from_port": -1, "to_port": -1, "cidr_ipv4": "10.0.0.4/30" }]),
    );
    // The IPv4 rules only: families never mix.
    assert_eq!(findings.missing, [2]);
    assert_eq!(
        excess(&findings),
        [(0, vec![
            "all protocols: -1 allows every protocol on every port".to_string(),
            "wider CIDR: allows 10.0.0.4/32, 10.0.0.6/31, which no required rule has for these ports".to_string(),
        ])]
    );
}

#[test]
fn open_to_everyone_is_named() {
    let findings = run(
        json!([r("tcp", 443, 443, "10.0.0.0/8")]),
        json!([r("tcp", 443, 443, "0.0.0.0/0"), r("icmpv6", -1, -1, "::/0")]),
    );
    assert_eq!(
        excess(&findings),
        [
            (0, vec![
                "everyone: 0.0.0.0/0 allows every IPv4 address".to_string(),
                "wider CIDR: allows 0.0.0.0-9.255.255.255, 11.0.0.0-255.255.255.255, which no required rule has for these ports".to_string(),
            ]),
            (1, vec![
                "another protocol: no required rule uses icmpv6".to_string(),
                "everyone: ::/0 allows every IPv6 address".to_string(),
            ]),
        ]
    );
}

#[test]
fn everyone_is_fine_when_everyone_is_required() {
    let rules = json!([r("tcp", 443, 443, "0.0.0.0/0")]);
    assert!(run(rules.clone(), rules).compliant());
}

#[test]
fn a_transport_no_required_rule_uses_is_another_protocol() {
    let findings = run(
        json!([r("tcp", 514, 514, "10.0.0.5/32")]),
        json!([r("udp", 514, 514, "10.0.0.5/32")]),
    );
    assert_eq!(findings.missing, [0]);
    assert_eq!(
        excess(&findings),
        [(
            0,
            vec!["another protocol: no required rule uses udp".to_string()]
        )]
    );
}

#[test]
fn rules_without_a_cidr_cover_nothing_and_cannot_be_compared() {
    let findings = run(
        json!([r("tcp", 443, 443, "10.0.0.5/32")]),
        json!([
            { "protocol": "tcp", "from_port": 443, "to_port": 443, "referenced_security_group_id": "sg-0abc" },
            { "protocol": "tcp", "from_port": 443, "to_port": 443, "prefix_list_id": "pl-1" },
            { "protocol": "tcp", "from_port": 443, "to_port": 443 },
        ]),
    );
    assert_eq!(findings.missing, [0]);
    assert_eq!(
        excess(&findings),
        [
            (0, vec!["not comparable: refers to sg-0abc, not a CIDR, so what it allows is unknown".to_string()]),
            (1, vec!["not comparable: refers to pl-1, not a CIDR, so what it allows is unknown".to_string()]),
            (2, vec!["not comparable: refers to a security group or prefix list, not a CIDR, so what it allows is unknown".to_string()]),
        ]
    );
}

#[test]
fn results_keep_input_order() {
    let required = json!([
        r("tcp", 1, 1, "10.0.0.1/32"),
        r("tcp", 2, 2, "10.0.0.1/32"),
        r("tcp", 3, 3, "10.0.0.1/32")
    ]);
    let actual = json!([
        r("udp", 9, 9, "10.0.0.1/32"),
        r("tcp", 2, 2, "10.0.0.1/32"),
        r("icmp", 0, 0, "10.0.0.1/32")
    ]);
    let findings = run(required, actual);
    assert_eq!(findings.missing, [0, 2]);
    assert_eq!(findings.covered, 1);
    assert_eq!(
        kinds(&findings),
        [(0, vec!["another protocol"]), (2, vec!["another protocol"])]
    );
}

#[test]
fn matrix_rules_audit_against_themselves() {
    let config = serde_json::from_value(json!({
        "panorama": { "version": "10.2", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.10"] } },
                                                    "b": { "addresses": { "mgt": ["10.0.0.11", "2001:db8::11"] } } } },
        "firewalls": { "branches": { "version": "10.1", "addresses": ["10.20.0.0/16", "2001:db8:20::/48"] } },
    }))
    .unwrap();
    let matrix = crate::flows::compute(&config).matrix.unwrap();
    let required: Vec<RuleInput> = matrix
        .ingress_rules
        .as_ref()
        .and_then(Known::value)
        .unwrap()
        .iter()
        .map(RuleInput::from)
        .collect();
    assert!(required.len() > 5);
    let findings = audit(&required, &required).unwrap();
    assert!(findings.compliant());
    assert_eq!(findings.covered, required.len());
    // Without its last rule, exactly that one is missing.
    let fewer = &required[..required.len() - 1];
    assert_eq!(
        audit(&required, fewer).unwrap().missing,
        [required.len() - 1]
    );
}

#[test]
fn bad_input_reports_both_lists() {
    let required: Vec<RuleInput> =
        serde_json::from_value(json!([r("icmp", 1, 1, "10.0.0.0/8")])).unwrap();
    let actual: Vec<RuleInput> =
        serde_json::from_value(json!([r("bogus", 1, 1, "10.0.0.0/8")])).unwrap();
    let paths: Vec<String> = audit(&required, &actual)
        .unwrap_err()
        .iter()
        .map(|d| d.path.to_string())
        .collect();
    assert_eq!(paths, ["required[0].protocol", "actual[0].protocol"]);
}

/// A small deterministic generator, so the timing case is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// `n` rules in one plane (TCP over IPv4, the worst case: nothing splits them), with
/// scattered ports and prefixes from /8 to /32.
fn scattered(n: usize, seed: u64) -> Vec<RuleInput> {
    let mut random = Lcg(seed);
    (0..n)
        .map(|_| {
            let from = 1 + random.below(65000);
            let to = (from + random.below(3) * random.below(1000)).min(65535);
            let prefix = 8 + random.below(25) as u8;
            let address = std::net::Ipv4Addr::from(0x0a00_0000 | random.below(1 << 24) as u32);
            let cidr = ipnet::Ipv4Net::new(address, prefix).unwrap().trunc();
            RuleInput {
                protocol: Some("tcp".into()),
                from_port: Some(from as f64),
                to_port: Some(to as f64),
                cidr_ipv4: Some(cidr.to_string()),
                ..RuleInput::default()
            }
        })
        .collect()
}

/// Times 500 required against 500 actual rules in one plane. It asserts the findings'
/// consistency, not the time: `cargo test --release --lib audit::tests::timing -- --nocapture`
/// prints it.
#[test]
fn timing_500_by_500() {
    let required = scattered(500, 1);
    let mut actual = scattered(450, 2);
    actual.extend(required.iter().step_by(10).cloned());
    let start = Instant::now();
    let findings = audit(&required, &actual).unwrap();
    let elapsed = start.elapsed();
    eprintln!(
        "audit of {} required x {} actual rules: {elapsed:?} ({} covered, {} excess)",
        required.len(),
        actual.len(),
        findings.covered,
        findings.excess.len()
    );
    assert_eq!(findings.covered + findings.missing.len(), required.len());
    // The rules copied into `actual` are covered.
    for i in (0..500).step_by(10) {
        assert!(!findings.missing.contains(&i));
    }
}
