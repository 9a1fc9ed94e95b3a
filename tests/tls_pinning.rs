//! AutoMTLS against the real binary: Terraform's kind of client certificate (self-signed
//! P-521, CA:TRUE, SHA-512) must be accepted, any other certificate or none refused.

mod common;

use common::*;

fn accepted(identity: &ClientIdentity) {
    let plugin = start(Some(&identity.cert_pem));
    let server_cert = plugin
        .server_cert
        .clone()
        .expect("TLS handshake line has a cert");
    let mut tls = tls_connect(&plugin.socket, client_config(&server_cert, Some(identity)))
        .expect("TLS handshake with the pinned certificate");
    assert_eq!(tls.conn.alpn_protocol(), Some(&b"h2"[..]));
    assert_eq!(
        tls.conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_3)
    );
    // Past the handshake the server really serves gRPC to this client.
    assert!(health_check(&mut tls).expect("health check over mTLS"));
}

#[test]
fn accepts_terraform_p521_client_cert() {
    accepted(&openssl_identity("P-521"));
}

#[test]
fn accepts_p256_client_cert() {
    accepted(&openssl_identity("P-256"));
}

/// Connects with `identity` (or none) and expects the server to refuse: either the
/// handshake fails, or (TLS 1.3: the server judges the client certificate after the
/// client has finished) the connection fails before any response arrives.
fn assert_refused(plugin: &Plugin, identity: Option<&ClientIdentity>) {
    let server_cert = plugin.server_cert.clone().expect("cert");
    let result = tls_connect(&plugin.socket, client_config(&server_cert, identity))
        .and_then(|mut tls| health_check(&mut tls));
    assert!(result.is_err(), "refused client got an answer: {result:?}");
}

#[test]
fn refuses_other_certificates_and_none() {
    let terraform = openssl_identity("P-521");
    let plugin = start(Some(&terraform.cert_pem));

    // Same kind of certificate (even same subject), different key: refused.
    assert_refused(&plugin, Some(&openssl_identity("P-521")));
    assert_refused(&plugin, Some(&openssl_identity("P-256")));
    // No certificate at all: refused.
    assert_refused(&plugin, None);

    // The refusals did not hurt the server: the right client still gets in.
    let server_cert = plugin.server_cert.clone().expect("cert");
    let mut tls = tls_connect(
        &plugin.socket,
        client_config(&server_cert, Some(&terraform)),
    )
    .expect("tls");
    assert!(health_check(&mut tls).expect("health check"));
}

#[test]
fn server_cert_is_for_localhost() {
    let terraform = openssl_identity("P-256");
    let plugin = start(Some(&terraform.cert_pem));
    let server_cert = plugin.server_cert.clone().expect("cert");
    // Terraform verifies the server as "localhost"; another name must not match.
    let config = client_config(&server_cert, Some(&terraform));
    let sock = std::os::unix::net::UnixStream::connect(&plugin.socket).expect("connect");
    sock.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .expect("timeout");
    let name = rustls::pki_types::ServerName::try_from("example.com").expect("name");
    let conn = rustls::ClientConnection::new(config, name).expect("conn");
    let mut stream = rustls::StreamOwned::new(conn, sock);
    let mut failed = false;
    while stream.conn.is_handshaking() {
        if stream.conn.complete_io(&mut stream.sock).is_err() {
            failed = true;
            break;
        }
    }
    assert!(
        failed,
        "server certificate matched a name other than localhost"
    );
}

#[test]
fn slow_client_does_not_block_others() {
    let terraform = openssl_identity("P-521");
    let plugin = start(Some(&terraform.cert_pem));
    // Connects and never starts the TLS handshake.
    let _idle = std::os::unix::net::UnixStream::connect(&plugin.socket).expect("connect");
    let server_cert = plugin.server_cert.clone().expect("cert");
    let mut tls = tls_connect(
        &plugin.socket,
        client_config(&server_cert, Some(&terraform)),
    )
    .expect("tls");
    assert!(health_check(&mut tls).expect("health check"));
}

#[test]
fn openssl_s_client_with_p521_cert() {
    // An independent TLS stack doing what Terraform's Go client does.
    let terraform = openssl_identity("P-521");
    let plugin = start(Some(&terraform.cert_pem));
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let ca = dir.path().join("server.pem");
    std::fs::write(&cert, &terraform.cert_pem).expect("write");
    std::fs::write(&key, &terraform.key_pem).expect("write");
    let server_der = plugin.server_cert.clone().expect("cert");
    let server_pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            server_der.as_ref()
        )
    );
    std::fs::write(&ca, server_pem).expect("write");
    let out = std::process::Command::new("openssl")
        .args(["s_client", "-unix"])
        .arg(&plugin.socket)
        .args(["-tls1_3", "-alpn", "h2", "-servername", "localhost"])
        .args(["-verify_hostname", "localhost", "-verify_return_error"])
        .arg("-cert")
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .arg("-CAfile")
        .arg(&ca)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("openssl s_client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ALPN protocol: h2"), "{stdout}");
    assert!(stdout.contains("Verify return code: 0 (ok)"), "{stdout}");
}
