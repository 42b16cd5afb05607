//! A moment in time as Mailroom stores and sends it: UTC milliseconds since the Unix epoch. The
//! browser formats it in the reader's own time zone.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const MIN: Self = Self(i64::MIN);
    pub const MAX: Self = Self(i64::MAX);

    /// Milliseconds since the Unix epoch.
    pub fn get(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_is_the_plain_number_on_the_wire() {
        assert_eq!(serde_json::to_string(&Timestamp(1_764_288_000_000)).unwrap(), "1764288000000");
        assert_eq!(serde_json::from_str::<Timestamp>("5").unwrap(), Timestamp(5));
        assert!(Timestamp(1) < Timestamp(2));
    }
}
