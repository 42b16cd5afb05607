//! Server functions for the Users panel and for each person's own account.

use super::operations::operations;
use super::types::{CurrentUser, MailId, NewInvite, NewUser, UserId, UserView};
use crate::domain::Role;

operations! {
    /// The Users panel.
    pub trait UsersApi {
        Admin "users/list" => fn list_users() -> Vec<UserView>;
        Admin "users/create" => fn create_user(user: NewUser) -> UserView;
        Admin "users/role" => fn set_role(id: UserId, version: i64, role: Role) -> UserView;
        /// Changes a user's name and email address; refused unless `version` is still theirs.
        Admin "users/update" => fn update_user(id: UserId, version: i64, name: String, email: String) -> UserView;
        /// Mails the user a link to choose a new password; its id in the Delivery log.
        Admin "users/send-reset" => fn send_reset_link(id: UserId) -> MailId;
        Admin "users/remove" => fn remove_user(id: UserId) -> ();
    }
}

operations! {
    /// Adding a user by emailed invitation.
    pub trait InviteApi {
        /// Adds a user who chooses their own password from an emailed link (three days).
        Admin "users/invite" => fn invite_user(invite: NewInvite) -> UserView;
    }
}

operations! {
    /// Each person's own account.
    pub trait AccountApi {
        Member "account/password" => fn change_own_password(current: String, new: String) -> ();
        Member "account/email" => fn change_own_email(current_password: String, email: String) -> CurrentUser;
    }
}
