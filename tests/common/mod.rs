//! Shared helpers for the runtime's integration tests: start the real binary, read its
//! handshake, make client certificates like Terraform's, and speak just enough HTTP/2 to
//! make a unary gRPC call (the crate has no gRPC client).

#![allow(dead_code)] // each test binary uses a different subset

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, ClientConnection, SignatureScheme, StreamOwned};

pub const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
pub const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-panorama");

/// A running plugin process and what its handshake line said.
pub struct Plugin {
    pub child: Child,
    pub line: String,
    pub socket: PathBuf,
    pub server_cert: Option<CertificateDer<'static>>,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        // SIGTERM first so the plugin removes its socket (SIGKILL would leave it in
        // the temp dir); SIGKILL only if it does not go.
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.child.id().to_string())
                .status();
            if self.wait_exit(Duration::from_secs(2)).is_none() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }
}

/// The binary with a clean, Terraform-like environment.
pub fn command(client_cert_pem: Option<&str>) -> Command {
    let mut cmd = Command::new(BIN);
    for var in [
        "TF_PLUGIN_MAGIC_COOKIE",
        "PLUGIN_CLIENT_CERT",
        "PLUGIN_PROTOCOL_VERSIONS",
        "TF_LOG",
        "TF_LOG_PROVIDER",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000");
    if let Some(pem) = client_cert_pem {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
    cmd
}

/// Starts the plugin and reads its handshake line (failing after 10 s).
pub fn start(client_cert_pem: Option<&str>) -> Plugin {
    let mut child = command(client_cert_pem)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn plugin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("no handshake line within 10 s");
        }
    };
    assert!(
        line.ends_with('\n'),
        "handshake line not terminated: {line:?}"
    );
    let line = line.trim_end().to_owned();
    let fields: Vec<&str> = line.split('|').collect();
    assert!(
        fields.len() == 5 || fields.len() == 6,
        "bad handshake {line:?}"
    );
    assert_eq!(&fields[..3], ["1", "6", "unix"], "{line}");
    assert_eq!(fields[4], "grpc", "{line}");
    let socket = PathBuf::from(fields[3]);
    let server_cert = fields.get(5).map(|b64| {
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(b64)
            .expect("cert field is unpadded standard base64");
        CertificateDer::from(der)
    });
    Plugin {
        child,
        line,
        socket,
        server_cert,
    }
}

impl Plugin {
    /// Waits up to `limit` for the process to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<(ExitStatus, Duration)> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some((status, start.elapsed()));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    /// Sends a signal with kill(1) (keeps the tests free of a libc dependency).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success());
    }
}

/// A client certificate and key as PEM.
pub struct ClientIdentity {
    pub cert_pem: String,
    pub key_pem: String,
}

impl ClientIdentity {
    pub fn cert_der(&self) -> CertificateDer<'static> {
        CertificateDer::from_pem_slice(self.cert_pem.as_bytes()).expect("cert pem")
    }
}

/// A self-signed CA:TRUE certificate like go-plugin's client certificate, made with
/// openssl (ring cannot make P-521 keys). `curve` is "P-521" (Terraform's) or "P-256".
pub fn openssl_identity(curve: &str) -> ClientIdentity {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("key.pem");
    let cert = dir.path().join("cert.pem");
    let digest = if curve == "P-521" {
        "-sha512"
    } else {
        "-sha256"
    };
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .arg(format!("ec_paramgen_curve:{curve}"))
        .args([
            digest,
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/O=HashiCorp/CN=localhost",
        ])
        .args(["-addext", "basicConstraints=critical,CA:TRUE"])
        .args([
            "-addext",
            "keyUsage=critical,digitalSignature,keyEncipherment,keyAgreement,keyCertSign",
        ])
        .args(["-addext", "extendedKeyUsage=clientAuth,serverAuth"])
        .args(["-addext", "subjectAltName=DNS:localhost"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is needed by these tests");
    assert!(
        out.status.success(),
        "openssl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    ClientIdentity {
        cert_pem: std::fs::read_to_string(&cert).expect("read cert"),
        key_pem: std::fs::read_to_string(&key).expect("read key"),
    }
}

/// Signs TLS 1.3 CertificateVerify with a P-521 key (ring cannot).
#[derive(Clone)]
struct P521Key(p521::ecdsa::SigningKey);

impl std::fmt::Debug for P521Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("P521Key")
    }
}

impl rustls::sign::SigningKey for P521Key {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn rustls::sign::Signer>> {
        offered
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
            .then(|| Box::new(self.clone()) as Box<dyn rustls::sign::Signer>)
    }

    fn algorithm(&self) -> rustls::SignatureAlgorithm {
        rustls::SignatureAlgorithm::ECDSA
    }
}

impl rustls::sign::Signer for P521Key {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        use p521::ecdsa::signature::Signer as _;
        let signature: p521::ecdsa::Signature = self.0.sign(message);
        Ok(signature.to_der().as_bytes().to_vec())
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::ECDSA_NISTP521_SHA512
    }
}

fn signing_key(identity: &ClientIdentity) -> Arc<dyn rustls::sign::SigningKey> {
    let key = PrivateKeyDer::from_pem_slice(identity.key_pem.as_bytes()).expect("key pem");
    if let Ok(key) = rustls::crypto::ring::sign::any_ecdsa_type(&key) {
        return key;
    }
    // Not a curve ring knows: P-521.
    use p521::pkcs8::DecodePrivateKey as _;
    let secret = p521::SecretKey::from_pkcs8_der(key.secret_der()).expect("P-521 PKCS#8 key");
    let signing = p521::ecdsa::SigningKey::from_bytes(&secret.to_bytes()).expect("P-521 key");
    Arc::new(P521Key(signing))
}

#[derive(Debug)]
struct FixedClientCert(Option<Arc<CertifiedKey>>);

impl rustls::client::ResolvesClientCert for FixedClientCert {
    fn resolve(&self, _hints: &[&[u8]], _schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        self.0.clone()
    }

    fn has_certs(&self) -> bool {
        self.0.is_some()
    }
}

/// A TLS 1.3 client trusting exactly `server_cert` (as Terraform does), presenting
/// `identity` if given, offering ALPN h2.
pub fn client_config(
    server_cert: &CertificateDer<'static>,
    identity: Option<&ClientIdentity>,
) -> Arc<ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(server_cert.clone()).expect("server cert as root");
    let builder =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .expect("tls13")
            .with_root_certificates(roots);
    let certified =
        identity.map(|id| Arc::new(CertifiedKey::new(vec![id.cert_der()], signing_key(id))));
    let mut config = builder.with_client_cert_resolver(Arc::new(FixedClientCert(certified)));
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

pub type TlsStream = StreamOwned<ClientConnection, UnixStream>;

/// Connects and runs the TLS handshake to completion (from the client's point of view:
/// in TLS 1.3 the server judges the client certificate after the client is done).
pub fn tls_connect(socket: &Path, config: Arc<ClientConfig>) -> io::Result<TlsStream> {
    let sock = UnixStream::connect(socket)?;
    sock.set_read_timeout(Some(Duration::from_secs(5)))?;
    sock.set_write_timeout(Some(Duration::from_secs(5)))?;
    let name = ServerName::try_from("localhost").expect("server name");
    let conn = ClientConnection::new(config, name).map_err(io::Error::other)?;
    let mut stream = StreamOwned::new(conn, sock);
    while stream.conn.is_handshaking() {
        stream.conn.complete_io(&mut stream.sock)?;
    }
    Ok(stream)
}

pub fn plain_connect(socket: &Path) -> io::Result<UnixStream> {
    let sock = UnixStream::connect(socket)?;
    sock.set_read_timeout(Some(Duration::from_secs(5)))?;
    sock.set_write_timeout(Some(Duration::from_secs(5)))?;
    Ok(sock)
}

// ---- a minimal HTTP/2 + gRPC unary client ----

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const DATA: u8 = 0;
const HEADERS: u8 = 1;
const RST_STREAM: u8 = 3;
const SETTINGS: u8 = 4;
const PING: u8 = 6;
const GOAWAY: u8 = 7;
const END_STREAM: u8 = 0x1;
const ACK: u8 = 0x1;
const END_HEADERS: u8 = 0x4;

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut out = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
    out.extend_from_slice(&stream.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// HPACK "literal header field without indexing, new name", no Huffman.
fn hpack_literal(block: &mut Vec<u8>, name: &str, value: &str) {
    assert!(name.len() < 127 && value.len() < 127);
    block.push(0x00);
    block.push(name.len() as u8);
    block.extend_from_slice(name.as_bytes());
    block.push(value.len() as u8);
    block.extend_from_slice(value.as_bytes());
}

const WINDOW_UPDATE: u8 = 8;
/// HTTP/2's default initial flow-control window and largest frame payload.
const DEFAULT_WINDOW: i64 = 65_535;
const MAX_FRAME: usize = 16_384;

/// One frame: type, flags, stream and payload.
struct Frame {
    kind: u8,
    flags: u8,
    stream: u32,
    payload: Vec<u8>,
}

fn read_frame<S: Read>(s: &mut S) -> io::Result<Frame> {
    let mut header = [0u8; 9];
    s.read_exact(&mut header)?;
    let len =
        (usize::from(header[0]) << 16) | (usize::from(header[1]) << 8) | usize::from(header[2]);
    let stream = u32::from_be_bytes([header[5], header[6], header[7], header[8]]) & 0x7fff_ffff;
    let mut payload = vec![0u8; len];
    s.read_exact(&mut payload)?;
    Ok(Frame {
        kind: header[3],
        flags: header[4],
        stream,
        payload,
    })
}

fn window_update(stream: u32, increment: usize) -> Vec<u8> {
    frame(WINDOW_UPDATE, 0, stream, &(increment as u32).to_be_bytes())
}

/// What the client has seen of the response while it was still sending.
#[derive(Default)]
struct Received {
    data: Vec<u8>,
    done: bool,
    /// Flow-control windows the server granted us (connection, stream 1).
    send_windows: (i64, i64),
}

impl Received {
    /// Handles one frame from the server; `Err` when the call failed.
    fn handle<S: Write>(&mut self, s: &mut S, f: Frame) -> io::Result<()> {
        match f.kind {
            SETTINGS if f.flags & ACK == 0 => {
                // INITIAL_WINDOW_SIZE (id 4) moves the stream's send window.
                for setting in f.payload.chunks_exact(6) {
                    if u16::from_be_bytes([setting[0], setting[1]]) == 4 {
                        let size =
                            u32::from_be_bytes([setting[2], setting[3], setting[4], setting[5]]);
                        self.send_windows.1 += i64::from(size) - DEFAULT_WINDOW;
                    }
                }
                s.write_all(&frame(SETTINGS, ACK, 0, &[]))?;
                s.flush()?;
            }
            PING if f.flags & ACK == 0 => {
                s.write_all(&frame(PING, ACK, 0, &f.payload))?;
                s.flush()?;
            }
            WINDOW_UPDATE if f.payload.len() == 4 => {
                let increment = i64::from(
                    u32::from_be_bytes([f.payload[0], f.payload[1], f.payload[2], f.payload[3]])
                        & 0x7fff_ffff,
                );
                match f.stream {
                    0 => self.send_windows.0 += increment,
                    1 => self.send_windows.1 += increment,
                    _ => {}
                }
            }
            DATA if f.stream == 1 => {
                self.data.extend_from_slice(&f.payload);
                // Hand the window back so large responses keep flowing.
                if !f.payload.is_empty() {
                    s.write_all(&window_update(0, f.payload.len()))?;
                    s.write_all(&window_update(1, f.payload.len()))?;
                    s.flush()?;
                }
                if f.flags & END_STREAM != 0 {
                    self.done = true;
                }
            }
            HEADERS if f.stream == 1 && f.flags & END_STREAM != 0 => self.done = true,
            RST_STREAM if f.stream == 1 => return Err(io::Error::other("stream reset")),
            GOAWAY if self.data.is_empty() => {
                return Err(io::Error::other("goaway before response"))
            }
            _ => {}
        }
        Ok(())
    }
}

/// Makes one unary gRPC call on a fresh connection and returns the response message,
/// or an error if the call or the connection failed (e.g. a refused client). Messages
/// of any size are sent in frames that respect the server's flow-control windows.
pub fn grpc_unary<S: Read + Write>(s: &mut S, path: &str, message: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = PREFACE.to_vec();
    out.extend(frame(SETTINGS, 0, 0, &[]));
    let mut block = Vec::new();
    for (name, value) in [
        (":method", "POST"),
        (":scheme", "https"),
        (":path", path),
        (":authority", "localhost"),
        ("content-type", "application/grpc"),
        ("te", "trailers"),
    ] {
        hpack_literal(&mut block, name, value);
    }
    out.extend(frame(HEADERS, END_HEADERS, 1, &block));
    s.write_all(&out)?;
    s.flush()?;

    let mut body = vec![0u8];
    body.extend_from_slice(&(message.len() as u32).to_be_bytes());
    body.extend_from_slice(message);
    let mut received = Received {
        send_windows: (DEFAULT_WINDOW, DEFAULT_WINDOW),
        ..Received::default()
    };
    let mut sent = 0;
    while !received.done {
        let window = received.send_windows.0.min(received.send_windows.1);
        let chunk = (body.len() - sent)
            .min(MAX_FRAME)
            .min(window.max(0) as usize);
        if chunk > 0 || body.len() == sent {
            let end = sent + chunk;
            let flags = if end == body.len() { END_STREAM } else { 0 };
            s.write_all(&frame(DATA, flags, 1, &body[sent..end]))?;
            s.flush()?;
            received.send_windows.0 -= chunk as i64;
            received.send_windows.1 -= chunk as i64;
            sent = end;
            if sent == body.len() {
                break;
            }
        } else {
            // Out of window: wait for the server to grant more (or to answer early).
            let f = read_frame(s)?;
            received.handle(s, f)?;
        }
    }
    while !received.done {
        let f = read_frame(s)?;
        received.handle(s, f)?;
    }
    // A successful unary response is one length-prefixed message; an error status comes
    // as trailers only, with no data.
    let data = received.data;
    if data.len() < 5 {
        return Err(io::Error::other("no response message (gRPC error status)"));
    }
    let len = u32::from_be_bytes([data[1], data[2], data[3], data[4]]) as usize;
    Ok(data[5..5 + len].to_vec())
}

/// `grpc.health.v1.Health/Check` for service "plugin"; true when SERVING.
pub fn health_check<S: Read + Write>(s: &mut S) -> io::Result<bool> {
    // HealthCheckRequest { service: "plugin" }
    let mut request = vec![0x0a, 6];
    request.extend_from_slice(b"plugin");
    let response = grpc_unary(s, "/grpc.health.v1.Health/Check", &request)?;
    // HealthCheckResponse { status: SERVING (1) }
    Ok(response == [0x08, 0x01])
}

/// `plugin.GRPCController/Shutdown`.
pub fn shutdown_rpc<S: Read + Write>(s: &mut S) -> io::Result<()> {
    let response = grpc_unary(s, "/plugin.GRPCController/Shutdown", &[])?;
    assert!(response.is_empty());
    Ok(())
}

/// Behaves like an idle HTTP/2 client (as gRPC-Go is after a call): answers PINGs and
/// reads until the server closes the connection. Returns how the connection ended.
pub fn idle_until_closed<S: Read + Write>(s: &mut S) -> io::Result<()> {
    loop {
        let mut header = [0u8; 9];
        match s.read_exact(&mut header) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let len =
            (usize::from(header[0]) << 16) | (usize::from(header[1]) << 8) | usize::from(header[2]);
        let mut payload = vec![0u8; len];
        s.read_exact(&mut payload)?;
        if header[3] == PING && header[4] & ACK == 0 {
            s.write_all(&frame(PING, ACK, 0, &payload))?;
            s.flush()?;
        }
    }
}
