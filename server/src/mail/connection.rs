//! One open, signed-in SMTP connection of the outbox, and a mail's envelope over it. When the
//! server offers PIPELINING (RFC 2920), MAIL FROM, RCPT TO and DATA go out in one write and
//! their replies are read after: one round trip instead of three.

use super::transport::SendError;
use lettre::address::Envelope;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{Extension, MailBodyParameter, MailParameter, ServerInfo};
use lettre::transport::smtp::response::Response;

pub struct Connection {
    pub smtp: AsyncSmtpConnection,
    /// What the server's last EHLO reply offered (after STARTTLS, the reply over TLS; lettre's
    /// own copy keeps the one before).
    pub info: ServerInfo,
    /// That reply offered PIPELINING.
    pub pipelining: bool,
}

/// Whether an EHLO reply offers PIPELINING (a keyword line of its own, after the greeting).
pub fn offers_pipelining(ehlo: &Response) -> bool {
    ehlo.message().skip(1).any(|line| line.split_whitespace().next().is_some_and(|k| k.eq_ignore_ascii_case("PIPELINING")))
}

impl Connection {
    pub fn has_broken(&self) -> bool {
        self.smtp.has_broken()
    }

    /// MAIL FROM (with SMTPUTF8 and 8BITMIME when the mail needs them), RCPT TO and DATA.
    pub async fn envelope(&mut self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        let mut options = Vec::new();
        let info = &self.info;
        if envelope.from().into_iter().chain(envelope.to()).any(|address| !AsRef::<str>::as_ref(address).is_ascii()) {
            if !info.supports_feature(Extension::SmtpUtfEight) {
                return Err(SendError::Permanent(
                    "The sender or recipient address has non-ASCII characters, which this server does not accept (it does \
                     not offer SMTPUTF8)."
                        .into(),
                ));
            }
            options.push(MailParameter::SmtpUtfEight);
        }
        if !message.is_ascii() {
            if !info.supports_feature(Extension::EightBitMime) {
                return Err(SendError::Permanent(
                    "The message has 8-bit characters, which this server does not accept (it does not offer 8BITMIME).".into(),
                ));
            }
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let mail = Mail::new(envelope.from().cloned(), options);
        let recipients: Vec<Rcpt> = envelope.to().iter().map(|to| Rcpt::new(to.clone(), Vec::new())).collect();
        if self.pipelining {
            // One write; then each reply in order. The first refusal ends it: `start_mail` then
            // closes the connection, so replies left unread are never mistaken for later ones.
            let batch: String = std::iter::once(mail.to_string())
                .chain(recipients.iter().map(ToString::to_string))
                .chain(std::iter::once(Data.to_string()))
                .collect();
            self.smtp.command(batch).await.map_err(smtp_error)?;
            for _ in 0..recipients.len() + 1 {
                self.smtp.read_response().await.map_err(smtp_error)?;
            }
        } else {
            self.smtp.command(mail).await.map_err(smtp_error)?;
            for rcpt in recipients {
                self.smtp.command(rcpt).await.map_err(smtp_error)?;
            }
            self.smtp.command(Data).await.map_err(smtp_error)?;
        }
        Ok(())
    }
}

fn smtp_error(error: lettre::transport::smtp::Error) -> SendError {
    super::transport::smtp_error(error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lettre::transport::smtp::response::{Category, Code, Detail, Severity};

    fn ehlo(lines: &[&str]) -> Response {
        let code = Code::new(Severity::PositiveCompletion, Category::MailSystem, Detail::Zero);
        Response::new(code, lines.iter().map(|l| (*l).to_owned()).collect())
    }

    #[test]
    fn pipelining_is_a_keyword_line_after_the_greeting() {
        assert!(offers_pipelining(&ehlo(&["mx.example.com", "SIZE 10240000", "PIPELINING", "8BITMIME"])));
        assert!(offers_pipelining(&ehlo(&["mx.example.com", "pipelining"])));
        assert!(!offers_pipelining(&ehlo(&["mx.example.com", "SIZE 10240000", "8BITMIME"])));
        assert!(!offers_pipelining(&ehlo(&["PIPELINING welcomes you"])), "the greeting line is not a keyword");
        assert!(!offers_pipelining(&ehlo(&["mx.example.com", "X-PIPELINING"])));
    }
}
