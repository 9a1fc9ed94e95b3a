//! Two-dimensional coverage in one plane (one transport, one address family): boxes of
//! ports x addresses, and which boxes lie inside the union of the others.
//!
//! The sweep cuts the port axis at every box's first port and just past its last one.
//! Between two neighbouring cuts, every port lies in exactly the same boxes, so checking
//! one port of each slab checks them all; within a slab the question is one-dimensional:
//! does an address span lie in a union of address spans?

use ipnet::IpNet;

use super::rule::{cidr_span, port_span, ActualRule, Peer, PortRange, Protocol};
use super::rule::{RequiredRule, Transport};
use super::span::{Span, SpanSet};

/// Ports x addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rect {
    pub ports: Span,
    pub addresses: Span,
}

impl Rect {
    fn new(ports: PortRange, cidr: &IpNet) -> Rect {
        Rect {
            ports: port_span(ports),
            addresses: cidr_span(cidr),
        }
    }
}

/// The rules of one transport and address family as boxes, each with its position in
/// the input.
pub(super) struct Plane {
    required: Vec<(usize, Rect)>,
    /// Actual rules of this very transport.
    actual: Vec<(usize, Rect)>,
    /// Actual `-1` rules: they allow this transport on every port.
    all_protocols: Vec<Rect>,
}

impl Plane {
    pub fn new(
        transport: Transport,
        ipv6: bool,
        required: &[RequiredRule],
        actual: &[ActualRule],
    ) -> Plane {
        let family = |cidr: &IpNet| matches!(cidr, IpNet::V6(_)) == ipv6;
        let mut plane = Plane {
            required: Vec::new(),
            actual: Vec::new(),
            all_protocols: Vec::new(),
        };
        for (i, rule) in required.iter().enumerate() {
            if rule.transport == transport && family(&rule.cidr) {
                plane.required.push((i, Rect::new(rule.ports, &rule.cidr)));
            }
        }
        for (j, rule) in actual.iter().enumerate() {
            let Peer::Cidr(cidr) = &rule.peer else {
                continue;
            };
            if !family(cidr) {
                continue;
            }
            if rule.protocol.transport() == Some(transport) {
                plane.actual.push((j, Rect::new(rule.ports, cidr)));
            } else if rule.protocol == Protocol::All {
                plane.all_protocols.push(Rect::new(PortRange::ALL, cidr));
            }
        }
        plane
    }

    /// Each required rule's position, and whether the actual rules cover it.
    pub fn covered(&self) -> impl Iterator<Item = (usize, bool)> + '_ {
        let allowed: Vec<Rect> = rects(&self.actual)
            .chain(self.all_protocols.iter().copied())
            .collect();
        let needed: Vec<Rect> = rects(&self.required).collect();
        positions(&self.required).zip(inside_union(&needed, &allowed))
    }

    /// Each actual rule's position (those of this transport), and whether it lies within
    /// the required rules.
    pub fn within(&self) -> impl Iterator<Item = (usize, bool)> + '_ {
        let allowed: Vec<Rect> = rects(&self.actual).collect();
        let needed: Vec<Rect> = rects(&self.required).collect();
        positions(&self.actual).zip(inside_union(&allowed, &needed))
    }
}

fn rects(boxes: &[(usize, Rect)]) -> impl Iterator<Item = Rect> + '_ {
    boxes.iter().map(|&(_, rect)| rect)
}

fn positions(boxes: &[(usize, Rect)]) -> impl Iterator<Item = usize> + '_ {
    boxes.iter().map(|&(position, _)| position)
}

/// For each of `inner`, whether it lies inside the union of `outer`.
fn inside_union(inner: &[Rect], outer: &[Rect]) -> Vec<bool> {
    let mut inside = vec![true; inner.len()];
    // Ports are at most 65535, so `hi + 1` cannot overflow.
    let mut cuts: Vec<u128> = inner
        .iter()
        .chain(outer)
        .flat_map(|rect| [rect.ports.lo, rect.ports.hi + 1])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    // Each cut starts a slab that runs to the next cut.
    for &port in &cuts {
        if !inner.iter().any(|rect| rect.ports.contains(port)) {
            continue;
        }
        let union = SpanSet::new(
            outer
                .iter()
                .filter(|rect| rect.ports.contains(port))
                .map(|rect| rect.addresses),
        );
        for (flag, rect) in inside.iter_mut().zip(inner) {
            if *flag && rect.ports.contains(port) && !union.contains(rect.addresses) {
                *flag = false;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(ports: (u128, u128), addresses: (u128, u128)) -> Rect {
        Rect {
            ports: Span::new(ports.0, ports.1),
            addresses: Span::new(addresses.0, addresses.1),
        }
    }

    #[test]
    fn one_wide_box_holds_several() {
        let wide = [rect((0, 100), (0, 255))];
        let small = [rect((10, 10), (5, 5)), rect((20, 30), (0, 255))];
        assert_eq!(inside_union(&small, &wide), [true, true]);
    }

    #[test]
    fn several_boxes_together_hold_one() {
        // Split on ports, then on addresses: the halves meet exactly.
        let target = [rect((10, 20), (0, 15))];
        let by_ports = [rect((10, 14), (0, 15)), rect((15, 20), (0, 15))];
        let by_addresses = [rect((0, 65535), (0, 7)), rect((5, 25), (8, 15))];
        assert_eq!(inside_union(&target, &by_ports), [true]);
        assert_eq!(inside_union(&target, &by_addresses), [true]);
    }

    #[test]
    fn one_point_outside_is_enough() {
        let target = [rect((10, 20), (0, 15))];
        // Misses port 15 for address 15 only.
        let almost = [
            rect((10, 20), (0, 14)),
            rect((10, 14), (15, 15)),
            rect((16, 20), (15, 15)),
        ];
        assert_eq!(inside_union(&target, &almost), [false]);
        assert_eq!(inside_union(&target, &[]), [false]);
        assert!(inside_union(&[], &almost).is_empty());
    }

    #[test]
    fn the_top_port_and_the_whole_address_space_count() {
        let everything = [rect((0, 65535), (0, u128::MAX))];
        let corner = [rect((65535, 65535), (u128::MAX, u128::MAX))];
        assert_eq!(inside_union(&corner, &everything), [true]);
        let short = [rect((0, 65534), (0, u128::MAX))];
        assert_eq!(inside_union(&corner, &short), [false]);
    }
}
