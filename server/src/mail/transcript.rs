//! The SMTP conversation as shown to the user: every line either side sent, except secrets.
//! While authenticating, what Mailroom sends is replaced by "[redacted]"; the message body is
//! summarised; and as a last guard any line holding the password is withheld. It is bounded:
//! past `MAX_LINES` lines only a count is kept, and no line grows past `MAX_LINE_BYTES`.

use app::api::test_email::{Speaker, TranscriptLine};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Auth,
    Data,
}

/// Lines kept; a test conversation has a few dozen.
pub const MAX_LINES: usize = 500;
/// Bytes kept of one line (the reply guard ends the conversation at 4 KB anyway).
pub const MAX_LINE_BYTES: usize = 4096;

#[derive(Debug, Default)]
pub struct Transcript {
    lines: Vec<TranscriptLine>,
    /// Lines not kept once `MAX_LINES` was reached.
    dropped: usize,
    client: Vec<u8>,
    server: Vec<u8>,
    mode: Option<Mode>,
    data_lines: usize,
    data_bytes: usize,
}

impl Transcript {
    fn mode(&self) -> Mode {
        self.mode.unwrap_or(Mode::Normal)
    }

    pub fn set_mode(&mut self, mode: Mode) {
        if self.mode() == Mode::Data && mode != Mode::Data {
            let (lines, bytes) = (self.data_lines, self.data_bytes);
            self.push(Speaker::Mailroom, format!("[message: {lines} lines, {bytes} bytes]"));
            self.data_lines = 0;
            self.data_bytes = 0;
        }
        self.mode = Some(mode);
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.push(Speaker::Note, text.into());
    }

    fn push(&mut self, speaker: Speaker, text: String) {
        if self.lines.len() < MAX_LINES {
            self.lines.push(TranscriptLine { speaker, text });
        } else {
            self.dropped += 1;
        }
    }

    pub fn sent(&mut self, bytes: &[u8]) {
        if self.mode() == Mode::Data {
            self.data_bytes += bytes.len();
            self.data_lines += bytes.iter().filter(|b| **b == b'\n').count();
            return;
        }
        extend_bounded(&mut self.client, bytes);
        while let Some(line) = take_line(&mut self.client) {
            let shown = match self.mode() {
                Mode::Auth => match line.split_whitespace().collect::<Vec<_>>().as_slice() {
                    ["AUTH", mechanism, ..] => format!("AUTH {mechanism} [redacted]"),
                    _ => "[redacted]".to_owned(),
                },
                _ => line,
            };
            self.push(Speaker::Mailroom, shown);
        }
    }

    pub fn received(&mut self, bytes: &[u8]) {
        extend_bounded(&mut self.server, bytes);
        while let Some(line) = take_line(&mut self.server) {
            self.push(Speaker::Server, line);
        }
    }

    /// The lines of the last complete reply the server sent.
    pub fn last_reply(&self) -> Vec<String> {
        let mut reply: Vec<String> = self
            .lines
            .iter()
            .rev()
            .skip_while(|l| l.speaker != Speaker::Server)
            .take_while(|l| l.speaker == Speaker::Server)
            .map(|l| l.text.clone())
            .collect();
        reply.reverse();
        reply
    }

    /// The finished transcript, with any line that still holds the secret withheld.
    pub fn finish(mut self, secret: Option<&str>) -> Vec<TranscriptLine> {
        self.set_mode(Mode::Normal);
        if self.dropped > 0 {
            let text = format!("[{} more lines not kept]", self.dropped);
            self.lines.push(TranscriptLine { speaker: Speaker::Note, text });
        }
        if let Some(secret) = secret.filter(|s| !s.is_empty()) {
            let encoded = STANDARD.encode(secret);
            for line in &mut self.lines {
                if line.text.contains(secret) || line.text.contains(&encoded) {
                    line.text = "[redacted]".into();
                }
            }
        }
        self.lines
    }
}

/// Appends what fits of `bytes` into an unfinished line; the rest of an overlong line is lost
/// until its end arrives.
fn extend_bounded(buffer: &mut Vec<u8>, bytes: &[u8]) {
    for chunk in bytes.split_inclusive(|b| *b == b'\n') {
        let room = MAX_LINE_BYTES.saturating_sub(buffer.len());
        if chunk.ends_with(b"\n") && chunk.len() > room {
            buffer.extend_from_slice(&chunk[..room]);
            buffer.push(b'\n');
        } else {
            buffer.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
    }
}

fn take_line(buffer: &mut Vec<u8>) -> Option<String> {
    let end = buffer.iter().position(|b| *b == b'\n')?;
    let line: Vec<u8> = buffer.drain(..=end).collect();
    Some(String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_lines_are_redacted_but_the_mechanism_shows() {
        let mut t = Transcript::default();
        t.received(b"220 mail.example.com ESMTP\r\n");
        t.sent(b"EHLO client\r\n");
        t.set_mode(Mode::Auth);
        t.sent(b"AUTH LOGIN\r\n");
        t.received(b"334 VXNlcm5hbWU6\r\n");
        t.sent(b"YmlsbGluZw==\r\n");
        t.sent(b"c2VjcmV0\r\n");
        t.set_mode(Mode::Normal);
        t.sent(b"MAIL FROM:<a@example.com>\r\n");
        let lines: Vec<_> = t.finish(Some("secret")).into_iter().map(|l| l.text).collect();
        assert_eq!(
            lines,
            [
                "220 mail.example.com ESMTP",
                "EHLO client",
                "AUTH LOGIN [redacted]",
                "334 VXNlcm5hbWU6",
                "[redacted]",
                "[redacted]",
                "MAIL FROM:<a@example.com>"
            ]
        );
    }

    #[test]
    fn plain_auth_keeps_only_the_mechanism_and_the_body_is_summarised() {
        let mut t = Transcript::default();
        t.set_mode(Mode::Auth);
        t.sent(b"AUTH PLAIN AGJpbGxpbmcAc2VjcmV0\r\n");
        t.set_mode(Mode::Data);
        t.sent(b"Subject: hi\r\n\r\nbody\r\n.\r\n");
        let lines: Vec<_> = t.finish(None).into_iter().map(|l| l.text).collect();
        assert_eq!(lines, ["AUTH PLAIN [redacted]", "[message: 4 lines, 24 bytes]"]);
    }

    #[test]
    fn a_line_carrying_the_secret_is_withheld_whatever_the_mode() {
        let mut t = Transcript::default();
        t.received(b"535 5.7.8 bad password hunter2\r\n");
        let lines = t.finish(Some("hunter2"));
        assert_eq!(lines[0].text, "[redacted]");
    }

    #[test]
    fn it_stays_bounded_whatever_the_server_sends() {
        let mut t = Transcript::default();
        t.received(&vec![b'x'; 3 * MAX_LINE_BYTES]);
        t.received(b"tail\r\n");
        for _ in 0..MAX_LINES + 20 {
            t.received(b"250-ok\r\n");
        }
        let lines = t.finish(None);
        assert_eq!(lines.len(), MAX_LINES + 1);
        assert_eq!(lines[0].text.len(), MAX_LINE_BYTES);
        assert_eq!(lines[1].text, "250-ok");
        assert_eq!(lines[MAX_LINES].text, "[21 more lines not kept]");
    }

    #[test]
    fn last_reply_gathers_a_multiline_answer() {
        let mut t = Transcript::default();
        t.sent(b"EHLO c\r\n");
        t.received(b"250-mail.example.com\r\n250-SIZE 1000\r\n250 AUTH PLAIN\r\n");
        assert_eq!(t.last_reply(), ["250-mail.example.com", "250-SIZE 1000", "250 AUTH PLAIN"]);
    }
}
