//! The audit against a brute-force model: random small rule sets, every decision checked
//! point by point.
//!
//! The universe is small but exact. Generated CIDRs are subnets of `10.0.0.0/28` (or
//! `2001:db8::/124`), that network's /27 (/123), `0.0.0.0/0` (`::/0`) or its halves; ports
//! lie in 0..=16, or run from there to 65535. So every address outside the /28 is alike
//! to one of three stand-ins (inside the /27; outside it, in either half of the address
//! space), and every port above 16 is alike to 65535: enumerating the /28, the stand-ins
//! and ports 0..=16 and 65535 enumerates every case. ICMP stands for the protocols other
//! than TCP and UDP.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;

use super::*;

/// A protocol of the model: the two transports, and ICMP for all the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
    Tcp,
    Udp,
    Other,
}

const V4_BASE: u32 = 0x0a00_0000; // 10.0.0.0
const V6_BASE: u128 = 0x2001_0db8 << 96; // 2001:db8::

fn universe_addresses() -> Vec<IpAddr> {
    let mut all = Vec::new();
    for i in 0..16 {
        all.push(IpAddr::V4(Ipv4Addr::from(V4_BASE + i)));
        all.push(IpAddr::V6(Ipv6Addr::from(V6_BASE + u128::from(i))));
    }
    // Inside the /27 (/123) but not the /28 (/124); outside both, in each half of the
    // address space (a split `/0` gives the halves).
    all.push(IpAddr::V4(Ipv4Addr::from(V4_BASE + 16)));
    all.push(IpAddr::V4(Ipv4Addr::new(11, 0, 0, 1)));
    all.push(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
    all.push(IpAddr::V6(Ipv6Addr::from(V6_BASE + 16)));
    all.push("2001:db9::1".parse().unwrap());
    all.push("8000::1".parse().unwrap());
    all
}

fn universe_ports() -> Vec<u16> {
    (0..=16).chain([65535]).collect()
}

fn cidr(ipv6: bool) -> impl Strategy<Value = IpNet> {
    let v4 = prop_oneof![
        8 => (0u32..16, 28u8..=32).prop_map(|(host, prefix)| {
            IpNet::V4(Ipv4Net::new(Ipv4Addr::from(V4_BASE + host), prefix).unwrap().trunc())
        }),
        1 => Just("10.0.0.0/27".parse().unwrap()),
        1 => Just("0.0.0.0/0".parse().unwrap()),
    ];
    let v6 = prop_oneof![
        8 => (0u128..16, 124u8..=128).prop_map(|(host, prefix)| {
            IpNet::V6(Ipv6Net::new(Ipv6Addr::from(V6_BASE + host), prefix).unwrap().trunc())
        }),
        1 => Just("2001:db8::/123".parse().unwrap()),
        1 => Just("::/0".parse().unwrap()),
    ];
    if ipv6 {
        v6.boxed()
    } else {
        v4.boxed()
    }
}

fn any_cidr() -> impl Strategy<Value = IpNet> {
    prop_oneof![3 => cidr(false), 1 => cidr(true)]
}

fn ports(lowest: u16) -> impl Strategy<Value = PortRange> {
    prop_oneof![
        6 => (lowest..=16, lowest..=16)
            .prop_map(|(a, b)| PortRange::new(a.min(b), a.max(b)).unwrap()),
        1 => (lowest..=16).prop_map(|a| PortRange::new(a, 65535).unwrap()),
    ]
}

fn required_rule() -> impl Strategy<Value = RequiredRule> {
    let transport = prop_oneof![3 => Just(Transport::Tcp), 1 => Just(Transport::Udp)];
    // Required ports stay in 1..=16, as the matrix's stay below 65535.
    let ports =
        (1u16..=16, 1u16..=16).prop_map(|(a, b)| PortRange::new(a.min(b), a.max(b)).unwrap());
    (transport, ports, any_cidr()).prop_map(|(transport, ports, cidr)| RequiredRule {
        transport,
        ports,
        cidr,
    })
}

fn actual_rule() -> impl Strategy<Value = ActualRule> {
    let protocol = prop_oneof![
        4 => Just(Protocol::TCP),
        2 => Just(Protocol::UDP),
        1 => Just(Protocol::All),
        1 => Just(Protocol::Number(1)),
    ];
    let peer = prop_oneof![
        12 => any_cidr().prop_map(Peer::Cidr),
        1 => Just(Peer::Reference(None)),
    ];
    (protocol, ports(0), peer).prop_map(|(protocol, ports, peer)| ActualRule {
        protocol,
        ports: if protocol.transport().is_some() {
            ports
        } else {
            PortRange::ALL
        },
        peer,
    })
}

/// Actual rules made from a required rule, so that coverage is often exact, joint or
/// just short: a copy, the ports split in two, the CIDR split in two, or the ports one wider.
fn derived(rule: &RequiredRule, how: u8) -> Vec<ActualRule> {
    let actual = |ports: PortRange, cidr: IpNet| ActualRule {
        protocol: rule.transport.protocol(),
        ports,
        peer: Peer::Cidr(cidr),
    };
    let (from, to) = (rule.ports.from(), rule.ports.to());
    let halves = rule.cidr.subnets(rule.cidr.prefix_len() + 1).ok();
    match how {
        1 if from < to => {
            let middle = from + (to - from) / 2;
            vec![
                actual(PortRange::new(from, middle).unwrap(), rule.cidr),
                actual(PortRange::new(middle + 1, to).unwrap(), rule.cidr),
            ]
        }
        2 if halves.is_some() => halves
            .into_iter()
            .flatten()
            .map(|half| actual(rule.ports, half))
            .collect(),
        // One port wider (ports stay in 0..=16: no new kind of port appears).
        3 => {
            let wider = if to < 16 {
                PortRange::new(from, to + 1)
            } else {
                PortRange::new(from - 1, to)
            };
            vec![actual(wider.unwrap(), rule.cidr)]
        }
        _ => vec![actual(rule.ports, rule.cidr)],
    }
}

/// Up to 8 required rules, and up to 8 actual rules: random ones and some made from the
/// required rules, shuffled.
fn case() -> impl Strategy<Value = (Vec<RequiredRule>, Vec<ActualRule>)> {
    prop::collection::vec(required_rule(), 0..=8).prop_flat_map(|required| {
        let picks = prop::collection::vec((any::<prop::sample::Index>(), 0u8..5), 0..=4);
        let random = prop::collection::vec(actual_rule(), 0..=5);
        (Just(required), random, picks).prop_flat_map(|(required, mut actual, picks)| {
            if !required.is_empty() {
                for (index, how) in picks {
                    actual.extend(derived(index.get(&required), how));
                }
            }
            actual.truncate(8);
            (Just(required), Just(actual).prop_shuffle())
        })
    })
}

fn in_ports(ports: PortRange, port: u16) -> bool {
    ports.from() <= port && port <= ports.to()
}

fn requires(required: &[RequiredRule], p: P, port: u16, address: IpAddr) -> bool {
    required.iter().any(|r| {
        let transport = match r.transport {
            Transport::Tcp => P::Tcp,
            Transport::Udp => P::Udp,
        };
        transport == p && in_ports(r.ports, port) && r.cidr.contains(&address)
    })
}

fn allows(rule: &ActualRule, p: P, port: u16, address: IpAddr) -> bool {
    let Peer::Cidr(cidr) = &rule.peer else {
        return false;
    };
    let protocol = match rule.protocol {
        Protocol::All => true,
        Protocol::TCP => p == P::Tcp && in_ports(rule.ports, port),
        Protocol::UDP => p == P::Udp && in_ports(rule.ports, port),
        Protocol::Number(_) => p == P::Other,
    };
    protocol && cidr.contains(&address)
}

/// Every point of the universe: transports with each port, other protocols without ports.
fn points() -> Vec<(P, u16, IpAddr)> {
    let mut all = Vec::new();
    for address in universe_addresses() {
        for port in universe_ports() {
            all.push((P::Tcp, port, address));
            all.push((P::Udp, port, address));
        }
        all.push((P::Other, 0, address));
    }
    all
}

/// The model's reasons: kinds, and for `wider CIDR` and `other ports` the universe
/// addresses or ports they name.
#[derive(Debug, PartialEq)]
struct ModelExcess {
    kinds: Vec<&'static str>,
    wider: Vec<IpAddr>,
    other_ports: Vec<u16>,
}

fn model_excess(rule: &ActualRule, required: &[RequiredRule]) -> Option<ModelExcess> {
    let none = |kinds| ModelExcess {
        kinds,
        wider: Vec::new(),
        other_ports: Vec::new(),
    };
    let Peer::Cidr(cidr) = &rule.peer else {
        return Some(none(vec!["not comparable"]));
    };
    let excess = points()
        .into_iter()
        .any(|(p, port, a)| allows(rule, p, port, a) && !requires(required, p, port, a));
    if !excess {
        return None;
    }
    let everyone = (cidr.prefix_len() == 0).then_some("everyone");
    let addresses: Vec<IpAddr> = universe_addresses()
        .into_iter()
        .filter(|a| cidr.contains(a))
        .collect();
    let ports: Vec<u16> = universe_ports()
        .into_iter()
        .filter(|&q| in_ports(rule.ports, q))
        .collect();
    let transports: Vec<P> = match rule.protocol {
        Protocol::All => vec![P::Tcp, P::Udp],
        Protocol::TCP => vec![P::Tcp],
        Protocol::UDP => vec![P::Udp],
        Protocol::Number(_) => vec![],
    };
    // An address no required rule of the rule's transports has on any of its ports.
    let wider: Vec<IpAddr> = addresses
        .iter()
        .copied()
        .filter(|&a| {
            !transports
                .iter()
                .any(|&p| ports.iter().any(|&q| requires(required, p, q, a)))
        })
        .collect();
    let used = |p: P| {
        universe_ports().into_iter().any(|q| {
            universe_addresses()
                .into_iter()
                .any(|a| requires(required, p, q, a))
        })
    };
    if rule.protocol == Protocol::All {
        let mut kinds = vec!["all protocols"];
        kinds.extend(everyone);
        if !wider.is_empty() {
            kinds.push("wider CIDR");
        }
        return Some(ModelExcess {
            kinds,
            wider,
            other_ports: Vec::new(),
        });
    }
    let Some(&p) = transports.first().filter(|&&p| used(p)) else {
        let mut kinds = vec!["another protocol"];
        kinds.extend(everyone);
        return Some(none(kinds));
    };
    // A port no required rule of the transport has for any of the rule's addresses.
    let other_ports: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|&q| !addresses.iter().any(|&a| requires(required, p, q, a)))
        .collect();
    let mut kinds: Vec<&'static str> = everyone.into_iter().collect();
    if wider.is_empty() && other_ports.is_empty() {
        kinds.push("combination");
    }
    if !wider.is_empty() {
        kinds.push("wider CIDR");
    }
    if !other_ports.is_empty() {
        kinds.push("other ports");
    }
    Some(ModelExcess {
        kinds,
        wider,
        other_ports,
    })
}

/// The engine's reasons for one rule, read the model's way.
fn engine_excess(excess: &Excess) -> ModelExcess {
    let mut wider = Vec::new();
    let mut other_ports = Vec::new();
    for reason in &excess.reasons {
        match reason {
            Reason::WiderCidr(ranges) => {
                wider.extend(universe_addresses().into_iter().filter(|a| {
                    ranges
                        .iter()
                        .any(|r| same_family(a, &r.first) && r.first <= *a && *a <= r.last)
                }))
            }
            Reason::OtherPorts(ranges) => other_ports.extend(
                universe_ports()
                    .into_iter()
                    .filter(|&q| ranges.iter().any(|&r| in_ports(r, q))),
            ),
            _ => {}
        }
    }
    ModelExcess {
        kinds: excess.reasons.iter().map(Reason::kind).collect(),
        wider,
        other_ports,
    }
}

fn same_family(a: &IpAddr, b: &IpAddr) -> bool {
    a.is_ipv4() == b.is_ipv4()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Covered, missing and excess, and every reason with what it names, equal the
    /// point-by-point model.
    #[test]
    fn audit_equals_brute_force(
        (required, actual) in case(),
    ) {
        let findings = compare(&required, &actual);
        let points = points();
        let model_missing: Vec<usize> = required
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let own = [**r];
                points.iter().any(|&(p, q, a)| {
                    requires(&own, p, q, a) && !actual.iter().any(|rule| allows(rule, p, q, a))
                })
            })
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(&findings.missing, &model_missing);
        prop_assert_eq!(findings.covered, required.len() - model_missing.len());

        let model: Vec<(usize, ModelExcess)> = actual
            .iter()
            .enumerate()
            .filter_map(|(j, rule)| model_excess(rule, &required).map(|m| (j, m)))
            .collect();
        let engine: Vec<(usize, ModelExcess)> =
            findings.excess.iter().map(|e| (e.actual, engine_excess(e))).collect();
        prop_assert_eq!(engine, model);
        prop_assert_eq!(
            findings.compliant(),
            findings.missing.is_empty() && findings.excess.is_empty()
        );
    }

    /// Reordering the inputs reorders the findings and changes nothing else.
    #[test]
    fn order_only_moves_positions(
        (required, actual) in case(),
    ) {
        let findings = compare(&required, &actual);
        let reversed_required: Vec<RequiredRule> = required.iter().rev().cloned().collect();
        let reversed_actual: Vec<ActualRule> = actual.iter().rev().cloned().collect();
        let reversed = compare(&reversed_required, &reversed_actual);
        let mut missing: Vec<usize> =
            reversed.missing.iter().map(|i| required.len() - 1 - i).collect();
        missing.sort_unstable();
        prop_assert_eq!(missing, findings.missing.clone());
        let mut excess: Vec<Excess> = reversed
            .excess
            .iter()
            .map(|e| Excess { actual: actual.len() - 1 - e.actual, reasons: e.reasons.clone() })
            .collect();
        excess.sort_by_key(|e| e.actual);
        prop_assert_eq!(excess, findings.excess.clone());
        prop_assert_eq!(compare(&required, &actual), findings);
    }

    /// Any text and any number: findings or diagnostics, never a panic.
    #[test]
    fn arbitrary_input_never_panics(
        rules in prop::collection::vec(
            (
                prop::option::of(prop_oneof!["tcp|udp|icmp|-1|6|17|all|\\*", ".{0,6}"]),
                prop::option::of(prop_oneof![-2.0f64..70000.0, any::<f64>(), (0u16..=65535).prop_map(f64::from)]),
                prop::option::of(prop_oneof![-2.0f64..70000.0, any::<f64>(), (0u16..=65535).prop_map(f64::from)]),
                prop::option::of(prop_oneof!["10\\.[0-9]{1,3}\\.0\\.0/[0-9]{1,2}", ".{0,12}"]),
                prop::option::of(prop_oneof!["2001:db8::/[0-9]{1,3}", ".{0,12}"]),
            ),
            0..6,
        ),
    ) {
        let inputs: Vec<RuleInput> = rules
            .into_iter()
            .map(|(protocol, from_port, to_port, cidr_ipv4, cidr_ipv6)| RuleInput {
                protocol,
                from_port,
                to_port,
                cidr_ipv4,
                cidr_ipv6,
                ..RuleInput::default()
            })
            .collect();
        match audit(&inputs, &inputs) {
            Ok(findings) => prop_assert_eq!(findings.covered + findings.missing.len(), inputs.len()),
            Err(diagnostics) => prop_assert!(!diagnostics.is_empty()),
        }
        let _ = audit(&[], &inputs);
    }
}

/// The generators reach every case the model distinguishes, often: a property that never
/// meets joint coverage or a `combination` would prove little. Prints the counts.
#[test]
fn generated_cases_reach_every_kind_of_finding() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;

    let cases = 4096;
    let strategy = case();
    let mut runner = TestRunner::deterministic();
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    for _ in 0..cases {
        let (required, actual) = strategy.new_tree(&mut runner).unwrap().current();
        let findings = compare(&required, &actual);
        let mut note =
            |what: &'static str, yes: bool| *seen.entry(what).or_default() += usize::from(yes);
        note("compliant", findings.compliant());
        note("some missing", !findings.missing.is_empty());
        note("some covered", findings.covered > 0);
        // Covered by several rules together: no single actual rule covers it alone.
        let jointly = (0..required.len()).any(|i| {
            !findings.missing.contains(&i)
                && actual.iter().all(|rule| {
                    !compare(&required[i..=i], std::slice::from_ref(rule))
                        .missing
                        .is_empty()
                })
        });
        note("covered jointly", jointly);
        // One actual rule covering several required rules.
        let wide = actual.iter().any(|rule| {
            let alone = compare(&required, std::slice::from_ref(rule));
            alone.covered >= 2
        });
        note("one rule covers several", wide);
        for excess in &findings.excess {
            for reason in &excess.reasons {
                note(reason.kind(), true);
            }
        }
    }
    eprintln!("{cases} generated cases: {seen:?}");
    for kind in [
        "compliant",
        "some missing",
        "some covered",
        "covered jointly",
        "one rule covers several",
        "all protocols",
        "another protocol",
        "everyone",
        "wider CIDR",
        "other ports",
        "combination",
        "not comparable",
    ] {
        let count = seen.get(kind).copied().unwrap_or(0);
        assert!(
            count >= cases / 100,
            "`{kind}` in only {count} of {cases} cases"
        );
    }
}
