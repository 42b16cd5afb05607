//! The Filter's matches along the way it was typed. A filter that extends an earlier one
//! matches no more rows than it (every word of the earlier filter is part of a word of the
//! longer one), so it is tested against the earlier matches instead of every row; and the
//! filters on the way keep their matches, so Backspace finds them without testing any row.

use super::store::SettingsList;

/// Filters typed on the way kept at most; an older one is forgotten first.
const KEPT: usize = 32;

#[derive(Debug, Default)]
pub struct FilterPath {
    /// The list generation the kept matches index into.
    generation: u64,
    /// Lower-cased filters, each extending the one before, with their matches.
    steps: Vec<(String, Vec<usize>)>,
}

impl FilterPath {
    /// The indexes of the rows of `rows` matching `filter`: exactly `rows.filter(filter)`.
    pub fn matches(&mut self, rows: &SettingsList, filter: &str) -> Vec<usize> {
        if self.generation != rows.generation() {
            self.generation = rows.generation();
            self.steps.clear();
        }
        let needle = filter.to_lowercase();
        while self.steps.last().is_some_and(|(typed, _)| !needle.starts_with(typed.as_str())) {
            self.steps.pop();
        }
        let found = match self.steps.last() {
            Some((typed, found)) if *typed == needle => return found.clone(),
            Some((_, found)) => rows.filter_within(&needle, found.iter().copied()),
            None => rows.filter(&needle),
        };
        if self.steps.len() == KEPT {
            self.steps.remove(0);
        }
        self.steps.push((needle, found.clone()));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::SettingsId;
    use crate::ui::settings::store::row;
    use proptest::prelude::*;

    /// What happens between two keystrokes.
    #[derive(Clone, Debug)]
    enum Step {
        Type(char),
        Backspace,
        Replace(String),
        /// A row saved (added or renamed) meanwhile.
        Save(i64, String),
        Delete(i64),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => prop::sample::select(vec!['a', 'b', 'c', 'A', ' ', '.', 'Σ']).prop_map(Step::Type),
            3 => Just(Step::Backspace),
            1 => "[abc ]{0,4}".prop_map(Step::Replace),
            1 => (1i64..12, "[abcΣ]{1,5}").prop_map(|(id, name)| Step::Save(id, name)),
            1 => (1i64..12).prop_map(Step::Delete),
        ]
    }

    proptest! {
        /// Whatever is typed, deleted or pasted, and whatever the list becomes meanwhile, the
        /// matches are those of a full pass over the rows.
        #[test]
        fn the_matches_are_always_those_of_a_full_pass(
            names in prop::collection::vec("[abc .]{1,6}", 0..12),
            steps in prop::collection::vec(step(), 1..60),
        ) {
            let mut rows = SettingsList::new(
                names.iter().enumerate().map(|(i, n)| row(i as i64 + 1, n, "h.example")).collect(),
            );
            let (mut path, mut filter) = (FilterPath::default(), String::new());
            for step in steps {
                match step {
                    Step::Type(c) => filter.push(c),
                    Step::Backspace => { filter.pop(); }
                    Step::Replace(text) => filter = text,
                    Step::Save(id, name) => rows.upsert(row(id, &name, "h.example")),
                    Step::Delete(id) => rows.remove(SettingsId(id)),
                }
                prop_assert_eq!(path.matches(&rows, &filter), rows.filter(&filter), "filter {:?}", filter);
            }
        }
    }

    #[test]
    fn backspace_finds_the_earlier_matches_and_a_change_to_the_rows_forgets_them() {
        let mut rows = SettingsList::new(vec![row(1, "alpha", "h.example"), row(2, "beta", "h.example")]);
        let mut path = FilterPath::default();
        for typed in ["a", "al", "alp"] {
            path.matches(&rows, typed);
        }
        assert_eq!(path.steps.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(), ["a", "al", "alp"]);
        assert_eq!(path.matches(&rows, "al"), [0]);
        assert_eq!(path.steps.len(), 2, "the filters that no longer lead here are dropped");
        rows.upsert(row(3, "alps", "h.example"));
        assert_eq!(path.matches(&rows, "al"), [0, 1]);
        assert_eq!(path.steps.len(), 1, "matches from before the change are not reused");
    }
}
