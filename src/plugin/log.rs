//! Structured logging to stderr in the form Terraform understands.
//!
//! go-plugin copies a provider's stderr into Terraform's log; a line that is a JSON
//! object with `@level` and `@message` keeps its level and shows up as a structured
//! entry (`TF_LOG`). Everything else would show up as an unstructured line.
//!
//! The logger is quiet unless `TF_LOG_PROVIDER` (preferred) or `TF_LOG` asks for
//! output, and costs one atomic load per call when disabled: the level is read from
//! the environment once, and messages are `Display` values (pass `format_args!` or use
//! [`plugin_log!`](crate::plugin_log)) so nothing is formatted unless it is written.

use std::fmt::{self, Display, Write as _};
use std::io::Write as _;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// The `@module` value of every line; Terraform shows it next to the message.
pub const MODULE: &str = "provider.terraform-provider-panorama";

/// Severity of a log line, ordered from most to least verbose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Very detailed tracing.
    Trace,
    /// Debugging detail.
    Debug,
    /// Normal operation worth recording.
    Info,
    /// Something unexpected that does not stop the provider.
    Warn,
    /// A failure.
    Error,
}

impl Level {
    /// The lowercase name hclog uses in `@level`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// Parses one log setting (`TF_LOG`-style value) into the least severe level to emit.
///
/// `None` means logging is off: unset, empty or `OFF`. `JSON` means `TRACE` (Terraform's
/// own meaning). Unknown non-empty values also mean `TRACE`, as Terraform itself falls
/// back to TRACE for an invalid `TF_LOG` rather than silently dropping output the user
/// asked for.
pub fn parse_threshold(value: Option<&str>) -> Option<Level> {
    let value = value?.trim();
    if value.is_empty() {
        return None;
    }
    match value.to_ascii_uppercase().as_str() {
        "OFF" => None,
        "DEBUG" => Some(Level::Debug),
        "INFO" => Some(Level::Info),
        "WARN" => Some(Level::Warn),
        "ERROR" => Some(Level::Error),
        // "TRACE", "JSON" and anything unrecognised.
        _ => Some(Level::Trace),
    }
}

/// Chooses between `TF_LOG_PROVIDER` and `TF_LOG`: the provider-specific setting wins
/// whenever it is set to something non-empty (including `OFF`).
pub fn threshold_from(tf_log_provider: Option<&str>, tf_log: Option<&str>) -> Option<Level> {
    match tf_log_provider {
        Some(v) if !v.trim().is_empty() => parse_threshold(Some(v)),
        _ => parse_threshold(tf_log),
    }
}

fn threshold() -> Option<Level> {
    static THRESHOLD: OnceLock<Option<Level>> = OnceLock::new();
    *THRESHOLD.get_or_init(|| {
        let provider = std::env::var("TF_LOG_PROVIDER").ok();
        let general = std::env::var("TF_LOG").ok();
        threshold_from(provider.as_deref(), general.as_deref())
    })
}

/// Whether a line at `level` would be written. Use it to skip expensive preparation.
pub fn enabled(level: Level) -> bool {
    threshold().is_some_and(|min| level >= min)
}

/// Writes one log line at `level` if that level is enabled.
pub fn log(level: Level, message: impl Display) {
    if !enabled(level) {
        return;
    }
    let line = format_line(level, &message.to_string(), SystemTime::now());
    // One write per line so concurrent writers cannot interleave inside a line; a
    // failed write to stderr has nowhere better to be reported, so it is dropped.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Logs at TRACE.
pub fn trace(message: impl Display) {
    log(Level::Trace, message);
}
/// Logs at DEBUG.
pub fn debug(message: impl Display) {
    log(Level::Debug, message);
}
/// Logs at INFO.
pub fn info(message: impl Display) {
    log(Level::Info, message);
}
/// Logs at WARN.
pub fn warn(message: impl Display) {
    log(Level::Warn, message);
}
/// Logs at ERROR.
pub fn error(message: impl Display) {
    log(Level::Error, message);
}

/// Logs a formatted message: `plugin_log!(Level::Debug, "read {} rules", n)`.
///
/// The arguments are only formatted when the level is enabled.
#[macro_export]
macro_rules! plugin_log {
    ($level:expr, $($arg:tt)+) => {{
        let level: $crate::plugin::log::Level = $level;
        if $crate::plugin::log::enabled(level) {
            $crate::plugin::log::log(level, ::std::format_args!($($arg)+));
        }
    }};
}

/// Formats one JSON log line (with trailing newline) in go-hclog's JSON layout.
pub fn format_line(level: Level, message: &str, at: SystemTime) -> String {
    // serde_json does the string escaping; serialising a &str cannot fail.
    let message = serde_json::to_string(message).unwrap_or_else(|_| "\"\"".to_owned());
    let mut line = String::with_capacity(message.len() + 120);
    let _ = writeln!(
        line,
        "{{\"@level\":\"{}\",\"@message\":{},\"@module\":\"{}\",\"@timestamp\":\"{}\"}}",
        level.as_str(),
        message,
        MODULE,
        Rfc3339Micros(at)
    );
    line
}

/// RFC 3339 UTC timestamp with microseconds, e.g. `2024-05-01T12:34:56.123456Z`.
struct Rfc3339Micros(SystemTime);

impl Display for Rfc3339Micros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A clock before 1970 is not worth an error path: print the epoch.
        let since = self.0.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = since.as_secs();
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days as i64);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            year,
            month,
            day,
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60,
            since.subsec_micros()
        )
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
/// Howard Hinnant's `civil_from_days`, valid for the whole range we can meet.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn parses_levels() {
        assert_eq!(parse_threshold(None), None);
        assert_eq!(parse_threshold(Some("")), None);
        assert_eq!(parse_threshold(Some("off")), None);
        assert_eq!(parse_threshold(Some("OFF")), None);
        assert_eq!(parse_threshold(Some("TRACE")), Some(Level::Trace));
        assert_eq!(parse_threshold(Some("json")), Some(Level::Trace));
        assert_eq!(parse_threshold(Some("debug")), Some(Level::Debug));
        assert_eq!(parse_threshold(Some("INFO")), Some(Level::Info));
        assert_eq!(parse_threshold(Some("Warn")), Some(Level::Warn));
        assert_eq!(parse_threshold(Some("ERROR")), Some(Level::Error));
        assert_eq!(parse_threshold(Some("verbose")), Some(Level::Trace));
    }

    #[test]
    fn provider_setting_wins() {
        assert_eq!(
            threshold_from(Some("ERROR"), Some("TRACE")),
            Some(Level::Error)
        );
        assert_eq!(threshold_from(Some("OFF"), Some("TRACE")), None);
        assert_eq!(threshold_from(Some(""), Some("DEBUG")), Some(Level::Debug));
        assert_eq!(threshold_from(None, Some("INFO")), Some(Level::Info));
        assert_eq!(threshold_from(None, None), None);
    }

    #[test]
    fn levels_are_ordered() {
        assert!(Level::Error > Level::Warn);
        assert!(Level::Warn > Level::Info);
        assert!(Level::Info > Level::Debug);
        assert!(Level::Debug > Level::Trace);
    }

    #[test]
    fn formats_timestamps() {
        let at = |secs: u64, micros: u64| {
            Rfc3339Micros(UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_micros(micros))
                .to_string()
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000Z");
        // 2000-02-29 (leap day) 12:34:56.000789
        assert_eq!(at(951_827_696, 789), "2000-02-29T12:34:56.000789Z");
        // 2024-12-31 23:59:59.999999
        assert_eq!(at(1_735_689_599, 999_999), "2024-12-31T23:59:59.999999Z");
        // 2100-03-01 00:00:00 (2100 is not a leap year)
        assert_eq!(at(4_107_542_400, 0), "2100-03-01T00:00:00.000000Z");
    }

    #[test]
    fn formats_json_lines() {
        let line = format_line(Level::Warn, "quote \" and\nnewline", UNIX_EPOCH);
        assert!(line.ends_with('\n'));
        let value: serde_json::Value = serde_json::from_str(line.trim_end()).unwrap();
        assert_eq!(value["@level"], "warn");
        assert_eq!(value["@message"], "quote \" and\nnewline");
        assert_eq!(value["@module"], MODULE);
        assert_eq!(value["@timestamp"], "1970-01-01T00:00:00.000000Z");
    }
}
