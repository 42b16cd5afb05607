//! Sessions and sign-in: which session is live, back-off after failed attempts, and each
//! person's own password and address.

use super::attempts::Attempt;
use super::audit::{Identified, Origin};
use super::{Mailroom, OrInternal};
use crate::crypto::{new_token, token_hash, PasswordHash};
use crate::db::{now_ms, Failures, Reservation, UserRow};
use app::api::auth::Sessions;
use app::api::caller::{Member, SessionToken, SignedIn, Visitor};
use app::api::users::AccountApi;
use app::api::{AppError, Credentials, CurrentUser, NewUser, UserId};
use app::domain::{AccountPassword, EmailAddress, FieldKey, Role};

const MINUTE_MS: i64 = 60_000;
/// Failures allowed before back-off starts, per account and per client address.
const ACCOUNT_FREE_FAILURES: i64 = 5;
const CLIENT_FREE_FAILURES: i64 = 20;
const TOUCH_EVERY_MS: i64 = MINUTE_MS;
const WRONG_CREDENTIALS: &str = "The email address or password is not correct.";

/// How long to wait before the next attempt, given recent failures.
pub(crate) fn backoff_ms(failures: i64, latest: i64, now: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let minutes = 1i64 << (failures - free).min(6);
    (latest + minutes.min(60) * MINUTE_MS - now).max(0)
}

pub(super) fn current_user(row: &UserRow) -> Result<CurrentUser, AppError> {
    Ok(CurrentUser {
        id: UserId(row.id),
        name: row.name.clone(),
        email: row.email.clone(),
        role: Role::from_stored(&row.role).or_internal("reading the account")?,
    })
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
    pub(super) async fn start_session(&self, user: CurrentUser) -> Result<SignedIn, AppError> {
        let token = new_token();
        self.db.insert_session(&token_hash(&token), user.id.get()).await.or_internal("starting your session")?;
        self.db.touch_sign_in(user.id.get()).await.or_internal("recording the sign-in")?;
        Ok(SignedIn { user, session: SessionToken::new(token) })
    }

    /// Checks `password` for the account `email_key`, counting the attempt before the check so
    /// the back-off holds however many attempts arrive at once. The account's row when it matches.
    async fn checked_password(&self, by: &impl Origin, email_key: &str, password: String) -> Result<Option<UserRow>, AppError> {
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
        let reserved = self.db.reserve_sign_in_attempt(email_key, &by.client_text(), since, pause).await;
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
}

#[async_trait::async_trait]
impl Sessions for Mailroom {
    async fn member(&self, visitor: &Visitor) -> Result<Option<Member>, AppError> {
        let Some(token) = &visitor.session else { return Ok(None) };
        let key = token_hash(token.expose());
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
        let user = CurrentUser {
            id: UserId(session.user_id),
            name: session.name,
            email: session.email,
            role: Role::from_stored(&session.role).or_internal("reading the account")?,
        };
        Ok(Some(Member::checked(user, visitor.client, token.clone())))
    }

    async fn sign_in(&self, visitor: Visitor, credentials: Credentials) -> Result<SignedIn, AppError> {
        let email_key = credentials.email.trim().to_lowercase();
        let checked = match plausible(&email_key, &credentials.password) {
            true => self.checked_password(&visitor, &email_key, credentials.password).await,
            false => Ok(None),
        };
        let user = match checked {
            Ok(Some(user)) => user,
            Ok(None) => {
                tracing::info!(client = %visitor.client_text(), "sign-in failed");
                let details = "wrong email address or password";
                self.audit_refused(&visitor, Attempt::FailedSignIn, &email_key, "sign-in failed", details).await;
                return Err(AppError::Refused(WRONG_CREDENTIALS.into()));
            }
            Err(error @ (AppError::RateLimited(_) | AppError::Busy(_))) => {
                let details = match error {
                    AppError::Busy(_) => "too many sign-ins being checked at once",
                    _ => "too many failed attempts; backing off",
                };
                self.audit_refused(&visitor, Attempt::RefusedSignIn, &email_key, "sign-in refused", details).await;
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        let signed = self.start_session(current_user(&user)?).await?;
        tracing::info!(user = %user.id, client = %visitor.client_text(), "signed in");
        self.audit(&Identified(visitor.client, &signed.user), "signed in", "session", "").await;
        Ok(signed)
    }

    async fn sign_out(&self, visitor: Visitor) -> Result<(), AppError> {
        if let Some(member) = self.member(&visitor).await? {
            self.audit(&member, "signed out", "session", "").await;
        }
        if let Some(token) = &visitor.session {
            self.db.delete_session(&token_hash(token.expose())).await.or_internal("ending your session")?;
        }
        Ok(())
    }

    async fn complete_setup(&self, visitor: Visitor, token: String, user: NewUser) -> Result<SignedIn, AppError> {
        self.setup_first_admin(&visitor, token, user).await
    }

    async fn reset_password(&self, visitor: Visitor, token: String, password: String) -> Result<SignedIn, AppError> {
        self.reset_with_link(&visitor, token, password).await
    }
}

#[async_trait::async_trait]
impl AccountApi for Mailroom {
    async fn change_own_password(&self, member: Member, current: String, new: String) -> Result<(), AppError> {
        let user = member.user();
        if self.checked_password(&member, &user.email.to_lowercase(), current).await?.is_none() {
            return Err(AppError::field(FieldKey::CurrentPassword, "This is not your current password."));
        }
        let new = AccountPassword::parse(&new).map_err(|e| AppError::field(FieldKey::NewPassword, e))?;
        let hashed = self.hashing.hash(new.expose().to_owned()).await?;
        self.db.set_password_hash(user.id.get(), &hashed).await.or_internal("saving your new password")?;
        let session = token_hash(member.session().expose());
        self.db.delete_sessions_of(user.id.get(), Some(&session)).await.or_internal("signing out your other sessions")?;
        self.db.delete_password_resets_of(user.id.get()).await.or_internal("retiring reset links")?;
        let target = format!("user {}", user.email);
        self.audit(&member, "changed own password", &target, "other sessions signed out").await;
        Ok(())
    }

    async fn change_own_email(&self, member: Member, password: String, email: String) -> Result<CurrentUser, AppError> {
        let user = member.user();
        if self.checked_password(&member, &user.email.to_lowercase(), password).await?.is_none() {
            return Err(AppError::field(FieldKey::Password, "This is not your current password."));
        }
        let email =
            EmailAddress::parse_as(&email, FieldKey::NewEmail.label()).map_err(|e| AppError::field(FieldKey::NewEmail, e))?;
        match self.db.set_email(user.id.get(), email.as_str()).await {
            Err(e) if crate::db::is_unique_violation(&e) => {
                Err(AppError::field(FieldKey::NewEmail, "Another account already uses this address."))
            }
            other => other.or_internal("saving your email address"),
        }?;
        // A link mailed to the old address must not outlive the change.
        self.db.delete_password_resets_of(user.id.get()).await.or_internal("retiring reset links")?;
        let details = format!("email address: {} → {}", user.email, email.as_str());
        self.audit(&member, "changed own email address", &format!("user {}", user.name), &details).await;
        Ok(CurrentUser { email: email.as_str().to_owned(), ..user.clone() })
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
}
