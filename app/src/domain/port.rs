//! The SMTP server's TCP port.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Port(u16);

impl TryFrom<u16> for Port {
    type Error = PortError;
    fn try_from(number: u16) -> Result<Self, PortError> {
        Self::parse(&number.to_string())
    }
}

impl From<Port> for u16 {
    fn from(port: Port) -> u16 {
        port.0
    }
}

/// Why a Port was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    #[error("Port is required; enter the server's port, usually 587 or 465.")]
    Missing,
    #[error("Port must be a whole number from 1 to 65535; \"{0}\" is not. Common ports are 587 (STARTTLS) and 465 (TLS).")]
    NotAPort(String),
}

impl Port {
    /// SMTP submission with implicit TLS (RFC 8314).
    pub const SMTPS: u16 = 465;

    pub fn parse(raw: &str) -> Result<Self, PortError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(PortError::Missing);
        }
        match value.parse::<u32>() {
            Ok(n @ 1..=65535) => Ok(Self(n as u16)),
            _ => Err(PortError::NotAPort(value.to_owned())),
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }

    /// Whether this is the port that speaks TLS from the first byte (RFC 8314).
    pub fn is_smtps(self) -> bool {
        self.0 == Self::SMTPS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_out_of_range_and_non_numbers() {
        for bad in ["0", "65536", "-1", "58 7", "587.0", "abc", "99999999999"] {
            assert_eq!(Port::parse(bad), Err(PortError::NotAPort(bad.into())));
        }
        assert_eq!(Port::parse(" "), Err(PortError::Missing));
    }

    proptest! {
        #[test]
        fn every_valid_port_round_trips(n in 1u16..=65535) {
            prop_assert_eq!(Port::parse(&format!(" {n} ")).unwrap().get(), n);
        }
    }
}
