//! "Forgot password?": the same answer, in the same time, whether or not the address exists.
//! The request only queues the address; a background task does the lookup and, for a real
//! account within its limits, mails a single-use link (stored hashed, valid one hour) with the
//! "Password reset" template.

use super::account_links::AccountMail;
use super::attempts::Attempt;
use super::audit::{Identified, Origin};
use super::auth::current_user;
use super::delivery::QueueError;
use super::templates::PASSWORD_RESET;
use super::{Mailroom, OrInternal};
use crate::crypto::token_hash;
use app::api::auth::AuthApi;
use app::api::caller::{SignedIn, Visitor};
use app::api::{AppError, CurrentUser, MailId};
use app::domain::{AccountPassword, EmailAddress, FieldKey, RESET_LINK_MINUTES};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

/// Requests waiting for the background task; more are answered the same and dropped.
pub(super) const QUEUED_REQUESTS: usize = 256;

/// One "Forgot password?" request, as the background task needs it.
pub(super) struct ResetRequest {
    address: EmailAddress,
    /// Only the client's address: what the audit entry records.
    origin: Visitor,
}

/// Works through the queued requests one at a time until the queue closes.
pub(super) async fn answer_resets(mailroom: Arc<Mailroom>, mut requests: mpsc::Receiver<ResetRequest>) {
    while let Some(request) = requests.recv().await {
        if let Err(error) = mailroom.mail_reset_link(&request).await {
            tracing::error!(%error, "a password reset request failed");
        }
    }
}

#[async_trait::async_trait]
impl AuthApi for Mailroom {
    async fn setup_token_valid(&self, _: Visitor, token: String) -> Result<bool, AppError> {
        self.check_setup_token(&token).await
    }

    async fn forgot_password(&self, visitor: Visitor, email: String) -> Result<(), AppError> {
        let Ok(address) = EmailAddress::parse_as(&email, FieldKey::PersonEmail.label()) else {
            return Err(AppError::field(FieldKey::PersonEmail, "Enter the email address you sign in with."));
        };
        let origin = Visitor { client: visitor.client, session: None };
        if self.resets.try_send(ResetRequest { address, origin }).is_err() {
            tracing::warn!(client = %visitor.client_text(), "password reset requests are arriving faster than they are handled");
        }
        Ok(())
    }

    async fn reset_link_valid(&self, _: Visitor, token: String) -> Result<bool, AppError> {
        self.reset_valid(&token).await
    }
}

impl Mailroom {
    async fn mail_reset_link(&self, request: &ResetRequest) -> Result<(), AppError> {
        let (req, address) = (&request.origin, request.address.as_str());
        let nothing_sent = |why: &'static str| async move {
            self.audit_refused(req, Attempt::ResetRequest, address, "password reset requested", why).await;
            Ok(())
        };
        if self.reset_client_limiter.hit(req.client_text(), Instant::now()).is_err() {
            return nothing_sent("too many requests from this address; nothing sent").await;
        }
        let Some(user) = self.db.user_by_email(&address.to_lowercase()).await.or_internal("looking up the account")? else {
            return nothing_sent("no such account; nothing sent").await;
        };
        let user = current_user(&user)?;
        if !self.reset_mail_allowed(&user).await? {
            return nothing_sent("too many requests for this account; nothing sent").await;
        }
        let details = match self.queue_reset_link(&user).await? {
            Ok(id) => format!("reset link queued as mail #{id}"),
            Err(error) => {
                tracing::error!(%error, "could not queue the password reset mail");
                format!("the reset mail could not be queued: {error}")
            }
        };
        self.audit(req, "password reset requested", &format!("account {}", user.email), &details).await;
        Ok(())
    }

    /// Counts a reset mail for `user` against the hourly limit per account; false when it is
    /// used up.
    pub(super) async fn reset_mail_allowed(&self, user: &CurrentUser) -> Result<bool, AppError> {
        let hit = self.db.rate_hit("reset mail", &user.id.to_string(), super::RESETS_PER_HOUR, 3_600_000).await;
        Ok(hit.or_internal("counting reset mails")?.is_ok())
    }

    /// Creates a reset link for `user` and queues the Password reset mail with it: the mail's
    /// outbox id, or why it could not be queued.
    pub(super) async fn queue_reset_link(&self, user: &CurrentUser) -> Result<Result<MailId, QueueError>, AppError> {
        let mail = AccountMail {
            template: PASSWORD_RESET,
            link: "reset_link",
            lifetime_ms: RESET_LINK_MINUTES * 60_000,
            extra: json!({ "reset_expires_minutes": RESET_LINK_MINUTES.to_string() }),
            what: "Password reset",
        };
        self.queue_account_link(user, mail).await
    }

    pub(super) async fn reset_valid(&self, token: &str) -> Result<bool, AppError> {
        self.db.password_reset_valid(&token_hash(token)).await.or_internal("checking the reset link")
    }

    pub(super) async fn reset_with_link(&self, visitor: &Visitor, token: String, password: String) -> Result<SignedIn, AppError> {
        let used_up =
            || AppError::Refused("This reset link has expired or has been used. Ask for a new one from the sign-in page.".into());
        // The link first: only its holder gets the password weighed.
        if !self.reset_valid(&token).await? {
            return Err(used_up());
        }
        let password = AccountPassword::parse(&password).map_err(|e| AppError::field(FieldKey::NewPassword, e))?;
        // Hashed before the link is used up, so a busy server does not cost the user their link.
        let hashed = self.hashing.hash(password.expose().to_owned()).await?;
        let user_id = self.db.take_password_reset(&token_hash(&token)).await.or_internal("using the reset link")?;
        let user_id = user_id.ok_or_else(used_up)?;
        let row = self.db.user_by_id(user_id).await.or_internal("loading the account")?;
        let row = row.ok_or_else(|| AppError::Refused("This account no longer exists.".into()))?;
        self.db.set_password_hash(user_id, &hashed).await.or_internal("saving the new password")?;
        self.db.delete_sessions_of(user_id, None).await.or_internal("ending the old sessions")?;
        self.db.delete_password_resets_of(user_id).await.or_internal("retiring the other reset links")?;
        self.db.clear_sign_in_failures(&row.email.to_lowercase()).await.or_internal("clearing failed sign-ins")?;
        let signed = self.start_session(current_user(&row)?).await?;
        let details = "through an emailed link; other sessions ended";
        self.audit(&Identified(visitor.client, &signed.user), "password reset", &format!("user {}", signed.user.email), details)
            .await;
        Ok(signed)
    }
}
