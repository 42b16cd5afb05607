//! A boolean in a list the database wrote as JSON: PostgreSQL writes `true` and `false`,
//! SQLite, which has no boolean type, `1` and `0`. Anything else is a decoding error.

use serde::de::{self, Deserializer, Unexpected, Visitor};
use std::fmt;

struct Flag;

impl Visitor<'_> for Flag {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true, false, 1 or 0")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<bool, E> {
        match value {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Unsigned(value), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<bool, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(value), &self)),
        }
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(Flag)
}

pub mod optional {
    use super::Flag;
    use serde::{Deserialize, Deserializer};

    struct Wrapped(bool);

    impl<'de> Deserialize<'de> for Wrapped {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(Flag).map(Wrapped)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(v)| v))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Row {
        #[serde(with = "super")]
        on: bool,
        #[serde(with = "super::optional")]
        maybe: Option<bool>,
    }

    fn row(json: &str) -> Result<(bool, Option<bool>), serde_json::Error> {
        serde_json::from_str::<Row>(json).map(|r| (r.on, r.maybe))
    }

    #[test]
    fn both_databases_spellings_read_the_same() {
        assert_eq!(row(r#"{"on": 1, "maybe": 0}"#).unwrap(), (true, Some(false)));
        assert_eq!(row(r#"{"on": true, "maybe": false}"#).unwrap(), (true, Some(false)));
        assert_eq!(row(r#"{"on": 0, "maybe": null}"#).unwrap(), (false, None));
    }

    #[test]
    fn other_values_are_refused() {
        assert!(row(r#"{"on": 2, "maybe": null}"#).unwrap_err().to_string().contains("true, false, 1 or 0"));
        assert!(row(r#"{"on": "yes", "maybe": null}"#).is_err());
        assert!(row(r#"{"on": -1, "maybe": null}"#).is_err());
    }
}
