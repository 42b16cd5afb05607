//! Authenticated encryption of stored secrets (XChaCha20-Poly1305). Each ciphertext carries
//! associated data naming what it belongs to, so it cannot be moved to another row or survive
//! a change of the endpoint it was typed for.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use secrecy::SecretString;

const NONCE_LEN: usize = 24;

pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

#[derive(Debug, thiserror::Error)]
#[error("the stored secret does not decrypt with this key and record (wrong key, or the record was altered)")]
pub struct SealError;

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        Self { cipher: XChaCha20Poly1305::new(key.into()) }
    }

    /// nonce || ciphertext
    pub fn seal(&self, secret: &str, aad: &[u8]) -> Vec<u8> {
        self.seal_bytes(secret.as_bytes(), aad)
    }

    pub fn seal_bytes(&self, plain: &[u8], aad: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
            .expect("XChaCha20-Poly1305 encryption of an in-memory buffer cannot fail");
        [nonce.as_slice(), &ciphertext].concat()
    }

    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<SecretString, SealError> {
        String::from_utf8(self.open_bytes(sealed, aad)?).map(SecretString::from).map_err(|_| SealError)
    }

    pub fn open_bytes(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < NONCE_LEN {
            return Err(SealError);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad }).map_err(|_| SealError)
    }

    /// Re-encrypts under another key (key rotation).
    pub fn reseal(&self, to: &SecretBox, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
        Ok(to.seal_bytes(&self.open_bytes(sealed, aad)?, aad))
    }
}

/// What an SMTP password is bound to.
pub fn settings_aad(id: i64, host: &str, port: u16, username: &str) -> Vec<u8> {
    format!("mailroom/smtp-password/v1\0{id}\0{host}\0{port}\0{username}").into_bytes()
}

/// What a stored SMTP secret is bound to: the server and username, and for an OAuth2 client
/// secret also the token URL and client ID. A password keeps its original binding.
pub fn settings_secret_aad(id: i64, host: &str, port: u16, username: &str, oauth: Option<(&str, &str)>) -> Vec<u8> {
    match oauth {
        None => settings_aad(id, host, port, username),
        Some((token_url, client_id)) => {
            format!("mailroom/oauth2-client-secret/v1\0{id}\0{host}\0{port}\0{username}\0{token_url}\0{client_id}").into_bytes()
        }
    }
}

/// What a stored OAuth2 refresh token is bound to: like a client secret, under its own label.
pub fn refresh_token_aad(id: i64, host: &str, port: u16, username: &str, token_url: &str, client_id: &str) -> Vec<u8> {
    format!("mailroom/oauth2-refresh-token/v1\0{id}\0{host}\0{port}\0{username}\0{token_url}\0{client_id}").into_bytes()
}

/// A PKCE verifier while "Connect" waits for the provider.
pub fn oauth_state_aad(state_hash: &str) -> Vec<u8> {
    format!("mailroom/oauth2-state/v1\0{state_hash}").into_bytes()
}

/// What a queued message is bound to.
pub fn outbox_aad(id: i64) -> Vec<u8> {
    format!("mailroom/outbox/v1\0{id}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use secrecy::ExposeSecret;

    fn boxed() -> SecretBox {
        SecretBox::new(&[7u8; 32])
    }

    #[test]
    fn ciphertext_is_bound_to_its_record() {
        let b = boxed();
        let aad = settings_aad(1, "smtp.example.com", 587, "billing");
        let sealed = b.seal("s3cret", &aad);
        assert_eq!(b.open(&sealed, &aad).unwrap().expose_secret(), "s3cret");
        assert!(b.open(&sealed, &settings_aad(2, "smtp.example.com", 587, "billing")).is_err());
        assert!(b.open(&sealed, &settings_aad(1, "evil.example.net", 587, "billing")).is_err());
        assert!(b.open(&sealed, &settings_aad(1, "smtp.example.com", 25, "billing")).is_err());
        assert!(b.open(&sealed, &settings_aad(1, "smtp.example.com", 587, "other")).is_err());
        assert!(SecretBox::new(&[8u8; 32]).open(&sealed, &aad).is_err());
    }

    #[test]
    fn reseal_moves_to_a_new_key() {
        let (old, new) = (boxed(), SecretBox::new(&[9u8; 32]));
        let sealed = old.seal("s3cret", b"ad");
        let moved = old.reseal(&new, &sealed, b"ad").unwrap();
        assert_eq!(new.open(&moved, b"ad").unwrap().expose_secret(), "s3cret");
        assert!(old.open(&moved, b"ad").is_err());
    }

    proptest! {
        #[test]
        fn round_trips_and_never_contains_the_plaintext(secret in "[ -~]{4,64}") {
            let b = boxed();
            let sealed = b.seal(&secret, b"ad");
            let opened = b.open(&sealed, b"ad").unwrap();
            prop_assert_eq!(opened.expose_secret(), secret.as_str());
            prop_assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()));
        }

        #[test]
        fn tampering_is_detected(flip in 0usize..40) {
            let b = boxed();
            let mut sealed = b.seal("s3cret-value", b"ad");
            let i = flip % sealed.len();
            sealed[i] ^= 1;
            prop_assert!(b.open(&sealed, b"ad").is_err());
        }
    }
}
