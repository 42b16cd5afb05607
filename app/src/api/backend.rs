//! The server's side of the API, as the server functions see it. `server` implements this
//! trait (database, mail, crypto) and provides it as context; the server functions only adapt
//! HTTP to it. The direction of dependency stays frontend → app ← server.

use super::audit::{AuditChoices, AuditEntry, AuditNarrow};
use super::delivery::{DeliveryAlert, MailDetails, MailNarrow, MailView};
use super::history::Revision;
use super::templates::{Preview, TemplateInput, TemplateSummary, TemplateTest, TemplateView};
use super::test_email::{TestEmailRequest, TestEvent};
use super::tokens::{NewToken, TokenView};
use super::types::*;
use super::AppError;
use crate::domain::Role;
use crate::domain::TemplateForm;
use async_trait::async_trait;
use std::net::IpAddr;
use std::sync::Arc;

/// The facts about an HTTP request that the operations need.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    /// The raw `Cookie` header.
    pub cookies: Option<String>,
    pub client: Option<IpAddr>,
}

/// Set by the server on each request, so `RequestMeta` can name the client.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

/// A `Set-Cookie` header value to send with the answer.
#[derive(Clone, Debug)]
pub struct SetCookie(pub String);

pub type Api = Arc<dyn Backend>;

pub type TestEvents = std::pin::Pin<Box<dyn futures::Stream<Item = TestEvent> + Send>>;

#[async_trait]
pub trait Backend: Send + Sync + 'static {
    async fn current_user(&self, req: &RequestMeta) -> Result<Option<CurrentUser>, AppError>;
    async fn sign_in(&self, req: &RequestMeta, credentials: Credentials) -> Result<(CurrentUser, SetCookie), AppError>;
    async fn sign_out(&self, req: &RequestMeta) -> Result<SetCookie, AppError>;
    async fn setup_token_valid(&self, token: &str) -> Result<bool, AppError>;
    async fn forgot_password(&self, req: &RequestMeta, email: String) -> Result<(), AppError>;
    async fn reset_link_valid(&self, token: &str) -> Result<bool, AppError>;
    async fn reset_password(
        &self,
        req: &RequestMeta,
        token: String,
        password: String,
    ) -> Result<(CurrentUser, SetCookie), AppError>;
    async fn complete_setup(&self, req: &RequestMeta, token: String, user: NewUser)
        -> Result<(CurrentUser, SetCookie), AppError>;

    async fn list_settings(&self, req: &RequestMeta) -> Result<Vec<SettingsSummary>, AppError>;
    async fn get_settings(&self, req: &RequestMeta, id: Id) -> Result<SettingsView, AppError>;
    async fn save_settings(&self, req: &RequestMeta, input: SettingsInput) -> Result<SettingsView, AppError>;
    async fn delete_settings(&self, req: &RequestMeta, id: Id) -> Result<(), AppError>;
    async fn make_default(&self, req: &RequestMeta, id: Id) -> Result<(), AppError>;
    async fn oauth_connect(&self, req: &RequestMeta, id: Id) -> Result<String, AppError>;
    async fn settings_history(&self, req: &RequestMeta, id: Id) -> Result<Vec<Revision>, AppError>;
    async fn restore_settings_revision(
        &self,
        req: &RequestMeta,
        id: Id,
        number: i64,
        version: i64,
    ) -> Result<SettingsView, AppError>;
    async fn template_history(&self, req: &RequestMeta, id: Id) -> Result<Vec<Revision>, AppError>;
    async fn restore_template_revision(
        &self,
        req: &RequestMeta,
        id: Id,
        number: i64,
        version: i64,
    ) -> Result<TemplateView, AppError>;

    async fn list_templates(&self, req: &RequestMeta) -> Result<Vec<TemplateSummary>, AppError>;
    async fn get_template(&self, req: &RequestMeta, id: Id) -> Result<TemplateView, AppError>;
    async fn save_template(&self, req: &RequestMeta, input: TemplateInput) -> Result<TemplateView, AppError>;
    async fn delete_template(&self, req: &RequestMeta, id: Id) -> Result<(), AppError>;
    async fn restore_template(&self, req: &RequestMeta, id: Id, version: i64) -> Result<TemplateView, AppError>;
    async fn preview_template(
        &self,
        req: &RequestMeta,
        form: TemplateForm,
        id: Option<Id>,
        sample: Option<serde_json::Value>,
    ) -> Result<Preview, AppError>;
    async fn send_template_test(
        &self,
        req: &RequestMeta,
        id: Id,
        sample: Option<serde_json::Value>,
    ) -> Result<TemplateTest, AppError>;

    async fn list_mail(
        &self,
        req: &RequestMeta,
        filter: String,
        before: Option<Id>,
        narrow: MailNarrow,
    ) -> Result<Vec<MailView>, AppError>;
    async fn mail_details(&self, req: &RequestMeta, id: Id) -> Result<MailDetails, AppError>;
    async fn retry_mail_now(&self, req: &RequestMeta, id: Id) -> Result<MailView, AppError>;
    async fn cancel_mail(&self, req: &RequestMeta, id: Id) -> Result<MailView, AppError>;
    async fn resend_mail(&self, req: &RequestMeta, id: Id, settings: Option<Id>) -> Result<MailView, AppError>;
    async fn delivery_alerts(&self, req: &RequestMeta) -> Result<Vec<DeliveryAlert>, AppError>;

    async fn list_tokens(&self, req: &RequestMeta) -> Result<Vec<TokenView>, AppError>;
    async fn create_token(&self, req: &RequestMeta, name: String) -> Result<NewToken, AppError>;
    async fn revoke_token(&self, req: &RequestMeta, id: Id) -> Result<TokenView, AppError>;

    /// Checks the request, then runs the test; the stream ends with `TestEvent::Finished`.
    async fn send_test_email(&self, req: &RequestMeta, request: TestEmailRequest) -> Result<TestEvents, AppError>;

    async fn list_audit(
        &self,
        req: &RequestMeta,
        filter: String,
        before: Option<Id>,
        narrow: AuditNarrow,
    ) -> Result<Vec<AuditEntry>, AppError>;
    async fn audit_facets(&self, req: &RequestMeta) -> Result<AuditChoices, AppError>;

    async fn list_users(&self, req: &RequestMeta) -> Result<Vec<UserView>, AppError>;
    async fn create_user(&self, req: &RequestMeta, user: NewUser) -> Result<UserView, AppError>;
    async fn set_role(&self, req: &RequestMeta, id: Id, version: i64, role: Role) -> Result<UserView, AppError>;
    async fn invite_user(&self, req: &RequestMeta, invite: NewInvite) -> Result<UserView, AppError>;
    async fn update_user(
        &self,
        req: &RequestMeta,
        id: Id,
        version: i64,
        name: String,
        email: String,
    ) -> Result<UserView, AppError>;
    async fn send_reset_link(&self, req: &RequestMeta, id: Id) -> Result<Id, AppError>;
    async fn remove_user(&self, req: &RequestMeta, id: Id) -> Result<(), AppError>;
    async fn change_own_password(&self, req: &RequestMeta, current: String, new: String) -> Result<(), AppError>;
    async fn change_own_email(&self, req: &RequestMeta, current_password: String, email: String)
        -> Result<CurrentUser, AppError>;
}
