//! The one key scheme of the data source and the function: how flows and rules are keyed.
//!
//! A key depends only on the element's own endpoints, interfaces, protocol and ports (and,
//! for a rule, on how the peer's address is declared), never on list positions or on
//! other elements, so a `for_each` over the rules keeps every rule that did not change.
//!
//! - **Flow**: `source[@interface]>destination[@interface]:protocol:ports`, for example
//!   `firewall.branches>panorama.primary@mgt:tcp:3978`. Names never contain `@`, `>`,
//!   `:` or `#`, so keys are unambiguous.
//! - **Rule**: the flow key, then what names the peer address, never the address itself
//!   (it may be known only after apply):
//!   - the peer's address list holds one unnamed address: nothing (`mgt = [aws_network_interface.pano.private_ip]`
//!     keys its rules `...:tcp:3978`);
//!   - a map of names (`addresses = { east = "10.20.0.0/16" }`): `#` and the name
//!     (`...:tcp:3978#east`);
//!   - an unnamed list of two or more: `#` and the first [`DIGEST_LENGTH`] hex digits of
//!     the SHA-256 of the canonical CIDR (`...:tcp:3978#5cbf6964f288` for `10.20.0.0/16`), unknown while the
//!     address is.
//!
//!   A rule that several flows or peers share (same appliance, interface, protocol,
//!   ports and CIDR) takes the smallest of their keys.
//!
//! Removing or adding an address therefore keeps the key of every rule for the other
//! addresses, with one exception: an unnamed list going from one address to two (or back)
//! re-keys the rules of the address it had. Renaming an address re-keys its rules;
//! changing the value of a named address updates them in place.

use sha2::{Digest, Sha256};

use super::estate::{Address, Label, Member};
use super::known::Known;
use super::matrix::{endpoint_label, port_range};

/// Hex digits of the address digest in the key of a rule for one of an unnamed list of
/// addresses: 48 bits, so two addresses of one list share a digest with odds below one in
/// 10^8 even for lists of a thousand.
pub const DIGEST_LENGTH: usize = 12;

/// One end of a flow, as its key names it.
#[derive(Debug, Clone, Copy)]
pub struct End<'a> {
    /// The endpoint, e.g. `panorama.primary`.
    pub name: &'a str,
    /// Its interface, for Panorama appliances.
    pub interface: Option<&'a str>,
}

/// The key of a flow: `source[@interface]>destination[@interface]:protocol:ports`.
pub fn flow_key(
    source: End<'_>,
    destination: End<'_>,
    protocol: &str,
    ports: (u16, u16),
) -> String {
    format!(
        "{}>{}:{protocol}:{}",
        endpoint_label(source.name, source.interface),
        endpoint_label(destination.name, destination.interface),
        port_range(ports.0, ports.1)
    )
}

/// The key of the rule of flow `flow_key` for the peer address `member`: unknown only for
/// an unknown address of an unnamed list of two or more. The one place rule keys are made.
pub fn rule_key(flow_key: &str, member: &Member) -> Known<String> {
    match (&member.label, &member.address) {
        (Label::Sole, _) => Known::Value(flow_key.to_owned()),
        (Label::Named(name), _) => Known::Value(format!("{flow_key}#{name}")),
        (Label::Listed, Address::Known(net)) => {
            const DIGITS: &[u8; 16] = b"0123456789abcdef";
            let digest = Sha256::digest(net.to_string().as_bytes());
            let mut key = String::with_capacity(flow_key.len() + 1 + DIGEST_LENGTH);
            key.push_str(flow_key);
            key.push('#');
            // One hex digit per half byte, as many as the key keeps.
            for half in 0..DIGEST_LENGTH {
                let byte = digest[half / 2];
                let digit = if half % 2 == 0 {
                    byte >> 4
                } else {
                    byte & 0x0f
                };
                key.push(char::from(DIGITS[usize::from(digit)]));
            }
            Known::Value(key)
        }
        (Label::Listed, Address::Unknown(_)) => Known::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::Path;

    fn member(address: &str, label: Label) -> Member {
        Member {
            address: Address::Known(address.parse().unwrap()),
            label,
        }
    }

    #[test]
    fn flow_keys_name_ends_protocol_and_ports() {
        let fw = End {
            name: "firewall.branches",
            interface: None,
        };
        let pano = End {
            name: "panorama.a",
            interface: Some("eth1"),
        };
        assert_eq!(
            flow_key(fw, pano, "tcp", (3978, 3978)),
            "firewall.branches>panorama.a@eth1:tcp:3978"
        );
        assert_eq!(
            flow_key(pano, fw, "udp", (23000, 23999)),
            "panorama.a@eth1>firewall.branches:udp:23000-23999"
        );
    }

    #[test]
    fn rule_keys_never_hold_an_address() {
        let flow = "firewall.b>panorama.a@mgt:tcp:3978";
        let sole = rule_key(flow, &member("10.0.0.0/16", Label::Sole));
        assert_eq!(sole, Known::Value(flow.to_owned()));
        let named = rule_key(flow, &member("10.0.0.0/16", Label::Named("east".into())));
        assert_eq!(named, Known::Value(format!("{flow}#east")));
        let listed = rule_key(flow, &member("10.0.0.0/16", Label::Listed))
            .into_value()
            .unwrap();
        let (start, digest) = listed.split_once('#').unwrap();
        assert_eq!(start, flow);
        assert_eq!(digest.len(), DIGEST_LENGTH);
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!listed.contains("10.0"));
        let other = rule_key(flow, &member("10.1.0.0/16", Label::Listed));
        assert_ne!(other, Known::Value(listed));
        // The example the docs give.
        assert_eq!(
            rule_key("f", &member("10.20.0.0/16", Label::Listed)),
            Known::Value("f#5cbf6964f288".into())
        );
    }

    #[test]
    fn only_a_listed_unknown_address_has_an_unknown_key() {
        let flow = "f";
        let unknown = |label| Member {
            address: Address::Unknown(Path::root().attr("x")),
            label,
        };
        assert_eq!(
            rule_key(flow, &unknown(Label::Sole)),
            Known::Value("f".into())
        );
        assert_eq!(
            rule_key(flow, &unknown(Label::Named("a".into()))),
            Known::Value("f#a".into())
        );
        assert_eq!(rule_key(flow, &unknown(Label::Listed)), Known::Unknown);
    }
}
