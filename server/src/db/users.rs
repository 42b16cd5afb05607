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
}

impl Db {
    pub async fn count_users(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar!("select count(*) from users").fetch_one(self.pool()).await
    }

    pub async fn list_users(&self) -> sqlx::Result<Vec<UserRow>> {
        sqlx::query_as!(
            UserRow,
            r#"select id as "id!", name, email, password_hash, role, created_at, last_sign_in from users order by email_key"#
        )
        .fetch_all(self.pool())
        .await
    }

    pub async fn user_by_id(&self, id: i64) -> sqlx::Result<Option<UserRow>> {
        sqlx::query_as!(
            UserRow,
            r#"select id as "id!", name, email, password_hash, role, created_at, last_sign_in from users where id = ?"#,
            id
        )
        .fetch_optional(self.pool())
        .await
    }

    pub async fn user_by_email(&self, email_key: &str) -> sqlx::Result<Option<UserRow>> {
        sqlx::query_as!(
            UserRow,
            r#"select id as "id!", name, email, password_hash, role, created_at, last_sign_in from users where email_key = ?"#,
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

    /// Changes a role unless that would leave no administrator; false when refused.
    pub async fn set_role(&self, id: i64, role: &str) -> sqlx::Result<bool> {
        let done = sqlx::query!(
            "update users set role = ?1
             where id = ?2
               and (?1 = 'administrator' or (select count(*) from users where role = 'administrator' and id != ?2) > 0)",
            role,
            id
        )
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
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
        sqlx::query!("update users set email = ?, email_key = ? where id = ?", email, key, id).execute(self.writer()).await?;
        Ok(())
    }

    pub async fn touch_sign_in(&self, id: i64) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query!("update users set last_sign_in = ? where id = ?", now, id).execute(self.writer()).await?;
        Ok(())
    }
}
