//! `kam import customers|sales --save-template / --template`, `kam import templates` and the reason
//! `--on-duplicate create` needs: the wizard's templates from a clerk's script.

use std::process::{Command, Output};

struct Kam {
    dir: tempfile::TempDir,
}

impl Kam {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kam"))
            .args(args)
            .env("KAM_DB", self.dir.path().join("kam.sqlite3"))
            .env("KAM_EXPORT_DIR", self.dir.path())
            .env("KAM_SESSION_DIR", self.dir.path().join("sessions"))
            .env("KAM_PASSWORD", "kam-test-密码")
            .env_remove("KAM_USER")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "kam {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
}

#[test]
fn a_mapping_saved_as_a_template_is_used_for_the_next_file_of_that_shape() {
    let kam = Kam { dir: tempfile::tempdir().unwrap() };
    kam.ok(&["setup", "--name", "管理员"]);
    let first = kam.dir.path().join("erp-10.csv");
    std::fs::write(&first, "甲方,联络手机\n华东电力设备有限公司,13812345678\n").unwrap();
    let f = first.to_str().unwrap();
    let out = kam.run(&["import", "customers", f, "--dry-run"]);
    assert_eq!(out.status.code(), Some(1), "no column is the name yet");
    let text = kam.ok(&[
        "import",
        "customers",
        f,
        "--dry-run",
        "--map",
        "甲方=name",
        "--map",
        "联络手机=",
        "--save-template",
        "ERP",
    ]);
    assert!(text.contains("已保存模板 template saved: ERP"), "{text}");
    let list = kam.ok(&["import", "templates"]);
    assert!(list.contains("ERP") && list.contains("甲方→name"), "{list}");

    let next = kam.dir.path().join("erp-11.csv");
    std::fs::write(&next, "甲方,联络手机\n江南水务有限公司,13912345678\n华东电力设备有限公司,\n").unwrap();
    let n = next.to_str().unwrap();
    let text = kam.ok(&["import", "customers", n, "--dry-run"]);
    assert!(text.contains("模板 template: ERP"), "{text}");
    assert!(text.contains("江南水务"), "{text}");

    // Creating anyway beside a similar customer needs the reason.
    kam.ok(&["import", "customers", f, "--template", "ERP"]);
    let out = kam.run(&["import", "customers", n, "--on-duplicate", "create"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("请填写原因"), "{}", String::from_utf8_lossy(&out.stderr));
    let applied: serde_json::Value = serde_json::from_str(&kam.ok(&[
        "import",
        "customers",
        n,
        "--on-duplicate",
        "create",
        "--reason",
        "同名不同单位",
        "--json",
    ]))
    .unwrap();
    assert_eq!(applied["batch"]["created_count"], 2);
    let unknown = kam.run(&["import", "customers", n, "--template", "没有"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("ERP"));
}

#[test]
fn every_kind_saves_and_offers_its_own_templates() {
    let kam = Kam { dir: tempfile::tempdir().unwrap() };
    kam.ok(&["setup", "--name", "管理员"]);
    kam.ok(&["customer", "add", "--name", "华东电力设备有限公司"]);
    // An ERP's own headers that no synonym knows.
    let first = kam.dir.path().join("erp-sales-6.csv");
    std::fs::write(&first, "凭据,买方,日子,钱\nXS-1,华东电力设备有限公司,2025-06-05,100\n").unwrap();
    let f = first.to_str().unwrap();
    assert_eq!(kam.run(&["import", "sales", f, "--dry-run"]).status.code(), Some(1), "no column is the 单据号");
    let maps = ["--map", "凭据=doc_no", "--map", "买方=customer", "--map", "日子=date", "--map", "钱=amount"];
    let mut args = vec!["import", "sales", f, "--dry-run", "--save-template", "ERP 销售"];
    args.extend(maps);
    assert!(kam.ok(&args).contains("已保存模板 template saved: ERP 销售"));
    let sales = kam.ok(&["import", "templates", "--kind", "sales"]);
    assert!(sales.contains("ERP 销售") && sales.contains("凭据→doc_no"), "{sales}");
    assert!(!kam.ok(&["import", "templates", "--kind", "customers"]).contains("ERP 销售"));
    assert!(kam.ok(&["import", "templates"]).contains("销售与退货"));

    // The next month, the same headers: the template is used; a customer import of the same
    // shape is not offered it.
    let next = kam.dir.path().join("erp-sales-7.csv");
    std::fs::write(&next, "凭据,买方,日子,钱\nXS-2,华东电力设备有限公司,2025-07-05,200\nXS-3,北方重工,2025-07-06,1\n")
        .unwrap();
    let n = next.to_str().unwrap();
    let text = kam.ok(&["import", "sales", n, "--dry-run"]);
    assert!(
        text.contains("模板 template: ERP 销售") && text.contains("新建 new 1") && text.contains("错误 error 1"),
        "{text}"
    );
    assert_eq!(kam.run(&["import", "customers", n, "--dry-run", "--template", "ERP 销售"]).status.code(), Some(1));
    let applied: serde_json::Value =
        serde_json::from_str(&kam.ok(&["import", "sales", n, "--template", "ERP 销售", "--json"])).unwrap();
    assert_eq!(applied["batch"]["created_count"], 1);
    // A mapping to a field the kind does not have is refused.
    let out = kam.run(&["import", "sales", n, "--dry-run", "--map", "钱=mobile", "--save-template", "坏"]);
    assert_eq!(out.status.code(), Some(1));
}
