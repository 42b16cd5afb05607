//! The first administrator: from `MAILROOM_ADMIN_EMAIL`/`MAILROOM_ADMIN_PASSWORD` when set,
//! otherwise through a one-time setup link printed at start-up.

use super::audit::Identified;
use super::auth::current_user;
use super::hashing::HashGate;
use super::{Mailroom, OrInternal};
use crate::config::{Config, ConfigError};
use crate::crypto::{new_token, token_hash};
use crate::db::{Db, NewAudit};
use app::api::caller::{SignedIn, Visitor};
use app::api::{AppError, NewUser};
use app::domain::{check_new_person, AccountPassword, DisplayName, EmailAddress, FieldKey, Role};
use secrecy::ExposeSecret;

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the database could not be read or written: {0}")]
    Db(#[from] sqlx::Error),
}

/// Creates the first administrator if there is no user yet. Returns the setup link to print
/// when the environment does not name one.
pub async fn bootstrap_first_admin(db: &Db, config: &Config) -> Result<Option<String>, BootstrapError> {
    if db.count_users().await? > 0 {
        return Ok(None);
    }
    match (&config.admin_email, &config.admin_password) {
        (Some(email), Some(password)) => {
            let email = EmailAddress::parse_as(email, "The address")
                .map_err(|e| ConfigError { variable: "MAILROOM_ADMIN_EMAIL", message: e.to_string() })?;
            let password = AccountPassword::parse(password.expose_secret())
                .map_err(|e| ConfigError { variable: "MAILROOM_ADMIN_PASSWORD", message: e.to_string() })?;
            let gate = HashGate::new(1);
            let hashed = gate.turn().await.expect("a new gate has room").hash(password.expose().to_owned()).await;
            let Some(id) = db.insert_first_user("Administrator", email.as_str(), &hashed, Role::Administrator.as_str()).await?
            else {
                // Another instance on the same database created it meanwhile.
                return Ok(None);
            };
            let target = format!("user {}", email.as_str());
            let entry = NewAudit {
                actor_id: Some(id),
                actor: "system",
                action: "first administrator created",
                target: &target,
                details: "from MAILROOM_ADMIN_EMAIL at start-up",
                client: "local",
            };
            db.insert_audit(&entry).await?;
            tracing::info!(email = email.as_str(), "created the first administrator from MAILROOM_ADMIN_EMAIL");
            Ok(None)
        }
        (Some(_), None) => Err(ConfigError {
            variable: "MAILROOM_ADMIN_PASSWORD",
            message: "is required when MAILROOM_ADMIN_EMAIL is set.".into(),
        }
        .into()),
        (None, Some(_)) => Err(ConfigError {
            variable: "MAILROOM_ADMIN_EMAIL",
            message: "is required when MAILROOM_ADMIN_PASSWORD is set.".into(),
        }
        .into()),
        (None, None) => {
            let token = new_token();
            db.replace_setup_token(&token_hash(&token)).await?;
            Ok(Some(format!("{}/setup?token={token}", config.public_url)))
        }
    }
}

/// The new user's fields, every message at once: the rules the browser applies before sending.
pub(super) fn check_new_user(
    user: &NewUser,
    password_field: FieldKey,
) -> Result<(DisplayName, EmailAddress, AccountPassword), AppError> {
    check_new_person(&user.name, &user.email, &user.password, password_field).map_err(AppError::Invalid)
}

impl Mailroom {
    pub(super) async fn check_setup_token(&self, token: &str) -> Result<bool, AppError> {
        let exists = self.db.setup_token_exists(&token_hash(token)).await.or_internal("checking the setup link")?;
        Ok(exists && self.db.count_users().await.or_internal("checking the setup link")? == 0)
    }

    pub(super) async fn setup_first_admin(&self, visitor: &Visitor, token: String, user: NewUser) -> Result<SignedIn, AppError> {
        let (name, email, password) = check_new_user(&user, FieldKey::Password)?;
        if !self.check_setup_token(&token).await?
            || !self.db.take_setup_token(&token_hash(&token)).await.or_internal("using the setup link")?
        {
            return Err(AppError::Refused("This setup link has been used already or is not valid. Sign in instead.".into()));
        }
        let hashed = self.hashing.hash(password.expose().to_owned()).await?;
        // Only while there is no user: two links (two instances started together) used at
        // once make one administrator.
        let Some(id) = self
            .db
            .insert_first_user(name.as_str(), email.as_str(), &hashed, Role::Administrator.as_str())
            .await
            .or_internal("creating the administrator")?
        else {
            return Err(AppError::Refused("This setup link has been used already or is not valid. Sign in instead.".into()));
        };
        let row = self.db.user_by_id(id).await.or_internal("creating the administrator")?.ok_or(AppError::SignedOut)?;
        let signed = self.start_session(current_user(&row)?).await?;
        tracing::info!(user = %id, "first administrator created through the setup link");
        let target = format!("user {}", signed.user.email);
        self.audit(
            &Identified(visitor.client, &signed.user),
            "first administrator created",
            &target,
            "through the one-time setup link",
        )
        .await;
        Ok(signed)
    }
}
