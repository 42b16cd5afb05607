//! The server functions' entry points: each checks who may call it, then hands over to the
//! operation that does the work.

use super::{Mailroom, OrInternal};
use app::api::audit::{AuditChoices, AuditEntry, AuditNarrow};
use app::api::delivery::{DeliveryAlert, MailDetails, MailNarrow, MailView};
use app::api::history::Revision;
use app::api::templates::{Preview, TemplateInput, TemplateSummary, TemplateTest, TemplateView};
use app::api::test_email::TestEmailRequest;
use app::api::tokens::{NewToken, TokenView};
use app::api::TestEvents;
use app::api::{
    AppError, Backend, Credentials, CurrentUser, Id, NewInvite, NewUser, RequestMeta, SetCookie, SettingsInput, SettingsSummary,
    SettingsView, UserView,
};
use app::domain::Role;
use app::domain::TemplateForm;
use async_trait::async_trait;

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

    async fn forgot_password(&self, req: &RequestMeta, email: String) -> Result<(), AppError> {
        self.forgot(req, email).await
    }

    async fn reset_link_valid(&self, token: &str) -> Result<bool, AppError> {
        self.reset_valid(token).await
    }

    async fn reset_password(
        &self,
        req: &RequestMeta,
        token: String,
        password: String,
    ) -> Result<(CurrentUser, SetCookie), AppError> {
        self.reset(req, token, password).await
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

    async fn oauth_connect(&self, req: &RequestMeta, id: Id) -> Result<String, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        Mailroom::oauth_connect(self, &actor, id).await
    }

    async fn make_default(&self, req: &RequestMeta, id: Id) -> Result<(), AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.settings_make_default(req, &actor, id).await
    }

    async fn settings_history(&self, req: &RequestMeta, id: Id) -> Result<Vec<Revision>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.settings_revisions(id).await
    }

    async fn restore_settings_revision(
        &self,
        req: &RequestMeta,
        id: Id,
        number: i64,
        version: i64,
    ) -> Result<SettingsView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.settings_restore(req, &actor, id, number, version).await
    }

    async fn template_history(&self, req: &RequestMeta, id: Id) -> Result<Vec<Revision>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.template_revisions(id).await
    }

    async fn restore_template_revision(
        &self,
        req: &RequestMeta,
        id: Id,
        number: i64,
        version: i64,
    ) -> Result<TemplateView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.template_restore_revision(req, &actor, id, number, version).await
    }

    async fn list_templates(&self, req: &RequestMeta) -> Result<Vec<TemplateSummary>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.templates_list().await
    }

    async fn get_template(&self, req: &RequestMeta, id: Id) -> Result<TemplateView, AppError> {
        self.require(req, Role::Administrator).await?;
        self.template_get(id).await
    }

    async fn save_template(&self, req: &RequestMeta, input: TemplateInput) -> Result<TemplateView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.template_save(req, &actor, input).await
    }

    async fn delete_template(&self, req: &RequestMeta, id: Id) -> Result<(), AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.template_delete(req, &actor, id).await
    }

    async fn restore_template(&self, req: &RequestMeta, id: Id, version: i64) -> Result<TemplateView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.template_restore(req, &actor, id, version).await
    }

    async fn preview_template(
        &self,
        req: &RequestMeta,
        form: TemplateForm,
        id: Option<Id>,
        sample: Option<serde_json::Value>,
    ) -> Result<Preview, AppError> {
        self.require(req, Role::Administrator).await?;
        self.template_preview(form, id, sample).await
    }

    async fn send_template_test(
        &self,
        req: &RequestMeta,
        id: Id,
        sample: Option<serde_json::Value>,
    ) -> Result<TemplateTest, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.template_test(req, &actor, id, sample).await
    }

    async fn list_mail(
        &self,
        req: &RequestMeta,
        filter: String,
        before: Option<Id>,
        narrow: MailNarrow,
    ) -> Result<Vec<MailView>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.mail_list(&filter, before, narrow).await
    }

    async fn mail_details(&self, req: &RequestMeta, id: Id) -> Result<MailDetails, AppError> {
        self.require(req, Role::Administrator).await?;
        self.mail_details_of(id).await
    }

    async fn retry_mail_now(&self, req: &RequestMeta, id: Id) -> Result<MailView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.mail_retry_now(req, &actor, id).await
    }

    async fn cancel_mail(&self, req: &RequestMeta, id: Id) -> Result<MailView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.mail_cancel(req, &actor, id).await
    }

    async fn resend_mail(&self, req: &RequestMeta, id: Id, settings: Option<Id>) -> Result<MailView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.mail_resend(req, &actor, id, settings).await
    }

    async fn delivery_alerts(&self, req: &RequestMeta) -> Result<Vec<DeliveryAlert>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.mail_alerts().await
    }

    async fn list_tokens(&self, req: &RequestMeta) -> Result<Vec<TokenView>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.tokens_list().await
    }

    async fn create_token(&self, req: &RequestMeta, name: String) -> Result<NewToken, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.token_create(req, &actor, name).await
    }

    async fn revoke_token(&self, req: &RequestMeta, id: Id) -> Result<TokenView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.token_revoke(req, &actor, id).await
    }

    async fn send_test_email(&self, req: &RequestMeta, request: TestEmailRequest) -> Result<TestEvents, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.test_email(req, &actor, request).await
    }

    async fn list_audit(
        &self,
        req: &RequestMeta,
        filter: String,
        before: Option<Id>,
        narrow: AuditNarrow,
    ) -> Result<Vec<AuditEntry>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.audit_list(&filter, before, &narrow).await
    }

    async fn audit_facets(&self, req: &RequestMeta) -> Result<AuditChoices, AppError> {
        self.require(req, Role::Administrator).await?;
        let (actions, actors) = self.db.audit_facets().await.or_internal("reading the audit log")?;
        Ok(AuditChoices { actions, actors })
    }

    async fn list_users(&self, req: &RequestMeta) -> Result<Vec<UserView>, AppError> {
        self.require(req, Role::Administrator).await?;
        self.users_list().await
    }

    async fn create_user(&self, req: &RequestMeta, user: NewUser) -> Result<UserView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.users_create(req, &actor, user).await
    }

    async fn set_role(&self, req: &RequestMeta, id: Id, version: i64, role: Role) -> Result<UserView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.users_set_role(req, &actor, id, version, role).await
    }

    async fn invite_user(&self, req: &RequestMeta, invite: NewInvite) -> Result<UserView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.users_invite(req, &actor, invite).await
    }

    async fn update_user(
        &self,
        req: &RequestMeta,
        id: Id,
        version: i64,
        name: String,
        email: String,
    ) -> Result<UserView, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.users_update(req, &actor, id, version, (name, email)).await
    }

    async fn send_reset_link(&self, req: &RequestMeta, id: Id) -> Result<Id, AppError> {
        let actor = self.require(req, Role::Administrator).await?;
        self.users_send_reset(req, &actor, id).await
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
