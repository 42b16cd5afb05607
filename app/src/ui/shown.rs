//! Which of a form's messages are on screen: a field's once the person has left it (so typing
//! into an empty form is not met with a wall of red), and every one after they try to save.
//! Every form that checks as you type keeps one.

use leptos::prelude::*;
use std::collections::BTreeSet;

pub struct Shown<K: Ord + Send + Sync + 'static> {
    touched: RwSignal<BTreeSet<K>>,
    submitted: RwSignal<bool>,
}

impl<K: Ord + Send + Sync + 'static> Clone for Shown<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Ord + Send + Sync + 'static> Copy for Shown<K> {}

impl<K: Ord + Copy + Send + Sync + 'static> Shown<K> {
    pub fn new() -> Self {
        Self { touched: RwSignal::new(BTreeSet::new()), submitted: RwSignal::new(false) }
    }

    /// For `on_blur`: from now on this field's message shows.
    pub fn left(&self, field: K) -> Callback<()> {
        let this = *self;
        Callback::new(move |()| this.touch(field))
    }

    pub fn touch(&self, field: K) {
        self.touched.update(|t| {
            t.insert(field);
        });
    }

    /// Save was pressed: every message shows.
    pub fn submit(&self) {
        self.submitted.set(true);
    }

    /// A fresh start, as when a saved version replaces the form's contents.
    pub fn reset(&self) {
        self.touched.set(BTreeSet::new());
        self.submitted.set(false);
    }

    /// Whether `field`'s message is on screen.
    pub fn is_shown(&self, field: K) -> bool {
        self.submitted.get() || self.touched.with(|t| t.contains(&field))
    }

    /// Whether Save was pressed since the last fresh start.
    pub fn submitted(&self) -> RwSignal<bool> {
        self.submitted
    }
}

impl<K: Ord + Copy + Send + Sync + 'static> Default for Shown<K> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_shows_after_its_field_is_left_and_all_show_after_save() {
        let owner = Owner::new();
        owner.with(|| {
            let shown = Shown::<u8>::new();
            assert!(!shown.is_shown(1) && !shown.is_shown(2));
            shown.left(1).run(());
            assert!(shown.is_shown(1) && !shown.is_shown(2));
            shown.submit();
            assert!(shown.is_shown(2) && shown.submitted().get());
            shown.reset();
            assert!(!shown.is_shown(1) && !shown.is_shown(2));
        });
    }
}
