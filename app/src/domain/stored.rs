//! Values the database keeps as text, read back: anything but a known value is an error, never
//! a guess.

/// A stored value that is not one of its kind's.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("the stored {kind} \"{value}\" is not one Mailroom knows")]
pub struct UnknownStored {
    pub kind: &'static str,
    pub value: String,
}

/// Finds the one of `all` that `stored_as` spells `value`.
pub fn from_stored<T: Copy>(
    kind: &'static str,
    all: &[T],
    stored_as: fn(T) -> &'static str,
    value: &str,
) -> Result<T, UnknownStored> {
    all.iter().copied().find(|v| stored_as(*v) == value).ok_or_else(|| UnknownStored { kind, value: value.to_owned() })
}

#[cfg(test)]
mod tests {
    use crate::api::delivery::{AttemptOutcome, MailStatus};
    use crate::domain::Role;

    #[test]
    fn every_known_value_reads_back_and_nothing_else_does() {
        for role in [Role::Administrator, Role::User] {
            assert_eq!(Role::from_stored(role.as_str()), Ok(role));
        }
        for status in MailStatus::ALL {
            assert_eq!(MailStatus::from_stored(status.label()), Ok(status));
        }
        for outcome in [AttemptOutcome::Sent, AttemptOutcome::Retry, AttemptOutcome::Failed] {
            assert_eq!(AttemptOutcome::from_stored(outcome.stored()), Ok(outcome));
        }
        let unknown = MailStatus::from_stored("bounced").unwrap_err();
        assert_eq!(unknown.to_string(), "the stored mail status \"bounced\" is not one Mailroom knows");
        assert!(Role::from_stored("Administrator").is_err(), "no guessing, not even about case");
    }
}
