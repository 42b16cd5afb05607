//! The test email, built from any settings the form accepts and any recipient: it is always
//! built, and no field can add, repeat or break a header. Raw, unchecked fields never panic the
//! builder either.
#![no_main]

mod headers;

use app::domain::{EmailAddress, SettingsForm};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mailroom::mail::message::{build, About};
use std::time::{Duration, SystemTime};

#[derive(Arbitrary, Debug)]
struct Input {
    name: String,
    host: String,
    port: String,
    from_name: String,
    email: String,
    recipient: String,
    requested_by: String,
    seconds: u32,
}

fuzz_target!(|input: Input| {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(input.seconds));
    let raw = About {
        settings_name: &input.name,
        host: &input.host,
        port: input.port.parse().unwrap_or(587),
        from_name: &input.from_name,
        email: &input.email,
        recipient: &input.recipient,
        requested_by: &input.requested_by,
    };
    if let Ok(message) = build(&raw, now) {
        headers::check(&message.bytes);
    }

    let form = SettingsForm {
        name: input.name.clone(),
        starttls_only: true,
        host: input.host.clone(),
        port: input.port.clone(),
        from_name: input.from_name.clone(),
        email: input.email.clone(),
        username: String::new(),
        ..SettingsForm::default()
    };
    let (Ok(valid), Ok(recipient)) = (form.validate(), EmailAddress::parse(&input.recipient)) else { return };
    let about = About {
        settings_name: valid.name.as_str(),
        host: valid.host.as_str(),
        port: valid.port.get(),
        from_name: valid.from_name.as_str(),
        email: valid.email.as_str(),
        recipient: recipient.as_str(),
        requested_by: &input.requested_by,
    };
    let message = build(&about, now).unwrap_or_else(|e| panic!("valid settings must build a test email: {e}"));
    headers::check(&message.bytes);
    assert_eq!(message.from.to_string(), valid.email.as_str());
});
