//! The SMTP server's host: a DNS name (RFC 1123) or an IPv4/IPv6 literal.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv6Addr};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpHost(String);

impl SmtpHost {
    pub const MAX_CHARS: usize = 253;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("Server Host Name is required; enter the mail server's name, e.g. smtp.example.com.".into());
        }
        if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            return inner
                .parse::<Ipv6Addr>()
                .map(|ip| Self(ip.to_string()))
                .map_err(|_| format!("\"{value}\" is not a valid IPv6 address."));
        }
        if let Ok(ip) = value.parse::<IpAddr>() {
            return Ok(Self(ip.to_string()));
        }
        if value.contains("://") || value.contains('/') {
            return Err("Enter only the host name, without \"smtp://\" or a path, e.g. smtp.example.com.".into());
        }
        if value.contains(':') {
            return Err("Enter the host name without a port; put the port in the Port field.".into());
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

fn check_dns_name(name: &str) -> Result<(), String> {
    if !name.is_ascii() {
        return Err("Server Host Name has non-ASCII characters; enter its ASCII (xn--…) form.".into());
    }
    if name.len() > SmtpHost::MAX_CHARS {
        return Err(format!(
            "Server Host Name is {} characters long; a DNS name has at most {}.",
            name.len(),
            SmtpHost::MAX_CHARS
        ));
    }
    let labels: Vec<&str> = name.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err("Server Host Name has an empty part between dots; remove the extra dot.".into());
        }
        if label.len() > 63 {
            return Err(format!("\"{label}\" is longer than the 63 characters a DNS label allows."));
        }
        if let Some(bad) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(format!("Server Host Name cannot contain \"{bad}\"; use letters, digits, hyphens and dots."));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("\"{label}\" cannot start or end with a hyphen."));
        }
    }
    let last = labels.last().copied().unwrap_or_default();
    if last.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("\"{name}\" looks like an IP address but is not a valid one."));
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
        assert!(SmtpHost::parse("smtp.example.com:587").unwrap_err().contains("Port field"));
        assert!(SmtpHost::parse("smtps://smtp.example.com").unwrap_err().contains("without"));
        assert!(SmtpHost::parse("smtp..example.com").unwrap_err().contains("empty part"));
        assert!(SmtpHost::parse("-smtp.example.com").unwrap_err().contains("hyphen"));
        assert!(SmtpHost::parse("smtp_relay.local").unwrap_err().contains("\"_\""));
        assert!(SmtpHost::parse("300.1.1.1").unwrap_err().contains("IP address"));
        assert!(SmtpHost::parse("smtp.bücher.de").unwrap_err().contains("xn--"));
        assert!(SmtpHost::parse(&format!("{}.com", "a.".repeat(130))).unwrap_err().contains("253"));
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
