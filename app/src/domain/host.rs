//! The SMTP server's host: a DNS name (RFC 1123) or an IPv4/IPv6 literal.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv6Addr};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SmtpHost(String);

super::arrival::parsed_on_arrival!(SmtpHost => HostError);

/// Why a Server Host Name was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error("Server Host Name is required; enter the mail server's name, e.g. smtp.example.com.")]
    Missing,
    #[error("\"{0}\" is not a valid IPv6 address.")]
    BadIpv6(String),
    #[error("Enter only the host name, without \"smtp://\" or a path, e.g. smtp.example.com.")]
    HasSchemeOrPath,
    #[error("Enter the host name without a port; put the port in the Port field.")]
    HasPort,
    #[error("Server Host Name has non-ASCII characters; enter its ASCII (xn--…) form.")]
    NotAscii,
    #[error("Server Host Name is {0} characters long; a DNS name has at most {max}.", max = SmtpHost::MAX_CHARS)]
    TooLong(usize),
    #[error("Server Host Name has an empty part between dots; remove the extra dot.")]
    EmptyLabel,
    #[error("\"{0}\" is longer than the 63 characters a DNS label allows.")]
    LabelTooLong(String),
    #[error("Server Host Name cannot contain \"{0}\"; use letters, digits, hyphens and dots.")]
    BadCharacter(char),
    #[error("\"{0}\" cannot start or end with a hyphen.")]
    HyphenAtEdge(String),
    #[error("\"{0}\" looks like an IP address but is not a valid one.")]
    BadIp(String),
}

impl SmtpHost {
    pub const MAX_CHARS: usize = 253;

    pub fn parse(raw: &str) -> Result<Self, HostError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(HostError::Missing);
        }
        if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            return inner.parse::<Ipv6Addr>().map(|ip| Self(ip.to_string())).map_err(|_| HostError::BadIpv6(value.to_owned()));
        }
        if let Ok(ip) = value.parse::<IpAddr>() {
            return Ok(Self(ip.to_string()));
        }
        if value.contains("://") || value.contains('/') {
            return Err(HostError::HasSchemeOrPath);
        }
        if value.contains(':') {
            return Err(HostError::HasPort);
        }
        let name = value.strip_suffix('.').unwrap_or(value);
        check_dns_name(name).map(|()| Self(name.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_ip(&self) -> bool {
        self.0.parse::<IpAddr>().is_ok()
    }
}

fn check_dns_name(name: &str) -> Result<(), HostError> {
    if !name.is_ascii() {
        return Err(HostError::NotAscii);
    }
    if name.len() > SmtpHost::MAX_CHARS {
        return Err(HostError::TooLong(name.len()));
    }
    let labels: Vec<&str> = name.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(HostError::EmptyLabel);
        }
        if label.len() > 63 {
            return Err(HostError::LabelTooLong((*label).to_owned()));
        }
        if let Some(bad) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(HostError::BadCharacter(bad));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(HostError::HyphenAtEdge((*label).to_owned()));
        }
    }
    let last = labels.last().copied().unwrap_or_default();
    if last.chars().all(|c| c.is_ascii_digit()) {
        return Err(HostError::BadIp(name.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_names_and_literals() {
        for (raw, stored) in [
            ("smtp.Example.com", "smtp.example.com"),
            ("localhost", "localhost"),
            ("mail-1.example.co.uk.", "mail-1.example.co.uk"),
            ("192.0.2.10", "192.0.2.10"),
            ("::1", "::1"),
            ("[2001:db8::1]", "2001:db8::1"),
        ] {
            assert_eq!(SmtpHost::parse(raw).unwrap().as_str(), stored, "{raw}");
        }
    }

    #[test]
    fn explains_common_mistakes() {
        assert_eq!(SmtpHost::parse(""), Err(HostError::Missing));
        assert_eq!(SmtpHost::parse("smtp.example.com:587"), Err(HostError::HasPort));
        assert_eq!(SmtpHost::parse("smtps://smtp.example.com"), Err(HostError::HasSchemeOrPath));
        assert_eq!(SmtpHost::parse("smtp..example.com"), Err(HostError::EmptyLabel));
        assert_eq!(SmtpHost::parse("-smtp.example.com"), Err(HostError::HyphenAtEdge("-smtp".into())));
        assert_eq!(SmtpHost::parse("smtp_relay.local"), Err(HostError::BadCharacter('_')));
        assert_eq!(SmtpHost::parse("300.1.1.1"), Err(HostError::BadIp("300.1.1.1".into())));
        assert_eq!(SmtpHost::parse("smtp.bücher.de"), Err(HostError::NotAscii));
        assert_eq!(SmtpHost::parse(&format!("{}.com", "a.".repeat(130))), Err(HostError::TooLong(264)));
        assert!(HostError::HasPort.to_string().contains("Port field"));
        assert!(HostError::TooLong(264).to_string().contains("at most 253"));
    }

    proptest! {
        #[test]
        fn generated_dns_names_are_accepted(labels in proptest::collection::vec("[a-z][a-z0-9-]{0,20}[a-z0-9]", 1..6)) {
            let name = labels.join(".");
            let host = SmtpHost::parse(&name).unwrap();
            prop_assert_eq!(host.as_str(), name.as_str());
        }

        #[test]
        fn accepted_hosts_are_safe_in_an_smtp_command(s in "\\PC{0,80}") {
            if let Ok(host) = SmtpHost::parse(&s) {
                prop_assert!(host.as_str().chars().all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c)));
                prop_assert_eq!(SmtpHost::parse(host.as_str()).unwrap(), host);
            }
        }
    }
}
