//! Turning what went wrong in an SMTP conversation into a cause and a fix an administrator can
//! act on, and the form fields to look at.

use super::reply_guard::Violation;
pub use super::tls_problem::TlsProblem;
use app::api::test_email::{Diagnosis, Step};
use app::domain::{Field, Port};
use std::time::Duration;

/// What went wrong, as observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    Dns(String),
    NoAddress,
    Refused,
    Unreachable(String),
    ConnectTimeout(Duration),
    Tls(TlsProblem),
    /// OAuth2: no access token.
    Token(super::oauth::TokenError),
    /// "Use STARTTLS Only" is on and the server does not offer it.
    NoStartTls,
    /// A Username is set but the connection is not encrypted.
    PlainAuth,
    /// A Username is set but the server offers no AUTH.
    NoAuth,
    NoCommonMechanism(String),
    /// A negative SMTP reply.
    Reply {
        code: u16,
        text: String,
    },
    /// The connection broke or the server said something that is not SMTP.
    Network(String),
    Timeout(Duration),
    BadAddress(String),
    /// The server broke a rule Mailroom enforces for safety (see `reply_guard`).
    Unsafe(Violation),
}

/// The settings being tested, as far as the advice needs them.
pub struct Context<'a> {
    pub host: &'a str,
    pub port: u16,
    pub starttls_only: bool,
    pub email: &'a str,
    pub recipient: &'a str,
    /// Signing in with an OAuth2 token rather than a password.
    pub oauth: bool,
}

pub(super) fn advice(step: Step, cause: String, fix: impl Into<String>, fields: &[Field]) -> Diagnosis {
    Diagnosis {
        step,
        reply: None,
        cause,
        fix: fix.into(),
        fields: fields.to_vec(),
        recipient_at_fault: false,
        certificate: None,
        can_trust: false,
    }
}

const TEMPORARY_FIX: &str =
    "This is a temporary refusal: try again in a few minutes. If it persists, ask the mail server's administrator.";

pub fn diagnose(step: Step, failure: &Failure, cx: &Context<'_>) -> Diagnosis {
    let (host, port) = (cx.host, cx.port);
    match failure {
        Failure::Dns(_) | Failure::NoAddress => advice(
            step,
            format!("The name “{host}” could not be found in DNS."),
            "Check Server Host Name for a typo; it is usually something like smtp.example.com.",
            &[Field::Host],
        ),
        Failure::Refused if port == Port::SMTPS && cx.starttls_only => advice(
            step,
            format!("Nothing accepts connections on {host} port 465 (connection refused)."),
            "Port 465 is for TLS from the first byte, which Use STARTTLS Only rules out. Use the submission port 587 with STARTTLS, or turn Use STARTTLS Only off.",
            &[Field::Port],
        ),
        Failure::Refused => advice(
            step,
            format!("Nothing accepts connections on {host} port {port} (connection refused)."),
            "Check the Port: mail submission is usually 587 (STARTTLS) or 465 (TLS).",
            &[Field::Port],
        ),
        Failure::Unreachable(text) => advice(
            step,
            format!("{host} port {port} cannot be reached: {text}."),
            "Check Server Host Name and Port, and that this machine may connect out to that port (firewalls often block 25 and 465).",
            &[Field::Host, Field::Port],
        ),
        Failure::ConnectTimeout(limit) => advice(
            step,
            format!("{host} did not accept a connection on port {port} within {} seconds.", limit.as_secs()),
            "A firewall may be dropping the connection silently. Check Port and Server Host Name, and the outbound firewall rules.",
            &[Field::Port],
        ),
        Failure::Tls(problem) => problem.advise(step, cx),
        Failure::Token(error) => error.advise(step),
        Failure::NoStartTls => advice(
            step,
            "The server does not offer STARTTLS, and Use STARTTLS Only is on, so Mailroom stopped before sending any credentials.".into(),
            "Use the server's submission port (usually 587) where STARTTLS is offered, or port 465 with Use STARTTLS Only off.",
            &[Field::Port, Field::StartTlsOnly],
        ),
        Failure::PlainAuth => advice(
            step,
            "The connection is not encrypted (the server offers no STARTTLS here), so Mailroom did not sign in (no password or token was sent).".into(),
            "Use port 587 with STARTTLS or 465 with TLS. If this relay accepts mail without signing in, empty Username.",
            &[Field::Port, Field::Username],
        ),
        Failure::NoAuth => advice(
            step,
            "The server does not offer sign-in (AUTH) on this connection, but a Username is set.".into(),
            "If the relay accepts mail from this machine without signing in, empty Username; otherwise use the provider's submission port, usually 587.",
            &[Field::Username, Field::Port],
        ),
        Failure::NoCommonMechanism(offered) if cx.oauth => advice(
            step,
            format!("The server does not offer OAuth2 sign-in (AUTH XOAUTH2); it offers {offered}."),
            "Use the provider's SMTP host for OAuth2 (smtp.office365.com for Microsoft 365, smtp.gmail.com for Google), or choose Password under Authentication.",
            &[Field::Host, Field::Auth],
        ),
        Failure::NoCommonMechanism(offered) => advice(
            step,
            format!("The server only offers sign-in methods that do not take a password ({offered})."),
            "Use the provider's SMTP endpoint for password or app-password sign-in (AUTH PLAIN or LOGIN).",
            &[Field::Host, Field::Username],
        ),
        Failure::Reply { code, text } => {
            let mut d = reply(step, *code, text, cx);
            d.reply = Some((*code, text.clone()));
            d
        }
        Failure::Network(text) => advice(
            step,
            format!("The connection broke during “{}”: {text}.", step.label()),
            "The server may have closed the connection on purpose (some do after too many attempts). Check Port, then try again.",
            &[Field::Port],
        ),
        Failure::Timeout(_) if step == Step::Greeting && port == Port::SMTPS && cx.starttls_only => advice(
            step,
            "The server on port 465 sent no greeting: it waits for TLS from the first byte, and Use STARTTLS Only is on.".into(),
            "Turn Use STARTTLS Only off for port 465, or use port 587 with STARTTLS.",
            &[Field::Port, Field::StartTlsOnly],
        ),
        Failure::Timeout(limit) if step == Step::Authenticate => advice(
            step,
            format!("The server stopped answering while Mailroom signed in (no reply within {} seconds).", limit.as_secs()),
            "The connection and greeting worked, so the port is right. Some servers stall instead of refusing a wrong sign-in: check Username and Password, and that the account may send mail over SMTP.",
            &[Field::Username, Field::Password],
        ),
        Failure::Timeout(limit) if matches!(step, Step::Sender | Step::Recipient | Step::Message) => advice(
            step,
            format!("The server stopped answering during “{}” (no reply within {} seconds).", step.label(), limit.as_secs()),
            "The connection, greeting and sign-in worked, so the settings reached the server. It may be overloaded or filtering this message: try again later, or ask the mail server's administrator.",
            &[],
        ),
        Failure::Timeout(limit) => advice(
            step,
            format!("The server stopped answering during “{}” (no reply within {} seconds).", step.label(), limit.as_secs()),
            "The server may be overloaded, or something between here and it is holding the connection. Check Port and try again.",
            &[Field::Port],
        ),
        Failure::Unsafe(Violation::StartTlsInjection) => advice(
            step,
            format!(
                "{host} sent more data right after agreeing to STARTTLS, before encryption began. That is how a \
                 command injection attack (CVE-2011-0411) works, so Mailroom ended the conversation without signing in."
            ),
            "Ask the mail server's administrator to check the server and anything between here and it (a proxy or \
             firewall that rewrites SMTP). Do not turn off Use STARTTLS Only to get around this.",
            &[Field::Host],
        ),
        Failure::Unsafe(violation) => advice(
            step,
            format!("During “{}”, {violation}.", step.label()),
            "This is not how a mail server answers: check Server Host Name and Port point at the SMTP service, not another kind of server.",
            &[Field::Host, Field::Port],
        ),
        Failure::BadAddress(text) => advice(step, format!("An address cannot be used in the SMTP envelope: {text}."), "Check Email Address.", &[Field::Email]),
    }
}

fn reply(step: Step, code: u16, text: &str, cx: &Context<'_>) -> Diagnosis {
    let said = format!("{code} {text}");
    if let Some(known) = super::provider_replies::known(step, code, text) {
        return known;
    }
    if (400..500).contains(&code) {
        return advice(step, format!("The server reported a temporary problem: {said}."), TEMPORARY_FIX, &[]);
    }
    match (step, code) {
        (Step::Authenticate, 535) if cx.oauth => advice(
            step,
            format!("The server refused the access token for this mailbox: {said}."),
            "Check that Username is the mailbox to send as, and that the application may send as it: for Microsoft 365, grant the SMTP.SendAsApp permission (Office 365 Exchange Online) with admin consent, register the application's service principal in Exchange Online and give it access to the mailbox.",
            &[Field::Username, Field::ClientId],
        ),
        (Step::Authenticate, 535) => advice(
            step,
            "The server rejected the username or password.".into(),
            "Check Username, and type the Password again (the saved one is never shown). Some providers, such as Microsoft 365 and Gmail, need an app password or SMTP sign-in enabled for the mailbox.",
            &[Field::Username, Field::Password],
        ),
        (Step::Authenticate, 534 | 538) => advice(
            step,
            format!("The server wants a different way of signing in: {said}."),
            "The provider may require an app password, or OAuth, for SMTP; check its SMTP documentation.",
            &[Field::Password],
        ),
        (Step::Authenticate, _) => advice(step, format!("The server refused the sign-in: {said}."), "Check Username and Password.", &[Field::Username, Field::Password]),
        (Step::Sender, 530) => advice(
            step,
            "The server requires signing in before it accepts mail.".into(),
            "Enter the Username and Password for this server.",
            &[Field::Username, Field::Password],
        ),
        (Step::Sender, _) => advice(
            step,
            format!("The server refused the sender address {}: {said}.", cx.email),
            "Use an Email Address this account may send as; many providers only allow the mailbox's own address or verified domains.",
            &[Field::Email],
        ),
        (Step::Recipient, _) => {
            let relay = text.to_lowercase().contains("relay") || text.contains("5.7.1");
            let mut d = if relay {
                advice(
                    step,
                    format!("The server will not relay mail to {} for this connection: {said}.", cx.recipient),
                    "Sign in with a Username and Password that may send to outside addresses, or ask the server's administrator to allow relaying from this machine.",
                    &[Field::Username],
                )
            } else {
                advice(
                    step,
                    format!("The server refused the recipient {}: {said}.", cx.recipient),
                    "Check the recipient address.",
                    &[],
                )
            };
            d.recipient_at_fault = true;
            d
        }
        (Step::Message, 552) => advice(step, format!("The server refused the message as too large: {said}."), "Ask the server's administrator about its size limit.", &[]),
        (Step::Message, _) => advice(
            step,
            format!("The server refused the message: {said}."),
            "The server's policy rejected it (spam filtering, or the sender's domain lacks SPF/DKIM for this server). Check Email Address and the domain's DNS records.",
            &[Field::Email],
        ),
        (Step::Tls, _) => advice(step, format!("The server could not start TLS: {said}."), "Ask the mail server's administrator; Mailroom will not continue unencrypted when STARTTLS fails.", &[]),
        _ => advice(step, format!("The server refused the connection: {said}."), "This server may not accept mail from this machine; check with its administrator.", &[Field::Host]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(port: u16, starttls_only: bool) -> Context<'static> {
        Context {
            host: "smtp.example.com",
            port,
            starttls_only,
            email: "billing@example.com",
            recipient: "ada@example.com",
            oauth: false,
        }
    }

    fn reply(code: u16, text: &str) -> Failure {
        Failure::Reply { code, text: text.into() }
    }

    #[test]
    fn wrong_credentials_point_at_username_and_password() {
        let d = diagnose(Step::Authenticate, &reply(535, "5.7.8 Authentication credentials invalid"), &cx(587, true));
        assert_eq!(d.fields, [Field::Username, Field::Password]);
        assert_eq!(d.reply, Some((535, "5.7.8 Authentication credentials invalid".into())));
        assert!(d.fix.contains("app password"));
    }

    #[test]
    fn refused_on_465_with_starttls_only_points_at_port() {
        let d = diagnose(Step::Connect, &Failure::Refused, &cx(465, true));
        assert_eq!(d.fields, [Field::Port]);
        assert!(d.fix.contains("587"));
    }

    #[test]
    fn a_certificate_for_another_name_points_at_the_host() {
        let d = diagnose(Step::Tls, &Failure::Tls(TlsProblem::NameMismatch(vec!["*.mailgun.org".into()])), &cx(587, true));
        assert_eq!(d.fields, [Field::Host]);
        assert!(d.cause.contains("*.mailgun.org") && d.fix.contains("mailgun.org"));
    }

    #[test]
    fn an_untrusted_ca_names_the_ca_file_setting() {
        let d = diagnose(Step::Tls, &Failure::Tls(TlsProblem::Untrusted(None)), &cx(587, true));
        assert!(d.fix.contains("MAILROOM_SMTP_CA_FILE"));
    }

    #[test]
    fn temporary_replies_say_so_whatever_the_step() {
        for step in [Step::Sender, Step::Recipient, Step::Message, Step::Authenticate] {
            let d = diagnose(step, &reply(451, "4.7.1 Greylisted"), &cx(587, true));
            assert!(d.cause.contains("temporary") && d.fields.is_empty(), "{step:?}");
        }
    }

    #[test]
    fn relay_refusals_blame_the_recipient_and_suggest_signing_in() {
        let d = diagnose(Step::Recipient, &reply(554, "5.7.1 Relay access denied"), &cx(25, false));
        assert!(d.recipient_at_fault);
        assert_eq!(d.fields, [Field::Username]);
    }

    #[test]
    fn a_silent_465_with_starttls_only_explains_implicit_tls() {
        let d = diagnose(Step::Greeting, &Failure::Timeout(Duration::from_secs(30)), &cx(465, true));
        assert!(d.cause.contains("waits for TLS"));
        assert_eq!(d.fields, [Field::Port, Field::StartTlsOnly]);
    }

    #[test]
    fn a_time_out_after_a_good_greeting_does_not_blame_the_port() {
        let limit = Failure::Timeout(Duration::from_secs(30));
        let signing_in = diagnose(Step::Authenticate, &limit, &cx(587, true));
        assert_eq!(signing_in.fields, [Field::Username, Field::Password]);
        assert!(signing_in.cause.contains("while Mailroom signed in"), "{}", signing_in.cause);
        assert!(diagnose(Step::Message, &limit, &cx(587, true)).fields.is_empty());
        assert_eq!(diagnose(Step::Greeting, &limit, &cx(587, true)).fields, [Field::Port]);
    }

    #[test]
    fn every_failure_has_a_cause_and_a_fix() {
        let failures = [
            Failure::Dns("x".into()),
            Failure::NoAddress,
            Failure::Refused,
            Failure::Unreachable("no route".into()),
            Failure::ConnectTimeout(Duration::from_secs(10)),
            Failure::Tls(TlsProblem::Expired(None)),
            Failure::Tls(TlsProblem::NotTls),
            Failure::Tls(TlsProblem::Other("bad".into())),
            Failure::NoStartTls,
            Failure::PlainAuth,
            Failure::NoAuth,
            Failure::NoCommonMechanism("XOAUTH2".into()),
            Failure::Network("reset".into()),
            Failure::Timeout(Duration::from_secs(30)),
            Failure::BadAddress("x".into()),
            Failure::Unsafe(Violation::StartTlsInjection),
            Failure::Unsafe(Violation::LongLine),
            Failure::Unsafe(Violation::TooManyLines),
            reply(550, "no"),
        ];
        for failure in failures {
            for step in [
                Step::Resolve,
                Step::Connect,
                Step::Tls,
                Step::Greeting,
                Step::Authenticate,
                Step::Sender,
                Step::Recipient,
                Step::Message,
            ] {
                let d = diagnose(step, &failure, &cx(587, true));
                assert!(!d.cause.is_empty() && !d.fix.is_empty(), "{failure:?} at {step:?}");
                assert_eq!(d.step, step);
            }
        }
    }
}
