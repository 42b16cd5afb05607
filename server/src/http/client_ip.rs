//! Who the client is: the socket's peer, or, when that peer is a trusted reverse proxy, the
//! rightmost address in `Forwarded` (or else `X-Forwarded-For`) that is not itself a trusted
//! proxy. Anyone can write those headers, so they are read only from a proxy we trust, and
//! only the hops our own proxies appended are believed.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// `MAILROOM_TRUSTED_PROXIES`: the networks whose forwarding headers are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A list of CIDRs or single addresses, separated by commas or spaces.
    pub fn parse(text: &str) -> Result<Self, String> {
        let nets = text
            .split([',', ' ', '\t', '\n'])
            .filter(|part| !part.is_empty())
            .map(|part| {
                IpNet::from_str(part)
                    .or_else(|_| IpAddr::from_str(part).map(IpNet::from))
                    .map_err(|_| format!("\"{part}\" is not a network such as 10.0.0.0/8 or an address such as 192.0.2.7."))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(nets))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for rate limits and the audit log.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let Some(hops) = forwarded_for(headers).or_else(|| x_forwarded_for(headers)) else { return peer };
        let mut leftmost_trusted = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) if self.contains(*ip) => leftmost_trusted = *ip,
                Some(ip) => return *ip,
                // An obfuscated or garbled hop: nothing to its left can be believed.
                None => return leftmost_trusted,
            }
        }
        leftmost_trusted
    }
}

/// An IPv4 address reached over IPv6 (`::ffff:192.0.2.7`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// RFC 7239: `Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::17]:4711"`.
fn forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let text = joined(headers, "forwarded")?;
    let hops: Vec<Option<IpAddr>> = text
        .split(',')
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                key.trim().eq_ignore_ascii_case("for").then(|| node(value.trim().trim_matches('"')))
            })
        })
        .collect();
    (!hops.is_empty()).then_some(hops)
}

fn x_forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let text = joined(headers, "x-forwarded-for")?;
    Some(text.split(',').map(|hop| node(hop.trim())).collect())
}

/// `192.0.2.7`, `192.0.2.7:443`, `[2001:db8::1]`, `[2001:db8::1]:443` or `2001:db8::1`.
fn node(text: &str) -> Option<IpAddr> {
    if let Ok(ip) = IpAddr::from_str(text) {
        return Some(canonical(ip));
    }
    if let Ok(addr) = SocketAddr::from_str(text) {
        return Some(canonical(addr.ip()));
    }
    let inside = text.strip_prefix('[')?.split(']').next()?;
    IpAddr::from_str(inside).ok().map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn parses_networks_and_single_addresses_and_names_a_bad_one() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7 ::1").unwrap();
        assert!(proxies.contains(ip("10.1.2.3")) && proxies.contains(ip("192.0.2.7")) && proxies.contains(ip("::1")));
        assert!(!proxies.contains(ip("192.0.2.8")));
        assert!(proxies.contains(ip("::ffff:10.9.9.9")), "an IPv4-mapped peer is its IPv4 address");
        assert_eq!(TrustedProxies::parse("").unwrap(), TrustedProxies::default());
        let error = TrustedProxies::parse("10.0.0.0/8,nginx").unwrap_err();
        assert!(error.starts_with("\"nginx\" is not a network"), "{error}");
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let none = TrustedProxies::default();
        let forged = headers(&[("x-forwarded-for", "203.0.113.9"), ("forwarded", "for=203.0.113.9")]);
        assert_eq!(none.client(ip("198.51.100.4"), &forged), ip("198.51.100.4"));
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let peer = ip("10.0.0.2");
        // The client forged the first entry; our proxies appended the last two.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.5")]);
        assert_eq!(proxies.client(peer, &chain), ip("203.0.113.9"));
        let split = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(proxies.client(peer, &split), ip("203.0.113.9"), "repeated headers are one list");
        assert_eq!(proxies.client(peer, &headers(&[])), peer, "no header: the proxy itself");
        let all_trusted = headers(&[("x-forwarded-for", "10.0.0.9, 10.0.0.5")]);
        assert_eq!(proxies.client(peer, &all_trusted), ip("10.0.0.9"));
        let garbled = headers(&[("x-forwarded-for", "203.0.113.9, not-an-ip, 10.0.0.5")]);
        assert_eq!(proxies.client(peer, &garbled), ip("10.0.0.5"), "nothing left of a garbled hop is believed");
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_reads_every_form() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let peer = ip("10.0.0.2");
        let both = headers(&[
            ("forwarded", "for=198.51.100.1;proto=https, For=\"[2001:db8:cafe::17]:4711\";by=10.0.0.2"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(proxies.client(peer, &both), ip("2001:db8:cafe::17"));
        let with_port = headers(&[("forwarded", "for=\"198.51.100.1:8080\"")]);
        assert_eq!(proxies.client(peer, &with_port), ip("198.51.100.1"));
        let hidden = headers(&[("forwarded", "for=_hidden, for=10.0.0.7")]);
        assert_eq!(proxies.client(peer, &hidden), ip("10.0.0.7"));
    }

    proptest! {
        #[test]
        fn a_client_can_never_choose_an_address_outside_what_was_sent(
            forged in proptest::collection::vec(any::<[u8; 4]>(), 0..6),
            appended in proptest::collection::vec(1u8..255, 0..3),
        ) {
            let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
            let real = ip("203.0.113.9");
            let mut hops: Vec<String> = forged.iter().map(|b| IpAddr::from(*b).to_string()).collect();
            hops.push(real.to_string());
            hops.extend(appended.iter().map(|n| format!("10.0.0.{n}")));
            let map = headers(&[("x-forwarded-for", &hops.join(", "))]);
            // Whatever the client put in front, the address our proxies saw is the answer.
            prop_assert_eq!(proxies.client(ip("10.0.0.1"), &map), real);
        }
    }
}
