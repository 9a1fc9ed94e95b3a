//! Rules split into chunks that stay under a cloud's quota of rules per group: AWS allows
//! 60 inbound and 60 outbound rules per security group by default, each counted for IPv4
//! and IPv6 apart, and an interface takes several security groups.
//!
//! Rules are chunked per group (one appliance interface: `panorama.primary@mgt`): a group
//! with `n` rules of its larger family needs `ceil(n / limit)` chunks. Each rule's home
//! chunk comes from its key alone, by jump consistent hashing (Lamping and Veach, "A
//! Fast, Minimal Memory, Consistent Hash Algorithm", 2014); a rule whose home chunk is full
//! for its family takes the next chunk with room, rules placed in key order. So a rule
//! moves only when its group gains or loses a chunk (then about one rule in `n` moves, to
//! or from the last chunk) or when its home fills up, and the same rules always give the
//! same chunks.
//!
//! The first chunk of a group is named like the group, so a group that needs one chunk
//! keeps its name; the others add `#2`, `#3`...

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::cancel::{CancelToken, Cancelled};

/// One rule as chunking sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<'a> {
    /// The rule's key, unique among the items.
    pub key: &'a str,
    /// Its group, e.g. `panorama.primary@mgt`.
    pub group: &'a str,
    /// Whether it counts against the IPv6 quota (else IPv4).
    pub ipv6: bool,
}

/// The chunk of every item, by key, unless `cancel` is set on the way. `limit` is the
/// most rules of one family a chunk holds; 0 counts as 1.
pub fn chunks(
    items: &[Item<'_>],
    limit: usize,
    cancel: &CancelToken,
) -> Result<BTreeMap<String, String>, Cancelled> {
    let limit = limit.max(1);
    let mut groups: BTreeMap<&str, Vec<&Item<'_>>> = BTreeMap::new();
    for item in items {
        cancel.check()?;
        groups.entry(item.group).or_default().push(item);
    }
    let mut placed = BTreeMap::new();
    for (group, mut members) in groups {
        members.sort_by_key(|item| item.key);
        let count = |ipv6: bool| members.iter().filter(|item| item.ipv6 == ipv6).count();
        let needed = count(false).max(count(true)).div_ceil(limit).max(1);
        // Rules placed so far, by family and chunk.
        let mut load: BTreeMap<(bool, usize), usize> = BTreeMap::new();
        for item in members {
            cancel.check()?;
            let home = jump(digest(item.key), needed);
            let room = |chunk: usize| load.get(&(item.ipv6, chunk)).copied().unwrap_or(0) < limit;
            // The family has at most `needed * limit` rules, so some chunk has room.
            let chunk = (0..needed)
                .map(|step| (home + step) % needed)
                .find(|&chunk| room(chunk))
                .unwrap_or(home);
            *load.entry((item.ipv6, chunk)).or_default() += 1;
            placed.insert(item.key.to_owned(), name(group, chunk));
        }
    }
    Ok(placed)
}

/// The name of chunk `index` (from 0) of `group`.
fn name(group: &str, index: usize) -> String {
    match index {
        0 => group.to_owned(),
        _ => format!("{group}#{}", index + 1),
    }
}

/// 64 bits of the SHA-256 of `key`: spread evenly whatever the keys look like.
fn digest(key: &str) -> u64 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0_u8; 8];
    for (to, from) in first.iter_mut().zip(digest.iter()) {
        *to = *from;
    }
    u64::from_be_bytes(first)
}

/// Jump consistent hash: a bucket in `0..buckets` for `key`. Going from `b` to `b + 1`
/// buckets moves a key only into the new bucket, and only about one key in `b + 1`.
fn jump(mut key: u64, buckets: usize) -> usize {
    let (mut bucket, mut next) = (0_u64, 0_u64);
    let buckets = u64::try_from(buckets).unwrap_or(u64::MAX);
    while next < buckets {
        bucket = next;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        // 2^31 / ((key >> 33) + 1) stretched by bucket + 1, as the paper computes it.
        let stretch = (1_u64 << 31) as f64 / ((key >> 33) + 1) as f64;
        next = ((bucket + 1) as f64 * stretch) as u64;
    }
    usize::try_from(bucket).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn items(group: &str, keys: &[String]) -> Vec<(String, String)> {
        keys.iter().map(|k| (k.clone(), group.to_owned())).collect()
    }

    fn place(rules: &[(String, String)], limit: usize) -> BTreeMap<String, String> {
        let items: Vec<Item<'_>> = rules
            .iter()
            .map(|(key, group)| Item {
                key,
                group,
                ipv6: key.ends_with(":6"),
            })
            .collect();
        chunks(&items, limit, &CancelToken::new()).unwrap()
    }

    fn keys(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("rule-{i}")).collect()
    }

    fn loads(placed: &BTreeMap<String, String>) -> BTreeMap<(String, bool), usize> {
        let mut loads = BTreeMap::new();
        for (key, chunk) in placed {
            *loads
                .entry((chunk.clone(), key.ends_with(":6")))
                .or_default() += 1;
        }
        loads
    }

    #[test]
    fn a_group_within_the_limit_is_one_chunk_named_like_the_group() {
        let placed = place(&items("panorama.a@mgt", &keys(60)), 60);
        assert!(placed.values().all(|chunk| chunk == "panorama.a@mgt"));
        assert_eq!(placed.len(), 60);
    }

    #[test]
    fn chunks_never_exceed_the_limit_per_family() {
        for (count, limit) in [(61, 60), (130, 60), (7, 2), (100, 1)] {
            let mut rules = items("g", &keys(count));
            rules.extend(items(
                "g",
                &keys(count / 3)
                    .iter()
                    .map(|k| format!("{k}:6"))
                    .collect::<Vec<_>>(),
            ));
            let placed = place(&rules, limit);
            assert_eq!(placed.len(), rules.len());
            assert!(
                loads(&placed).values().all(|&n| n <= limit),
                "{count} {limit}"
            );
            let chunks: BTreeSet<&String> = placed.values().collect();
            assert_eq!(chunks.len(), count.div_ceil(limit), "{count} {limit}");
        }
    }

    #[test]
    fn groups_are_chunked_apart() {
        let mut rules = items("a", &keys(3));
        rules.extend(items(
            "b",
            &keys(3).iter().map(|k| format!("b{k}")).collect::<Vec<_>>(),
        ));
        let placed = place(&rules, 2);
        let chunks: BTreeSet<&str> = placed.values().map(String::as_str).collect();
        assert_eq!(chunks, BTreeSet::from(["a", "a#2", "b", "b#2"]));
    }

    #[test]
    fn rules_coming_and_going_move_few_others() {
        let all = items("g", &keys(200));
        let before = place(&all[..150], 60);
        let after = place(&all[..151], 60);
        let moved = before.iter().filter(|(k, c)| after[*k] != **c).count();
        assert_eq!(moved, 0, "adding a rule within the chunk count moves none");
        let removed = place(&all[1..150], 60);
        let moved = removed.iter().filter(|(k, c)| before[*k] != **c).count();
        assert_eq!(moved, 0, "removing one moves none");
        // 180 rules need a fourth chunk: about a quarter of the rules move, all into it.
        let grown = place(&all[..181], 60);
        let moved: Vec<&String> = before
            .iter()
            .filter(|(k, c)| grown[*k] != **c)
            .map(|(k, _)| &grown[k])
            .collect();
        assert!(moved.len() < 150 / 2, "{}", moved.len());
        assert!(moved.iter().all(|chunk| *chunk == "g#4"), "{moved:?}");
    }

    #[test]
    fn jump_spreads_keys_over_every_bucket() {
        for buckets in [1, 2, 3, 7] {
            let seen: BTreeSet<usize> = (0..1000)
                .map(|i| jump(digest(&i.to_string()), buckets))
                .collect();
            assert_eq!(seen, (0..buckets).collect());
        }
        assert_eq!(jump(42, 1), 0);
        assert_eq!(chunks(&[], 60, &CancelToken::new()), Ok(BTreeMap::new()));
    }

    #[test]
    fn a_set_token_stops_the_chunking() {
        let cancel = CancelToken::new();
        cancel.cancel();
        let item = Item {
            key: "a",
            group: "g",
            ipv6: false,
        };
        assert_eq!(chunks(&[item], 60, &cancel), Err(Cancelled));
    }
}
