//! The users table.

use super::{now_ms, Db};

#[derive(Clone, Debug)]
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
        sqlx::query_scalar!("select count(*) from users").fetch_one(self.pool()).await
    }

    pub async fn list_users(&self) -> sqlx::Result<Vec<UserRow>> {
        sqlx::query_as!(
            UserRow,
            r#"select u.id as "id!", u.name, u.email, u.password_hash, u.role, u.created_at, u.last_sign_in, u.version,
                      u.updated_at, c.name as "updated_by?"
               from users u left join users c on c.id = u.updated_by
               order by u.email_key"#
        )
        .fetch_all(self.pool())
        .await
    }

    pub async fn user_by_id(&self, id: i64) -> sqlx::Result<Option<UserRow>> {
        sqlx::query_as!(
            UserRow,
            r#"select u.id as "id!", u.name, u.email, u.password_hash, u.role, u.created_at, u.last_sign_in, u.version,
                      u.updated_at, c.name as "updated_by?"
               from users u left join users c on c.id = u.updated_by
               where u.id = ?"#,
            id
        )
        .fetch_optional(self.pool())
        .await
    }

    pub async fn user_by_email(&self, email_key: &str) -> sqlx::Result<Option<UserRow>> {
        sqlx::query_as!(
            UserRow,
            r#"select u.id as "id!", u.name, u.email, u.password_hash, u.role, u.created_at, u.last_sign_in, u.version,
                      u.updated_at, c.name as "updated_by?"
               from users u left join users c on c.id = u.updated_by
               where u.email_key = ?"#,
            email_key
        )
        .fetch_optional(self.pool())
        .await
    }

    pub async fn insert_user(&self, name: &str, email: &str, password_hash: &str, role: &str) -> sqlx::Result<i64> {
        let (key, now) = (email.to_lowercase(), now_ms());
        let done = sqlx::query!(
            "insert into users (name, email, email_key, password_hash, role, created_at) values (?, ?, ?, ?, ?, ?)",
            name,
            email,
            key,
            password_hash,
            role,
            now
        )
        .execute(self.writer())
        .await?;
        Ok(done.last_insert_rowid())
    }

    /// Changes a role if the user is still at `version` and an administrator remains.
    pub async fn set_role(&self, id: i64, role: &str, version: i64, by: i64) -> sqlx::Result<RoleChange> {
        let now = now_ms();
        let done = sqlx::query!(
            "update users set role = ?1, version = version + 1, updated_at = ?4, updated_by = ?5
             where id = ?2 and version = ?3
               and (?1 = 'administrator' or (select count(*) from users where role = 'administrator' and id != ?2) > 0)",
            role,
            id,
            version,
            now,
            by
        )
        .execute(self.writer())
        .await?;
        if done.rows_affected() == 1 {
            return Ok(RoleChange::Done);
        }
        let current = sqlx::query_scalar!("select version from users where id = ?", id).fetch_optional(self.pool()).await?;
        Ok(match current {
            None => RoleChange::Gone,
            Some(current) if current != version => RoleChange::Stale,
            Some(_) => RoleChange::Refused,
        })
    }

    /// Deletes a user unless they are the last administrator; false when refused or missing.
    pub async fn delete_user(&self, id: i64) -> sqlx::Result<bool> {
        let done = sqlx::query!(
            "delete from users
             where id = ?1
               and (role != 'administrator' or (select count(*) from users where role = 'administrator' and id != ?1) > 0)",
            id
        )
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn set_password_hash(&self, id: i64, password_hash: &str) -> sqlx::Result<()> {
        sqlx::query!("update users set password_hash = ? where id = ?", password_hash, id).execute(self.writer()).await?;
        Ok(())
    }

    pub async fn set_email(&self, id: i64, email: &str) -> sqlx::Result<()> {
        let key = email.to_lowercase();
        let now = now_ms();
        sqlx::query!(
            "update users set email = ?1, email_key = ?2, version = version + 1, updated_at = ?3, updated_by = ?4 where id = ?4",
            email,
            key,
            now,
            id
        )
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn touch_sign_in(&self, id: i64) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query!("update users set last_sign_in = ? where id = ?", now, id).execute(self.writer()).await?;
        Ok(())
    }
}
