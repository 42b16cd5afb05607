//! OAuth2 "Connect": the pending sign-ins (oauth_states) and the refresh tokens they yield.

use super::{now_ms, on, Db, Tx};

pub struct OAuthState {
    pub settings_id: i64,
    pub settings_version: i64,
    pub verifier: Vec<u8>,
    pub user_id: i64,
}

/// How long the provider's sign-in may take.
pub const STATE_LIFETIME_MS: i64 = 10 * 60 * 1000;

impl Db {
    pub async fn insert_oauth_state(&self, state_hash: &str, s: &OAuthState) -> sqlx::Result<()> {
        let now = now_ms();
        on!(self.write(), |e| query!(
            "insert into oauth_states (state_hash, settings_id, settings_version, verifier, user_id, created_at)
             values ($1, $2, $3, $4, $5, $6)",
            state_hash,
            s.settings_id,
            s.settings_version,
            s.verifier,
            s.user_id,
            now
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Takes (deletes and returns) a pending sign-in that has not expired; forgets expired ones.
    pub async fn take_oauth_state(&self, state_hash: &str) -> sqlx::Result<Option<OAuthState>> {
        let oldest = now_ms() - STATE_LIFETIME_MS;
        on!(self.write(), |e| query!("delete from oauth_states where created_at < $1", oldest).execute(e).await.map(drop))?;
        on!(self.write(), |e| {
            query_as!(
            OAuthState,
            r#"delete from oauth_states where state_hash = $1
               returning settings_id as "settings_id!", settings_version as "settings_version!", verifier as "verifier!", user_id as "user_id!""#,
            state_hash
        )
        .fetch_optional(e)
        .await
        })
    }

    /// Stores a refresh token got by "Connect", if the settings are still at `version`.
    pub async fn set_refresh_token(&self, id: i64, version: i64, sealed: &[u8], by: &str) -> sqlx::Result<bool> {
        let now = now_ms();
        on!(self.write(), |e| query!(
            "update smtp_settings set refresh_token = $1, connected_at = $2, connected_by = $3 where id = $4 and version = $5",
            sealed,
            now,
            by,
            id,
            version
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))
    }

    /// Forgets the refresh token (the settings it was granted for changed).
    pub async fn clear_refresh_token(tx: &mut Tx, id: i64) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!(
            "update smtp_settings set refresh_token = null, connected_at = null, connected_by = null where id = $1",
            id
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Every stored refresh token as (settings id, what it is bound to, sealed), for key rotation.
    pub async fn all_refresh_tokens(tx: &mut Tx) -> sqlx::Result<Vec<(i64, Vec<u8>, Vec<u8>)>> {
        on!(tx.on(), |e| {
            query!(
                r#"select id as "id!", host, port, username, token_url, client_id, refresh_token as "refresh_token!"
                   from smtp_settings where refresh_token is not null"#
            )
            .map(|r| {
                let aad = super::settings::refresh_aad(
                    r.id,
                    &r.host,
                    r.port,
                    &r.username,
                    r.token_url.as_deref(),
                    r.client_id.as_deref(),
                );
                (r.id, aad, r.refresh_token)
            })
            .fetch_all(e)
            .await
        })
    }

    pub async fn set_refresh_token_sealed(tx: &mut Tx, id: i64, sealed: &[u8]) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!("update smtp_settings set refresh_token = $1 where id = $2", sealed, id)
            .execute(e)
            .await
            .map(drop))
    }

    /// Pending sign-ins hold verifiers sealed under the old key: a key rotation drops them.
    pub async fn clear_oauth_states(tx: &mut Tx) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!("delete from oauth_states").execute(e).await.map(drop))
    }
}
