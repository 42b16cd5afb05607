//! The users table.

use super::{now_ms, on, Db, Table};

/// `Debug` is written by hand below, without the password hash.
#[derive(Clone)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: i64,
    pub last_sign_in: Option<i64>,
    pub version: i64,
    pub updated_at: Option<i64>,
    /// The name of whoever changed the record last.
    pub updated_by: Option<String>,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// What `set_role` did.
#[derive(Debug, PartialEq, Eq)]
pub enum RoleChange {
    Done,
    /// Someone changed the user after `version`.
    Stale,
    /// It would leave no administrator.
    Refused,
    /// The user was removed meanwhile.
    Gone,
}

impl Db {
    pub async fn count_users(&self) -> sqlx::Result<i64> {
        on!(self.read(), |e| query_scalar!(r#"select count(*) as "n!: i64" from users"#).fetch_one(e).await)
    }

    pub async fn list_users(&self) -> sqlx::Result<Vec<UserRow>> {
        on!(self.read(), |e| query_as!(
            UserRow,
            r#"select u.id as "id!", u.name, u.email, u.password_hash, u.role, u.created_at, u.last_sign_in, u.version,
                      u.updated_at, c.name as "updated_by?"
               from users u left join users c on c.id = u.updated_by
               order by u.email_key"#
        )
        .fetch_all(e)
        .await)
    }

    pub async fn user_by_id(&self, id: i64) -> sqlx::Result<Option<UserRow>> {
        on!(self.read(), |e| query_as!(
            UserRow,
            r#"select u.id as "id!", u.name, u.email, u.password_hash, u.role, u.created_at, u.last_sign_in, u.version,
                      u.updated_at, c.name as "updated_by?"
               from users u left join users c on c.id = u.updated_by
               where u.id = $1"#,
            id
        )
        .fetch_optional(e)
        .await)
    }

    pub async fn user_by_email(&self, email_key: &str) -> sqlx::Result<Option<UserRow>> {
        on!(self.read(), |e| query_as!(
            UserRow,
            r#"select u.id as "id!", u.name, u.email, u.password_hash, u.role, u.created_at, u.last_sign_in, u.version,
                      u.updated_at, c.name as "updated_by?"
               from users u left join users c on c.id = u.updated_by
               where u.email_key = $1"#,
            email_key
        )
        .fetch_optional(e)
        .await)
    }

    pub async fn insert_user(&self, name: &str, email: &str, password_hash: &str, role: &str) -> sqlx::Result<i64> {
        let (key, now) = (email.to_lowercase(), now_ms());
        on!(self.write(), |e| query_scalar!(
            r#"insert into users (name, email, email_key, password_hash, role, created_at) values ($1, $2, $3, $4, $5, $6)
               returning id as "id!""#,
            name,
            email,
            key,
            password_hash,
            role,
            now
        )
        .fetch_one(e)
        .await)
    }

    /// Inserts the first user, unless a user exists already: instances starting together on
    /// one database create it once. None when someone was there first.
    pub async fn insert_first_user(&self, name: &str, email: &str, password_hash: &str, role: &str) -> sqlx::Result<Option<i64>> {
        let (key, now) = (email.to_lowercase(), now_ms());
        let mut tx = self.begin().await?;
        tx.serialise(Table::Users).await?;
        let id = on!(tx.on(), |e| query_scalar!(
            r#"insert into users (name, email, email_key, password_hash, role, created_at)
               select $1, $2, $3, $4, $5, $6 where not exists (select 1 from users)
               returning id as "id!""#,
            name,
            email,
            key,
            password_hash,
            role,
            now
        )
        .fetch_optional(e)
        .await)?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a role if the user is still at `version` and an administrator remains.
    pub async fn set_role(&self, id: i64, role: &str, version: i64, by: i64) -> sqlx::Result<RoleChange> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        tx.serialise(Table::Users).await?;
        let changed = on!(tx.on(), |e| query!(
            "update users set role = $1, version = version + 1, updated_at = $4, updated_by = $5
             where id = $2 and version = $3
               and ($1 = 'administrator' or (select count(*) from users where role = 'administrator' and id != $2) > 0)",
            role,
            id,
            version,
            now,
            by
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))?;
        tx.commit().await?;
        if changed {
            return Ok(RoleChange::Done);
        }
        let current = on!(self.read(), |e| query_scalar!("select version from users where id = $1", id).fetch_optional(e).await)?;
        Ok(match current {
            None => RoleChange::Gone,
            Some(current) if current != version => RoleChange::Stale,
            Some(_) => RoleChange::Refused,
        })
    }

    /// Deletes a user unless they are the last administrator; false when refused or missing.
    pub async fn delete_user(&self, id: i64) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        tx.serialise(Table::Users).await?;
        let deleted = on!(tx.on(), |e| query!(
            "delete from users
             where id = $1
               and (role != 'administrator' or (select count(*) from users where role = 'administrator' and id != $1) > 0)",
            id
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))?;
        tx.commit().await?;
        Ok(deleted)
    }

    pub async fn set_password_hash(&self, id: i64, password_hash: &str) -> sqlx::Result<()> {
        on!(self.write(), |e| query!("update users set password_hash = $1 where id = $2", password_hash, id)
            .execute(e)
            .await
            .map(drop))
    }

    pub async fn set_email(&self, id: i64, email: &str) -> sqlx::Result<()> {
        let key = email.to_lowercase();
        let now = now_ms();
        on!(self.write(), |e| query!(
            "update users set email = $1, email_key = $2, version = version + 1, updated_at = $3, updated_by = $4 where id = $4",
            email,
            key,
            now,
            id
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Changes a user's name and email address if they are still at `version`; false when
    /// someone changed them since (or removed them). A new address ends the reset links mailed
    /// to the old one, in the same transaction.
    pub async fn set_profile(&self, id: i64, version: i64, name: &str, email: &str, by: i64) -> sqlx::Result<bool> {
        let (key, now) = (email.to_lowercase(), now_ms());
        let mut tx = self.begin().await?;
        let old_key = on!(tx.on(), |e| query_scalar!("select email_key from users where id = $1", id).fetch_optional(e).await)?;
        let changed = on!(tx.on(), |e| query!(
            "update users set name = $1, email = $2, email_key = $3, version = version + 1, updated_at = $4, updated_by = $5
             where id = $6 and version = $7",
            name,
            email,
            key,
            now,
            by,
            id,
            version
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))?;
        if changed && old_key.as_deref() != Some(key.as_str()) {
            on!(tx.on(), |e| query!("delete from password_resets where user_id = $1", id).execute(e).await.map(drop))?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    pub async fn touch_sign_in(&self, id: i64) -> sqlx::Result<()> {
        let now = now_ms();
        on!(self.write(), |e| query!("update users set last_sign_in = $1 where id = $2", now, id).execute(e).await.map(drop))
    }
}
