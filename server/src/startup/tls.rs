//! rustls server configuration with the ring provider (no aws-lc, no OpenSSL).

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Makes ring the process-wide default rustls provider (a no-op if one is installed).
pub fn install_crypto_provider() {
    // Err only means a provider is already installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Reads a PEM certificate chain and private key into a TLS 1.2/1.3 server configuration.
pub fn load_server_config(cert: &Path, key: &Path) -> anyhow::Result<ServerConfig> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("could not read certificate `{}`", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("could not parse certificate `{}`", cert.display()))?;
    anyhow::ensure!(!certs.is_empty(), "no certificate in `{}`", cert.display());
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("could not read private key `{}`", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("no usable TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the certificate and key do not form a valid pair")?;
    Ok(config)
}
