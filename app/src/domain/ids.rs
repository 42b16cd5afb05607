//! Record ids, one type per kind of record, so that a template's id cannot go where a settings'
//! id belongs. On the wire, in URLs and in the database each is the plain number.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! record_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map(Self)
            }
        }
    )*};
}

record_id! {
    /// An SMTP settings.
    SettingsId;
    /// An email template.
    TemplateId;
    /// A mail in the outbox and the delivery log.
    MailId;
    /// A person who signs in.
    UserId;
    /// An API token.
    TokenId;
    /// An entry of the audit log.
    AuditId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_the_plain_number_on_the_wire_and_in_text() {
        assert_eq!(serde_json::to_string(&SettingsId(42)).unwrap(), "42");
        assert_eq!(serde_json::from_str::<MailId>("7").unwrap(), MailId(7));
        assert_eq!("9".parse::<TemplateId>(), Ok(TemplateId(9)));
        assert!("nine".parse::<TemplateId>().is_err());
        assert_eq!(UserId(3).to_string(), "3");
    }
}
