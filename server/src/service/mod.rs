//! The operations behind the server functions: who may do what, the rules across records,
//! and turning storage and crypto results into answers the user can act on.

mod audit;
mod auth;
mod bootstrap;
mod limiter;
mod settings;
mod test_email;
mod users;

pub use bootstrap::{bootstrap_first_admin, BootstrapError};

use crate::config::Config;
use crate::crypto::SecretBox;
use crate::db::Db;
use crate::mail::Probe;
use app::api::audit::AuditEntry;
use app::api::test_email::TestEmailRequest;
use app::api::TestEvents;
use app::api::{
    AppError, Backend, Credentials, CurrentUser, Id, NewUser, RequestMeta, SetCookie, SettingsInput, SettingsSummary,
    SettingsView, UserView,
};
use app::domain::Role;
use async_trait::async_trait;
use limiter::RateLimiter;
use std::sync::Arc;
use std::time::Duration;

pub struct Mailroom {
    db: Db,
    secrets: Arc<SecretBox>,
    cookie: auth::CookiePolicy,
    session_idle: Duration,
    session_lifetime: Duration,
    probe: Arc<Probe>,
    test_limiter: RateLimiter,
}

/// Test sends allowed per user per minute.
const TESTS_PER_MINUTE: usize = 10;

impl Mailroom {
    pub fn new(db: Db, secrets: Arc<SecretBox>, probe: Arc<Probe>, config: &Config) -> Self {
        Self {
            db,
            secrets,
            probe,
            test_limiter: RateLimiter::new(TESTS_PER_MINUTE, Duration::from_secs(60)),
            cookie: auth::CookiePolicy::new(config.uses_https(), config.session_lifetime),
            session_idle: config.session_idle,
            session_lifetime: config.session_lifetime,
        }
    }
}

/// Logs an unexpected failure with its whole cause chain under a short reference, and gives
/// the user that reference instead of the details.
pub(crate) trait OrInternal<T> {
    fn or_internal(self, doing: &str) -> Result<T, AppError>;
}

impl<T, E: std::error::Error> OrInternal<T> for Result<T, E> {
    fn or_internal(self, doing: &str) -> Result<T, AppError> {
        self.map_err(|error| {
            let reference = crate::crypto::new_token()[..8].to_owned();
            let mut chain = error.to_string();
            let mut source = error.source();
            while let Some(cause) = source {
                chain.push_str(": ");
                chain.push_str(&cause.to_string());
                source = cause.source();
            }
            tracing::error!(%reference, error = %chain, "failed while {doing}");
            AppError::Server(format!(
                "Something went wrong on the server while {doing} (reference {reference}). Try again; if it keeps happening, give your administrator this reference."
            ))
        })
    }
}

#[async_trait]
impl Backend for Mailroom {
    async fn current_user(&self, req: &RequestMeta) -> Result<Option<CurrentUser>, AppError> {
        Ok(self.session_user(req).await?.map(|(user, _)| user))
    }

    async fn sign_in(&self, req: &RequestMeta, credentials: Credentials) -> Result<(CurrentUser, SetCookie), AppError> {
        self.sign_in_with(req, credentials).await
    }

    async fn sign_out(&self, req: &RequestMeta) -> Result<SetCookie, AppError> {
        self.end_session(req).await
    }

    async fn setup_token_valid(&self, token: &str) -> Result<bool, AppError> {
        self.check_setup_token(token).await
    }

    async fn complete_setup(
        &self,
        req: &RequestMeta,
        token: String,
        user: NewUser,
    ) -> Result<(CurrentUser, SetCookie), AppError> {
        self.setup_first_admin(req, token, user).await
    }

    async fn list_settings(&self, req: &RequestMeta) -> Result<Vec<SettingsSummary>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.settings_list().await
    }

    async fn get_settings(&self, req: &RequestMeta, id: Id) -> Result<SettingsView, AppError> {
        self.require(req, Role::Administrator).await?;
        self.settings_get(id).await
    }

    async fn save_settings(&self, req: &RequestMeta, input: SettingsInput) -> Result<SettingsView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.settings_save(req, &actor, input).await
    }

    async fn delete_settings(&self, req: &RequestMeta, id: Id) -> Result<(), AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.settings_delete(req, &actor, id).await
    }

    async fn send_test_email(&self, req: &RequestMeta, request: TestEmailRequest) -> Result<TestEvents, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.test_email(req, &actor, request).await
    }

    async fn list_audit(&self, req: &RequestMeta, filter: String, before: Option<Id>) -> Result<Vec<AuditEntry>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.audit_list(&filter, before).await
    }

    async fn list_users(&self, req: &RequestMeta) -> Result<Vec<UserView>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.users_list().await
    }

    async fn create_user(&self, req: &RequestMeta, user: NewUser) -> Result<UserView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.users_create(req, &actor, user).await
    }

    async fn set_role(&self, req: &RequestMeta, id: Id, role: Role) -> Result<UserView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.users_set_role(req, &actor, id, role).await
    }

    async fn remove_user(&self, req: &RequestMeta, id: Id) -> Result<(), AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.users_remove(req, &actor, id).await
    }

    async fn change_own_password(&self, req: &RequestMeta, current: String, new: String) -> Result<(), AppError> {
        self.own_password(req, current, new).await
    }

    async fn change_own_email(
        &self,
        req: &RequestMeta,
        current_password: String,
        email: String,
    ) -> Result<CurrentUser, AppError> {
        self.own_email(req, current_password, email).await
    }
}
