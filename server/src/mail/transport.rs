//! Sending queued mail through lettre's pooled SMTP transport, one pool per settings. The
//! connection rules match the test: TLS from the first byte on 465, STARTTLS required when
//! "Use STARTTLS Only" is on or a Username is set (so a password never travels in clear),
//! certificates always verified against the same roots.

use crate::db::SettingsRow;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use rustls::pki_types::CertificateDer;
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

pub struct Transports {
    extra_roots: Vec<CertificateDer<'static>>,
    timeout: Duration,
    pool_size: u32,
    /// Settings id → (version the pool was built for, pool).
    pools: Mutex<HashMap<i64, (i64, Transport)>>,
}

impl Transports {
    pub fn new(extra_roots: Vec<CertificateDer<'static>>, timeout: Duration, pool_size: u32) -> Self {
        Self { extra_roots, timeout, pool_size, pools: Mutex::new(HashMap::new()) }
    }

    /// The pool for these settings, rebuilt when they have changed since.
    pub fn get(&self, settings: &SettingsRow, password: Option<SecretString>) -> Result<Transport, String> {
        let mut pools = self.pools.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((version, transport)) = pools.get(&settings.id) {
            if *version == settings.version {
                return Ok(transport.clone());
            }
        }
        let transport = self.build(settings, password)?;
        pools.insert(settings.id, (settings.version, transport.clone()));
        Ok(transport)
    }

    fn build(&self, s: &SettingsRow, password: Option<SecretString>) -> Result<Transport, String> {
        let mut params = TlsParameters::builder(s.host.clone());
        for der in &self.extra_roots {
            params = params.add_root_certificate(Certificate::from_der(der.to_vec()).map_err(|e| e.to_string())?);
        }
        let params = params.build_rustls().map_err(|e| format!("TLS set-up for {} failed: {e}", s.host))?;
        let tls = if s.port == 465 && !s.starttls_only {
            Tls::Wrapper(params)
        } else if s.starttls_only || !s.username.is_empty() {
            Tls::Required(params)
        } else {
            Tls::Opportunistic(params)
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
            .port(s.port as u16)
            .tls(tls)
            .timeout(Some(self.timeout))
            .pool_config(PoolConfig::new().max_size(self.pool_size));
        if !s.username.is_empty() {
            let password = password.map(|p| p.expose_secret().to_owned()).unwrap_or_default();
            builder = builder.credentials(Credentials::new(s.username.clone(), password));
        }
        Ok(builder.build())
    }
}
