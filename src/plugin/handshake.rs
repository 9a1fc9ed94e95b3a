//! The go-plugin start-up handshake: what Terraform tells us in the environment, and the
//! one line we answer on stdout.

use std::fmt;
use std::path::Path;

use base64::Engine as _;

/// Name of the environment variable carrying the magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The value Terraform sets; anything else means we were not started by Terraform.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's own (core) protocol version.
pub const CORE_PROTOCOL_VERSION: u32 = 1;
/// The Terraform plugin protocol this provider speaks (tfplugin6).
pub const APP_PROTOCOL_VERSION: u32 = 6;

/// What the environment told us about how to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartConfig {
    /// PEM of Terraform's client certificate (`PLUGIN_CLIENT_CERT`); `None` means
    /// serve plaintext (the variable is absent: the user set `TF_DISABLE_PLUGIN_TLS`).
    pub client_cert_pem: Option<String>,
}

/// Why the process cannot start as a plugin. Displayed to the user on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// The magic cookie is missing or wrong: not Terraform's start (a person who sets no
    /// cookie at all gets the command line before this check).
    NotLaunchedByTerraform,
    /// Terraform offered protocol versions, none of them 6.
    UnsupportedProtocol(String),
    /// `PLUGIN_CLIENT_CERT` is set but blank: refuse rather than fall back to plaintext.
    BlankClientCert,
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::NotLaunchedByTerraform => write!(
                f,
                "The magic cookie TF_PLUGIN_MAGIC_COOKIE is missing or not Terraform's: this \
                 binary serves as a Terraform plugin (the panorama provider) only when \
                 Terraform starts it. For its command line, run it without \
                 TF_PLUGIN_MAGIC_COOKIE: `terraform-provider-panorama --help`."
            ),
            StartError::UnsupportedProtocol(offered) => write!(
                f,
                "This provider speaks Terraform plugin protocol version {APP_PROTOCOL_VERSION}, \
                 but Terraform offered only version(s) {offered:?}. Use Terraform 1.0 or newer."
            ),
            StartError::BlankClientCert => write!(
                f,
                "PLUGIN_CLIENT_CERT is set but empty, so the provider cannot secure its \
                 connection to Terraform and will not serve. Terraform sets it to a PEM \
                 certificate; to run without TLS, unset it (Terraform does so when \
                 TF_DISABLE_PLUGIN_TLS is set)."
            ),
        }
    }
}

impl std::error::Error for StartError {}

/// Checks the environment, given as a lookup function so tests need not touch the
/// process environment. The lookup must report a variable that is set to something that
/// is not UTF-8 as set (lossily decoded), never as absent.
pub fn check_env(get: impl Fn(&str) -> Option<String>) -> Result<StartConfig, StartError> {
    if get(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(StartError::NotLaunchedByTerraform);
    }
    if let Some(offered) = get("PLUGIN_PROTOCOL_VERSIONS") {
        // A comma list in no particular order, e.g. "5,6".
        let has_ours = offered
            .split(',')
            .any(|v| v.trim().parse::<u32>() == Ok(APP_PROTOCOL_VERSION));
        if !has_ours {
            return Err(StartError::UnsupportedProtocol(offered));
        }
    }
    // Fail closed: plaintext only when the variable is absent. A value that is set but
    // unusable is an error here (blank) or when TLS is set up (not a certificate).
    let client_cert_pem = match get("PLUGIN_CLIENT_CERT") {
        Some(pem) if pem.trim().is_empty() => return Err(StartError::BlankClientCert),
        other => other,
    };
    Ok(StartConfig { client_cert_pem })
}

/// Formats the handshake line (without newline):
/// `CORE|APP|unix|PATH|grpc` plus `|CERT` (server certificate DER, standard base64
/// without padding, as go-plugin writes it) when serving TLS.
pub fn handshake_line(socket: &Path, server_cert_der: Option<&[u8]>) -> String {
    let mut line = format!(
        "{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|unix|{}|grpc",
        socket.display()
    );
    if let Some(der) = server_cert_der {
        line.push('|');
        line.push_str(&base64::engine::general_purpose::STANDARD_NO_PAD.encode(der));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn line_without_tls_has_five_fields() {
        let line = handshake_line(Path::new("/tmp/plugin123"), None);
        assert_eq!(line, "1|6|unix|/tmp/plugin123|grpc");
    }

    #[test]
    fn line_with_tls_has_unpadded_standard_base64_cert() {
        // 0xfb 0xff encodes to "+/8=" with padding: checks alphabet and no padding.
        let line = handshake_line(Path::new("/tmp/p"), Some(&[0xfb, 0xff]));
        assert_eq!(line, "1|6|unix|/tmp/p|grpc|+/8");
    }

    #[test]
    fn cookie_is_required() {
        assert_eq!(check_env(env(&[])), Err(StartError::NotLaunchedByTerraform));
        assert_eq!(
            check_env(env(&[(MAGIC_COOKIE_KEY, "nope")])),
            Err(StartError::NotLaunchedByTerraform)
        );
    }

    #[test]
    fn protocol_versions_any_order() {
        for offered in ["6", "5,6", "6,5", " 5 , 6 "] {
            let cfg = check_env(env(&[
                (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                ("PLUGIN_PROTOCOL_VERSIONS", offered),
            ]));
            assert!(cfg.is_ok(), "{offered}");
        }
        assert_eq!(
            check_env(env(&[
                (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                ("PLUGIN_PROTOCOL_VERSIONS", "4,5"),
            ])),
            Err(StartError::UnsupportedProtocol("4,5".into()))
        );
        // Absent: assume Terraform speaks 6.
        assert!(check_env(env(&[(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)])).is_ok());
    }

    #[test]
    fn client_cert_is_optional() {
        let cfg = check_env(env(&[(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)])).unwrap();
        assert_eq!(cfg.client_cert_pem, None);
        let cfg = check_env(env(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_CLIENT_CERT", "PEM"),
        ]))
        .unwrap();
        assert_eq!(cfg.client_cert_pem.as_deref(), Some("PEM"));
    }

    #[test]
    fn blank_client_cert_is_refused_not_plaintext() {
        for blank in ["", " ", "\n\t "] {
            assert_eq!(
                check_env(env(&[
                    (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                    ("PLUGIN_CLIENT_CERT", blank),
                ])),
                Err(StartError::BlankClientCert),
                "{blank:?}"
            );
        }
    }
}
