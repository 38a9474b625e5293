//! Passwords: argon2id through the `argon2` crate (no home-made cryptography).
//!
//! Parameters: argon2id, 64 MiB, 2 passes, 1 lane — chosen so that signing in stays under the
//! 500 ms goal on a 2-core laptop (measured by `kam bench sign-in`, see README). The PHC string
//! stored in `credentials.password_hash` carries its parameters, so raising them later keeps old
//! passwords valid (they are re-hashed at the next successful sign-in).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{KamError, Result};

/// Memory cost in KiB, passes and lanes.
const M_COST_KIB: u32 = 64 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest, in characters (argon2 takes any length; this bounds the work per try).
pub const MAX_PASSWORD_CHARS: usize = 128;

fn hasher() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Check a new password against the rules, with messages for the field `field`.
pub fn check_new(field: &str, password: &str) -> Result<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(KamError::invalid(
            field,
            format!("密码至少 {MIN_PASSWORD_CHARS} 个字符。请换一个更长的密码。"),
            format!("A password needs at least {MIN_PASSWORD_CHARS} characters. Choose a longer one."),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(KamError::invalid(
            field,
            format!("密码最多 {MAX_PASSWORD_CHARS} 个字符。"),
            format!("A password may have at most {MAX_PASSWORD_CHARS} characters."),
        ));
    }
    if password.trim().is_empty() || password.chars().any(char::is_control) {
        return Err(KamError::invalid(
            field,
            "密码不能全是空格，也不能含控制字符。",
            "A password cannot be only spaces or contain control characters.",
        ));
    }
    Ok(())
}

/// The argon2id PHC string for `password`, with a fresh random salt.
pub fn hash(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::Rng::fill(&mut rand::rng(), &mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| internal(&e.to_string()))?;
    Ok(hasher().hash_password(password.as_bytes(), &salt).map_err(|e| internal(&e.to_string()))?.to_string())
}

/// Whether `password` matches the stored PHC string; and whether it should be re-hashed
/// because it was stored with other parameters.
pub fn verify(password: &str, stored: &str) -> Result<(bool, bool)> {
    let parsed = PasswordHash::new(stored).map_err(|e| internal(&e.to_string()))?;
    let ok = hasher().verify_password(password.as_bytes(), &parsed).is_ok();
    let current = Params::try_from(&parsed)
        .map(|p| p.m_cost() == M_COST_KIB && p.t_cost() == T_COST && p.p_cost() == P_COST)
        .unwrap_or(false);
    Ok((ok, ok && !current))
}

fn internal(reason: &str) -> KamError {
    KamError::invalid(
        "password",
        format!("密码记录无法读取（{reason}）。请让管理员重设密码。"),
        format!("The stored password cannot be read ({reason}). Ask an administrator to reset it."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=65536,t=2,p=1$"), "{h}");
        assert_eq!(verify("correct horse", &h).unwrap(), (true, false));
        assert_eq!(verify("correct hors", &h).unwrap(), (false, false));
        assert_ne!(hash("correct horse").unwrap(), h, "a fresh salt each time");
    }

    #[test]
    fn older_parameters_still_verify_and_ask_for_a_rehash() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8 * 1024, 1, 1, None).unwrap());
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let h = weak.hash_password(b"password1", &salt).unwrap().to_string();
        assert_eq!(verify("password1", &h).unwrap(), (true, true));
    }

    #[test]
    fn rules_for_new_passwords() {
        assert_eq!(check_new("password", "short").unwrap_err().to_dto().field.as_deref(), Some("password"));
        assert!(check_new("password", "        ").is_err());
        assert!(check_new("password", "pass\u{7}word").is_err());
        assert!(check_new("password", &"x".repeat(129)).is_err());
        assert!(check_new("password", "八个字符的中文密码").is_ok());
    }
}
