//! Inclusive integer ranges and their unions: the one-dimensional arithmetic the audit is
//! built from. Ports and addresses (IPv4 and IPv6 alike) are all `u128` here.

/// The integers `lo..=hi`; never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Span {
    pub lo: u128,
    pub hi: u128,
}

impl Span {
    pub fn new(lo: u128, hi: u128) -> Span {
        debug_assert!(lo <= hi);
        Span { lo, hi }
    }

    pub fn contains(self, point: u128) -> bool {
        self.lo <= point && point <= self.hi
    }

    pub fn overlaps(self, other: Span) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }
}

/// A union of spans, kept sorted, disjoint and with no two adjacent, so a span lies in the
/// union exactly when it lies in one of its members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SpanSet(Vec<Span>);

impl SpanSet {
    /// The union of `spans`.
    pub fn new(spans: impl IntoIterator<Item = Span>) -> SpanSet {
        let mut spans: Vec<Span> = spans.into_iter().collect();
        spans.sort_unstable();
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                // Overlapping or adjacent (`hi + 1 == lo`): one span. At `u128::MAX`
                // nothing can follow, so saturating is exact.
                Some(last) if span.lo <= last.hi.saturating_add(1) => {
                    last.hi = last.hi.max(span.hi);
                }
                _ => merged.push(span),
            }
        }
        SpanSet(merged)
    }

    /// Whether every integer of `span` is in the union.
    pub fn contains(&self, span: Span) -> bool {
        let first = self.0.partition_point(|member| member.hi < span.lo);
        self.0
            .get(first)
            .is_some_and(|member| member.lo <= span.lo && span.hi <= member.hi)
    }

    /// The parts of `span` outside the union, in order.
    pub fn outside(&self, span: Span) -> Vec<Span> {
        let mut gaps = Vec::new();
        let mut next = Some(span.lo);
        let first = self.0.partition_point(|member| member.hi < span.lo);
        for member in self.0.iter().skip(first) {
            let Some(start) = next else { break };
            if member.lo > span.hi {
                break;
            }
            if member.lo > start {
                gaps.push(Span::new(start, member.lo - 1));
            }
            // Past `u128::MAX` there is nothing left to look at.
            next = member.hi.checked_add(1);
        }
        if let Some(start) = next.filter(|&start| start <= span.hi) {
            gaps.push(Span::new(start, span.hi));
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(spans: &[(u128, u128)]) -> SpanSet {
        SpanSet::new(spans.iter().map(|&(lo, hi)| Span::new(lo, hi)))
    }

    #[test]
    fn unions_merge_overlapping_and_adjacent_spans() {
        let union = set(&[(10, 20), (1, 5), (6, 8), (15, 30), (40, 40)]);
        assert_eq!(union, set(&[(1, 8), (10, 30), (40, 40)]));
        assert_eq!(set(&[(0, u128::MAX), (5, 6)]), set(&[(0, u128::MAX)]));
    }

    #[test]
    fn containment_needs_one_member_to_hold_the_whole_span() {
        let union = set(&[(1, 5), (6, 8), (10, 30)]);
        assert!(union.contains(Span::new(1, 8)));
        assert!(union.contains(Span::new(12, 12)));
        assert!(!union.contains(Span::new(8, 10)));
        assert!(!union.contains(Span::new(0, 1)));
        assert!(!union.contains(Span::new(31, 31)));
        assert!(!SpanSet::default().contains(Span::new(0, 0)));
    }

    #[test]
    fn outside_lists_the_gaps_in_order() {
        let union = set(&[(3, 4), (8, 9)]);
        let gaps = |lo, hi| -> Vec<(u128, u128)> {
            union
                .outside(Span::new(lo, hi))
                .iter()
                .map(|s| (s.lo, s.hi))
                .collect()
        };
        assert_eq!(gaps(0, 12), [(0, 2), (5, 7), (10, 12)]);
        assert_eq!(gaps(3, 9), [(5, 7)]);
        assert_eq!(gaps(3, 4), []);
        assert_eq!(gaps(9, 9), []);
        let everything = set(&[(0, u128::MAX)]);
        assert!(everything.outside(Span::new(7, u128::MAX)).is_empty());
        let top = set(&[(u128::MAX, u128::MAX)]);
        assert_eq!(
            top.outside(Span::new(u128::MAX - 2, u128::MAX)),
            [Span::new(u128::MAX - 2, u128::MAX - 1)]
        );
    }
}
