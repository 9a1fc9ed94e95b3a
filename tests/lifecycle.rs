//! Process life cycle against the real binary: no plugin without the magic cookie, the
//! plaintext handshake, fail-closed TLS settings, prompt exit with socket removal on
//! Shutdown and SIGTERM, and SIGINT ignored.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

/// go-plugin kills a plugin 2 s after Shutdown; we must be well inside that.
const PROMPT: Duration = Duration::from_millis(1500);

#[test]
fn without_the_magic_cookie_it_is_the_command_line_not_a_plugin() {
    let out = command(None)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "a bare run is a usage error");
    assert!(out.stdout.is_empty(), "no handshake without the cookie");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Terraform starts it as a plugin"),
        "{stderr}"
    );
}

#[test]
fn refuses_to_serve_with_a_wrong_magic_cookie() {
    let out = command(None)
        .env("TF_PLUGIN_MAGIC_COOKIE", "not the cookie")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no handshake with a wrong cookie");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Terraform plugin"), "{stderr}");
    assert!(
        stderr.contains("without TF_PLUGIN_MAGIC_COOKIE"),
        "{stderr}"
    );
}

#[test]
fn refuses_protocol_without_version_6() {
    let out = command(None)
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("protocol version 6"));
}

#[test]
fn refuses_unusable_client_cert() {
    let out = command(Some("not a certificate")).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PLUGIN_CLIENT_CERT"));
}

#[test]
fn refuses_blank_client_cert_instead_of_serving_plaintext() {
    for blank in ["", "   ", "\n"] {
        let out = command(Some(blank)).output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{blank:?}");
        assert!(out.stdout.is_empty(), "no handshake for {blank:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("PLUGIN_CLIENT_CERT is set but empty"),
            "{stderr}"
        );
    }
}

#[test]
fn plaintext_handshake_has_no_cert_field_and_serves() {
    let plugin = start(None);
    assert_eq!(plugin.line.split('|').count(), 5, "{}", plugin.line);
    assert!(plugin.server_cert.is_none());
    assert!(
        plugin.socket.starts_with(std::env::temp_dir()),
        "{}",
        plugin.line
    );
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    assert!(health_check(&mut sock).expect("health check"));
}

fn exits_promptly_and_cleans_up(plugin: Plugin, since: Instant) {
    exits_within(plugin, since, PROMPT);
}

/// Asserts the process exits with 0 within `limit` of `since` and removed its socket.
fn exits_within(mut plugin: Plugin, since: Instant, limit: Duration) {
    let (status, _) = plugin
        .wait_exit(Duration::from_secs(5))
        .expect("process exited");
    let took = since.elapsed();
    eprintln!("exited after {took:?}");
    assert!(took < limit, "took {took:?}");
    assert_eq!(status.code(), Some(0));
    assert!(!plugin.socket.exists(), "socket file left behind");
}

/// With a well-behaved client, graceful shutdown needs no grace period at all.
fn exits_fast_and_cleans_up(plugin: Plugin, since: Instant) {
    exits_within(plugin, since, Duration::from_millis(300));
}

#[test]
fn sigterm_exits_promptly_and_removes_socket() {
    let plugin = start(None);
    assert!(plugin.socket.exists());
    let since = Instant::now();
    plugin.signal("TERM");
    exits_promptly_and_cleans_up(plugin, since);
}

#[test]
fn sigint_alone_does_not_stop_it() {
    // Ctrl-C reaches the whole process group; Terraform stops its providers itself.
    let plugin = start(None);
    plugin.signal("INT");
    plugin.signal("INT");
    std::thread::sleep(Duration::from_millis(500));
    let mut sock = plain_connect(&plugin.socket).expect("still listening after SIGINT");
    assert!(health_check(&mut sock).expect("health check after SIGINT"));
    // SIGTERM still ends it gracefully.
    let since = Instant::now();
    plugin.signal("TERM");
    exits_promptly_and_cleans_up(plugin, since);
}

#[test]
fn sigterm_with_open_connection_still_exits_promptly() {
    // A connected client that never closes must not hold the exit up past the grace.
    let plugin = start(None);
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    assert!(health_check(&mut sock).expect("health check"));
    let since = Instant::now();
    plugin.signal("TERM");
    exits_promptly_and_cleans_up(plugin, since);
    drop(sock);
}

#[test]
fn shutdown_rpc_over_mtls_exits_promptly() {
    let terraform = openssl_identity("P-521");
    let plugin = start(Some(&terraform.cert_pem));
    let server_cert = plugin.server_cert.clone().expect("cert");
    let mut tls = tls_connect(
        &plugin.socket,
        client_config(&server_cert, Some(&terraform)),
    )
    .expect("tls");
    // The response arrives before the process goes away.
    let since = Instant::now();
    shutdown_rpc(&mut tls).expect("Shutdown answered");
    // Like gRPC-Go, keep answering PINGs: hyper's graceful shutdown then completes
    // without waiting for the grace period.
    let _ = idle_until_closed(&mut tls);
    exits_fast_and_cleans_up(plugin, since);
}

#[test]
fn shutdown_rpc_plaintext_exits_promptly() {
    let plugin = start(None);
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    let since = Instant::now();
    shutdown_rpc(&mut sock).expect("Shutdown answered");
    let _ = idle_until_closed(&mut sock);
    exits_fast_and_cleans_up(plugin, since);
}

#[test]
fn shutdown_rpc_with_silent_client_exits_within_grace() {
    // A client that stops reading after the response cannot hold the exit up for
    // longer than the grace period.
    let plugin = start(None);
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    let since = Instant::now();
    shutdown_rpc(&mut sock).expect("Shutdown answered");
    exits_promptly_and_cleans_up(plugin, since);
}

#[test]
fn logs_json_lines_when_asked() {
    let mut child = command(None)
        .env("TF_LOG_PROVIDER", "DEBUG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read the handshake, then stop it and look at stderr.
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).expect("handshake");
    let socket = line.split('|').nth(3).expect("path").to_owned();
    let mut sock = plain_connect(std::path::Path::new(&socket)).expect("connect");
    shutdown_rpc(&mut sock).expect("shutdown");
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert_eq!(l["@level"], "debug");
        assert!(l["@message"].is_string());
        assert_eq!(l["@module"], "provider.terraform-provider-panorama");
        assert!(l["@timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    }
    assert!(lines.iter().any(|l| l["@message"]
        .as_str()
        .is_some_and(|m| m.contains("Shutdown"))));
}

#[test]
fn quiet_by_default() {
    let mut child = command(None)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).expect("handshake");
    let socket = line.split('|').nth(3).expect("path").to_owned();
    let mut sock = plain_connect(std::path::Path::new(&socket)).expect("connect");
    shutdown_rpc(&mut sock).expect("shutdown");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Nothing on stdout after the single handshake line.
    assert!(out.stdout.is_empty());
}
