//! The `kam` binary on real temporary database files: what a clerk's script sees.

use std::process::{Command, Output};

struct Kam {
    dir: tempfile::TempDir,
}

impl Kam {
    fn new() -> Self {
        Kam { dir: tempfile::tempdir().unwrap() }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kam"))
            .args(args)
            .env("KAM_DB", self.dir.path().join("kam.sqlite3"))
            .env("KAM_EXPORT_DIR", self.dir.path())
            .output()
            .unwrap()
    }

    /// Run, expect success, return stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "kam {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

#[test]
fn init_demo_search_and_show() {
    let kam = Kam::new();
    let path = kam.ok(&["init"]);
    assert!(path.trim().ends_with("kam.sqlite3"), "{path}");
    let demo = kam.json(&["demo", "--customers", "300", "--seed", "5", "--visits", "0", "--json"]);
    assert_eq!(demo["customers"], 300);
    let found = kam.json(&["customer", "search", "电力", "--json"]);
    let total = found["total"].as_u64().unwrap();
    assert!(total > 0, "demo data has 电力 customers");
    let first = &found["hits"][0];
    assert!(first["name"].as_str().unwrap().contains("电力"));
    let dossier = kam.json(&["customer", "show", first["id"].as_str().unwrap(), "--json"]);
    assert_eq!(dossier["customer"]["id"], first["id"]);
    assert!(!dossier["contacts"].as_array().unwrap().is_empty());
    let list = kam.json(&["customer", "list", "--tier", "战略客户", "--json"]);
    assert!(list["rows"].as_array().unwrap().iter().all(|r| r["tier"] == "strategic"));
}

#[test]
fn add_edit_tier_and_errors_in_plain_words() {
    let kam = Kam::new();
    kam.ok(&[
        "customer",
        "add",
        "--name",
        "华东电力设备有限公司",
        "--credit-code",
        "914403001922038216",
        "--tier",
        "key",
    ]);
    let dup = kam.run(&["customer", "add", "--name", "另一家", "--credit-code", "914403001922038216"]);
    assert_eq!(dup.status.code(), Some(1));
    let err = String::from_utf8_lossy(&dup.stderr);
    assert!(err.contains("已属于客户"), "{err}");
    let bad = kam.run(&["customer", "add", "--name", "某公司", "--credit-code", "914403001922038217"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("校验位"));

    kam.ok(&["customer", "tier", "914403001922038216", "--to", "strategic", "--reason", "年采购额超过 500 万元"]);
    kam.ok(&["customer", "edit", "914403001922038216", "--address", "上海市浦东新区"]);
    kam.ok(&[
        "contact",
        "add",
        "914403001922038216",
        "--name",
        "王建国",
        "--mobile",
        "13812345678",
        "--birthday",
        "1972-02-29",
        "--decision-role",
        "最终决策者",
    ]);
    let d = kam.json(&["customer", "show", "914403001922038216", "--json"]);
    assert_eq!(d["customer"]["tier"], "strategic");
    assert_eq!(d["customer"]["address"], "上海市浦东新区");
    assert_eq!(d["contacts"][0]["birthday"], "1972-02-29");
    assert_eq!(d["tier_history"].as_array().unwrap().len(), 2);
    let hits = kam.json(&["customer", "search", "hddl", "--json"]);
    assert_eq!(hits["total"], 1);

    let missing = kam.run(&["customer", "show", "no-such-customer"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("找不到客户"));
}

#[test]
fn quote_price_prints_the_seed_example() {
    let kam = Kam::new();
    let out = kam.ok(&["quote", "price", "--cost", "70", "--qty", "10000", "--rebate", "8%"]);
    assert!(out.contains("85.40"), "{out}");
    assert!(out.contains("14%"), "{out}");
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let kam = Kam::new();
    kam.ok(&["init"]);
    let db = kam.dir.path().join("kam.sqlite3");
    bump_user_version(&db);
    let before = std::fs::read(&db).unwrap();
    let out = kam.run(&["customer", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("更新版本"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(before, std::fs::read(&db).unwrap());
}

/// Raise `PRAGMA user_version` by writing the header field directly (offset 60, big-endian),
/// as a newer KAM would have; the CLI crate has no SQLite dependency of its own.
/// The CLI closed the file cleanly, so the WAL has been folded into it.
fn bump_user_version(db: &std::path::Path) {
    let mut bytes = std::fs::read(db).unwrap();
    let v = u32::from_be_bytes([bytes[60], bytes[61], bytes[62], bytes[63]]);
    bytes[60..64].copy_from_slice(&(v + 100).to_be_bytes());
    std::fs::write(db, bytes).unwrap();
}
