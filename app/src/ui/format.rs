//! Turning stored values into text for people: times in the browser's locale and time zone.

use crate::api::Timestamp;
use wasm_bindgen::JsValue;

pub fn date_time(ms: Timestamp) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms.get() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string("default", &options).into()
}

/// "27 Nov 2026, 07:21 by Ada"
pub fn when_by(ms: Timestamp, who: Option<&str>) -> String {
    match who {
        Some(who) => format!("{} by {who}", date_time(ms)),
        None => date_time(ms),
    }
}

pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(7), "7");
        assert_eq!(super::thousands(10000), "10,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
