//! Who is acting on the command line: `kam setup`, `kam login`, `kam logout`, `kam whoami`,
//! and signing in before every other command — from the `kam login` session file, or for
//! scheduled jobs from `--password-file` / `KAM_PASSWORD` (with `--login-user` / `KAM_USER`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use kam_core::auth::session;
use kam_core::{Kam, User};

/// How a command signs in (global flags).
#[derive(Args, Clone, Default)]
pub struct Credentials {
    /// Who signs in (name or id); default: the person who signed in last on this database.
    #[arg(id = "login_user", long = "login-user", global = true, env = "KAM_USER")]
    pub user: Option<String>,
    /// For unattended jobs: read the password from this file (first line) instead of a session.
    #[arg(id = "login_password_file", long = "password-file", global = true)]
    pub password_file: Option<PathBuf>,
}

impl Credentials {
    /// A password given for an unattended run: `--password-file`, else `KAM_PASSWORD`.
    fn given_password(&self) -> Result<Option<String>> {
        if let Some(f) = &self.password_file {
            let text =
                std::fs::read_to_string(f).with_context(|| format!("reading the password file {}", f.display()))?;
            return Ok(Some(text.lines().next().unwrap_or_default().to_string()));
        }
        Ok(std::env::var("KAM_PASSWORD").ok().filter(|p| !p.is_empty()))
    }

    /// The password given, or asked for at the terminal without echo.
    fn password(&self, prompt: &str) -> Result<String> {
        match self.given_password()? {
            Some(p) => Ok(p),
            None => ask(prompt),
        }
    }

    fn who(&self, kam: &Kam) -> Result<String> {
        if let Some(u) = &self.user {
            return Ok(u.clone());
        }
        let state = kam.sign_in_state()?;
        state.last_user_id.or_else(|| state.people.first().map(|p| p.user.id.clone())).context(
            "没有可登录的人员：请用 --login-user 指定 / nobody to sign in as: name the person with --login-user",
        )
    }
}

fn ask(prompt: &str) -> Result<String> {
    rpassword::prompt_password(prompt).context(
        "无法从终端读取密码；无人值守时请用 --password-file 或 KAM_PASSWORD / cannot read a password from the terminal; for unattended jobs use --password-file or KAM_PASSWORD",
    )
}

/// Ask for a new password twice, or read it from `file` for unattended runs.
fn new_password(file: Option<&Path>) -> Result<String> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        return Ok(text.lines().next().unwrap_or_default().to_string());
    }
    let first = ask("新密码 new password: ")?;
    let again = ask("再输一次 again: ")?;
    anyhow::ensure!(first == again, "两次输入的密码不一致 / the two passwords differ");
    Ok(first)
}

/// Sign in before a command: a password given for this run, else the `kam login` session.
pub fn sign_in(kam: &mut Kam, creds: &Credentials) -> Result<User> {
    if creds.given_password()?.is_some() {
        let who = creds.who(kam)?;
        return Ok(kam.sign_in(&who, &creds.password("")?)?);
    }
    let file = session::session_file(kam.path());
    match std::fs::read_to_string(&file) {
        Ok(token) => Ok(kam.resume_cli_session(&token, &session::os_user())?),
        Err(_) => {
            kam.require_signed_in()?;
            unreachable!("a locked database refuses")
        }
    }
}

/// `kam setup --name …`: the first head-office administrator of a fresh database; signs in.
pub fn setup(kam: &mut Kam, creds: &Credentials, name: &str) -> Result<()> {
    // The administrator's own password: given for this run (file, KAM_PASSWORD) or asked twice.
    let password = match creds.given_password()? {
        Some(p) => p,
        None => new_password(None)?,
    };
    let user = kam.create_first_admin(name, &password)?;
    save_session(kam)?;
    println!("已创建管理员并登录 administrator created and signed in: {}", user.name);
    Ok(())
}

/// `kam login`: ask for the password, keep a session for this database and OS user.
pub fn login(kam: &mut Kam, creds: &Credentials) -> Result<()> {
    let who = creds.who(kam)?;
    let password = creds.password(&format!("{who} 的密码 password: "))?;
    let user = kam.sign_in(&who, &password)?;
    save_session(kam)?;
    println!(
        "已登录 signed in: {}（{}），{} 小时内有效 valid for {} hours",
        user.name,
        user.role.label_zh(),
        session::SESSION_HOURS,
        session::SESSION_HOURS
    );
    Ok(())
}

fn save_session(kam: &mut Kam) -> Result<()> {
    let token = kam.create_cli_session(&session::os_user())?;
    let file = session::session_file(kam.path());
    session::write_token_file(&file, &token).with_context(|| format!("writing {}", file.display()))?;
    Ok(())
}

/// `kam logout`: the session stops working and its file is removed.
pub fn logout(kam: &mut Kam) -> Result<()> {
    let file = session::session_file(kam.path());
    if let Ok(token) = std::fs::read_to_string(&file) {
        kam.end_cli_session(&token)?;
        std::fs::remove_file(&file).with_context(|| format!("removing {}", file.display()))?;
        println!("已退出登录 signed out");
    } else {
        println!("未登录 not signed in");
    }
    Ok(())
}

/// `kam user passwd`: change one's own password.
pub fn change_own_password(kam: &mut Kam) -> Result<()> {
    let old = ask("原密码 current password: ")?;
    let new = new_password(None)?;
    kam.change_password(&old, &new)?;
    println!("密码已修改 password changed");
    Ok(())
}

/// `kam user set-password <who>`: an administrator sets someone's password.
pub fn set_password(kam: &mut Kam, who: &str, file: Option<&Path>) -> Result<()> {
    let user = kam.resolve_user(who)?;
    let new = new_password(file)?;
    kam.set_user_password(&user.id, &new)?;
    println!("已为 {} 设置密码 password set", user.name);
    Ok(())
}

/// `kam reset-password --code …`: the code head office issued sets a new password; signs in and
/// keeps a session like `kam login`.
pub fn reset_with_code(kam: &mut Kam, creds: &Credentials, code: &str, file: Option<&Path>) -> Result<()> {
    let who = creds.who(kam)?;
    let new = new_password(file)?;
    let user = kam.reset_password_with_code(&who, code, &new)?;
    save_session(kam)?;
    println!("已设置新密码并登录 new password set, signed in: {}", user.name);
    Ok(())
}
