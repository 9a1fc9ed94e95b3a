//! Panorama and PAN-OS release strings, and the version bands the port tables use.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::diagnostic::echo;

/// A release such as `10.2`, `8.0.5` or `11.1.4-h7`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    /// Major release (5 or later).
    pub major: u32,
    /// Minor release.
    pub minor: u32,
    /// Maintenance release, when given.
    pub patch: Option<u32>,
    /// Hotfix number (`-hN`), when given.
    pub hotfix: Option<u32>,
}

/// The release bands of the vendor's port table: 5.0, 5.1, 6.x to 7.x, 8.x and later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// Release 5.0.
    V5_0,
    /// Release 5.1 (and any later 5.x).
    V5_1,
    /// Releases 6.0 to 7.x.
    V6To7,
    /// Release 8.0 and every later one.
    V8Plus,
}

impl Band {
    /// Position of the band in a four-column port table.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The band as the vendor's table names it, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Band::V5_0 => "5.0",
            Band::V5_1 => "5.1",
            Band::V6To7 => "6.x-7.x",
            Band::V8Plus => "8.x and later",
        }
    }

    /// The first release of the band.
    pub fn first(self) -> Version {
        match self {
            Band::V5_0 => Version::new(5, 0),
            Band::V5_1 => Version::new(5, 1),
            Band::V6To7 => Version::new(6, 0),
            Band::V8Plus => Version::new(8, 0),
        }
    }
}

/// Why a release string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    /// What was wrong, in a few words.
    pub reason: String,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for VersionError {}

/// Oldest major release the vendor's tables describe.
const OLDEST_MAJOR: u32 = 5;

impl Version {
    /// A version from its parts, without patch or hotfix.
    pub const fn new(major: u32, minor: u32) -> Self {
        Version {
            major,
            minor,
            patch: None,
            hotfix: None,
        }
    }

    /// A version with a maintenance release.
    pub const fn with_patch(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch: Some(patch),
            hotfix: None,
        }
    }

    /// The port-table band this release falls in.
    pub fn band(&self) -> Band {
        match (self.major, self.minor) {
            (5, 0) => Band::V5_0,
            (5, _) => Band::V5_1,
            (6 | 7, _) => Band::V6To7,
            _ => Band::V8Plus,
        }
    }

    /// The `MAJOR.MINOR` feature release, which decides what Panorama can manage.
    pub fn feature_release(&self) -> (u32, u32) {
        (self.major, self.minor)
    }

    /// Sort key: a missing patch or hotfix counts as 0.
    fn rank(&self) -> (u32, u32, u32, u32) {
        (
            self.major,
            self.minor,
            self.patch.unwrap_or(0),
            self.hotfix.unwrap_or(0),
        )
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(patch) = self.patch {
            write!(f, ".{patch}")?;
        }
        if let Some(hotfix) = self.hotfix {
            write!(f, "-h{hotfix}")?;
        }
        Ok(())
    }
}

/// One dot-separated number: ASCII digits only, no sign, no leading zero, fits in u32.
fn number(part: &str, what: &str) -> Result<u32, VersionError> {
    let refuse = |why: &str| VersionError {
        reason: format!("the {what} number {why}"),
    };
    if part.is_empty() {
        return Err(refuse("is missing"));
    }
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse(&format!("`{}` is not a whole number", echo(part))));
    }
    if part.len() > 1 && part.starts_with('0') {
        return Err(refuse(&format!("`{}` has a leading zero", echo(part))));
    }
    part.parse()
        .map_err(|_| refuse(&format!("`{}` is too large", echo(part))))
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // "PAN-OS 9.1", "v10.2", "10.2 (lab)": name the real mistake, not its side effects
        // (the `-` of PAN-OS read as a hotfix suffix).
        let words =
            !text.starts_with(|c: char| c.is_ascii_digit()) || text.contains(char::is_whitespace);
        if words && text.contains(|c: char| c.is_ascii_digit()) {
            return Err(VersionError {
                reason: "write only the release number, such as `9.1`, without a product name or other words".into(),
            });
        }
        let (release, hotfix) = match text.split_once('-') {
            Some((release, suffix)) => {
                let digits = suffix.strip_prefix('h').ok_or_else(|| VersionError {
                    reason: format!(
                        "the suffix `-{}` is not a hotfix such as `-h3`",
                        echo(suffix)
                    ),
                })?;
                (release, Some(number(digits, "hotfix")?))
            }
            None => (text, None),
        };
        let parts: Vec<&str> = release.split('.').collect();
        let (major, minor, patch) = match parts.as_slice() {
            [major, minor] => (number(major, "major")?, number(minor, "minor")?, None),
            [major, minor, patch] => (
                number(major, "major")?,
                number(minor, "minor")?,
                Some(number(patch, "patch")?),
            ),
            _ => {
                return Err(VersionError {
                    reason: "it is not of the form MAJOR.MINOR or MAJOR.MINOR.PATCH".into(),
                })
            }
        };
        if major < OLDEST_MAJOR {
            return Err(VersionError {
                reason: format!("major release {major} is older than {OLDEST_MAJOR}.0, the oldest the port tables cover"),
            });
        }
        Ok(Version {
            major,
            minor,
            patch,
            hotfix,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_name_or_words_ask_for_the_release_number_alone() {
        for text in ["PAN-OS 9.1", "v10.2", "10.2 (lab)", "Panorama 10.1.4-h2"] {
            let error = text.parse::<Version>().unwrap_err();
            assert!(
                error
                    .reason
                    .starts_with("write only the release number, such as `9.1`"),
                "{text}: {error}"
            );
        }
        let error = "10.x".parse::<Version>().unwrap_err();
        assert_eq!(error.reason, "the minor number `x` is not a whole number");
    }

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!("10.2".parse(), Ok(Version::new(10, 2)));
        assert_eq!("8.0.5".parse(), Ok(Version::with_patch(8, 0, 5)));
        let hotfix: Version = "11.1.4-h7".parse().unwrap();
        assert_eq!(hotfix.hotfix, Some(7));
        assert_eq!(hotfix.to_string(), "11.1.4-h7");
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "10",
            "10.",
            ".1",
            "10.2.3.4",
            "v10.2",
            "10.2-h",
            "10.2-x1",
            "10.2.4-h7-h8",
            "4.1",
            "10.02",
            "10.2 ",
            "-1.0",
            "99999999999.0",
            "1e1.0",
            "10.2.x",
        ] {
            assert!(bad.parse::<Version>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn bands_follow_the_vendor_table() {
        let band = |text: &str| text.parse::<Version>().unwrap().band();
        assert_eq!(band("5.0"), Band::V5_0);
        assert_eq!(band("5.0.9"), Band::V5_0);
        assert_eq!(band("5.1"), Band::V5_1);
        assert_eq!(band("6.0"), Band::V6To7);
        assert_eq!(band("7.1.20"), Band::V6To7);
        assert_eq!(band("8.0"), Band::V8Plus);
        assert_eq!(band("12.1"), Band::V8Plus);
    }

    #[test]
    fn orders_by_release_then_patch_then_hotfix() {
        let v = |text: &str| text.parse::<Version>().unwrap();
        assert!(v("8.0.1") > v("8.0"));
        assert!(v("8.0.1-h2") > v("8.0.1"));
        assert!(v("10.0") > v("9.1.12"));
        assert_eq!(v("8.0").cmp(&v("8.0.0")), Ordering::Equal);
    }
}
