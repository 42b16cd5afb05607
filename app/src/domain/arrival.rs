//! A validated value that crosses the wire travels as its plain text and is parsed again on
//! arrival, so a value off the wire obeys the same rules as one typed in the form.

/// For a newtype over `String` with `parse(&str) -> Result<Self, $error>`: the conversions that
/// `#[serde(try_from = "String", into = "String")]` asks for.
macro_rules! parsed_on_arrival {
    ($($type:ty => $error:ty),* $(,)?) => {$(
        impl TryFrom<String> for $type {
            type Error = $error;
            fn try_from(text: String) -> Result<Self, $error> {
                Self::parse(&text)
            }
        }

        impl From<$type> for String {
            fn from(value: $type) -> String {
                value.0
            }
        }
    )*};
}
pub(crate) use parsed_on_arrival;

#[cfg(test)]
mod tests {
    use crate::domain::{DisplayName, EmailAddress, FromName, Port, SettingsName, SmtpHost, Username};

    #[test]
    fn a_value_off_the_wire_is_parsed_like_a_typed_one() {
        assert!(serde_json::from_str::<SmtpHost>(r#""smtp.example.com:25""#).is_err());
        assert_eq!(serde_json::from_str::<SmtpHost>(r#""SMTP.Example.com""#).unwrap().as_str(), "smtp.example.com");
        assert!(serde_json::from_str::<Port>("0").is_err());
        assert_eq!(serde_json::to_string(&Port::parse("587").unwrap()).unwrap(), "587");
        assert!(serde_json::from_str::<EmailAddress>(r#""a\r\nBcc: x@example.com""#).is_err());
        assert!(serde_json::from_str::<SettingsName>(r#""  ""#).is_err());
        assert!(serde_json::from_str::<DisplayName>(r#""""#).is_err());
        assert!(serde_json::from_str::<FromName>(r#""Billing\nBcc: x""#).is_err());
        assert!(serde_json::from_str::<Username>(r#""user\rRCPT""#).is_err());
        let name = SettingsName::parse("Office 365").unwrap();
        assert_eq!(serde_json::from_value::<SettingsName>(serde_json::to_value(&name).unwrap()).unwrap(), name);
    }
}
