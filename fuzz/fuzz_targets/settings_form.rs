//! Every SMTP settings field parser, through the form the browser and the server both check:
//! no input panics, and whatever is accepted is clean, within its limits, and parses to itself.
#![no_main]

use app::domain::{
    name_key, EmailAddress, Field, FieldKey, FromName, PasswordChange, Port, SettingsForm, SettingsName, SmtpHost, Username,
};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    form: Form,
    password: String,
    clear: bool,
}

#[derive(Arbitrary, Debug)]
struct Form {
    name: String,
    starttls_only: bool,
    host: String,
    port: String,
    from_name: String,
    email: String,
    username: String,
}

fn clean(text: &str) -> bool {
    !text.chars().any(char::is_control) && text.trim() == text
}

fuzz_target!(|input: Input| {
    let f = input.form;
    let form = SettingsForm {
        name: f.name,
        starttls_only: f.starttls_only,
        host: f.host,
        port: f.port,
        from_name: f.from_name,
        email: f.email,
        username: f.username,
        ..SettingsForm::default()
    };
    match form.validate() {
        Ok(valid) => {
            for field in Field::ALL {
                assert_eq!(form.check(field), None, "validate accepted what check refuses in {field:?}");
            }
            let name = valid.name.as_str();
            assert!(clean(name) && !name.is_empty() && name.chars().count() <= 100, "{name:?}");
            assert_eq!(SettingsName::parse(name).as_ref(), Ok(&valid.name));
            assert_eq!(name_key(&form.name), valid.name.key());

            let host = valid.host.as_str();
            assert!(clean(host) && !host.is_empty() && host.len() <= 253, "{host:?}");
            assert!(host.is_ascii(), "a host name goes into DNS and TLS as ASCII: {host:?}");
            assert_eq!(SmtpHost::parse(host).as_ref(), Ok(&valid.host));

            assert!(valid.port.get() >= 1);
            assert_eq!(Port::parse(&valid.port.get().to_string()), Ok(valid.port));

            assert!(clean(valid.from_name.as_str()) && valid.from_name.as_str().chars().count() <= FromName::MAX_CHARS);
            assert_eq!(FromName::parse(valid.from_name.as_str()).as_ref(), Ok(&valid.from_name));
            assert!(clean(valid.username.as_str()) && valid.username.as_str().chars().count() <= Username::MAX_CHARS);
            assert_eq!(Username::parse(valid.username.as_str()).as_ref(), Ok(&valid.username));

            let email = valid.email.as_str();
            assert!(clean(email) && !email.contains(' '), "{email:?}");
            assert_eq!(EmailAddress::parse(email).as_ref(), Ok(&valid.email));
            assert!(
                email.parse::<lettre::Address>().is_ok(),
                "an Email Address we accept must be one the mailer can send from: {email:?}"
            );
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for (key, message) in errors.iter() {
                let FieldKey::Settings(field) = key else { panic!("{key:?} is not a settings field") };
                assert_eq!(form.check(field).as_deref(), Some(message), "validate and check disagree on {field:?}");
            }
        }
    }
    if let Ok(change) = PasswordChange::from_input(&input.password, input.clear) {
        let wire = serde_json::to_value(&change).unwrap();
        assert_eq!(serde_json::from_value::<PasswordChange>(wire).ok(), Some(change.clone()), "off the wire it parses the same");
        if let PasswordChange::Set(password) = &change {
            assert!(!password.expose().contains(['\r', '\n', '\0']));
            assert_eq!(format!("{change:?}"), "Set(NewPassword([redacted]))", "Debug never shows a password");
        }
    }
});
