//! The rows of the settings list in view, and which row each of the list's row elements
//! shows. A row element is a slot: the row's position among the matches modulo how many rows
//! the window holds. So a Filter keystroke rewrites the slots in place, and scrolling by one
//! row gives one slot a new row while every other slot keeps its own.

use crate::api::SettingsSummary;

#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// The first row's position among the matches.
    pub first: usize,
    /// How many rows the window holds (the rows in view and the overscan on both sides).
    pub capacity: usize,
    pub rows: Vec<SettingsSummary>,
}

/// A slot, and the capacity it was made for: a new capacity makes new slots.
pub type Slot = (usize, usize);

impl Window {
    /// The slots of the rows in view, in list order.
    pub fn slots(&self) -> Vec<Slot> {
        (self.first..self.first + self.rows.len()).map(|at| (at % self.capacity, self.capacity)).collect()
    }

    /// The row `slot` shows, if any.
    pub fn in_slot(&self, (slot, capacity): Slot) -> Option<&SettingsSummary> {
        if capacity != self.capacity || slot >= capacity {
            return None;
        }
        self.rows.get((slot + capacity - self.first % capacity) % capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::settings::store::row;
    use proptest::prelude::*;

    fn window(first: usize, capacity: usize, len: usize) -> Window {
        let rows = (first..first + len).map(|at| row(at as i64, &format!("row {at}"), "smtp.example.com")).collect();
        Window { first, capacity, rows }
    }

    fn shown(w: &Window, slot: Slot) -> Option<i64> {
        w.in_slot(slot).map(|s| s.id.0)
    }

    proptest! {
        #[test]
        fn every_row_in_view_is_in_exactly_one_slot(first in 0usize..10_000, capacity in 1usize..60, len in 0usize..60) {
            let w = window(first, capacity, len.min(capacity));
            let slots = w.slots();
            let ids: Vec<Option<i64>> = slots.iter().map(|&slot| shown(&w, slot)).collect();
            let expected: Vec<Option<i64>> = w.rows.iter().map(|s| Some(s.id.0)).collect();
            prop_assert_eq!(ids, expected);
            let mut distinct = slots.clone();
            distinct.sort_unstable();
            distinct.dedup();
            prop_assert_eq!(distinct.len(), slots.len());
        }

        #[test]
        fn scrolling_one_row_moves_one_slot(first in 0usize..10_000, capacity in 2usize..60) {
            let (before, after) = (window(first, capacity, capacity), window(first + 1, capacity, capacity));
            let changed = (0..capacity).filter(|&slot| shown(&before, (slot, capacity)) != shown(&after, (slot, capacity))).count();
            prop_assert_eq!(changed, 1);
        }
    }

    #[test]
    fn a_slot_made_for_another_capacity_shows_nothing() {
        let w = window(3, 10, 10);
        assert_eq!(shown(&w, (3, 10)), Some(3));
        assert_eq!(shown(&w, (3, 12)), None);
        assert_eq!(shown(&w, (10, 10)), None);
    }
}
