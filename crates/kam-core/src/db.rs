//! Opening the one SQLite file: pragmas, migrations and the newer-version guard.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::{KamError, Result};

/// Append-only list of migrations. Never edit an applied one: add a new entry at the end.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_dossier.sql"),
    include_str!("migrations/0002_quotes.sql"),
    include_str!("migrations/0003_relationship.sql"),
    include_str!("migrations/0004_targets_sales.sql"),
    include_str!("migrations/0005_sync.sql"),
    include_str!("migrations/0006_sync_refusals.sql"),
    include_str!("migrations/0007_enrollment_tags.sql"),
    include_str!("migrations/0008_sign_in.sql"),
    include_str!("migrations/0009_change_history.sql"),
    include_str!("migrations/0010_audit_log.sql"),
    include_str!("migrations/0011_import.sql"),
    include_str!("migrations/0012_password_resets.sql"),
    include_str!("migrations/0013_scope.sql"),
    include_str!("migrations/0014_customer_requests.sql"),
    include_str!("migrations/0015_finance.sql"),
    include_str!("migrations/0016_import_templates.sql"),
    include_str!("migrations/0017_search_owner_keys.sql"),
];

/// The migration after which the search indexes are rebuilt from the rows (its SQL empties
/// them; contentless indexes cannot be re-keyed in SQL alone).
const SEARCH_REKEYED_AT: i64 = 17;

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A value from the local `settings` table.
pub(crate) fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// Store a value in the local `settings` table (replacing it).
pub(crate) fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?1, ?2)", [key, value])?;
    Ok(())
}

/// Open (creating if needed) and migrate. WAL and a busy timeout let the app and the CLI
/// share the file; foreign keys are on.
pub fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let conn = Connection::open(path)
        .map_err(|e| KamError::Open { path: path.display().to_string(), reason: e.to_string() })?;
    configure(&conn).map_err(|e| match e {
        KamError::Storage(err) => KamError::Open { path: path.display().to_string(), reason: err.to_string() },
        other => other,
    })?;
    let mut conn = conn;
    migrate(&mut conn)?;
    crate::sync::capture::install(&mut conn)?;
    crate::history::install(&mut conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Give the WAL file back to the disk after big writes (demo data, imports).
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Apply every pending migration in one transaction; refuse a newer database untouched.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(KamError::DatabaseTooNew { found, supported: SCHEMA_VERSION });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for sql in &MIGRATIONS[found as usize..] {
        tx.execute_batch(sql)?;
    }
    if found < SEARCH_REKEYED_AT {
        crate::search::rebuild(&tx)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_new_file_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.kam");
        drop(open(&p).unwrap());
        let c = open(&p).unwrap();
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn refuses_a_newer_database_without_touching_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.kam");
        drop(open(&p).unwrap());
        {
            let c = Connection::open(&p).unwrap();
            c.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        }
        let before = std::fs::read(&p).unwrap();
        match open(&p) {
            Err(KamError::DatabaseTooNew { found, supported }) => {
                assert_eq!(found, SCHEMA_VERSION + 1);
                assert_eq!(supported, SCHEMA_VERSION);
            }
            other => panic!("expected DatabaseTooNew, got {other:?}"),
        }
        assert_eq!(before, std::fs::read(&p).unwrap());
    }
}
