//! Recording who did what, and reading it back for the Audit log panel. Details name fields and
//! non-secret values; a password is only ever "changed", "set" or "cleared".

use super::attempts::{Attempt, Record};
use super::{Mailroom, OrInternal};
use crate::db::{Db, NewAudit, Tx};
use app::api::audit::{AuditApi, AuditChoices, AuditEntry, AuditNarrow, AUDIT_PAGE};
use app::api::caller::{Admin, Member, Visitor};
use app::api::{AppError, AuditId, CurrentUser, Timestamp};
use app::domain::changes;
use app::domain::{Field, PasswordChange, SettingsForm};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

/// Whom an audit entry names: the client's address, and the person when known.
pub(super) trait Origin: Sync {
    fn client(&self) -> Option<IpAddr>;
    fn person(&self) -> Option<&CurrentUser>;

    /// The client's address as the audit log and the rate limits record it.
    fn client_text(&self) -> String {
        self.client().map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

/// Who acted and from where, as an entry records them.
struct Author {
    id: Option<i64>,
    name: String,
    client: String,
}

impl Author {
    fn of(by: &impl Origin) -> Self {
        let person = by.person();
        Self {
            id: person.map(|a| a.id.get()),
            name: person.map_or_else(|| "anonymous".to_owned(), who),
            client: by.client_text(),
        }
    }

    fn entry<'a>(&'a self, action: &'a str, target: &'a str, details: &'a str) -> NewAudit<'a> {
        NewAudit { actor_id: self.id, actor: &self.name, action, target, details, client: &self.client }
    }
}

impl Origin for Visitor {
    fn client(&self) -> Option<IpAddr> {
        self.client
    }
    fn person(&self) -> Option<&CurrentUser> {
        None
    }
}

impl Origin for Member {
    fn client(&self) -> Option<IpAddr> {
        Member::client(self)
    }
    fn person(&self) -> Option<&CurrentUser> {
        Some(self.user())
    }
}

impl Origin for Admin {
    fn client(&self) -> Option<IpAddr> {
        Admin::client(self)
    }
    fn person(&self) -> Option<&CurrentUser> {
        Some(self.user())
    }
}

/// Someone identified by the action itself: signing in, or coming back from a provider.
pub(super) struct Identified<'a>(pub Option<IpAddr>, pub &'a CurrentUser);

impl Origin for Identified<'_> {
    fn client(&self) -> Option<IpAddr> {
        self.0
    }
    fn person(&self) -> Option<&CurrentUser> {
        Some(self.1)
    }
}

pub(super) fn who(user: &CurrentUser) -> String {
    format!("{} <{}>", user.name, user.email)
}

pub(super) const NO_CHANGES: &str = "no changes";

/// The changes on one line for the audit log, each value cut at `width` characters; or "no changes".
pub(super) fn described(changes: &[app::domain::changes::Change], width: usize) -> String {
    if changes.is_empty() {
        NO_CHANGES.to_owned()
    } else {
        app::domain::changes::one_line(changes, width)
    }
}

/// "Server Host Name: “a” → “b”; Password: changed", or "no changes".
pub(super) fn settings_changes(old: Option<&SettingsForm>, new: &SettingsForm, password: &PasswordChange) -> String {
    let mut parts: Vec<String> = match old {
        Some(old) => {
            changes::settings_changes(old, new).iter().map(|c| changes::one_line(std::slice::from_ref(c), usize::MAX)).collect()
        }
        None => Field::ALL
            .into_iter()
            .filter(|f| *f != Field::Password && (*f != Field::Auth || new.oauth()))
            .filter(|f| !new.text(*f).trim().is_empty() || *f == Field::StartTlsOnly)
            .map(|f| format!("{}: {}", f.label(), changes::shown(new, f)))
            .collect(),
    };
    match password {
        PasswordChange::Keep => {}
        PasswordChange::Clear => parts.push("Password: cleared".into()),
        PasswordChange::Set(_) if old.is_some() => parts.push("Password: changed".into()),
        PasswordChange::Set(_) => parts.push("Password: set".into()),
    }
    if parts.is_empty() {
        NO_CHANGES.into()
    } else {
        parts.join("; ")
    }
}

impl Mailroom {
    /// Appends an entry. A failure to record is logged loudly but does not undo the action.
    pub(super) async fn audit(&self, by: &impl Origin, action: &str, target: &str, details: &str) {
        let author = Author::of(by);
        if let Err(error) = self.db.insert_audit(&author.entry(action, target, details)).await {
            tracing::error!(%error, action, target, "could not write the audit log");
        }
    }

    /// Appends an entry within `tx`, so the entry and what it records commit together.
    pub(super) async fn audit_in(
        &self,
        tx: &mut Tx,
        by: &impl Origin,
        action: &str,
        target: &str,
        details: &str,
    ) -> sqlx::Result<()> {
        Db::insert_audit_in(tx, &Author::of(by).entry(action, target, details)).await
    }

    /// Records a refused anonymous attempt now, or folds it into the client's next summary.
    /// `account` is what was typed, shortened to what an address can be.
    pub(super) async fn audit_refused(&self, by: &Visitor, attempt: Attempt, account: &str, action: &str, details: &str) {
        if self.attempts.note(&by.client_text(), attempt, account, Instant::now()) == Record::Now {
            let shown: String = account.chars().take(app::domain::EmailAddress::MAX_CHARS).collect();
            let more = if shown.len() < account.len() { "…" } else { "" };
            self.audit(by, action, &format!("account {shown}{more}"), details).await;
        }
    }

    /// Writes the folded summaries that are due (all of them when `everything`).
    pub async fn write_folded(&self, everything: bool) {
        for summary in self.attempts.due(Instant::now(), everything) {
            let target = format!("client {}", summary.client);
            let entry = NewAudit {
                actor_id: None,
                actor: "anonymous",
                action: "refused anonymous attempts",
                target: &target,
                details: &summary.details,
                client: &summary.client,
            };
            if let Err(error) = self.db.insert_audit(&entry).await {
                tracing::error!(%error, client = %summary.client, "could not write the audit log");
            }
        }
    }
}

#[async_trait::async_trait]
impl AuditApi for Mailroom {
    async fn list_audit(
        &self,
        _: Admin,
        filter: String,
        before: Option<AuditId>,
        narrow: Option<AuditNarrow>,
    ) -> Result<Vec<AuditEntry>, AppError> {
        let narrow = narrow.unwrap_or_default();
        narrow.span.bounds()?;
        let rows = self
            .db
            .list_audit(filter.trim(), before.map(AuditId::get), &narrow, AUDIT_PAGE as i64)
            .await
            .or_internal("reading the audit log")?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: AuditId(r.id),
                at: Timestamp(r.at),
                actor: r.actor,
                action: r.action,
                target: r.target,
                details: r.details,
                client: r.client,
            })
            .collect())
    }

    async fn audit_facets(&self, _: Admin) -> Result<AuditChoices, AppError> {
        let (actions, actors) = self.db.audit_facets().await.or_internal("reading the audit log")?;
        Ok(AuditChoices { actions, actors })
    }
}

/// Writes folded summaries as their windows end, a dozen looks per window.
pub(super) async fn write_folded_audit(mailroom: Arc<Mailroom>) {
    let mut tick = tokio::time::interval(mailroom.attempts.window() / 12);
    loop {
        tick.tick().await;
        mailroom.write_folded(false).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::NewPassword;

    fn form() -> SettingsForm {
        SettingsForm {
            name: "Relay".into(),
            starttls_only: true,
            host: "smtp.example.com".into(),
            port: "587".into(),
            from_name: String::new(),
            email: "a@example.com".into(),
            username: "u".into(),
            ..SettingsForm::default()
        }
    }

    #[test]
    fn lists_changed_fields_and_never_a_password() {
        let new = SettingsForm { host: "smtp.other.net".into(), starttls_only: false, ..form() };
        let secret = PasswordChange::Set(NewPassword::parse("hunter2-secret").unwrap());
        let text = settings_changes(Some(&form()), &new, &secret);
        assert_eq!(
            text,
            "Use STARTTLS Only: on → off; Server Host Name: “smtp.example.com” → “smtp.other.net”; Password: changed"
        );
        assert!(!text.contains("hunter2"));
        assert_eq!(settings_changes(Some(&form()), &form(), &PasswordChange::Keep), "no changes");
        assert!(settings_changes(None, &form(), &PasswordChange::Keep).starts_with("Name: “Relay”; Use STARTTLS Only: on"));
    }
}
