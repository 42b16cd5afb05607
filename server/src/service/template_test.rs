//! "Send test" for a template: the saved template, rendered with sample data, queued to the
//! signed-in administrator through the template's own SMTP settings, and followed in the
//! Delivery log like any other mail.

use super::delivery::{MailRequest, QueueError};
use super::templates::{checked_sample, sample_lacks, sources};
use super::{Mailroom, OrInternal};
use crate::mail::render::{needed, RenderError};
use app::api::caller::Admin;
use app::api::templates::TemplateTest;
use app::api::templates::TemplateTestApi;
use app::api::{AppError, MailId, TemplateId};
use app::domain::EmailAddress;

#[async_trait::async_trait]
impl TemplateTestApi for Mailroom {
    async fn send_template_test(
        &self,
        admin: Admin,
        id: TemplateId,
        sample: Option<serde_json::Value>,
    ) -> Result<TemplateTest, AppError> {
        let actor = admin.user();
        let row = self.template_row(id).await?;
        let form = super::templates::form_of(&row);
        let needs: Vec<String> = needed(&sources(&form)).into_iter().collect();
        let variables = checked_sample(sample, &needs)?;
        let to = EmailAddress::parse(&actor.email).map_err(|e| AppError::Server(e.to_string()))?;
        let queued = async {
            let request = MailRequest {
                source: self.mail_source(id).await?,
                to_name: &actor.name,
                to: &to,
                variables,
                attachments: Vec::new(),
                api_token: None,
                idempotency_key: None,
                expires_at: None,
            };
            self.enqueue(request).await
        };
        let mail = match queued.await {
            Ok(mail) => mail.id,
            Err(QueueError::Render(RenderError::Missing(paths))) => return Err(sample_lacks(&paths)),
            Err(e @ (QueueError::NoSettings | QueueError::NoTemplate)) => {
                return Err(AppError::Conflict(format!("The test was not sent: {e}.")))
            }
            Err(e @ (QueueError::Render(_) | QueueError::Compose(_))) => {
                return Err(AppError::Refused(format!("The test was not sent: {e}.")))
            }
            Err(QueueError::Db(e)) => return Err(e).or_internal("queueing the test"),
        };
        let details = format!("to {}, mail #{mail} in the Delivery log", actor.email);
        self.audit(&admin, "template test sent", &format!("template “{}” (#{id})", row.name), &details).await;
        Ok(TemplateTest { mail: MailId(mail), to: actor.email.clone() })
    }
}
