//! A span of time picked in a panel (the Audit log, the Delivery log): from a moment, up to
//! but not including another, either end open.

use super::types::Timestamp;
use super::AppError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// From this moment on (inclusive).
    pub from: Option<Timestamp>,
    /// Before this moment (exclusive).
    pub to: Option<Timestamp>,
}

impl Span {
    /// The two ends with open ones made as wide as can be; a backwards span is refused.
    pub fn bounds(&self) -> Result<(Timestamp, Timestamp), AppError> {
        match (self.from, self.to) {
            (Some(from), Some(to)) if to <= from => {
                Err(AppError::Refused("The end of the date range must come after its start.".into()))
            }
            (from, to) => Ok((from.unwrap_or(Timestamp::MIN), to.unwrap_or(Timestamp::MAX))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_span_is_refused_exactly_when_it_ends_before_it_starts(from: Option<i64>, to: Option<i64>) {
            let span = Span { from: from.map(Timestamp), to: to.map(Timestamp) };
            match (from, to) {
                (Some(f), Some(t)) if t <= f => prop_assert!(span.bounds().is_err()),
                _ => {
                    let (lo, hi) = span.bounds().unwrap();
                    prop_assert_eq!((lo.get(), hi.get()), (from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX)));
                }
            }
        }
    }
}
