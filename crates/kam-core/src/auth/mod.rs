//! Who is acting (issue 11): signing in with a password, the gate in front of every write, the
//! first administrator of a fresh database, and `kam login` sessions (`session.rs`).
//!
//! A [`Kam`] opened with [`Kam::open_locked`] (the window and the CLI) is *locked*: every write
//! and every command of the window is refused with `not_signed_in` until [`Kam::sign_in`] (or a
//! CLI session) names the person acting. [`Kam::open`] is for trusted in-process callers — tests,
//! benchmarks — and acts as the last signed-in person; neither the window nor the CLI calls it
//! (a test in src-tauri and kam-cli checks).

pub mod password;
pub mod reset;
pub mod session;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AuthErrorKind, KamError, Result};
use crate::model::User;
use crate::{db, util, Kam};

/// Wrong passwords allowed in a row before each further try has to wait.
pub const FREE_ATTEMPTS: u32 = 5;
/// The wait after the fifth wrong password, doubling with each further one (capped at 15 min).
pub const FIRST_DELAY_SECS: i64 = 30;
const MAX_DELAY_SECS: i64 = 15 * 60;
/// The idle lock unless head office or the user sets another.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;

/// Five wrong tries in a row make each further one wait 30 s, doubling up to 15 minutes.
fn wait_after_failures(failed: u32, last_failed: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    if failed < FREE_ATTEMPTS {
        return Ok(());
    }
    let wait = (FIRST_DELAY_SECS << (failed - FREE_ATTEMPTS).min(10)).min(MAX_DELAY_SECS);
    let since = last_failed
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| (now - t.with_timezone(&chrono::Utc)).num_seconds())
        .unwrap_or(i64::MAX);
    if since < wait {
        let left = wait - since.max(0);
        return Err(KamError::auth(
            AuthErrorKind::TooManyAttempts,
            format!("密码已连续输错 {failed} 次。请 {left} 秒后再试；忘记密码请找管理员重设。"),
            format!("{failed} wrong passwords in a row. Try again in {left} s; if you forgot it, ask an administrator to reset it."),
        ));
    }
    Ok(())
}

fn setup_needed() -> KamError {
    KamError::auth(
        AuthErrorKind::SetupNeeded,
        "本数据库还没有管理员。请先创建第一个总部管理员（kam setup），或导入总部的注册文件。",
        "This database has no administrator yet. Create the first head-office administrator (kam setup) or import head office's enrollment file.",
    )
}

/// The person head office enrolled this field device for (the last signed in elsewhere).
pub(crate) fn enrolled_user(conn: &rusqlite::Connection) -> Result<String> {
    Ok(match db::setting(conn, "enrolled_user_id")? {
        Some(id) => id,
        None => db::setting(conn, "current_user_id")?.unwrap_or_default(),
    })
}

/// Whether this `Kam` may act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// In-process callers (tests, benchmarks): act as the last signed-in person.
    Trusted,
    /// The window or the CLI before signing in (or after the idle lock).
    Locked,
    /// Someone signed in with their password or a CLI session.
    SignedIn,
}

/// What the sign-in screen needs.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SignInState {
    /// A fresh database: create the first head-office administrator (or import an enrollment file).
    pub setup_needed: bool,
    /// An enrolled rep's or manager's laptop: only the enrolled person signs in here.
    pub field_device: bool,
    /// Who may sign in on this installation.
    pub people: Vec<SignInPerson>,
    /// The person who signed in last (preselected).
    pub last_user_id: Option<String>,
    /// Who is signed in now, if anyone.
    pub signed_in: Option<User>,
    /// Minutes without input before the window locks itself.
    pub idle_lock_minutes: u32,
}

/// Someone who may sign in here.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SignInPerson {
    pub user: User,
    /// False for an enrolled person's first sign-in: the password typed then becomes theirs.
    pub has_password: bool,
}

impl Kam {
    /// Open for a person who must sign in first (the window, the CLI).
    pub fn open_locked(path: &std::path::Path) -> Result<Kam> {
        let mut kam = Kam::open(path)?;
        kam.gate = Gate::Locked;
        Ok(kam)
    }

    /// Refused with `not_signed_in` unless someone is signed in (or the caller is trusted);
    /// `setup_needed` on a fresh database.
    pub fn require_signed_in(&self) -> Result<()> {
        if self.gate == Gate::Locked {
            if self.setup_needed()? {
                return Err(setup_needed());
            }
            return Err(KamError::auth(AuthErrorKind::NotSignedIn, "请先登录。", "Sign in first."));
        }
        Ok(())
    }

    /// An in-process caller opened with [`Kam::open`] (tests, benchmarks): passes role checks
    /// other than approvals, which always record who approved.
    pub(crate) fn is_trusted(&self) -> bool {
        self.gate == Gate::Trusted
    }

    /// The person acting: every new row carries them as its author, and their role decides
    /// what they may do.
    pub fn me(&self) -> Result<User> {
        self.require_signed_in()?;
        self.user(&self.user_id)
    }

    /// Whether nobody has a password yet on an installation that is not an enrolled field
    /// device: the first administrator must be created.
    pub fn setup_needed(&self) -> Result<bool> {
        let any: bool = self.conn.query_row("SELECT EXISTS (SELECT 1 FROM credentials)", [], |r| r.get(0))?;
        Ok(!any && !crate::sync::is_field_device(&self.conn)?)
    }

    /// What the sign-in screen shows.
    pub fn sign_in_state(&self) -> Result<SignInState> {
        let field_device = crate::sync::is_field_device(&self.conn)?;
        let mut people = Vec::new();
        if field_device {
            let enrolled = self.enrolled_user_id()?;
            let user = self.user(&enrolled)?;
            people.push(SignInPerson { has_password: self.has_password(&user.id)?, user });
        } else {
            for user in self.users()?.into_iter().filter(|u| u.active) {
                if self.has_password(&user.id)? {
                    people.push(SignInPerson { user, has_password: true });
                }
            }
        }
        let signed_in = match self.gate {
            Gate::SignedIn => Some(self.user(&self.user_id)?),
            _ => None,
        };
        Ok(SignInState {
            setup_needed: self.setup_needed()?,
            field_device,
            people,
            last_user_id: db::setting(&self.conn, "current_user_id")?,
            signed_in,
            idle_lock_minutes: self.idle_lock_minutes()?,
        })
    }

    /// A fresh database: the person at the keyboard becomes its first head-office administrator.
    /// Refused once anyone has a password, and on an enrolled field device.
    pub fn create_first_admin(&mut self, name: &str, password: &str) -> Result<User> {
        if !self.setup_needed()? {
            return Err(KamError::wrong_state(
                "本数据库已有管理员。请用自己的账号登录。",
                "This database already has an administrator. Sign in with your own account.",
            ));
        }
        let name = crate::validate::required("name", "姓名", "Name", name, 50)?;
        password::check_new("password", password)?;
        self.unique_user_name(&name, Some(&self.user_id.clone()))?;
        let hash = password::hash(password)?;
        let me = self.user_id.clone();
        self.write_unchecked(|tx, ctx| {
            tx.execute(
                "UPDATE users SET name = ?2, role = 'head_office', is_admin = 1, active = 1, updated_at = ?3,
                    updated_by = ?1 WHERE id = ?1",
                params![me, name, ctx.now],
            )?;
            tx.execute(
                "INSERT INTO credentials (user_id, password_hash, changed_at) VALUES (?1, ?2, ?3)",
                params![me, hash, ctx.now],
            )?;
            Ok(())
        })?;
        self.gate = Gate::SignedIn;
        self.user(&me)
    }

    /// Sign in as `who` (an id, or a name unique among active people). On an enrolled field
    /// device only the enrolled person may, and their first sign-in sets their password.
    /// Five wrong passwords in a row make each further try wait, 30 s doubling up to 15 min.
    pub fn sign_in(&mut self, who: &str, password: &str) -> Result<User> {
        if self.setup_needed()? {
            return Err(setup_needed());
        }
        let user = self.resolve_user(who)?;
        if !user.active {
            return Err(KamError::forbidden(
                format!("{} 已停用，不能登录。", user.name),
                format!("{} is inactive and cannot sign in.", user.name),
            ));
        }
        if crate::sync::is_field_device(&self.conn)? && user.id != self.enrolled_user_id()? {
            return Err(KamError::forbidden(
                format!("本机注册给了其他人，{} 不能在这台设备上登录。", user.name),
                format!("This device is enrolled for someone else; {} cannot sign in here.", user.name),
            ));
        }
        let now = self.now();
        let stored: Option<(String, u32, Option<String>)> = self
            .conn
            .query_row(
                "SELECT password_hash, failed_count, last_failed_at FROM credentials WHERE user_id = ?1",
                [&user.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((hash, failed, last_failed)) = stored else {
            if crate::sync::is_field_device(&self.conn)? {
                // The enrolled person's first sign-in on their laptop: holding the enrollment
                // file was the proof; the password typed now becomes theirs.
                password::check_new("password", password)?;
                let hash = password::hash(password)?;
                self.conn.execute(
                    "INSERT INTO credentials (user_id, password_hash, changed_at) VALUES (?1, ?2, ?3)",
                    params![user.id, hash, util::ts(now)],
                )?;
                return self.signed_in_as(user);
            }
            return Err(KamError::forbidden(
                format!("{} 还没有密码，不能登录。请让管理员在 设置 → 人员 中为其设置密码。", user.name),
                format!("{} has no password yet. Ask an administrator to set one in Settings → People.", user.name),
            ));
        };
        wait_after_failures(failed, last_failed.as_deref(), now)?;
        let (ok, rehash) = password::verify(password, &hash)?;
        if !ok {
            self.count_failure(&user.id)?;
            let left = FREE_ATTEMPTS.saturating_sub(failed + 1);
            return Err(KamError::auth(
                AuthErrorKind::WrongPassword,
                format!("密码不对。请注意大小写和输入法；再错 {left} 次后每次需等待。"),
                format!("Wrong password. Check Caps Lock and the input method; after {left} more wrong tries each try must wait."),
            ));
        }
        // Write only what changed, so that signing in for a dry run leaves the file as it was.
        if failed > 0 || rehash {
            let new_hash = if rehash { Some(password::hash(password)?) } else { None };
            self.conn.execute(
                "UPDATE credentials SET failed_count = 0, last_failed_at = NULL,
                    password_hash = coalesce(?2, password_hash) WHERE user_id = ?1",
                params![user.id, new_hash],
            )?;
        }
        self.signed_in_as(user)
    }

    /// One more wrong password (or reset code) for `user_id`.
    pub(crate) fn count_failure(&self, user_id: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE credentials SET failed_count = failed_count + 1, last_failed_at = ?2 WHERE user_id = ?1",
            params![user_id, util::ts(self.now())],
        )?;
        Ok(())
    }

    /// Refused with `too_many_attempts` while `user_id` must wait after wrong tries.
    pub(crate) fn check_throttle(&self, user_id: &str) -> Result<()> {
        let row: Option<(u32, Option<String>)> = self
            .conn
            .query_row("SELECT failed_count, last_failed_at FROM credentials WHERE user_id = ?1", [user_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        match row {
            Some((failed, last)) => wait_after_failures(failed, last.as_deref(), self.now()),
            None => Ok(()),
        }
    }

    fn signed_in_as(&mut self, user: User) -> Result<User> {
        if db::setting(&self.conn, "current_user_id")?.as_deref() != Some(user.id.as_str()) {
            db::set_setting(&self.conn, "current_user_id", &user.id)?;
        }
        self.user_id = user.id.clone();
        self.gate = Gate::SignedIn;
        Ok(user)
    }

    /// Lock: nothing more happens until someone signs in again (the idle lock, 退出登录).
    pub fn sign_out(&mut self) {
        if self.gate == Gate::SignedIn {
            self.gate = Gate::Locked;
        }
    }

    /// The signed-in person changes their own password.
    pub fn change_password(&mut self, old: &str, new: &str) -> Result<()> {
        let me = self.me()?;
        let hash: String = self
            .conn
            .query_row("SELECT password_hash FROM credentials WHERE user_id = ?1", [&me.id], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        if hash.is_empty() || !password::verify(old, &hash)?.0 {
            return Err(KamError::invalid("old_password", "原密码不对。", "The current password is wrong."));
        }
        password::check_new("new_password", new)?;
        self.store_password(&me.id, new)
    }

    /// An administrator sets someone's password (a new person, or one who forgot theirs).
    pub fn set_user_password(&mut self, user_id: &str, new: &str) -> Result<()> {
        self.require_admin("设置他人的密码", "set someone else's password")?;
        let user = self.user(user_id)?;
        password::check_new("password", new)?;
        self.store_password(&user.id, new)
    }

    pub(crate) fn store_password(&mut self, user_id: &str, new: &str) -> Result<()> {
        let hash = password::hash(new)?;
        let now = util::ts(self.now());
        self.conn.execute(
            "INSERT INTO credentials (user_id, password_hash, changed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id) DO UPDATE SET password_hash = ?2, changed_at = ?3, failed_count = 0, last_failed_at = NULL",
            params![user_id, hash, now],
        )?;
        self.conn.execute("DELETE FROM cli_sessions WHERE user_id = ?1", [user_id])?;
        Ok(())
    }

    /// Make someone an administrator, or not. The last active administrator stays one.
    pub fn set_user_admin(&mut self, user_id: &str, admin: bool) -> Result<User> {
        self.require_admin("指定管理员", "appoint administrators")?;
        let user = self.user(user_id)?;
        if !admin && self.is_admin(&user.id)? && self.admin_count()? <= 1 {
            return Err(KamError::wrong_state(
                "这是最后一位管理员，不能取消。请先指定另一位管理员。",
                "This is the last administrator. Appoint another one first.",
            ));
        }
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE users SET is_admin = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
                params![user.id, admin, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.user(&user.id)
    }

    /// Whether a user is an administrator.
    pub fn is_admin(&self, user_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT is_admin FROM users WHERE id = ?1 AND deleted_at IS NULL", [user_id], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }

    pub(crate) fn admin_count(&self) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM users WHERE is_admin = 1 AND active = 1 AND deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Refused with `forbidden` unless the person acting is an administrator (trusted callers pass).
    pub(crate) fn require_admin(&self, what_zh: &str, what_en: &str) -> Result<()> {
        self.require_signed_in()?;
        if self.is_trusted() || self.is_admin(&self.user_id)? {
            return Ok(());
        }
        Err(KamError::forbidden(format!("只有管理员可以{what_zh}。"), format!("Only an administrator may {what_en}.")))
    }

    /// Minutes without input before the window locks itself.
    pub fn idle_lock_minutes(&self) -> Result<u32> {
        Ok(db::setting(&self.conn, "idle_lock_minutes")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
    }

    /// Set the idle lock (1–240 minutes).
    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<u32> {
        self.require_signed_in()?;
        if !(1..=240).contains(&minutes) {
            return Err(KamError::invalid(
                "idle_lock_minutes",
                "自动锁定时间应在 1 到 240 分钟之间。",
                "The idle lock must be between 1 and 240 minutes.",
            ));
        }
        db::set_setting(&self.conn, "idle_lock_minutes", &minutes.to_string())?;
        Ok(minutes)
    }

    fn has_password(&self, user_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM credentials WHERE user_id = ?1)", [user_id], |r| r.get(0))?)
    }

    /// The person head office enrolled this field device for.
    fn enrolled_user_id(&self) -> Result<String> {
        enrolled_user(&self.conn)
    }

    /// Refused with `duplicate` when an active person already has this name (names are unique
    /// within an organisation, so `--rep 张三` means one person).
    pub(crate) fn unique_user_name(&self, name: &str, except: Option<&str>) -> Result<()> {
        let existing: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM users WHERE name = ?1 AND deleted_at IS NULL AND id IS NOT ?2 LIMIT 1",
                params![name, except],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(existing_id) => Err(KamError::Duplicate {
                field: "name".into(),
                existing_id,
                zh: format!("已有名为「{name}」的人员。同名时请加上区分（如 张伟（华东））。"),
                en: format!(
                    "Someone named '{name}' already exists. Add something to tell them apart (e.g. 张伟（华东）)."
                ),
            }),
            None => Ok(()),
        }
    }
}
