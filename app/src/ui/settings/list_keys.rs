//! Where a key press in the settings list moves the selection: the arrows, Page Up/Down,
//! Home, End, and type-ahead to the next name starting with the letter typed.

/// The row `key` selects among `total` matches, from `current`; `page` rows fit in view.
/// `starts(i, letter)` says whether row `i`'s name starts with `letter`. None: not a list key.
pub fn moved_to(
    key: &str,
    typed: Option<&str>,
    current: Option<usize>,
    total: usize,
    page: usize,
    starts: impl Fn(usize, &str) -> bool,
) -> Option<usize> {
    if total == 0 {
        return None;
    }
    if let Some(letter) = typed {
        let start = current.map_or(0, |i| i + 1);
        return (0..total).map(|k| (start + k) % total).find(|&i| starts(i, letter));
    }
    Some(match (key, current) {
        ("ArrowDown", Some(i)) => (i + 1).min(total - 1),
        ("ArrowUp", Some(i)) => i.saturating_sub(1),
        ("PageDown", Some(i)) => (i + page).min(total - 1),
        ("PageUp", Some(i)) => i.saturating_sub(page),
        ("ArrowDown" | "ArrowUp" | "PageDown" | "PageUp" | "Home", _) => 0,
        ("End", _) => total - 1,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAMES: [&str; 4] = ["alpha", "bravo", "beta", "charlie"];

    fn key(key: &str, current: Option<usize>) -> Option<usize> {
        let typed = (key.chars().count() == 1).then(|| key.to_lowercase());
        moved_to(key, typed.as_deref(), current, NAMES.len(), 2, |i, letter| NAMES[i].starts_with(letter))
    }

    #[test]
    fn arrows_pages_and_ends_stay_inside_the_list() {
        assert_eq!(key("ArrowDown", Some(3)), Some(3));
        assert_eq!(key("ArrowUp", Some(0)), Some(0));
        assert_eq!(key("PageDown", Some(1)), Some(3));
        assert_eq!(key("PageUp", Some(1)), Some(0));
        assert_eq!(key("ArrowDown", None), Some(0));
        assert_eq!((key("Home", Some(2)), key("End", None)), (Some(0), Some(3)));
        assert_eq!(key("Tab", Some(1)), None);
    }

    #[test]
    fn type_ahead_finds_the_next_name_with_that_letter_and_wraps() {
        assert_eq!(key("b", None), Some(1));
        assert_eq!(key("b", Some(1)), Some(2));
        assert_eq!(key("B", Some(2)), Some(1), "wraps round, ignoring case");
        assert_eq!(key("z", Some(0)), None);
    }

    proptest! {
        #[test]
        fn every_move_lands_on_a_row(total in 1usize..50, current in proptest::option::of(0usize..50), page in 1usize..20,
                                     k in prop::sample::select(vec!["ArrowDown", "ArrowUp", "PageDown", "PageUp", "Home", "End"])) {
            let current = current.map(|c| c % total);
            let target = moved_to(k, None, current, total, page, |_, _| false).unwrap();
            prop_assert!(target < total);
        }
    }
}
