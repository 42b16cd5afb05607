//! The server's side of the API, as the server functions see it: one trait per panel, each
//! declared with its server functions, and `Backend`, everything the server provides as
//! context. The direction of dependency stays frontend → app ← server.

use super::audit::AuditApi;
use super::auth::{AuthApi, Sessions};
use super::delivery::{DeliveryApi, MailApi};
use super::history::HistoryApi;
use super::settings::{OAuthApi, SettingsApi};
use super::templates::{TemplateTestApi, TemplatesApi};
use super::test_email::TestEmailApi;
use super::tokens::TokensApi;
use super::users::{AccountApi, InviteApi, UsersApi};
use std::sync::Arc;

pub type Api = Arc<dyn Backend>;

/// `Backend`: everything the server functions reach, each part implemented by the server.
macro_rules! backend {
    ($($part:ident),+) => {
        pub trait Backend: $($part +)+ 'static {}
        impl<T: $($part +)+ 'static> Backend for T {}
    };
}

backend!(
    Sessions,
    AuthApi,
    SettingsApi,
    OAuthApi,
    HistoryApi,
    TemplatesApi,
    TemplateTestApi,
    DeliveryApi,
    MailApi,
    TestEmailApi,
    TokensApi,
    AuditApi,
    UsersApi,
    InviteApi,
    AccountApi
);
