//! Sessions and sign-in: cookie handling, back-off after failed attempts, the role check that
//! guards every other operation, and each person's own password and address.

use super::attempts::Attempt;
use super::audit::client_of;
use super::{Mailroom, OrInternal};
use crate::crypto::{new_token, token_hash, PasswordHash};
use crate::db::{now_ms, Failures, Reservation, UserRow};
use app::api::{AppError, Credentials, CurrentUser, RequestMeta, SetCookie};
use app::domain::{AccountPassword, EmailAddress, Role};
use std::time::Duration;

const MINUTE_MS: i64 = 60_000;
/// Failures allowed before back-off starts, per account and per client address.
const ACCOUNT_FREE_FAILURES: i64 = 5;
const CLIENT_FREE_FAILURES: i64 = 20;
const TOUCH_EVERY_MS: i64 = MINUTE_MS;
const WRONG_CREDENTIALS: &str = "The email address or password is not correct.";

pub struct CookiePolicy {
    name: &'static str,
    secure: bool,
    max_age: u64,
}

impl CookiePolicy {
    pub fn new(https: bool, lifetime: Duration) -> Self {
        let name = if https { "__Host-mailroom_session" } else { "mailroom_session" };
        Self { name, secure: https, max_age: lifetime.as_secs() }
    }

    fn header(&self, value: &str, max_age: u64) -> SetCookie {
        let secure = if self.secure { "; Secure" } else { "" };
        SetCookie(format!("{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}", self.name))
    }

    fn set(&self, token: &str) -> SetCookie {
        self.header(token, self.max_age)
    }

    fn clear(&self) -> SetCookie {
        self.header("", 0)
    }

    fn token<'a>(&self, cookies: Option<&'a str>) -> Option<&'a str> {
        cookies?
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, value)| *name == self.name && !value.is_empty())
            .map(|(_, value)| value)
    }
}

/// How long to wait before the next attempt, given recent failures.
pub(crate) fn backoff_ms(failures: i64, latest: i64, now: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let minutes = 1i64 << (failures - free).min(6);
    (latest + minutes.min(60) * MINUTE_MS - now).max(0)
}

pub(super) fn current_user(row: &UserRow) -> CurrentUser {
    CurrentUser {
        id: row.id,
        name: row.name.clone(),
        email: row.email.clone(),
        role: Role::parse(&row.role).unwrap_or(Role::User),
    }
}

/// Whether a sign-in could possibly succeed: no account has an address over the RFC's 254
/// characters or with a NUL in it (which PostgreSQL text cannot even hold), or a password over
/// the panel's limit, so those are refused unchecked and unstored.
fn plausible(email_key: &str, password: &str) -> bool {
    email_key.chars().count() <= EmailAddress::MAX_CHARS
        && !email_key.contains('\0')
        && password.chars().count() <= AccountPassword::MAX_CHARS
}

impl Mailroom {
    /// The signed-in user and their session's token hash, if the cookie names a live session.
    pub(super) async fn session_user(&self, req: &RequestMeta) -> Result<Option<(CurrentUser, Vec<u8>)>, AppError> {
        let Some(token) = self.cookie.token(req.cookies.as_deref()) else { return Ok(None) };
        let key = token_hash(token);
        let Some(session) = self.db.session(&key).await.or_internal("checking your session")? else { return Ok(None) };
        let now = now_ms();
        let idle = self.session_idle.as_millis() as i64;
        let lifetime = self.session_lifetime.as_millis() as i64;
        if now - session.last_seen > idle || now - session.created_at > lifetime {
            self.db.delete_session(&key).await.or_internal("ending an expired session")?;
            return Ok(None);
        }
        if now - session.last_seen > TOUCH_EVERY_MS.min(idle / 2) {
            self.db.touch_session(&key).await.or_internal("refreshing your session")?;
        }
        let user = self.db.user_by_id(session.user_id).await.or_internal("loading your account")?;
        Ok(user.map(|u| (current_user(&u), key)))
    }

    /// The signed-in user, if they hold `role` (an administrator holds every role).
    pub(super) async fn require(&self, req: &RequestMeta, role: Role) -> Result<CurrentUser, AppError> {
        let (user, _) = self.session_user(req).await?.ok_or(AppError::SignedOut)?;
        if role == Role::Administrator && user.role != Role::Administrator {
            return Err(AppError::AdminOnly);
        }
        Ok(user)
    }

    pub(super) async fn start_session(&self, user_id: i64) -> Result<SetCookie, AppError> {
        let token = new_token();
        self.db.insert_session(&token_hash(&token), user_id).await.or_internal("starting your session")?;
        self.db.touch_sign_in(user_id).await.or_internal("recording the sign-in")?;
        Ok(self.cookie.set(&token))
    }

    /// Checks `password` for the account `email_key`, counting the attempt before the check so
    /// the back-off holds however many attempts arrive at once. The account's row when it matches.
    async fn checked_password(&self, req: &RequestMeta, email_key: &str, password: String) -> Result<Option<UserRow>, AppError> {
        let turn = self.hashing.turn().await?;
        let since = now_ms() - 60 * MINUTE_MS;
        let pause = |account: Failures, client: Failures| {
            let now = now_ms();
            backoff_ms(account.count, account.latest, now, ACCOUNT_FREE_FAILURES).max(backoff_ms(
                client.count,
                client.latest,
                now,
                CLIENT_FREE_FAILURES,
            ))
        };
        let reserved = self.db.reserve_sign_in_attempt(email_key, &client_of(req), since, pause).await;
        if let Reservation::Wait(wait) = reserved.or_internal("checking recent sign-in attempts")? {
            return Err(AppError::RateLimited(((wait + MINUTE_MS - 1) / MINUTE_MS) as u64));
        }
        let user = self.db.user_by_email(email_key).await.or_internal("looking up the account")?;
        let hash = user.as_ref().map(|u| PasswordHash::from_stored(u.password_hash.clone()));
        if !turn.verify(hash, password).await {
            return Ok(None);
        }
        self.db.clear_sign_in_failures(email_key).await.or_internal("recording the sign-in")?;
        Ok(user)
    }

    pub(super) async fn sign_in_with(
        &self,
        req: &RequestMeta,
        credentials: Credentials,
    ) -> Result<(CurrentUser, SetCookie), AppError> {
        let email_key = credentials.email.trim().to_lowercase();
        let checked = match plausible(&email_key, &credentials.password) {
            true => self.checked_password(req, &email_key, credentials.password).await,
            false => Ok(None),
        };
        let user = match checked {
            Ok(Some(user)) => user,
            Ok(None) => {
                tracing::info!(client = %client_of(req), "sign-in failed");
                let details = "wrong email address or password";
                self.audit_refused(req, Attempt::FailedSignIn, &email_key, "sign-in failed", details).await;
                return Err(AppError::Refused(WRONG_CREDENTIALS.into()));
            }
            Err(error @ (AppError::RateLimited(_) | AppError::Busy(_))) => {
                let details = match error {
                    AppError::Busy(_) => "too many sign-ins being checked at once",
                    _ => "too many failed attempts; backing off",
                };
                self.audit_refused(req, Attempt::RefusedSignIn, &email_key, "sign-in refused", details).await;
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        let cookie = self.start_session(user.id).await?;
        tracing::info!(user = user.id, client = %client_of(req), "signed in");
        let user = current_user(&user);
        self.audit(req, Some(&user), "signed in", "session", "").await;
        Ok((user, cookie))
    }

    pub(super) async fn end_session(&self, req: &RequestMeta) -> Result<SetCookie, AppError> {
        if let Some((user, _)) = self.session_user(req).await? {
            self.audit(req, Some(&user), "signed out", "session", "").await;
        }
        if let Some(token) = self.cookie.token(req.cookies.as_deref()) {
            self.db.delete_session(&token_hash(token)).await.or_internal("ending your session")?;
        }
        Ok(self.cookie.clear())
    }

    pub(super) async fn own_password(&self, req: &RequestMeta, current: String, new: String) -> Result<(), AppError> {
        let (user, session) = self.session_user(req).await?.ok_or(AppError::SignedOut)?;
        if self.checked_password(req, &user.email.to_lowercase(), current).await?.is_none() {
            return Err(AppError::field("Current password", "This is not your current password."));
        }
        let new = AccountPassword::parse(&new).map_err(|m| AppError::field("New password", m))?;
        let hashed = self.hashing.hash(new.expose().to_owned()).await?;
        self.db.set_password_hash(user.id, &hashed).await.or_internal("saving your new password")?;
        self.db.delete_sessions_of(user.id, Some(&session)).await.or_internal("signing out your other sessions")?;
        self.db.delete_password_resets_of(user.id).await.or_internal("retiring reset links")?;
        self.audit(req, Some(&user), "changed own password", &format!("user {}", user.email), "other sessions signed out").await;
        Ok(())
    }

    pub(super) async fn own_email(&self, req: &RequestMeta, password: String, email: String) -> Result<CurrentUser, AppError> {
        let (user, _) = self.session_user(req).await?.ok_or(AppError::SignedOut)?;
        if self.checked_password(req, &user.email.to_lowercase(), password).await?.is_none() {
            return Err(AppError::field("Password", "This is not your current password."));
        }
        let email = EmailAddress::parse_as(&email, "New email address").map_err(|m| AppError::field("New email address", m))?;
        match self.db.set_email(user.id, email.as_str()).await {
            Err(e) if crate::db::is_unique_violation(&e) => {
                Err(AppError::field("New email address", "Another account already uses this address."))
            }
            other => other.or_internal("saving your email address"),
        }?;
        // A link mailed to the old address must not outlive the change.
        self.db.delete_password_resets_of(user.id).await.or_internal("retiring reset links")?;
        let details = format!("email address: {} → {}", user.email, email.as_str());
        self.audit(req, Some(&user), "changed own email address", &format!("user {}", user.name), &details).await;
        Ok(CurrentUser { email: email.as_str().to_owned(), ..user })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_starts_after_the_free_failures_and_doubles_to_an_hour() {
        let now = 10 * 60 * MINUTE_MS;
        assert_eq!(backoff_ms(4, now, now, 5), 0);
        assert_eq!(backoff_ms(5, now, now, 5), MINUTE_MS);
        assert_eq!(backoff_ms(6, now, now, 5), 2 * MINUTE_MS);
        assert_eq!(backoff_ms(9, now, now, 5), 16 * MINUTE_MS);
        assert_eq!(backoff_ms(50, now, now, 5), 60 * MINUTE_MS);
        assert_eq!(backoff_ms(5, now - 2 * MINUTE_MS, now, 5), 0);
    }

    #[test]
    fn cookie_reads_only_its_own_name_and_hardens_over_https() {
        let plain = CookiePolicy::new(false, Duration::from_secs(3600));
        assert_eq!(plain.token(Some("a=1; mailroom_session=tok; b=2")), Some("tok"));
        assert_eq!(plain.token(Some("xmailroom_session=tok")), None);
        assert!(plain.set("t").0.contains("HttpOnly; SameSite=Strict"));
        assert!(!plain.set("t").0.contains("Secure"));
        let https = CookiePolicy::new(true, Duration::from_secs(3600));
        assert!(https.set("t").0.starts_with("__Host-mailroom_session=t; Path=/;"));
        assert!(https.set("t").0.ends_with("; Secure"));
    }
}
