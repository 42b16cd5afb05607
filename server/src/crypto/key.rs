//! Where the encryption key comes from: `MAILROOM_SECRET_KEY` (base64 of 32 bytes), or the
//! file `secret.key` in the data directory, created with mode 0600 on first start. Never the
//! database: a stolen database file alone reveals no password.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    Env,
    File(PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env => f.write_str("MAILROOM_SECRET_KEY"),
            KeySource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0} must hold exactly 32 bytes in base64 (for example the output of `openssl rand -base64 32`).")]
    Malformed(KeySource),
    #[error("cannot read {path}: {error}")]
    Unreadable { path: PathBuf, error: std::io::Error },
    #[error("cannot create the key file {path}: {error}")]
    Uncreatable { path: PathBuf, error: std::io::Error },
    #[error("the database holds encrypted SMTP passwords but the key file {0} is missing. Restore it from your backup (or set MAILROOM_SECRET_KEY to the key); nothing was changed.")]
    Missing(PathBuf),
    #[error("the key in {0} does not match the one the database was encrypted with. Restore the right key from your backup; nothing was changed.")]
    Mismatch(KeySource),
}

pub fn key_file(data_dir: &Path) -> PathBuf {
    data_dir.join("secret.key")
}

fn decode(text: &str, source: KeySource) -> Result<[u8; 32], KeyError> {
    STANDARD.decode(text.trim()).ok().and_then(|bytes| bytes.try_into().ok()).ok_or(KeyError::Malformed(source))
}

/// The configured key, if there is one yet.
pub fn load_key(env: Option<&str>, data_dir: &Path) -> Result<Option<([u8; 32], KeySource)>, KeyError> {
    if let Some(text) = env {
        return decode(text, KeySource::Env).map(|key| Some((key, KeySource::Env)));
    }
    let path = key_file(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => decode(&text, KeySource::File(path.clone())).map(|key| Some((key, KeySource::File(path)))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(KeyError::Unreadable { path, error }),
    }
}

pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key
}

pub fn encode_key(key: &[u8; 32]) -> String {
    STANDARD.encode(key)
}

/// Writes a key file readable by its owner only; refuses to overwrite one.
pub fn write_key_file(path: &Path, key: &[u8; 32]) -> Result<(), KeyError> {
    let uncreatable = |error| KeyError::Uncreatable { path: path.to_owned(), error };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(uncreatable)?;
    file.write_all(format!("{}\n", encode_key(key)).as_bytes()).map_err(uncreatable)?;
    file.sync_all().map_err(uncreatable)
}

/// The key from the environment or the key file, creating the file when there is neither.
pub fn load_or_create_key(env: Option<&str>, data_dir: &Path, may_create: bool) -> Result<([u8; 32], KeySource), KeyError> {
    if let Some(found) = load_key(env, data_dir)? {
        return Ok(found);
    }
    let path = key_file(data_dir);
    if !may_create {
        return Err(KeyError::Missing(path));
    }
    let key = random_key();
    write_key_file(&path, &key)?;
    Ok((key, KeySource::File(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_private_key_file_once_and_reads_it_back() {
        let dir = std::env::temp_dir().join(format!("mailroom-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let _ = std::fs::remove_file(key_file(&dir));
        let (key, source) = load_or_create_key(None, &dir, true).unwrap();
        assert_eq!(source, KeySource::File(key_file(&dir)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_file(&dir)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(load_or_create_key(None, &dir, true).unwrap().0, key);
        assert!(write_key_file(&key_file(&dir), &key).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_file_is_an_error_when_data_is_encrypted() {
        let dir = std::env::temp_dir().join(format!("mailroom-nokey-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(matches!(load_or_create_key(None, &dir, false), Err(KeyError::Missing(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn env_key_must_be_32_bytes_of_base64() {
        let good = encode_key(&[1u8; 32]);
        assert_eq!(load_key(Some(&good), Path::new("/nonexistent")).unwrap().unwrap().1, KeySource::Env);
        assert!(matches!(load_key(Some("c2hvcnQ="), Path::new("/x")), Err(KeyError::Malformed(KeySource::Env))));
    }
}
