//! Terraform numbers. Terraform's numbers are arbitrary-precision decimals; on the wire
//! they travel as an integer, a float, or a decimal string. [`Number`] keeps whichever
//! form arrived so a value survives a decode/encode round trip unchanged.

use std::fmt;

/// A Terraform number in the form it was received or built in.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    /// A whole number that fits in 64 signed bits.
    Int(i64),
    /// A binary floating-point number. Never NaN once it has passed the codec.
    Float(f64),
    /// A number in decimal text (`"18446744073709551615"`, `"1e3"`, `"0.1"`): used for
    /// numbers received as text or too large for the other forms. Always matches
    /// [`Number::is_decimal_text`] once it has passed the codec.
    Decimal(String),
}

/// 2^63 as a float: integral floats in `[-2^63, 2^63)` convert to `i64` exactly.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
/// 2^53: beyond this a float no longer holds every integer exactly.
const TWO_POW_53: f64 = 9_007_199_254_740_992.0;

impl Number {
    /// True if `text` is a plain decimal number: an optional sign, digits with an
    /// optional fraction, and an optional exponent (`-12`, `0.5`, `.5`, `1e3`,
    /// `2.5E-7`). Infinity, NaN, hexadecimal and empty strings are rejected.
    pub fn is_decimal_text(text: &str) -> bool {
        let bytes = text.as_bytes();
        let mut pos = 0;
        let digits_from = |mut pos: usize| {
            let start = pos;
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            (pos, pos - start)
        };
        if matches!(bytes.first(), Some(b'+' | b'-')) {
            pos += 1;
        }
        let (after_int, int_digits) = digits_from(pos);
        pos = after_int;
        let mut frac_digits = 0;
        if bytes.get(pos) == Some(&b'.') {
            let (after_frac, count) = digits_from(pos + 1);
            pos = after_frac;
            frac_digits = count;
        }
        if int_digits + frac_digits == 0 {
            return false;
        }
        if matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            let (after_exp, exp_digits) = digits_from(pos);
            if exp_digits == 0 {
                return false;
            }
            pos = after_exp;
        }
        pos == bytes.len()
    }

    /// A `Decimal` from text, checking it is a number.
    pub fn from_decimal_text(text: &str) -> Result<Number, String> {
        if Self::is_decimal_text(text) {
            Ok(Number::Decimal(text.to_owned()))
        } else {
            Err(format!("{text:?} is not a number"))
        }
    }

    /// The number as an `i64` if it is a whole number that fits exactly. Decimal text
    /// and floats beyond 2^53 (where floats stop being exact) count only if they are
    /// exact integers.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(int) => Some(*int),
            Number::Float(float) => float_to_i64(*float),
            Number::Decimal(text) => text.parse::<i64>().ok().or_else(|| {
                let float = text.parse::<f64>().ok()?;
                if float.abs() <= TWO_POW_53 {
                    float_to_i64(float)
                } else {
                    None
                }
            }),
        }
    }

    /// The number as a float (possibly rounded). `None` only for decimal text outside
    /// the float range or text that is not a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Number::Int(int) => Some(*int as f64),
            Number::Float(float) => Some(*float),
            Number::Decimal(text) => text.parse::<f64>().ok().filter(|f| f.is_finite()),
        }
    }
}

/// `float` as an `i64` if it is integral and in range.
pub(crate) fn float_to_i64(float: f64) -> Option<i64> {
    if float.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&float) {
        // In range and integral, so the conversion is exact.
        Some(float as i64)
    } else {
        None
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(int) => write!(f, "{int}"),
            Number::Float(float) => write!(f, "{float}"),
            Number::Decimal(text) => f.write_str(text),
        }
    }
}

impl From<i64> for Number {
    fn from(int: i64) -> Self {
        Number::Int(int)
    }
}

impl From<f64> for Number {
    fn from(float: f64) -> Self {
        Number::Float(float)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_grammar() {
        for good in [
            "0", "-12", "+7", "0.5", ".5", "5.", "1e3", "2.5E-7", "1e+10",
        ] {
            assert!(Number::is_decimal_text(good), "{good}");
        }
        for bad in [
            "", "-", ".", "e3", "1e", "1e+", "inf", "NaN", "0x10", "1_000", " 1", "1 ", "1.2.3",
        ] {
            assert!(!Number::is_decimal_text(bad), "{bad}");
        }
    }

    #[test]
    fn conversions() {
        assert_eq!(Number::Decimal("1e3".into()).as_i64(), Some(1000));
        assert_eq!(
            Number::Decimal("9223372036854775807".into()).as_i64(),
            Some(i64::MAX)
        );
        assert_eq!(
            Number::Decimal("18446744073709551615".into()).as_i64(),
            None
        );
        assert_eq!(Number::Decimal("1e300".into()).as_i64(), None);
        assert_eq!(Number::Float(2.0).as_i64(), Some(2));
        assert_eq!(Number::Float(2.5).as_i64(), None);
        assert_eq!(Number::Float(TWO_POW_63).as_i64(), None);
        assert_eq!(Number::Decimal("1e999".into()).as_f64(), None);
        assert_eq!(Number::Int(3).as_f64(), Some(3.0));
    }
}
