//! Values the server serialises once and then sends as the same bytes on every request, for as
//! long as what they were read from stays the same. The browser reads them as plain values.
//!
//! Only for answers that travel as JSON (every server function's output does): serde_json writes
//! a prepared value's text as it is, while any other serialiser would write serde_json's private
//! wrapper instead of the value. Only the server prepares, so the browser's build leaves
//! serde_json's raw values out.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
#[cfg(feature = "ssr")]
use serde_json::value::RawValue;
#[cfg(feature = "ssr")]
use std::sync::Arc;

/// A value and its JSON text, made together.
#[cfg(feature = "ssr")]
#[derive(Debug)]
pub struct Prepared<T> {
    value: T,
    json: Box<RawValue>,
}

#[cfg(feature = "ssr")]
impl<T: Serialize> Prepared<T> {
    pub fn new(value: T) -> Result<Self, serde_json::Error> {
        let json = serde_json::value::to_raw_value(&value)?;
        Ok(Prepared { value, json })
    }
}

#[cfg(feature = "ssr")]
impl<T> Prepared<T> {
    pub fn value(&self) -> &T {
        &self.value
    }
}

/// A value as a server function answers it: serialised now, or prepared before.
#[derive(Clone, Debug)]
pub enum Sent<T> {
    Value(T),
    #[cfg(feature = "ssr")]
    Prepared(Arc<Prepared<T>>),
}

impl<T: Clone> Sent<T> {
    pub fn into_value(self) -> T {
        match self {
            Sent::Value(value) => value,
            #[cfg(feature = "ssr")]
            Sent::Prepared(prepared) => Arc::try_unwrap(prepared).map_or_else(|p| p.value.clone(), |p| p.value),
        }
    }
}

impl<T: Serialize> Serialize for Sent<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Sent::Value(value) => value.serialize(serializer),
            #[cfg(feature = "ssr")]
            Sent::Prepared(prepared) => prepared.json.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sent<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Sent::Value)
    }
}

impl<T: PartialEq> PartialEq for Sent<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_value() == other.as_value()
    }
}

impl<T> Sent<T> {
    pub fn as_value(&self) -> &T {
        match self {
            Sent::Value(value) => value,
            #[cfg(feature = "ssr")]
            Sent::Prepared(prepared) => &prepared.value,
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    type Rows = Vec<(String, Option<i64>, BTreeMap<String, bool>)>;

    /// Rows with any text: quotes, control characters and non-ASCII are escaped once, when prepared.
    fn rows() -> impl Strategy<Value = Rows> {
        let row = (any::<String>(), any::<Option<i64>>(), prop::collection::btree_map(any::<String>(), any::<bool>(), 0..3));
        prop::collection::vec(row, 0..6)
    }

    proptest! {
        /// A prepared value is sent as exactly the bytes the value itself serialises to, and
        /// reads back as the value.
        #[test]
        fn a_prepared_value_is_sent_as_the_value_would_be(rows in rows()) {
            let prepared = Sent::Prepared(Arc::new(Prepared::new(rows.clone()).unwrap()));
            let sent = serde_json::to_string(&prepared).unwrap();
            prop_assert_eq!(&sent, &serde_json::to_string(&rows).unwrap());
            prop_assert_eq!(&sent, &serde_json::to_string(&Sent::Value(rows.clone())).unwrap());
            let read: Sent<Rows> = serde_json::from_str(&sent).unwrap();
            prop_assert_eq!(read.into_value(), rows.clone());
            prop_assert_eq!(prepared.into_value(), rows);
        }
    }

    #[test]
    fn inside_another_value_it_is_written_in_place() {
        let prepared = Sent::Prepared(Arc::new(Prepared::new(vec!["a \"quoted\" name"]).unwrap()));
        let sent = serde_json::to_string(&BTreeMap::from([("rows", prepared)])).unwrap();
        assert_eq!(sent, r#"{"rows":["a \"quoted\" name"]}"#);
    }
}
