//! The SMTP conversation as shown to the user: every line either side sent, except secrets.
//! While authenticating, what Mailroom sends is replaced by "[redacted]"; the message body is
//! summarised; and as a last guard any line holding the password is withheld.

use app::api::test_email::{Speaker, TranscriptLine};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Auth,
    Data,
}

#[derive(Debug, Default)]
pub struct Transcript {
    lines: Vec<TranscriptLine>,
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
        self.lines.push(TranscriptLine { speaker, text });
    }

    pub fn sent(&mut self, bytes: &[u8]) {
        if self.mode() == Mode::Data {
            self.data_bytes += bytes.len();
            self.data_lines += bytes.iter().filter(|b| **b == b'\n').count();
            return;
        }
        self.client.extend_from_slice(bytes);
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
        self.server.extend_from_slice(bytes);
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
    fn last_reply_gathers_a_multiline_answer() {
        let mut t = Transcript::default();
        t.sent(b"EHLO c\r\n");
        t.received(b"250-mail.example.com\r\n250-SIZE 1000\r\n250 AUTH PLAIN\r\n");
        assert_eq!(t.last_reply(), ["250-mail.example.com", "250-SIZE 1000", "250 AUTH PLAIN"]);
    }
}
