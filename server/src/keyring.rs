//! Unlocking the stored secrets at start-up, and rotating the key. A check value sealed with
//! the key is kept in the database, so a wrong or missing key is caught before anything is
//! read or written.

use secrecy::ExposeSecret;
use std::collections::HashMap;

use crate::config::Config;
use crate::crypto::{
    encode_key, key_file, load_or_create_key, outbox_aad, random_key, write_key_file, KeyError, KeySource, SecretBox,
};
use crate::db::Db;

const CHECK_KEY: &str = "key_check";
const CHECK_AAD: &[u8] = b"mailroom/key-check/v1";
const CHECK_TEXT: &str = "mailroom key check";

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("the database could not be read or written: {0}")]
    Db(#[from] sqlx::Error),
    #[error("stored secret {0} does not decrypt with the current key; the database may have been altered. Nothing was changed.")]
    Corrupt(i64),
}

pub async fn unlock(db: &Db, config: &Config) -> Result<SecretBox, KeyringError> {
    let check = db.meta_get(CHECK_KEY).await?;
    let (key, source) =
        load_or_create_key(config.secret_key.as_ref().map(ExposeSecret::expose_secret), &config.data_dir, check.is_none())?;
    let secrets = SecretBox::new(&key);
    let stored = match check {
        Some(sealed) => sealed,
        // Instances starting together on a new database: the first check value written wins,
        // and the others must open it with their key too.
        None if db.meta_set_first(CHECK_KEY, &secrets.seal(CHECK_TEXT, CHECK_AAD)).await? => Vec::new(),
        None => db.meta_get(CHECK_KEY).await?.unwrap_or_default(),
    };
    if !stored.is_empty() && secrets.open(&stored, CHECK_AAD).is_err() {
        return Err(KeyError::Mismatch(source).into());
    }
    tracing::info!(key = %source, "secret key loaded");
    Ok(secrets)
}

/// Re-encrypts every stored secret under a new key in one transaction. Returns where the new
/// key is: the key file (replaced atomically), or the key itself to put in MAILROOM_SECRET_KEY.
pub async fn rotate(db: &Db, config: &Config) -> Result<String, KeyringError> {
    let old = unlock(db, config).await?;
    let (_, source) = load_or_create_key(config.secret_key.as_ref().map(ExposeSecret::expose_secret), &config.data_dir, false)?;
    let new_key = random_key();
    let new = SecretBox::new(&new_key);
    let staged = key_file(&config.data_dir).with_extension("key.new");
    if source != KeySource::Env {
        let _ = std::fs::remove_file(&staged);
        write_key_file(&staged, &new_key)?;
    }
    let mut tx = db.begin().await?;
    // The history tells passwords apart by their sealed bytes, so a password kept both in the
    // settings and in their versions is resealed once and written back identically everywhere.
    let mut resealed: HashMap<(Vec<u8>, Vec<u8>), Vec<u8>> = HashMap::new();
    let mut reseal_once = |id: i64, aad: Vec<u8>, sealed: Vec<u8>| -> Result<Vec<u8>, KeyringError> {
        if let Some(moved) = resealed.get(&(aad.clone(), sealed.clone())) {
            return Ok(moved.clone());
        }
        let moved = old.reseal(&new, &sealed, &aad).map_err(|_| KeyringError::Corrupt(id))?;
        resealed.insert((aad, sealed), moved.clone());
        Ok(moved)
    };
    for (id, aad, sealed) in Db::all_settings_secrets(&mut tx).await? {
        let moved = reseal_once(id, aad, sealed)?;
        Db::set_settings_secret(&mut tx, id, Some(&moved)).await?;
    }
    for (id, number, aad, sealed) in Db::all_revision_secrets(&mut tx).await? {
        let moved = reseal_once(id, aad, sealed)?;
        Db::set_revision_secret(&mut tx, id, number, &moved).await?;
    }
    for (id, aad, sealed) in Db::all_refresh_tokens(&mut tx).await? {
        let moved = old.reseal(&new, &sealed, &aad).map_err(|_| KeyringError::Corrupt(id))?;
        Db::set_refresh_token_sealed(&mut tx, id, &moved).await?;
    }
    Db::clear_oauth_states(&mut tx).await?;
    for (id, sealed) in Db::all_mail_messages(&mut tx).await? {
        let moved = old.reseal(&new, &sealed, &outbox_aad(id)).map_err(|_| KeyringError::Corrupt(id))?;
        Db::set_mail_message(&mut tx, id, &moved).await?;
    }
    Db::meta_set_in(&mut tx, CHECK_KEY, &new.seal(CHECK_TEXT, CHECK_AAD)).await?;
    tx.commit().await?;
    match source {
        KeySource::File(path) => {
            std::fs::rename(&staged, &path).map_err(|error| KeyError::Uncreatable { path: path.clone(), error })?;
            Ok(format!("The key in {} was replaced. Back up the new file now; the old key no longer opens this database.", path.display()))
        }
        KeySource::Env => Ok(format!(
            "Set MAILROOM_SECRET_KEY to this new key before the next start, and back it up; the old key no longer opens this database:\n{}",
            encode_key(&new_key)
        )),
    }
}
