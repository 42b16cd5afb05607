//! The SMTP server's TCP port.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Port(u16);

impl Port {
    /// SMTP submission with implicit TLS (RFC 8314).
    pub const SMTPS: u16 = 465;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("Port is required; enter the server's port, usually 587 or 465.".into());
        }
        match value.parse::<u32>() {
            Ok(n @ 1..=65535) => Ok(Self(n as u16)),
            _ => Err(format!(
                "Port must be a whole number from 1 to 65535; \"{value}\" is not. Common ports are 587 (STARTTLS) and 465 (TLS)."
            )),
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_out_of_range_and_non_numbers() {
        for bad in ["0", "65536", "-1", "58 7", "587.0", "abc", "99999999999"] {
            assert!(Port::parse(bad).is_err(), "{bad}");
        }
        assert!(Port::parse("").unwrap_err().contains("required"));
    }

    proptest! {
        #[test]
        fn every_valid_port_round_trips(n in 1u16..=65535) {
            prop_assert_eq!(Port::parse(&format!(" {n} ")).unwrap().get(), n);
        }
    }
}
