//! Password reset by a one-time code (issue 11): an administrator at head office issues a code
//! for a person and tells it to them (by phone); only its argon2id hash is stored, and it
//! travels to that person's laptop in the next return file (`password_resets`, synced to the
//! person's own device). There, before signing in, the code sets a new password — once, within
//! seven days. A wrong code counts as a wrong password.

use chrono::Duration;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::password;
use crate::error::{AuthErrorKind, KamError, Result};
use crate::model::User;
use crate::{util, Kam};

/// How long a reset code stays valid.
pub const RESET_DAYS: i64 = 7;

/// A code just issued: shown once to the administrator, never stored.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PasswordReset {
    pub user: User,
    /// Ten characters of Crockford base32, in two groups (`K7Q2M-9XW4P`).
    pub code: String,
    pub expires_at: String,
}

fn new_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 10];
    rand::Rng::fill(&mut rand::rng(), &mut bytes);
    let c: String = bytes.iter().map(|b| ALPHABET[(*b & 31) as usize] as char).collect();
    format!("{}-{}", &c[..5], &c[5..])
}

/// What a person types: spaces and dashes ignored, lower case accepted, I/L → 1, O → 0.
fn normalize_code(code: &str) -> String {
    let c: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        })
        .collect();
    if c.len() == 10 {
        format!("{}-{}", &c[..5], &c[5..])
    } else {
        c
    }
}

impl Kam {
    /// An administrator issues a one-time reset code for `user_id` (head office).
    pub fn issue_password_reset(&mut self, user_id: &str) -> Result<PasswordReset> {
        self.only_head_office("密码重置码", "password reset codes")?;
        self.require_admin("签发密码重置码", "issue password reset codes")?;
        let user = self.user(user_id)?;
        let code = new_code();
        let hash = password::hash(&code)?;
        let expires_at = util::ts(self.now() + Duration::days(RESET_DAYS));
        let uid = user.id.clone();
        let exp = expires_at.clone();
        self.write(move |tx, ctx| {
            tx.execute(
                "INSERT INTO password_resets (id, user_id, code_hash, expires_at, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
                params![util::new_id(), uid, hash, exp, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        Ok(PasswordReset { user, code, expires_at })
    }

    /// Before signing in: a reset code head office issued sets a new password for `who` and
    /// signs them in. Refused (`wrong_password`) for a wrong, used or expired code.
    pub fn reset_password_with_code(&mut self, who: &str, code: &str, new_password: &str) -> Result<User> {
        let user = self.resolve_user(who)?;
        password::check_new("new_password", new_password)?;
        self.check_throttle(&user.id)?;
        let now = util::ts(self.now());
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.code_hash FROM password_resets r
             WHERE r.user_id = ?1 AND r.deleted_at IS NULL AND r.expires_at > ?2
               AND NOT EXISTS (SELECT 1 FROM password_resets_used u WHERE u.reset_id = r.id)
             ORDER BY r.created_at DESC",
        )?;
        let open: Vec<(String, String)> =
            stmt.query_map(params![user.id, now], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        let typed = normalize_code(code);
        for (id, hash) in open {
            if password::verify(&typed, &hash)?.0 {
                self.conn.execute(
                    "INSERT INTO password_resets_used (reset_id, used_at) VALUES (?1, ?2)",
                    params![id, now],
                )?;
                self.store_password(&user.id, new_password)?;
                return self.sign_in(&user.id, new_password);
            }
        }
        self.count_failure(&user.id)?;
        Err(KamError::auth(
            AuthErrorKind::WrongPassword,
            "重置码不对、已用过或已过期。请核对总部提供的重置码，或请总部重新签发。",
            "The reset code is wrong, used or expired. Check the code head office gave you, or ask for a new one.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_people_type_them() {
        let c = new_code();
        assert_eq!(c.len(), 11);
        assert_eq!(normalize_code(&c.to_lowercase().replace('-', " ")), c);
        assert_eq!(normalize_code("k7q2m 9xw4p"), "K7Q2M-9XW4P");
        assert_eq!(normalize_code("OIL00-11111"), "01100-11111");
    }
}
