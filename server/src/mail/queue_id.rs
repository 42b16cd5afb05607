//! The receiving server's id for an accepted message, from its reply to the end of DATA: what
//! its administrators ask for when someone says a mail never arrived.

/// Postfix "250 2.0.0 Ok: queued as 4F2C81234", Exim "250 OK id=1qXyZ-000abc-Q9",
/// Sendmail "250 2.0.0 3AB1CDe4012345 Message accepted for delivery", Gmail
/// "250 2.0.0 OK  1732781400 a1-20020a5d4e41000000b0033e8f4b2c1esi123456wrg.12 - gsmtp",
/// Microsoft 365 "250 2.0.0 OK <id@host> [Hostname=…]". None when the reply names no id.
pub fn queue_id(reply: &str) -> Option<String> {
    let words: Vec<&str> = reply.split_whitespace().collect();
    let clean = |w: &str| w.trim_matches(|c: char| "<>[](),;".contains(c)).to_owned();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    // "queued as ID"
    if let Some(i) = lower.windows(2).position(|w| w[0] == "queued" && w[1] == "as") {
        return words.get(i + 2).map(|w| clean(w)).filter(|w| !w.is_empty());
    }
    // "id=ID"
    if let Some(w) = words.iter().find_map(|w| w.strip_prefix("id=").or_else(|| w.strip_prefix("ID="))) {
        return Some(clean(w)).filter(|w| !w.is_empty());
    }
    // "<ID>" (Microsoft 365)
    if let Some(w) = words.iter().find(|w| w.starts_with('<') && w.ends_with('>') && w.len() > 2) {
        return Some(clean(w));
    }
    // Gmail: "OK <timestamp> <id> - gsmtp"
    if lower.last().is_some_and(|w| w == "gsmtp") {
        return words.iter().rev().nth(2).map(|w| clean(w)).filter(|w| !w.is_empty());
    }
    // Sendmail: "ID Message accepted for delivery"
    if let Some(i) = lower.windows(3).position(|w| w[0] == "message" && w[1] == "accepted" && w[2] == "for") {
        return i
            .checked_sub(1)
            .and_then(|j| words.get(j))
            .map(|w| clean(w))
            .filter(|w| w.chars().any(|c| c.is_ascii_digit()) && !w.contains('.'));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_common_servers_replies() {
        assert_eq!(queue_id("250 2.0.0 Ok: queued as 4F2C81234").as_deref(), Some("4F2C81234"));
        assert_eq!(queue_id("250 OK id=1qXyZ-000abc-Q9").as_deref(), Some("1qXyZ-000abc-Q9"));
        assert_eq!(queue_id("250 2.0.0 3AB1CDe4012345 Message accepted for delivery").as_deref(), Some("3AB1CDe4012345"));
        assert_eq!(queue_id("250 2.0.0 OK  1732781400 a1-20020a5d4e41wrg.12 - gsmtp").as_deref(), Some("a1-20020a5d4e41wrg.12"));
        assert_eq!(
            queue_id("250 2.0.0 OK <AM0PR01MB1234.eurprd01.prod.exchangelabs.com> [Hostname=AM0PR01MB1234]").as_deref(),
            Some("AM0PR01MB1234.eurprd01.prod.exchangelabs.com")
        );
        assert_eq!(queue_id("250 2.0.0 Message accepted for delivery"), None);
        assert_eq!(queue_id("250 Ok"), None);
        assert_eq!(queue_id(""), None);
    }

    proptest! {
        #[test]
        fn an_id_found_is_part_of_the_reply(reply in ".{0,120}") {
            if let Some(id) = queue_id(&reply) {
                prop_assert!(!id.is_empty() && reply.contains(&id));
            }
        }
    }
}
