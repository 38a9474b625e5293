//! The `kam` binary on real temporary database files: what a clerk's script sees.

use std::process::{Command, Output};

const PASSWORD: &str = "kam-test-密码";

struct Kam {
    dir: tempfile::TempDir,
}

impl Kam {
    /// A fresh database nobody has set up yet.
    fn new() -> Self {
        Kam { dir: tempfile::tempdir().unwrap() }
    }

    /// A database whose first head-office administrator (管理员) is set up. Every run signs in
    /// with `KAM_PASSWORD`, as a scheduled job would.
    fn admin() -> Self {
        let kam = Kam::new();
        kam.ok(&["setup", "--name", "管理员"]);
        kam
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kam"))
            .args(args)
            .env("KAM_DB", self.dir.path().join("kam.sqlite3"))
            .env("KAM_EXPORT_DIR", self.dir.path())
            .env("KAM_SESSION_DIR", self.dir.path().join("sessions"))
            .env("KAM_PASSWORD", PASSWORD)
            .env_remove("KAM_USER")
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

    /// Run, expect exit code 1, return (stdout, stderr).
    fn fails(&self, args: &[&str]) -> (String, String) {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(1), "kam {args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
        (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    }

    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("kam.sqlite3")
    }
}

#[test]
fn init_demo_search_and_show() {
    let kam = Kam::admin();
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
    let kam = Kam::admin();
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
fn records_and_key_person_changes_are_added_and_edited() {
    let kam = Kam::admin();
    let c = kam.json(&["customer", "add", "--name", "苏州金桥精密机械有限公司", "--json"]);
    let customer = c["customer"]["id"].as_str().unwrap();
    kam.ok(&["contact", "add", customer, "--name", "赵敏"]);
    kam.ok(&["contact", "add", customer, "--name", "钱进"]);

    // Records: add, then fix the title's typo; the other fields stay as they were.
    let r = kam.json(&[
        "record",
        "add",
        customer,
        "--kind",
        "会议",
        "--title",
        "年度沟通回",
        "--content",
        "框架协议",
        "--on",
        "2026-01-05",
        "--json",
    ]);
    let id = r["id"].as_str().unwrap();
    let out = kam.ok(&["record", "edit", id, "--title", "年度沟通会"]);
    assert!(out.contains("年度沟通会"), "{out}");
    let d = kam.json(&["customer", "show", customer, "--json"]);
    let records = d["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "edited in place");
    assert_eq!(records[0]["id"], id);
    assert_eq!(records[0]["title"], "年度沟通会");
    assert_eq!(records[0]["kind"], "meeting");
    assert_eq!(records[0]["content"], "框架协议");
    assert_eq!(records[0]["occurred_on"], "2026-01-05");
    kam.ok(&["record", "edit", id, "--kind", "note", "--content", ""]);
    let d = kam.json(&["customer", "show", customer, "--json"]);
    assert_eq!((&d["records"][0]["kind"], &d["records"][0]["content"]), (&"note".into(), &"".into()));

    // Refused with the core's words, and nothing changed.
    let (_, err) = kam.fails(&["record", "edit", id, "--title", " "]);
    assert!(err.contains("请填写标题"), "{err}");
    let (_, err) = kam.fails(&["record", "edit", id, "--on", "2999-01-01"]);
    assert!(err.contains("不能晚于今天"), "{err}");
    let (_, err) = kam.fails(&["record", "edit", "no-such-record", "--title", "x"]);
    assert!(err.contains("找不到记录"), "{err}");
    let usage = kam.run(&["record", "edit", id, "--kind", "lunch"]);
    assert!(!usage.status.success());
    let err = String::from_utf8_lossy(&usage.stderr);
    assert!(err.contains("meeting (会议)"), "lists the kinds: {err}");
    assert_eq!(kam.json(&["customer", "show", customer, "--json"])["records"][0]["title"], "年度沟通会");

    // Key-person changes: the contact by name; an edit to "left" marks the contact inactive.
    let x = kam.json(&[
        "contact",
        "change",
        "add",
        customer,
        "--kind",
        "joined",
        "--contact",
        "赵敏",
        "--description",
        "新人采购经理",
        "--on",
        "2026-01-06",
        "--json",
    ]);
    let xid = x["id"].as_str().unwrap();
    assert_eq!(x["contact_name"], "赵敏");
    kam.ok(&["contact", "change", "edit", xid, "--description", "新任采购经理"]);
    let d = kam.json(&["customer", "show", customer, "--json"]);
    assert_eq!(d["contact_changes"][0]["description"], "新任采购经理");
    assert_eq!(d["contact_changes"][0]["contact_name"], "赵敏");
    assert_eq!(d["contact_changes"][0]["changed_on"], "2026-01-06");

    let x = kam.json(&["contact", "change", "edit", xid, "--kind", "离任", "--contact", "钱进", "--json"]);
    assert_eq!((&x["kind"], &x["contact_name"]), (&"left".into(), &"钱进".into()));
    let d = kam.json(&["customer", "show", customer, "--json"]);
    let active =
        |name: &str| d["contacts"].as_array().unwrap().iter().find(|k| k["name"] == name).unwrap()["active"].clone();
    assert_eq!(active("钱进"), false);
    assert_eq!(active("赵敏"), true);
    let x = kam.json(&["contact", "change", "edit", xid, "--contact", "", "--json"]);
    assert!(x["contact_id"].is_null(), "--contact '' unlinks: {x}");

    let (_, err) = kam.fails(&["contact", "change", "edit", xid, "--description", ""]);
    assert!(err.contains("请填写变动说明"), "{err}");
    let (_, err) = kam.fails(&["contact", "change", "edit", xid, "--contact", "孙立"]);
    assert!(err.contains("no contact '孙立'"), "{err}");
    kam.ok(&["record", "edit", id, "--title", "仍可编辑"]);
    assert_eq!(
        kam.json(&["customer", "show", customer, "--json"])["contact_changes"][0]["description"],
        "新任采购经理"
    );
}

#[test]
fn quote_price_prints_the_seed_example() {
    let kam = Kam::admin();
    let out = kam.ok(&["quote", "price", "--cost", "70", "--qty", "10000", "--rebate", "8%"]);
    assert!(out.contains("85.40"), "{out}");
    assert!(out.contains("14%"), "{out}");
}

#[test]
fn money_rates_and_quantities_as_people_type_them() {
    let kam = Kam::admin();
    // The example: yuan sign, thousands separator, percent — and a bare 8 means 8 %.
    for rebate in ["8%", "８％", "8"] {
        let out = kam.ok(&["quote", "price", "--cost", "¥70", "--qty", "10,000", "--rebate", rebate]);
        assert!(out.contains("85.40"), "--rebate {rebate}: {out}");
    }
    // A bare fraction could be 8 % or 0.08 %: refused, with the field and a way out.
    let (_, err) = kam.fails(&["quote", "price", "--cost", "70", "--qty", "10000", "--rebate", "0.08"]);
    assert!(err.contains("歧义") && err.contains("8%"), "{err}");
    let (_, err) = kam.fails(&["quote", "price", "--cost", "12,5", "--qty", "10000"]);
    assert!(err.contains("金额「12,5」格式不正确"), "{err}");
}

#[test]
fn errors_carry_a_code_scripts_can_branch_on() {
    let kam = Kam::admin();
    let out = kam.run(&["quote", "price", "--cost", "abc", "--qty", "1", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).expect("one JSON object on stderr");
    assert_eq!(err["error"]["code"], "validation");
    assert_eq!(err["error"]["field"], "cost");
    assert!(err["error"]["message_en"].as_str().unwrap().contains("malformed"));
    let (_, text) = kam.fails(&["quote", "price", "--cost", "abc", "--qty", "1"]);
    assert!(text.contains("[validation]"), "{text}");
}

#[test]
fn usage_errors_speak_the_users_language_and_exit_1() {
    let kam = Kam::new();
    let (_, err) = kam.fails(&["customer", "list", "--no-such-flag"]);
    assert!(err.contains("未知的选项") && err.contains("--no-such-flag"), "{err}");
    assert!(err.contains("kam --help"), "{err}");
    let (_, err) = kam.fails(&["quote", "price", "--qty", "1"]);
    assert!(err.contains("缺少必填的参数"), "{err}");
    let out = kam.run(&["customer", "list", "--bogus", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).expect("JSON usage error");
    assert_eq!(err["error"]["code"], "usage");
    assert!(kam.run(&["--help"]).status.success(), "help is not an error");
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

/// The number of customers `kam customer list` shows.
fn customer_total(kam: &Kam) -> u64 {
    kam.json(&["customer", "list", "--json"])["total"].as_u64().unwrap()
}

/// Head office and two reps, each its own data file, exchanging sync files through the CLI only.
// Long because: one end-to-end story (enroll, exchange, refuse a tampered file, duplicate claim and merge, conflict) whose steps build on each other.
#[test]
fn head_office_and_two_reps_exchange_sync_files_through_the_cli() {
    let hq = Kam::admin();
    // 张三's laptop was used on its own before enrollment; 李四's is new.
    let (zhang, li) = (Kam::admin(), Kam::new());
    let st = hq.json(&["sync", "status", "--json"]);
    assert_eq!(st["enrolled"], false);
    let st = hq.json(&["enroll", "init", "--org", "华东电力销售公司", "--json"]);
    assert_eq!(st["role"], "head_office");
    hq.ok(&["user", "add", "--name", "张三", "--role", "rep", "--department", "大客户部"]);
    hq.ok(&["user", "add", "--name", "李四", "--role", "rep", "--department", "大客户部"]);

    // Enrollment files: one to the default export folder, one to a chosen path.
    let e = hq.json(&["enroll", "export", "--user", "张三", "--json"]);
    let zhang_enroll = e["path"].as_str().unwrap().to_string();
    assert!(zhang_enroll.ends_with("kam-注册-张三.kamenroll"), "{zhang_enroll}");
    let li_enroll = li.dir.path().join("li.kamenroll");
    hq.ok(&["enroll", "export", "--user", "李四", "--out", li_enroll.to_str().unwrap()]);
    // Before enrollment the laptop is standalone: 张三 keeps his own catalog entry. It goes to
    // head office with his first file, which refuses it (the catalog is head office's).
    zhang.ok(&["product", "add", "--code", "P-1", "--name", "变压器", "--unit", "台", "--cost", "70"]);
    let st = zhang.json(&["enroll", "import", &zhang_enroll, "--json"]);
    assert_eq!(st["role"], "rep");
    assert_eq!(st["org_name"], "华东电力销售公司");
    assert_eq!(zhang.json(&["info", "--json"])["current_user"]["name"], "张三");
    li.ok(&["enroll", "import", li_enroll.to_str().unwrap()]);

    // 张三's week: a customer with a contact and a visit. An enrolled laptop refuses catalog edits.
    zhang.ok(&["customer", "add", "--name", "苏州精密机械有限公司", "--credit-code", "914403001922038216"]);
    zhang.ok(&["contact", "add", "914403001922038216", "--name", "王建国", "--mobile", "13812345678"]);
    zhang.ok(&["visit", "log", "914403001922038216", "--purpose", "年度合作洽谈"]);
    let (_, err) = zhang.fails(&["product", "add", "--code", "P-2", "--name", "电缆", "--unit", "米", "--cost", "5"]);
    assert!(err.contains("业务员设备"), "{err}");
    assert!(zhang.json(&["sync", "status", "--json"])["pending_changes"].as_u64().unwrap() >= 4);
    let out = zhang.json(&["sync", "export", "--to", "hq", "--json"]);
    let file = out["path"].as_str().unwrap().to_string();
    assert!(out["file_name"].as_str().unwrap().starts_with("kam-张三-"), "{out}");
    assert!(out["changes"].as_u64().unwrap() >= 4, "{out}");

    // The preview shows what would happen and changes nothing, not even a byte.
    assert_eq!(customer_total(&hq), 0);
    let before = std::fs::read(hq.db()).unwrap();
    let preview = hq.json(&["sync", "import", &file, "--dry-run", "--json"]);
    let r = &preview[0];
    assert_eq!(r["applied"], false);
    assert!(r["error"].is_null(), "{r}");
    let rep = &r["report"];
    assert_eq!(rep["sender_name"], "张三");
    assert_eq!(rep["new_device"], true);
    let customers = rep["by_table"].as_array().unwrap().iter().find(|t| t["table"] == "customers").unwrap();
    assert_eq!(customers["inserted"], 1);
    assert!(rep["inserted"].as_u64().unwrap() >= 3, "{rep}");
    assert_eq!(rep["refused"][0]["table"], "products");
    assert!(rep["refused"][0]["reason"].as_str().unwrap().contains("只有总部"), "{rep}");
    let text = hq.ok(&["sync", "import", &file, "--dry-run"]);
    assert!(text.contains("张三") && text.contains("客户档案") && text.contains("dry run"), "{text}");
    assert!(text.contains("只有总部"), "refused changes are listed with their reason: {text}");
    assert_eq!(customer_total(&hq), 0, "a dry run writes nothing");
    assert_eq!(before, std::fs::read(hq.db()).unwrap(), "a dry run leaves the file byte-for-byte unchanged");

    // Applying it: the customer is at head office, the catalog entry is not.
    let text = hq.ok(&["sync", "import", &file]);
    assert!(text.contains("已导入 applied"), "{text}");
    let list = hq.json(&["customer", "list", "--json"]);
    assert_eq!(list["total"], 1);
    assert_eq!(list["rows"][0]["name"], "苏州精密机械有限公司");
    assert_eq!(list["rows"][0]["owner_name"], "张三");
    assert_eq!(hq.json(&["customer", "search", "精密", "--json"])["total"], 1);
    let d = hq.json(&["customer", "show", "914403001922038216", "--json"]);
    assert_eq!(d["contacts"][0]["name"], "王建国");
    assert!(hq.json(&["product", "list", "--json"]).as_array().unwrap().is_empty());

    // The same file again is recognised and changes nothing.
    let text = hq.ok(&["sync", "import", &file]);
    assert!(text.contains("导入过") && text.contains("already applied"), "{text}");
    let again = hq.json(&["sync", "import", &file, "--json"]);
    assert!(again[0]["report"]["already_applied_at"].is_string(), "{again}");
    assert_eq!(again[0]["applied"], false);
    assert_eq!(customer_total(&hq), 1);

    // Head office's return file reaches 张三 and acknowledges his changes.
    let back = hq.json(&["sync", "export", "--to", "张三", "--json"]);
    assert_eq!(back["addressee"], "张三");
    let text = zhang.ok(&["sync", "import", back["path"].as_str().unwrap()]);
    assert!(text.contains("已导入 applied"), "{text}");
    let st = zhang.json(&["sync", "status", "--json"]);
    assert_eq!(st["pending_changes"], 0, "{st}");
    assert!(st["last_exchange_at"].is_string());

    // A tampered file (one byte flipped in the encrypted body) is refused, exit 1, and the head
    // office database stays byte-for-byte the same.
    zhang.ok(&["customer", "add", "--name", "无锡新能源科技有限公司"]);
    let good = zhang.json(&["sync", "export", "--to", "hq", "--json"])["path"].as_str().unwrap().to_string();
    let mut bytes = std::fs::read(&good).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x01;
    let bad = hq.dir.path().join("tampered.kamsync");
    std::fs::write(&bad, &bytes).unwrap();
    let before = std::fs::read(hq.db()).unwrap();
    let (stdout, stderr) = hq.fails(&["sync", "import", bad.to_str().unwrap()]);
    assert!(stdout.contains("已拒绝"), "{stdout}");
    assert!(stderr.contains("被拒绝") && stderr.contains("refused"), "{stderr}");
    assert_eq!(before, std::fs::read(hq.db()).unwrap(), "a refused file changes nothing");
    assert_eq!(customer_total(&hq), 1);
    // With a good file in the same run, the good one is still applied, and the exit is still 1.
    let (stdout, stderr) = hq.fails(&["sync", "import", bad.to_str().unwrap(), &good, "--json"]);
    let res: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(res[0]["error"]["code"], "sync_file", "{res}");
    assert_eq!(res[1]["applied"], true, "{res}");
    assert!(stderr.contains("tampered.kamsync"), "{stderr}");
    assert_eq!(customer_total(&hq), 2);

    // 李四 registers the same company: head office sees a duplicate claim (撞单) and merges.
    li.ok(&["customer", "add", "--name", "苏州精密机械有限公司", "--credit-code", "914403001922038216"]);
    li.ok(&["visit", "log", "914403001922038216", "--purpose", "初次拜访"]);
    let li_file = li.json(&["sync", "export", "--to", "hq", "--json"])["path"].as_str().unwrap().to_string();
    let res = hq.json(&["sync", "import", &li_file, "--json"]);
    assert_eq!(res[0]["report"]["duplicates"].as_array().unwrap().len(), 1, "{res}");
    let claims = hq.json(&["sync", "duplicates", "--json"]);
    assert_eq!(claims.as_array().unwrap().len(), 1);
    assert_eq!(claims[0]["reason"], "credit_code");
    let text = hq.ok(&["sync", "duplicates"]);
    assert!(text.contains("kam sync merge --keep"), "{text}");
    let (new_id, old_id) = (claims[0]["customer_id"].as_str().unwrap(), claims[0]["other_id"].as_str().unwrap());
    let m = hq.json(&["sync", "merge", "--keep", old_id, "--merge-from", new_id, "--json"]);
    assert!(m["moved"].as_u64().unwrap() >= 1, "{m}");
    assert!(hq.json(&["sync", "duplicates", "--json"]).as_array().unwrap().is_empty());
    assert_eq!(customer_total(&hq), 2, "the duplicate is gone");
    let visits = hq.json(&["visit", "list", old_id, "--json"]);
    assert_eq!(visits.as_array().unwrap().len(), 2, "both reps' visits are on the kept customer: {visits}");

    // Both change one field before the next exchange; the later (head office) wins, the
    // other value waits in the conflict inbox, and can be written back.
    let k = "914403001922038216";
    zhang.ok(&["customer", "edit", k, "--address", "苏州市工业园区星湖街 1 号"]);
    hq.ok(&["customer", "edit", k, "--address", "苏州市姑苏区人民路 88 号"]);
    let f = zhang.json(&["sync", "export", "--to", "hq", "--json"])["path"].as_str().unwrap().to_string();
    let res = hq.json(&["sync", "import", &f, "--json"]);
    assert_eq!(res[0]["report"]["conflicts"], 1, "{res}");
    let inbox = hq.json(&["sync", "conflicts", "--json"]);
    assert_eq!(inbox[0]["column"], "address");
    assert_eq!(inbox[0]["loser_value"], "苏州市工业园区星湖街 1 号");
    assert_eq!(hq.json(&["sync", "status", "--json"])["open_conflicts"], 1);
    hq.ok(&["sync", "resolve", inbox[0]["id"].as_str().unwrap(), "--keep", "other"]);
    assert!(hq.json(&["sync", "conflicts", "--json"]).as_array().unwrap().is_empty());
    assert_eq!(hq.json(&["sync", "conflicts", "--all", "--json"])[0]["status"], "reversed");
    assert_eq!(hq.json(&["customer", "show", k, "--json"])["customer"]["address"], "苏州市工业园区星湖街 1 号");

    // Return files for every device at once.
    let all_dir = hq.dir.path().join("out");
    std::fs::create_dir(&all_dir).unwrap();
    let all = hq.json(&["sync", "export", "--to", "all", "--out", all_dir.to_str().unwrap(), "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    for r in all.as_array().unwrap() {
        let target = if r["addressee"] == "张三" { &zhang } else { &li };
        target.ok(&["sync", "import", r["path"].as_str().unwrap()]);
    }
    let d = zhang.json(&["customer", "show", k, "--json"]);
    assert_eq!(d["customer"]["address"], "苏州市工业园区星湖街 1 号");
    assert_eq!(
        zhang.json(&["visit", "list", k, "--json"]).as_array().unwrap().len(),
        2,
        "李四's visit moved to 张三's customer"
    );
    assert!(li.run(&["customer", "show", k]).status.code() == Some(1), "李四's duplicate was merged away");

    let history = hq.json(&["sync", "history", "--json"]);
    let count = |dir: &str| history.as_array().unwrap().iter().filter(|h| h["direction"] == dir).count();
    assert_eq!((count("import"), count("export")), (4, 3), "refused and repeated files are not applied: {history}");
    assert!(hq.ok(&["sync", "history"]).contains("导入 import"));
}

#[test]
fn sync_commands_say_what_to_do_before_enrollment() {
    let rep = Kam::admin();
    rep.ok(&["init"]);
    assert!(rep.ok(&["sync", "status"]).contains("kam enroll"));
    let (_, err) = rep.fails(&["sync", "export", "--to", "hq"]);
    assert!(err.contains("注册文件"), "{err}");
    let (_, err) = rep.fails(&["enroll", "export", "--user", "张三"]);
    assert!(err.contains("尚未加入"), "{err}");
    let junk = rep.dir.path().join("junk.kamenroll");
    std::fs::write(&junk, b"not an enrollment file").unwrap();
    let (_, err) = rep.fails(&["enroll", "import", junk.to_str().unwrap()]);
    assert!(err.contains("不是有效的 KAM 注册文件"), "{err}");
}

#[test]
fn company_header_is_shown_and_set() {
    let kam = Kam::admin();
    let c = kam.json(&["company", "show", "--json"]);
    assert_eq!(c, serde_json::json!({"name": "", "address": "", "phone": ""}));

    kam.ok(&["company", "set", "--name", " 华东新材料科技有限公司 ", "--address", "上海市浦东新区张江路 88 号"]);
    kam.ok(&["company", "set", "--name", "华东新材料科技有限公司", "--phone", "021-5888 6666"]);
    let c = kam.json(&["company", "show", "--json"]);
    assert_eq!(c["name"], "华东新材料科技有限公司");
    assert_eq!(c["address"], "上海市浦东新区张江路 88 号", "an address not given is kept");
    assert_eq!(c["phone"], "021-5888 6666");
    assert!(kam.ok(&["company", "show"]).contains("公司名称 name: 华东新材料科技有限公司"));

    let (_, err) = kam.fails(&["company", "set", "--name", "  "]);
    assert!(err.contains("请填写公司名称"), "{err}");
    assert_eq!(kam.json(&["company", "show", "--json"])["name"], "华东新材料科技有限公司", "unchanged");
}

impl Kam {
    /// Run with the given environment changes instead of signing in with `KAM_PASSWORD`.
    fn run_with(&self, args: &[&str], env: &[(&str, Option<&str>)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kam"));
        cmd.args(args)
            .env("KAM_DB", self.db())
            .env("KAM_EXPORT_DIR", self.dir.path())
            .env("KAM_SESSION_DIR", self.dir.path().join("sessions"))
            .env("KAM_PASSWORD", PASSWORD)
            .env_remove("KAM_USER");
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.output().unwrap()
    }
}

fn error_code(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "should fail: {}", String::from_utf8_lossy(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("--json error on stderr");
    v["error"]["code"].as_str().unwrap().to_string()
}

#[test]
fn login_whoami_logout_and_approval_as_the_person_signed_in() {
    let kam = Kam::new();
    let no_password = [("KAM_PASSWORD", None)];
    // A fresh database: nothing but setup until the first administrator exists.
    assert_eq!(error_code(&kam.run_with(&["whoami", "--json"], &no_password)), "setup_needed");
    kam.ok(&["setup", "--name", "管理员"]);

    // kam login keeps a session file only its owner can read; later commands need no password.
    kam.ok(&["login"]);
    let sessions: Vec<_> =
        std::fs::read_dir(kam.dir.path().join("sessions")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(sessions.len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&sessions[0]).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let me = kam.run_with(&["whoami", "--json"], &no_password);
    assert!(me.status.success(), "{}", String::from_utf8_lossy(&me.stderr));
    let me: serde_json::Value = serde_json::from_slice(&me.stdout).unwrap();
    assert_eq!((me["name"].as_str(), me["is_admin"].as_bool()), (Some("管理员"), Some(true)));
    // The same token under another OS account is refused.
    assert_eq!(
        error_code(&kam.run_with(&["whoami", "--json"], &[("KAM_PASSWORD", None), ("USER", Some("someone-else"))])),
        "session_invalid"
    );
    kam.ok(&["logout"]);
    assert_eq!(error_code(&kam.run_with(&["whoami", "--json"], &no_password)), "not_signed_in");
    assert_eq!(
        error_code(&kam.run_with(&["whoami", "--json"], &[("KAM_PASSWORD", Some("wrong-pass"))])),
        "wrong_password"
    );

    // The administrator adds a manager and sets his password from a file (an unattended job).
    kam.ok(&["user", "add", "--name", "李经理", "--role", "manager", "--department", "大客户部"]);
    let pw_file = kam.dir.path().join("li.txt");
    std::fs::write(&pw_file, "li-password-1\n").unwrap();
    kam.ok(&["user", "set-password", "李经理", "--new-password-file", pw_file.to_str().unwrap()]);

    // A quote with a rebate needs the department's approval: not the author's, the manager's
    // (the customer is the department's: a manager reaches only those, docs/roles.md).
    kam.ok(&[
        "customer",
        "add",
        "--name",
        "宝山钢铁股份有限公司",
        "--credit-code",
        "914403001922038216",
        "--owner",
        "李经理",
    ]);
    let q = kam.json(&["quote", "new", "--customer", "914403001922038216", "--json"]);
    let id = q["id"].as_str().unwrap();
    kam.ok(&[
        "quote",
        "add-line",
        id,
        "--name",
        "防水卷材",
        "--unit",
        "㎡",
        "--qty",
        "100",
        "--cost",
        "70",
        "--rebate",
        "5%",
    ]);
    kam.ok(&["quote", "submit", id]);
    assert_eq!(error_code(&kam.run_with(&["quote", "approve", id, "--json"], &[])), "forbidden");
    let as_li = [("KAM_USER", Some("李经理")), ("KAM_PASSWORD", None)];
    let pw = ["--password-file", pw_file.to_str().unwrap()];
    let out = kam.run_with(&[&["quote", "approve", id, "--comment", "同意", "--json"][..], &pw[..]].concat(), &as_li);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let q: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(q["status"], "approved");
    assert_eq!(q["approvals"][0]["approver_name"], "李经理");
    // Every export is recorded: head office lists it, and the chain is intact.
    let out = kam.dir.path().join("内部报价.xlsx");
    // (李经理 signed in last: the administrator names himself, as a scheduled job would.)
    let admin = ["--login-user", "管理员"];
    kam.ok(&[&["quote", "export", id, "--internal", "--out", out.to_str().unwrap()][..], &admin[..]].concat());
    let log = kam.json(&[&["audit", "list", "--kind", "quote_internal", "--json"][..], &admin[..]].concat());
    assert_eq!(log[0]["user_name"], "管理员");
    assert_eq!(log[0]["path"], out.to_str().unwrap());
    assert!(kam.ok(&[&["audit", "verify"][..], &admin[..]].concat()).contains("intact"));
    // --as is gone: nobody acts as someone else.
    let (_, err) = kam.fails(&["quote", "approve", id, "--as", "李经理"]);
    assert!(err.contains("--as"), "{err}");
}

#[test]
fn history_lists_a_changed_field_with_its_old_and_new_value() {
    let kam = Kam::admin();
    kam.ok(&[
        "customer",
        "add",
        "--name",
        "苏州精密机械有限公司",
        "--credit-code",
        "914403001922038216",
        "--address",
        "苏州",
    ]);
    kam.ok(&["customer", "edit", "914403001922038216", "--address", "苏州工业园区"]);
    let h = kam.json(&["history", "914403001922038216", "--json"]);
    let change = h.as_array().unwrap().iter().find(|e| e["field"] == "address").expect("the address change");
    assert_eq!((change["old_value"].as_str(), change["new_value"].as_str()), (Some("苏州"), Some("苏州工业园区")));
    assert_eq!(change["by_name"], "管理员");
    let text = kam.ok(&["history", "914403001922038216"]);
    assert!(text.contains("地址：苏州 → 苏州工业园区"), "{text}");
    assert!(text.contains("新增"), "{text}");
}

#[test]
fn import_customers_dry_run_apply_list_and_undo() {
    let kam = Kam::admin();
    let file = kam.dir.path().join("客户.csv");
    let csv = "2025年客户名单\n单位名称,统一社会信用代码,联系人,手机,客户等级\n苏州精密机械有限公司,914403001922038216,王建国,13812345678,重点客户\n苏州精密机械股份有限公司,,,,\n坏数据公司,9.14403E+17,,,\n";
    std::fs::write(&file, csv).unwrap();
    let f = file.to_str().unwrap();
    let errors = kam.dir.path().join("错误行.xlsx");
    let dry = kam.ok(&["import", "customers", f, "--dry-run", "--errors-out", errors.to_str().unwrap()]);
    assert!(dry.contains("新建 new 1 · 更新 update 0 · 疑似重复 duplicate 1 · 错误 error 1"), "{dry}");
    assert!(dry.contains("设置单元格格式→文本"), "{dry}");
    assert!(errors.exists());
    let none = kam.json(&["customer", "list", "--json"]);
    assert_eq!(none["rows"].as_array().map(Vec::len), Some(0), "the dry run wrote nothing");

    let applied = kam.json(&["import", "customers", f, "--json"]);
    let batch = applied["batch"]["id"].as_str().unwrap().to_string();
    assert_eq!(applied["batch"]["created_count"], 1);
    let c = kam.json(&["customer", "show", "914403001922038216", "--json"]);
    assert_eq!(c["customer"]["tier"], "key", "{c}");
    let again = kam.ok(&["import", "customers", f, "--dry-run"]);
    assert!(again.contains("新建 new 0 · 更新 update 1"), "{again}");
    assert!(kam.ok(&["import", "list"]).contains(&batch));
    assert!(kam.ok(&["import", "undo", &batch]).contains(&batch));
    let list = kam.json(&["import", "list", "--json"]);
    assert!(list[0]["undone_at"].is_string(), "{list}");
    let (_, err) = kam.fails(&["import", "undo", &batch]);
    assert!(err.contains("wrong_state"), "{err}");
}

#[test]
fn a_forgotten_password_is_reset_with_a_code_from_head_office() {
    let kam = Kam::admin();
    kam.ok(&["enroll", "init", "--org", "华东电力销售公司"]);
    kam.ok(&["user", "add", "--name", "李经理", "--role", "manager", "--department", "大客户部"]);
    let out = kam.ok(&["user", "reset-code", "李经理"]);
    let code = out.split("reset code: ").nth(1).and_then(|s| s.split('（').next()).expect("the code is printed").trim();
    assert_eq!(code.len(), 11, "{out}");
    let file = kam.dir.path().join("new.txt");
    std::fs::write(&file, "li-new-pass-1\n").unwrap();
    let as_li = [("KAM_USER", Some("李经理")), ("KAM_PASSWORD", None)];
    let wrong = kam
        .run_with(&["reset-password", "--code", "AAAAA-AAAAA", "--new-password-file", file.to_str().unwrap()], &as_li);
    assert_eq!(wrong.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("[wrong_password]"), "{stderr}");
    let ok = kam.run_with(&["reset-password", "--code", code, "--new-password-file", file.to_str().unwrap()], &as_li);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let me =
        kam.run_with(&["whoami", "--json"], &[("KAM_USER", Some("李经理")), ("KAM_PASSWORD", Some("li-new-pass-1"))]);
    assert!(me.status.success(), "{}", String::from_utf8_lossy(&me.stderr));
    let me: serde_json::Value = serde_json::from_slice(&me.stdout).unwrap();
    assert_eq!(me["name"], "李经理");
}

#[test]
fn forms_are_written_where_asked_or_to_the_documents_folder_and_recorded() {
    let kam = Kam::admin();
    kam.ok(&["demo", "--customers", "12", "--seed", "5"]);
    let out = kam.dir.path().join("名单.xlsx");
    let e = kam.json(&["form", "customers", "--out", out.to_str().unwrap(), "--json"]);
    assert_eq!(
        (e["form"].as_str(), e["rows"].as_u64(), e["scope"].as_str()),
        (Some("customers"), Some(12), Some("全部客户"))
    );
    assert!(out.exists());
    let first = kam.json(&["customer", "list", "--json"])["rows"][0]["id"].as_str().unwrap().to_string();
    let printed = kam.ok(&["form", "dossier", &first]);
    assert!(printed.contains("附表2 客户基本情况档案"), "{printed}");
    let written: Vec<String> = std::fs::read_dir(kam.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("附表2-客户基本情况档案-") && n.ends_with(".xlsx"))
        .collect();
    assert_eq!(written.len(), 1, "the default place is the export folder");
    let f =
        kam.ok(&["form", "feedback", "--from", "2026-01-01", "--out", kam.dir.path().join("f.xlsx").to_str().unwrap()]);
    assert!(f.contains("附表4"), "{f}");
    let (_, err) = kam.fails(&["form", "feedback", "--from", "2026-13-01"]);
    assert!(err.contains("[validation]"), "{err}");
    let (_, err) = kam.fails(&["form", "dossier", "没有这个客户"]);
    assert!(err.contains("[not_found]"), "{err}");
    let log = kam.json(&["audit", "list", "--json"]);
    let kinds: Vec<&str> = log.as_array().unwrap().iter().filter_map(|a| a["kind"].as_str()).collect();
    assert_eq!(kinds[..3], ["form_feedback", "form_dossier", "form_customers"], "{kinds:?}");
}

#[test]
fn finance_import_again_changes_nothing_and_records_are_corrected() {
    let kam = Kam::admin();
    let c = kam.json(&["customer", "add", "--name", "华东电力设备有限公司", "--json"]);
    let cid = c["customer"]["id"].as_str().unwrap().to_string();
    let contacts = kam.dir.path().join("联系人.csv");
    std::fs::write(&contacts, "客户名称,联系人,手机\n华东电力设备股份有限公司,王建国,13812345678\n").unwrap();
    let applied = kam.json(&["import", "contacts", contacts.to_str().unwrap(), "--json"]);
    assert_eq!(applied["batch"]["created_count"], 1, "{applied}");

    // A semicolon CSV with a UTF-8 BOM, as some ERPs write it.
    let sales = kam.dir.path().join("销售6月.csv");
    let text = "\u{feff}单据号;客户名称;日期;价税合计\nXS-1;华东电力设备有限公司;2025/6/5;1,200.50\nXS-2;华东电力设备有限公司;2025年6月6日;300\nXS-3;北方重工;2025-06-07;100\n";
    std::fs::write(&sales, text).unwrap();
    let f = sales.to_str().unwrap();
    let dry = kam.ok(&["import", "sales", f, "--dry-run"]);
    assert!(dry.contains("新建 new 2") && dry.contains("错误 error 1"), "{dry}");
    assert!(dry.contains("找不到客户"), "{dry}");
    assert_eq!(kam.json(&["finance", "list", "--json"])["total"], 0, "the dry run wrote nothing");
    let applied = kam.json(&["import", "sales", f, "--json"]);
    assert_eq!(applied["batch"]["created_count"], 2, "{applied}");
    let again = kam.ok(&["import", "sales", f]);
    assert!(again.contains("新建 new 0") && again.contains("无变化 unchanged 2"), "{again}");
    assert!(again.contains("新建 created 0 · 更新 updated 0"), "{again}");

    // List, edit, void.
    let list = kam.json(&["finance", "list", "--kind", "sale", "--month", "2025-06", "--json"]);
    assert_eq!(list["total"], 2, "{list}");
    let xs1 = list["rows"].as_array().unwrap().iter().find(|r| r["doc_no"] == "XS-1").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let edited = kam.json(&["finance", "edit", &xs1, "--amount", "1,300", "--json"]);
    assert_eq!(edited["amount_fen"], 130_000);
    assert!(kam.ok(&["finance", "void", &xs1, "--reason", "重复开单"]).contains("已作废"));
    assert_eq!(kam.json(&["finance", "list", "--json"])["total"], 1);
    assert!(kam.ok(&["finance", "list", "--voided"]).contains("重复开单"));
    let (_, err) = kam.fails(&["finance", "void", &xs1, "--reason", "x"]);
    assert!(err.contains("wrong_state"), "{err}");

    // A receivable past due, paid in part, then in full.
    let recv = kam.dir.path().join("应收.csv");
    std::fs::write(
        &recv,
        "发票号,客户名称,开票日期,到期日,应收金额\nFP-1,华东电力设备有限公司,2025-05-01,2025-06-30,\"5,000\"\n",
    )
    .unwrap();
    kam.ok(&["import", "receivables", recv.to_str().unwrap()]);
    let open = kam.json(&["finance", "list", "--open", "--json"]);
    let fp1 = open["rows"][0]["id"].as_str().unwrap().to_string();
    assert!(open["rows"][0]["days_overdue"].as_u64().unwrap() > 100, "{open}");
    let rows = kam.json(&["customer", "list", "--json"]);
    assert_eq!(rows["rows"][0]["overdue_receivable_fen"], 500_000, "the list's overdue column comes from the records");
    assert!(kam.ok(&["finance", "pay", &fp1, "--paid", "2000", "--on", "2025-07-01"]).contains("未收 open ¥3,000.00"));
    kam.ok(&["finance", "pay", &fp1]);
    assert_eq!(kam.json(&["finance", "list", "--open", "--json"])["total"], 0);
    let trade = kam.json(&["finance", "trade", &cid, "--json"]);
    assert_eq!(trade["overdue_fen"], 0, "{trade}");
    assert_eq!(trade["months"][0]["month"], "2025-06", "{trade}");
    assert_eq!(trade["months"][0]["net_fen"], 30_000, "the voided sale is not counted");
    assert_eq!(kam.json(&["customer", "list", "--json"])["rows"][0]["overdue_receivable_fen"], 0);
}
