//! A trusted ("pinned") server certificate: the SHA-256 of its DER bytes. Written the way
//! `openssl x509 -noout -fingerprint -sha256` prints it, upper-case hex pairs joined by colons.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertificatePin([u8; 32]);

/// A fingerprint that is not 64 hexadecimal digits; it holds the text as typed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("A certificate fingerprint is 64 hexadecimal digits (SHA-256), such as “AB:12:…”; “{0}” is not.")]
pub struct PinError(pub String);

impl CertificatePin {
    pub fn from_digest(digest: [u8; 32]) -> Self {
        Self(digest)
    }

    pub fn digest(&self) -> &[u8; 32] {
        &self.0
    }

    /// Accepts 64 hex digits, in either case, with or without colons or spaces between pairs.
    pub fn parse(raw: &str) -> Result<Self, PinError> {
        let digits: Vec<u8> = raw.bytes().filter(|b| !matches!(b, b':' | b' ')).collect();
        let bad = || PinError(raw.trim().to_owned());
        if digits.len() != 64 || !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(bad());
        }
        let mut digest = [0u8; 32];
        for (byte, pair) in digest.iter_mut().zip(digits.chunks(2)) {
            let text = std::str::from_utf8(pair).map_err(|_| bad())?;
            *byte = u8::from_str_radix(text, 16).map_err(|_| bad())?;
        }
        Ok(Self(digest))
    }

    /// An empty text means no pinned certificate.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, PinError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }
}

impl std::fmt::Display for CertificatePin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for CertificatePin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CertificatePin({self})")
    }
}

impl TryFrom<String> for CertificatePin {
    type Error = PinError;
    fn try_from(text: String) -> Result<Self, PinError> {
        Self::parse(&text)
    }
}

impl From<CertificatePin> for String {
    fn from(pin: CertificatePin) -> String {
        pin.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_openssl_output_and_bare_hex() {
        let openssl = "3A:7F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD";
        let pin = CertificatePin::parse(openssl).unwrap();
        assert_eq!(pin.to_string(), openssl);
        assert_eq!(CertificatePin::parse(&openssl.replace(':', "").to_lowercase()).unwrap(), pin);
        assert_eq!(CertificatePin::parse_optional("  ").unwrap(), None);
    }

    #[test]
    fn refuses_anything_but_64_hex_digits() {
        for bad in ["", "AB", &"G".repeat(64), &"A".repeat(63), &"A".repeat(66), "+A".repeat(32).as_str()] {
            assert_eq!(CertificatePin::parse(bad), Err(PinError(bad.trim().to_owned())), "{bad}");
        }
    }

    #[test]
    fn deserialising_runs_the_parser() {
        let refused = serde_json::from_str::<CertificatePin>("\"nope\"").unwrap_err();
        assert!(refused.to_string().contains("64 hexadecimal digits"), "{refused}");
        let pin = CertificatePin::from_digest([7; 32]);
        let text = serde_json::to_string(&pin).unwrap();
        assert_eq!(serde_json::from_str::<CertificatePin>(&text).unwrap(), pin);
    }

    proptest! {
        #[test]
        fn every_digest_round_trips(digest in any::<[u8; 32]>()) {
            let pin = CertificatePin::from_digest(digest);
            prop_assert_eq!(CertificatePin::parse(&pin.to_string()).unwrap(), pin);
        }
    }
}
