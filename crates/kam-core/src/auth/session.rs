//! `kam login` sessions: a random token in a file only the OS user can read (mode 0600 on Unix;
//! on Windows the file lies in the user's own profile), its SHA-256 in the database with the OS
//! user and an expiry. A token copied to another database, another OS user or kept past its
//! expiry is refused with `session_invalid`.

use std::path::{Path, PathBuf};

use chrono::Duration;
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::Gate;
use crate::error::{AuthErrorKind, KamError, Result};
use crate::model::User;
use crate::{util, Kam};

/// How long a `kam login` lasts.
pub const SESSION_HOURS: i64 = 12;

/// The OS account running this process (`USER` on Unix, `USERNAME` on Windows).
pub fn os_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default()
}

/// Where `kam login` keeps the token for the database at `db`: `$KAM_SESSION_DIR`, else the
/// platform's per-user local config directory; one file per database.
pub fn session_file(db: &Path) -> PathBuf {
    let dir = match std::env::var_os("KAM_SESSION_DIR").filter(|p| !p.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => directories::ProjectDirs::from("cn", "KAM", "KAM")
            .map(|d| d.config_local_dir().join("sessions"))
            .unwrap_or_else(|| PathBuf::from(".kam-sessions")),
    };
    let canonical = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    let key = hex(&Sha256::digest(canonical.to_string_lossy().as_bytes()))[..16].to_string();
    dir.join(format!("{key}.session"))
}

/// Write a token file readable only by its owner.
pub fn write_token_file(path: &Path, token: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut f = options.open(path)?;
    f.write_all(token.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.trim().as_bytes()))
}

fn invalid() -> KamError {
    KamError::auth(
        AuthErrorKind::SessionInvalid,
        "登录已过期或无效。请重新运行 kam login。",
        "The sign-in has expired or is not valid here. Run kam login again.",
    )
}

impl Kam {
    /// After [`Kam::sign_in`]: a new CLI session for `os_user`; returns the token to keep.
    pub fn create_cli_session(&mut self, os_user: &str) -> Result<String> {
        let me = self.me()?;
        let mut bytes = [0u8; 32];
        rand::Rng::fill(&mut rand::rng(), &mut bytes);
        let token = hex(&bytes);
        let now = self.now();
        self.conn.execute("DELETE FROM cli_sessions WHERE expires_at < ?1", [util::ts(now)])?;
        self.conn.execute(
            "INSERT INTO cli_sessions (token_hash, user_id, os_user, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash(&token), me.id, os_user, util::ts(now), util::ts(now + Duration::hours(SESSION_HOURS))],
        )?;
        Ok(token)
    }

    /// Resume a CLI session: the person it belongs to is signed in.
    pub fn resume_cli_session(&mut self, token: &str, os_user: &str) -> Result<User> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT user_id, os_user, expires_at FROM cli_sessions WHERE token_hash = ?1",
                [token_hash(token)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((user_id, owner, expires)) = row else { return Err(invalid()) };
        if owner != os_user || expires <= util::ts(self.now()) {
            return Err(invalid());
        }
        let user = self.user(&user_id)?;
        if !user.active {
            return Err(invalid());
        }
        self.user_id = user.id.clone();
        self.gate = Gate::SignedIn;
        Ok(user)
    }

    /// `kam logout`: the token stops working.
    pub fn end_cli_session(&mut self, token: &str) -> Result<()> {
        self.conn.execute("DELETE FROM cli_sessions WHERE token_hash = ?1", [token_hash(token)])?;
        self.sign_out();
        Ok(())
    }
}
