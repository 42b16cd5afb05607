//! Everything secret: password hashes, random tokens, and the key that encrypts stored SMTP
//! passwords.

mod key;
mod password_hash;
mod secret_box;
mod token;

pub use key::{encode_key, key_file, load_or_create_key, random_key, write_key_file, KeyError, KeySource};
pub use password_hash::{hash_password, verify_password, PasswordHash};
pub use secret_box::{oauth_state_aad, outbox_aad, refresh_token_aad, settings_aad, settings_secret_aad, SealError, SecretBox};
pub use token::{new_token, token_hash};
