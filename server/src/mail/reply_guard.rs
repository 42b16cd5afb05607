//! Limits on what an SMTP server may send, checked on every byte Mailroom reads, for the test
//! conversation and the outbox alike: a reply line over 4 KB or a reply over 100 lines ends
//! the conversation, and so does anything sent after the reply to STARTTLS and before the TLS
//! handshake (the plaintext command injection of CVE-2011-0411, which would otherwise be read
//! as if it had come over TLS).

/// RFC 5321 allows 512 octets a reply line; real servers stay far below this.
pub const MAX_LINE: usize = 4096;
pub const MAX_LINES: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    #[error(
        "the server sent more data after its reply to STARTTLS, before encryption began: the pattern of a \
         command injection attack (CVE-2011-0411), so Mailroom ended the conversation"
    )]
    StartTlsInjection,
    #[error("the server sent a reply line longer than {MAX_LINE} bytes, so Mailroom ended the conversation")]
    LongLine,
    #[error("the server sent a reply of more than {MAX_LINES} lines, so Mailroom ended the conversation")]
    TooManyLines,
}

impl Violation {
    /// The violation carried by an I/O error, if that is what it is.
    pub fn of(error: &std::io::Error) -> Option<Self> {
        error.get_ref().and_then(|inner| inner.downcast_ref::<Self>()).copied()
    }

    pub fn into_io(self) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, self)
    }
}

#[derive(Debug, Default)]
pub struct ReplyGuard {
    /// Bytes of the line being received.
    line: usize,
    /// The line's fourth byte: `-` marks a continuation line.
    marker: Option<u8>,
    /// Complete lines of the reply being received.
    lines: usize,
    /// Complete replies since Mailroom last wrote.
    replies: usize,
}

impl ReplyGuard {
    pub fn received(&mut self, bytes: &[u8]) -> Result<(), Violation> {
        for &byte in bytes {
            if byte == b'\n' {
                self.lines += 1;
                if self.marker == Some(b'-') {
                    if self.lines >= MAX_LINES {
                        return Err(Violation::TooManyLines);
                    }
                } else {
                    self.lines = 0;
                    self.replies += 1;
                }
                self.line = 0;
                self.marker = None;
                continue;
            }
            if self.line == 3 {
                self.marker = Some(byte);
            }
            self.line += 1;
            if self.line > MAX_LINE {
                return Err(Violation::LongLine);
            }
        }
        Ok(())
    }

    pub fn sent(&mut self) {
        self.replies = 0;
    }

    /// Whether a TLS handshake may start now: since Mailroom last wrote, nothing arrived, or
    /// exactly one whole reply (the one to STARTTLS).
    pub fn ready_for_tls(&self) -> Result<(), Violation> {
        if self.replies <= 1 && self.line == 0 && self.lines == 0 {
            Ok(())
        } else {
            Err(Violation::StartTlsInjection)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_reply_to_starttls_is_fine_and_anything_after_it_is_not() {
        let mut guard = ReplyGuard::default();
        guard.received(b"220 mail.example.com ESMTP\r\n250-mail.example.com\r\n250 STARTTLS\r\n").unwrap();
        guard.sent();
        assert_eq!(guard.ready_for_tls(), Ok(()), "implicit TLS: nothing since the last write");
        guard.received(b"220 2.0.0 Ready to start TLS\r\n").unwrap();
        assert_eq!(guard.ready_for_tls(), Ok(()));
        let mut injected = ReplyGuard::default();
        injected.sent();
        injected.received(b"220 Ready\r\n250 injected\r\n").unwrap();
        assert_eq!(injected.ready_for_tls(), Err(Violation::StartTlsInjection));
        let mut partial = ReplyGuard::default();
        partial.received(b"220 Ready\r\nMAIL").unwrap();
        assert_eq!(partial.ready_for_tls(), Err(Violation::StartTlsInjection));
        let mut unfinished = ReplyGuard::default();
        unfinished.received(b"220-Ready\r\n").unwrap();
        assert_eq!(unfinished.ready_for_tls(), Err(Violation::StartTlsInjection));
    }

    #[test]
    fn long_lines_and_long_replies_end_the_conversation() {
        let mut guard = ReplyGuard::default();
        let mut line = b"250 ".to_vec();
        line.resize(MAX_LINE, b'x');
        guard.received(&line).unwrap();
        guard.received(b"\r\n").unwrap_err();
        let mut long = ReplyGuard::default();
        assert_eq!(long.received(&vec![b'y'; MAX_LINE + 1]), Err(Violation::LongLine));
        let mut many = ReplyGuard::default();
        let lines = "250-ok\r\n".repeat(MAX_LINES - 1) + "250 last\r\n";
        many.received(lines.as_bytes()).expect("exactly the limit is allowed");
        assert_eq!(many.received("250-ok\r\n".repeat(MAX_LINES).as_bytes()), Err(Violation::TooManyLines));
    }

    #[test]
    fn the_violation_survives_an_io_error() {
        let error = Violation::LongLine.into_io();
        assert_eq!(Violation::of(&error), Some(Violation::LongLine));
        assert_eq!(Violation::of(&std::io::Error::other("x")), None);
    }

    proptest! {
        /// However a reply is split across reads, the verdict is the same.
        #[test]
        fn splitting_reads_changes_nothing(lines in 1usize..150, width in 0usize..5000, cut in 0usize..10_000) {
            let mut reply = String::new();
            for i in 0..lines {
                let sep = if i + 1 == lines { ' ' } else { '-' };
                reply.push_str(&format!("250{sep}{}\r\n", "x".repeat(width)));
            }
            let bytes = reply.as_bytes();
            let whole = ReplyGuard::default().received(bytes);
            let cut = cut.min(bytes.len());
            let mut split = ReplyGuard::default();
            let verdict = split.received(&bytes[..cut]).and_then(|()| split.received(&bytes[cut..]));
            prop_assert_eq!(whole, verdict);
            let expected = if width + 5 > MAX_LINE { Err(Violation::LongLine) }
                else if lines > MAX_LINES { Err(Violation::TooManyLines) } else { Ok(()) };
            prop_assert_eq!(whole, expected);
        }
    }
}
