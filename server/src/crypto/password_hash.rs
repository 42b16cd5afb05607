//! Sign-in passwords, hashed with Argon2id (m=19 MiB, t=2, p=1: OWASP ASVS 5.0, and the
//! argon2 crate's defaults). The hash type has no `Serialize`, so it cannot reach a response.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// A PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$...`.
#[derive(Clone)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Slow on purpose (tens of milliseconds); call it off the async threads.
pub fn hash_password(password: &str) -> PasswordHash {
    let salt = SaltString::generate(&mut OsRng);
    let phc = argon2().hash_password(password.as_bytes(), &salt).expect("hashing with a fresh salt cannot fail");
    give_back_freed_memory();
    PasswordHash(phc.to_string())
}

pub fn verify_password(hash: &PasswordHash, password: &str) -> bool {
    let right =
        argon2::PasswordHash::new(&hash.0).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok());
    give_back_freed_memory();
    right
}

/// Each hash frees a 19 MiB block. mimalloc (the server's allocator) hands freed memory back
/// to the system only when the freeing thread allocates again, and the blocking thread that
/// hashed may then sit idle: the resident size would keep one block per such thread.
fn give_back_freed_memory() {
    // SAFETY: collects this thread's own mimalloc heap; nothing else is touched.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_right_password_and_uses_asvs_parameters() {
        let hash = hash_password("correct horse battery");
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterx"));
        assert!(!format!("{hash:?}").contains("argon2id"));
    }
}
