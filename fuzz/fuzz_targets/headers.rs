//! What every message Mailroom builds must look like, whatever went into it: a header block of
//! well-formed lines, no header twice (From, To, Subject, Date and Message-ID exactly once), and
//! no header that no field asked for.

/// The headers lettre writes for our messages; anything else was smuggled in through a field.
const WRITTEN: &[&str] =
    &["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"];

pub fn check(message: &[u8]) {
    let text = String::from_utf8_lossy(message);
    let (head, _body) = text.split_once("\r\n\r\n").expect("the header block ends with a blank line");
    assert!(!head.contains('\0'), "NUL in the headers:\n{head}");
    let mut names = Vec::new();
    for line in head.split("\r\n") {
        assert!(!line.contains(['\r', '\n']), "a bare CR or LF in a header line: {line:?}");
        if line.starts_with([' ', '\t']) {
            assert!(!line.trim().is_empty(), "an empty folded line:\n{head}");
            continue;
        }
        let (name, _) = line.split_once(':').unwrap_or_else(|| panic!("not a header line: {line:?}"));
        assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic()), "bad header name {name:?}");
        names.push(name.to_owned());
    }
    for name in &names {
        assert!(WRITTEN.iter().any(|w| w.eq_ignore_ascii_case(name)), "an extra header {name}:\n{head}");
    }
    for name in WRITTEN {
        let count = names.iter().filter(|n| n.eq_ignore_ascii_case(name)).count();
        let required = ["From", "To", "Subject", "Date", "Message-ID"].contains(name);
        assert!(count == 1 || (count == 0 && !required), "{name} appears {count} times:\n{head}");
    }
}
