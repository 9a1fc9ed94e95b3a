//! AutoMTLS: a fresh server certificate per process, and a client verifier that pins
//! Terraform's certificate.
//!
//! Terraform generates a self-signed ECDSA P-521 certificate with `CA:TRUE` per plugin
//! process and passes it in `PLUGIN_CLIENT_CERT`. webpki rejects a CA certificate used as
//! an end entity, and `ring` cannot verify P-521 signatures, so stock rustls client
//! authentication refuses Terraform. The right check is simpler anyway: accept exactly
//! the certificate we were given (byte equality), and verify the handshake signature
//! with an algorithm set that adds P-521/SHA-512 (via the `p521` crate) to ring's.

use std::sync::{Arc, LazyLock};

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{
    alg_id, AlgorithmIdentifier, CertificateDer, InvalidSignature, PrivateKeyDer, UnixTime,
};
use rustls::pki_types::{PrivatePkcs8KeyDer, SignatureVerificationAlgorithm};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};

/// A TLS setup ready to serve: the rustls config and our certificate for the handshake line.
pub struct ServerTls {
    /// rustls server configuration (TLS 1.3, ALPN `h2`, pinned client cert). TLS 1.2 is
    /// left out (rustls' `tls12` feature is off): Terraform's Go client speaks 1.3.
    pub config: Arc<rustls::ServerConfig>,
    /// DER of the server certificate, announced to Terraform in the handshake line.
    pub cert_der: CertificateDer<'static>,
}

/// Why TLS could not be set up.
#[derive(Debug)]
pub enum TlsError {
    /// `PLUGIN_CLIENT_CERT` holds no PEM certificate.
    BadClientCert(String),
    /// Generating our own certificate failed.
    CertGeneration(rcgen::Error),
    /// rustls refused the configuration.
    Config(rustls::Error),
}

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsError::BadClientCert(why) => {
                write!(
                    f,
                    "PLUGIN_CLIENT_CERT is not a usable PEM certificate: {why}"
                )
            }
            TlsError::CertGeneration(e) => write!(f, "cannot generate the server certificate: {e}"),
            TlsError::Config(e) => write!(f, "cannot configure TLS: {e}"),
        }
    }
}

impl std::error::Error for TlsError {}

impl ServerTls {
    /// Builds the server side of AutoMTLS from Terraform's client certificate PEM.
    pub fn new(client_cert_pem: &str) -> Result<Self, TlsError> {
        let client_cert = parse_client_cert(client_cert_pem)?;
        let (cert_der, key_der) = generate_server_cert()?;

        // An explicitly built provider: no process-wide default to install or race on,
        // and no aws-lc-rs start-up cost.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = PinnedClientCert::new(client_cert);
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(TlsError::Config)?
            .with_client_cert_verifier(Arc::new(verifier))
            .with_single_cert(vec![cert_der.clone()], key_der)
            .map_err(TlsError::Config)?;
        // Newer gRPC-Go clients refuse a server that does not negotiate h2.
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(ServerTls {
            config: Arc::new(config),
            cert_der,
        })
    }
}

/// Takes the first certificate out of the PEM text.
fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, TlsError> {
    match CertificateDer::pem_slice_iter(pem.as_bytes()).next() {
        Some(Ok(cert)) => Ok(cert),
        Some(Err(e)) => Err(TlsError::BadClientCert(e.to_string())),
        None => Err(TlsError::BadClientCert("no CERTIFICATE block".into())),
    }
}

/// Generates an ECDSA P-256 key and self-signed certificate for `localhost`.
///
/// It mirrors go-plugin's generated certificate (CN and SAN `localhost`, server and
/// client auth EKU) except for two choices: P-256 instead of P-521 (ring signs only
/// P-256/P-384, and it is fast), and no `CA:TRUE`, so that rustls/webpki clients (tests,
/// tools) accept it as an end entity too. Go trusts a certificate that is itself in the
/// root pool whatever its CA flag, which is how Terraform checks it.
fn generate_server_cert() -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), TlsError> {
    use rcgen::{
        CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
    };
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(TlsError::CertGeneration)?;
    let mut params =
        CertificateParams::new(vec!["localhost".to_owned()]).map_err(TlsError::CertGeneration)?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "localhost");
    name.push(DnType::OrganizationName, "terraform-provider-panorama");
    params.distinguished_name = name;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let cert = params.self_signed(&key).map_err(TlsError::CertGeneration)?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((cert.der().clone(), key_der))
}

/// Client verifier accepting exactly one certificate, byte for byte.
#[derive(Debug)]
pub struct PinnedClientCert {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    /// Pins `expected`; handshake signatures are checked with ring's algorithms plus
    /// ECDSA P-521/SHA-512.
    pub fn new(expected: CertificateDer<'static>) -> Self {
        PinnedClientCert {
            expected,
            algorithms: algorithms_with_p521(),
        }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hints: the client has exactly one certificate and must send it.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        // Pinning replaces chain building: the certificate is trusted because Terraform
        // handed it to us out of band, not because of who signed it.
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// ECDSA over P-521 with SHA-512, verified by the pure-Rust `p521` crate.
#[derive(Debug)]
struct EcdsaP521Sha512;

impl SignatureVerificationAlgorithm for EcdsaP521Sha512 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        use p521::ecdsa::signature::Verifier as _;
        // `public_key` is the SEC1 point from the SPKI; the signature is DER (X9.62).
        let key =
            p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let signature =
            p521::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        // p521's Verifier hashes the message with SHA-512.
        key.verify(message, &signature)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_P521
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA512
    }
}

static ECDSA_P521_SHA512: EcdsaP521Sha512 = EcdsaP521Sha512;
static P521_ONLY: [&dyn SignatureVerificationAlgorithm; 1] = [&ECDSA_P521_SHA512];

/// ring's verification algorithms plus P-521/SHA-512.
///
/// rustls wants `'static` slices; they are built once per process in statics from ring's
/// own (static) lists.
fn algorithms_with_p521() -> WebPkiSupportedAlgorithms {
    type Algs = Vec<&'static dyn SignatureVerificationAlgorithm>;
    type Mapping = Vec<(
        SignatureScheme,
        &'static [&'static dyn SignatureVerificationAlgorithm],
    )>;
    fn ring() -> WebPkiSupportedAlgorithms {
        rustls::crypto::ring::default_provider().signature_verification_algorithms
    }
    static ALL: LazyLock<Algs> = LazyLock::new(|| {
        let mut all: Algs = ring().all.to_vec();
        all.push(&ECDSA_P521_SHA512);
        all
    });
    static MAPPING: LazyLock<Mapping> = LazyLock::new(|| {
        let mut mapping: Mapping = ring()
            .mapping
            .iter()
            .copied()
            .filter(|(scheme, _)| *scheme != SignatureScheme::ECDSA_NISTP521_SHA512)
            .collect();
        mapping.push((SignatureScheme::ECDSA_NISTP521_SHA512, &P521_ONLY));
        mapping
    });
    WebPkiSupportedAlgorithms {
        all: ALL.as_slice(),
        mapping: MAPPING.as_slice(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_include_p521_and_ring() {
        let algs = algorithms_with_p521();
        let schemes = algs.supported_schemes();
        assert!(schemes.contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
        assert!(schemes.contains(&SignatureScheme::ECDSA_NISTP256_SHA256));
        assert!(schemes.contains(&SignatureScheme::ED25519));
        assert!(schemes.contains(&SignatureScheme::RSA_PSS_SHA256));
    }

    #[test]
    fn p521_signature_round_trip() {
        use p521::ecdsa::signature::Signer as _;
        let signing = p521::ecdsa::SigningKey::random(&mut p521::elliptic_curve::rand_core::OsRng);
        let point = p521::ecdsa::VerifyingKey::from(&signing).to_encoded_point(false);
        let sig: p521::ecdsa::Signature = signing.sign(b"hello");
        let der = sig.to_der();
        let alg = &ECDSA_P521_SHA512;
        assert!(alg
            .verify_signature(point.as_bytes(), b"hello", der.as_bytes())
            .is_ok());
        assert!(alg
            .verify_signature(point.as_bytes(), b"hellO", der.as_bytes())
            .is_err());
    }

    #[test]
    fn pins_exact_certificate() {
        let (ours, _) = generate_server_cert().unwrap();
        let (other, _) = generate_server_cert().unwrap();
        let verifier = PinnedClientCert::new(ours.clone());
        let now = UnixTime::now();
        assert!(verifier.verify_client_cert(&ours, &[], now).is_ok());
        assert!(verifier.verify_client_cert(&other, &[], now).is_err());
        assert!(verifier.client_auth_mandatory());
        assert!(verifier.root_hint_subjects().is_empty());
    }

    #[test]
    fn rejects_garbage_pem() {
        assert!(matches!(
            parse_client_cert("not a pem"),
            Err(TlsError::BadClientCert(_))
        ));
    }
}
