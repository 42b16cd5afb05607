//! Who is calling, as the server functions learn it from the request: a `Visitor` is anyone,
//! a `Member` is someone with a live session, and an `Admin` is the proof an administrator's
//! operation takes. The server builds `Member` from a session it has checked; `Admin` comes
//! only from a `Member` whose role is Administrator.

use super::{AppError, CurrentUser};
use crate::domain::Role;
use secrecy::{ExposeSecret, SecretString};
use std::net::IpAddr;

/// The session token a browser holds in its cookie. It cannot be printed or serialised.
#[derive(Clone)]
pub struct SessionToken(SecretString);

impl SessionToken {
    pub fn new(token: String) -> Self {
        Self(SecretString::from(token))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(hidden)")
    }
}

/// Anyone: where the request came from, and the session it claims, unchecked.
#[derive(Clone, Debug, Default)]
pub struct Visitor {
    pub client: Option<IpAddr>,
    pub session: Option<SessionToken>,
}

/// A signed-in person whose session the server has checked.
#[derive(Clone, Debug)]
pub struct Member {
    user: CurrentUser,
    client: Option<IpAddr>,
    session: SessionToken,
}

impl Member {
    /// For the server, once `session` is found live and belongs to `user`.
    pub fn checked(user: CurrentUser, client: Option<IpAddr>, session: SessionToken) -> Self {
        Self { user, client, session }
    }

    pub fn user(&self) -> &CurrentUser {
        &self.user
    }

    pub fn client(&self) -> Option<IpAddr> {
        self.client
    }

    pub fn session(&self) -> &SessionToken {
        &self.session
    }
}

/// Proof that the caller is a signed-in administrator.
#[derive(Clone, Debug)]
pub struct Admin(Member);

impl Admin {
    pub fn user(&self) -> &CurrentUser {
        &self.0.user
    }

    pub fn client(&self) -> Option<IpAddr> {
        self.0.client
    }
}

impl TryFrom<Member> for Admin {
    type Error = AppError;

    fn try_from(member: Member) -> Result<Self, AppError> {
        match member.user.role {
            Role::Administrator => Ok(Self(member)),
            Role::User => Err(AppError::AdminOnly),
        }
    }
}

/// A new session to hand to the browser, and whose it is.
#[derive(Debug)]
pub struct SignedIn {
    pub user: CurrentUser,
    pub session: SessionToken,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role) -> Member {
        let user = CurrentUser { id: crate::api::UserId(1), name: "Ada".into(), email: "ada@example.com".into(), role };
        Member::checked(user, None, SessionToken::new("secret-token".into()))
    }

    #[test]
    fn only_an_administrator_becomes_admin() {
        assert!(Admin::try_from(member(Role::Administrator)).is_ok());
        assert!(matches!(Admin::try_from(member(Role::User)), Err(AppError::AdminOnly)));
    }

    #[test]
    fn a_session_token_never_prints() {
        assert!(!format!("{:?}", member(Role::User)).contains("secret-token"));
    }
}
