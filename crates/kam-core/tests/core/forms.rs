//! The seed's forms 附表1–4 as workbooks, read back the way people meet them: LibreOffice
//! headless opens each file and converts it to CSV (the cells as a spreadsheet shows them)
//! and the printable dossier to PDF (A4 pages); the print settings are read from the file.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kam_core::forms::{FormKind, FormRequest};
use kam_core::*;

const PW: &str = "secret-pass-1";

fn open(dir: &tempfile::TempDir) -> Kam {
    let clock: Clock = Arc::new(|| Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap());
    Kam::open_with_clock(&dir.path().join("kam.sqlite3"), clock).unwrap()
}

/// Run LibreOffice headless on `file` (its own profile, 120 s at most) and return the files it
/// wrote (name, bytes). Fails (never skips) when `soffice` is missing: scripts/setup installs it.
pub fn soffice(file: &Path, convert_to: &str) -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let profile = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
        .args(["--headless", "--convert-to", convert_to, "--outdir"])
        .arg(out)
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("soffice (LibreOffice) must be installed to run this test");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            panic!("soffice did not finish within 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let o = child.wait_with_output().unwrap();
    assert!(status.success(), "soffice failed: {}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "soffice wrote nothing: {}", String::from_utf8_lossy(&o.stderr));
    files
}

/// Every sheet of a workbook as LibreOffice reads it: (file name, rows of cells), UTF-8 CSV
/// with the cells formatted as shown.
fn sheets_as_shown(file: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    soffice(file, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1")
        .into_iter()
        .map(|(name, bytes)| {
            let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes.as_slice());
            let rows = r.records().map(|x| x.unwrap().iter().map(str::to_string).collect()).collect();
            (name, rows)
        })
        .collect()
}

fn row_with<'a>(rows: &'a [Vec<String>], cell: &str) -> &'a [String] {
    rows.iter().find(|r| r.iter().any(|c| c == cell)).unwrap_or_else(|| panic!("no row with {cell}: {rows:?}"))
}

fn col_of(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {header:?}"))
}

/// A file inside the .xlsx (a zip).
fn xlsx_part(file: &Path, part: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn code(first17: &str) -> String {
    format!("{first17}{}", kam_core::validate::credit_code_check_char(first17).unwrap())
}

fn project(name: &str, status: ProjectStatus, yuan: i64, start: Option<&str>) -> ProjectInput {
    ProjectInput {
        name: name.into(),
        status,
        amount_fen: Some(Fen(yuan * 100)),
        plan_year: (status == ProjectStatus::Planned).then_some(2027),
        start_date: start.map(str::to_string),
        end_date: None,
        notes: None,
    }
}

// Long because: one demo database read back through all four list forms, each checked against
// what the core holds.
#[test]
fn lists_from_demo_data_read_back_in_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    kam.load_demo(40, 7).unwrap();
    kam.load_demo_relationship(200, 7).unwrap();
    let page = kam.list_customers(&CustomerQuery { limit: Some(1000), ..Default::default() }).unwrap();
    assert_eq!(page.total, 40);
    let strategic = page.rows.iter().find(|r| r.tier == Tier::Strategic).expect("a strategic demo customer");
    let other = page.rows.iter().find(|r| r.tier == Tier::Regular).unwrap();
    kam.add_project(&strategic.id, &project("一号厂房地坪工程", ProjectStatus::Ongoing, 1_280_000, Some("2026-03-01")))
        .unwrap();
    kam.add_project(&other.id, &project("办公楼改造", ProjectStatus::Ongoing, 350_000, None)).unwrap();
    kam.add_project(&other.id, &project("二期（拟）", ProjectStatus::Planned, 900_000, None)).unwrap();
    kam.add_project(&other.id, &project("旧仓库（完工）", ProjectStatus::Completed, 10_000, None)).unwrap();

    // 附表1: every customer, strategic first, credit codes whole as text.
    let out = dir.path().join("附表1.xlsx");
    let e = kam.export_form(&FormRequest::new(FormKind::Customers), &out).unwrap();
    assert_eq!((e.rows, e.scope.as_str()), (40, "全部客户"));
    let sheets = sheets_as_shown(&out);
    assert_eq!(sheets.len(), 1);
    let rows = &sheets[0].1;
    assert_eq!(rows[0][0], "客户名单档案");
    assert!(rows[1][0].contains("共 40 户") && rows[1][0].contains("截至 2026-11-23"), "{:?}", rows[1]);
    let head = &rows[2];
    assert_eq!(head[..4], ["序号", "客户代码", "单位名称", "统一社会信用代码"]);
    let data: Vec<&Vec<String>> = rows[3..].iter().filter(|r| r[0].parse::<u32>().is_ok()).collect();
    assert_eq!(data.len(), 40);
    assert_eq!(data[0][col_of(head, "客户等级")], "战略客户", "strategic customers come first");
    let c = kam.customer(&strategic.id).unwrap();
    let r = row_with(rows, &c.name);
    assert_eq!(r[col_of(head, "统一社会信用代码")], c.credit_code.clone().unwrap(), "18 digits, not 9.1E+17");
    assert_eq!(r[col_of(head, "客户代码")], c.customer_code.clone().unwrap());
    assert_eq!(r[col_of(head, "营销专员")], c.owner_name.clone().unwrap());
    assert_eq!(r[col_of(head, "联点领导")], c.liaison_name.clone().unwrap());
    let d = kam.dossier(&c.id).unwrap();
    let main = d.contacts.iter().find(|p| p.is_decision_maker).unwrap_or(&d.contacts[0]);
    assert_eq!(r[col_of(head, "主要联系人")], main.name);
    assert_eq!(r[col_of(head, "联系电话")], main.mobile, "a mobile number kept as text");
    let created = kam_core::time::local_date_of(&c.created_at).unwrap().to_string();
    assert_eq!(r[col_of(head, "建档日期")], created);

    // 附表3: only projects under way, totalled.
    let out = dir.path().join("附表3.xlsx");
    let e = kam.export_form(&FormRequest::new(FormKind::Projects), &out).unwrap();
    assert_eq!(e.rows, 2);
    let rows = &sheets_as_shown(&out)[0].1;
    assert_eq!(rows[0][0], "客户在建项目一览表");
    let head = &rows[2];
    let r = row_with(rows, "一号厂房地坪工程");
    assert_eq!(r[col_of(head, "客户名称")], strategic.name);
    assert_eq!(r[col_of(head, "合同额（元）")], "1,280,000.00");
    assert_eq!(r[col_of(head, "开工日期")], "2026-03-01");
    assert_eq!(rows[3][col_of(head, "项目名称")], "一号厂房地坪工程", "strategic customers first");
    assert_eq!(row_with(rows, "合计")[col_of(head, "合同额（元）")], "1,630,000.00");
    let all: String = rows.iter().flatten().cloned().collect();
    assert!(!all.contains("二期（拟）") && !all.contains("旧仓库"), "planned and completed are not under way");

    // 附表4: the period's visits and complaints on two sheets.
    let x = kam
        .open_complaint(
            &other.id,
            &ComplaintInput {
                contact_id: None,
                severity: ComplaintSeverity::Medium,
                category: ComplaintCategory::Service,
                title: Some("售后响应慢".into()),
                description: "报修后三天无人联系。".into(),
            },
        )
        .unwrap();
    let note =
        ComplaintActionInput { kind: ComplaintActionKind::Handling, note: "已安排工程师次日上门".into() };
    kam.handle_complaint(&x.id, &note).unwrap();
    kam.close_complaint(&x.id, Some("客户确认已修复，表示满意")).unwrap();
    let req = FormRequest {
        from: Some("2026-11-01".into()),
        to: Some("2026-11-23".into()),
        ..FormRequest::new(FormKind::Feedback)
    };
    let visits = kam
        .visits(&VisitQuery { from: req.from.clone(), to: req.to.clone(), limit: Some(10_000), ..Default::default() })
        .unwrap();
    assert!(!visits.is_empty(), "the demo has visits this month");
    let out = dir.path().join("附表4.xlsx");
    let e = kam.export_form(&req, &out).unwrap();
    let sheets = sheets_as_shown(&out);
    assert_eq!(sheets.len(), 2, "{:?}", sheets.iter().map(|s| &s.0).collect::<Vec<_>>());
    let sheet = |name: &str| &sheets.iter().find(|s| s.0.contains(name)).unwrap_or_else(|| panic!("no sheet {name}")).1;
    let (v, x) = (sheet("拜访反馈"), sheet("投诉处理"));
    assert!(v[1][0].contains("期间：2026-11-01 至 2026-11-23"), "{:?}", v[1]);
    let head = &v[2];
    let n_visits = v[3..].iter().filter(|r| r[0].parse::<u32>().is_ok()).count();
    assert_eq!(n_visits, visits.len());
    let first = visits.iter().min_by_key(|x| x.visited_on.clone()).unwrap();
    assert_eq!(v[3][col_of(head, "日期")], first.visited_on, "oldest first");
    let some = &visits[0];
    let r = v
        .iter()
        .find(|r| r.get(col_of(head, "目的")) == Some(&some.purpose) && r[col_of(head, "日期")] == some.visited_on);
    assert!(r.is_some_and(|r| r[col_of(head, "客户名称")] == some.customer_name), "{some:?}");
    let n_complaints = x[3..].iter().filter(|r| r[0].parse::<u32>().is_ok()).count();
    assert_eq!(e.rows as usize, n_visits + n_complaints);
    let opened_in_nov = kam
        .complaints(&ComplaintQuery { limit: Some(10_000), ..Default::default() })
        .unwrap()
        .into_iter()
        .filter(|c| c.opened_local.as_str() >= "2026-11-01")
        .count();
    assert_eq!(n_complaints, opened_in_nov);
    let head = &x[2];
    let r = row_with(x, "售后响应慢");
    assert_eq!(r[col_of(head, "客户名称")], other.name);
    assert_eq!(r[col_of(head, "状态")], "已关闭");
    assert!(r[col_of(head, "处理记录")].contains("处理记录：已安排工程师次日上门"), "{r:?}");
    assert_eq!(r[col_of(head, "反馈客户")], "客户确认已修复，表示满意");
    assert!(r[col_of(head, "投诉时间")].starts_with("2026-11-23 10:00"), "{r:?}");

    // Each export is in the audit log, with the form, the scope and the rows.
    let log = kam.audit_entries(&Default::default()).unwrap();
    let kinds: Vec<&str> = log.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds[..3], ["form_feedback", "form_projects", "form_customers"]);
    assert_eq!(log[0].row_count, Some(e.rows as i64));
    assert!(
        log[0].detail_text.contains("附表4") && log[0].detail_text.contains("2026-11-01"),
        "{}",
        log[0].detail_text
    );
    assert_eq!(log[1].kind_zh, "导出客户在建项目一览表（附表3）");
}

/// A customer with every section of the dossier filled.
fn full_customer(kam: &mut Kam) -> String {
    let owner = kam.add_user("张伟", Role::Rep, "大客户一部").unwrap();
    let liaison = kam.add_user("赵书记", Role::Liaison, "公司领导").unwrap();
    let c = kam
        .create_customer(&CustomerInput {
            name: "华东电力设备有限公司".into(),
            credit_code: Some(code("91310000132200011")),
            address: Some("上海市浦东新区张江高科技园区碧波路 690 号 3 号楼".into()),
            nature: Some(Nature::StateOwned),
            industry: Some("电力装备".into()),
            scale: Some(Scale::Large),
            assets: Some("总资产约 52 亿元".into()),
            shareholders: Some("上海电气集团 51%，员工持股平台 19%，其余为社会公众股".into()),
            source: Some("招投标".into()),
            tier: Some(Tier::Strategic),
            category: Some(Category::InGroup),
            lifecycle: Some(Lifecycle::Active),
            owner_id: Some(owner.id.clone()),
            liaison_id: Some(liaison.id.clone()),
            contract_performance: Some("近三年 12 个合同均按期履约，无索赔。".into()),
            payment_behaviour: Some("按进度付款，偶有季度末集中支付".into()),
            cooperation_mode: Some("总包框架协议 + 年度订单".into()),
            bidding_method: Some("邀请招标".into()),
            contract_terms: Some("质保金 5%，质保期两年；验收后 60 天内付至 95%。".into()),
            price_level: Some("中高".into()),
            credit_terms_days: Some(60),
            credit_limit_fen: Some(Fen(500_000_000)),
            ..Default::default()
        })
        .unwrap()
        .customer;
    let boss = kam
        .add_contact(
            &c.id,
            &ContactInput {
                name: "王建国".into(),
                title: Some("总经理".into()),
                mobile: Some("13812345678".into()),
                phone: Some("021-58881234".into()),
                email: Some("wangjg@hdpower.example.cn".into()),
                is_decision_maker: Some(true),
                decision_role: Some("最终拍板".into()),
                birthday: Some("1968-05-17".into()),
                interests: Some("围棋、钓鱼".into()),
                family: Some("女儿在英国读研".into()),
                ..Default::default()
            },
        )
        .unwrap();
    kam.add_contact(
        &c.id,
        &ContactInput {
            name: "李娜".into(),
            title: Some("采购经理".into()),
            mobile: Some("13912345678".into()),
            ..Default::default()
        },
    )
    .unwrap();
    kam.add_project(&c.id, &project("张江变电站扩建", ProjectStatus::Ongoing, 2_400_000, Some("2026-04-10"))).unwrap();
    kam.add_project(&c.id, &project("临港基地二期", ProjectStatus::Planned, 6_000_000, None)).unwrap();
    kam.add_record(
        &c.id,
        &RecordInput {
            kind: RecordKind::Meeting,
            occurred_on: Some("2026-10-12".into()),
            title: "年度合作座谈会".into(),
            content: Some("双方确认 2027 年框架协议续签".into()),
        },
    )
    .unwrap();
    kam.log_visit(
        &c.id,
        &VisitInput {
            visited_on: Some("2026-11-20".into()),
            kind: VisitKind::FaceToFace,
            contact_ids: vec![boss.id.clone()],
            purpose: Some("二期项目前期沟通".into()),
            outcome: Some("客户同意提供初步设计资料".into()),
            problems: Some("工期要求提前一个月".into()),
            next_step: Some("报送技术方案".into()),
            follow_up_on: Some("2026-12-05".into()),
            ..Default::default()
        },
    )
    .unwrap();
    kam.open_complaint(
        &c.id,
        &ComplaintInput {
            contact_id: None,
            severity: ComplaintSeverity::High,
            category: ComplaintCategory::Delivery,
            title: Some("10 月批次延迟到货".into()),
            description: "10 月第二批电缆桥架晚到 5 天，影响现场进度。".into(),
        },
    )
    .unwrap();
    c.id
}

#[test]
fn the_dossier_prints_on_a4_pages_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut kam = open(&dir);
    let id = full_customer(&mut kam);
    let c = kam.customer(&id).unwrap();
    let req = FormRequest { customer_id: c.credit_code.clone(), ..FormRequest::new(FormKind::Dossier) };
    let default = kam.form_default_path(&req).unwrap();
    assert!(default.ends_with("附表2-客户基本情况档案-华东电力设备有限公司.xlsx"), "{default}");
    let out = dir.path().join("附表2.xlsx");
    let e = kam.export_form(&req, &out).unwrap();
    assert_eq!(e.rows, 1);

    // What a spreadsheet shows: labels beside their values, each section's rows.
    let rows = &sheets_as_shown(&out)[0].1;
    assert_eq!(rows[0][0], "客户基本情况档案");
    let value_after = |label: &str| {
        let r = row_with(rows, label);
        let i = r.iter().position(|x| x == label).unwrap();
        r[i + 1].clone()
    };
    assert_eq!(value_after("单位名称"), "华东电力设备有限公司");
    assert_eq!(value_after("统一社会信用代码"), c.credit_code.clone().unwrap());
    assert_eq!(value_after("客户等级"), "战略客户");
    assert_eq!(value_after("单位性质"), "国有企业");
    assert_eq!(value_after("联点领导"), "赵书记");
    assert_eq!(value_after("股东结构"), "上海电气集团 51%，员工持股平台 19%，其余为社会公众股");
    assert_eq!(value_after("信用额度（元）"), "5,000,000.00");
    assert_eq!(value_after("信用期（天）"), "60");
    assert_eq!(value_after("合约主要条款"), "质保金 5%，质保期两年；验收后 60 天内付至 95%。");
    let boss = row_with(rows, "王建国");
    assert!(
        boss.contains(&"13812345678".to_string()) && boss.contains(&"wangjg@hdpower.example.cn".to_string()),
        "{boss:?}"
    );
    let decider = rows.iter().find(|r| r.contains(&"最终拍板".to_string())).unwrap();
    assert!(decider.contains(&"1968-05-17".to_string()) && decider.contains(&"围棋、钓鱼".to_string()), "{decider:?}");
    assert!(row_with(rows, "张江变电站扩建").contains(&"2,400,000.00".to_string()));
    assert!(row_with(rows, "临港基地二期").contains(&"2027".to_string()));
    let visit = row_with(rows, "二期项目前期沟通");
    assert_eq!(visit[0], "2026-11-20");
    assert!(visit.iter().any(|x| x.contains("工期要求提前一个月") && x.contains("会见：王建国")), "{visit:?}");
    assert!(row_with(rows, "年度合作座谈会").contains(&"会议记录".to_string()));
    assert!(row_with(rows, "10 月批次延迟到货")[1].starts_with("投诉"));
    let order: Vec<usize> = [
        "一、基本情况",
        "二、联系方式",
        "三、决策体系",
        "四、商务信息",
        "八、重要记录（会议、谈话、调查、走访、投诉及处理）",
    ]
    .iter()
    .map(|s| rows.iter().position(|r| r[0] == *s).unwrap_or_else(|| panic!("no section {s}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");

    // Printable: A4 portrait fitted to the page width, a print area, a header and page numbers.
    let sheet = xlsx_part(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{sheet}");
    let setup = &sheet[sheet.find("<pageSetup").unwrap()..];
    let setup = &setup[..setup.find("/>").unwrap()];
    for attr in [r#"paperSize="9""#, r#"fitToHeight="0""#, r#"orientation="portrait""#] {
        assert!(setup.contains(attr), "{attr} in {setup}");
    }
    assert!(!setup.contains("fitToWidth") || setup.contains(r#"fitToWidth="1""#), "{setup}");
    assert!(
        sheet.contains("<oddHeader>&amp;L客户基本情况档案（附表2）&amp;R华东电力设备有限公司</oddHeader>"),
        "{sheet}"
    );
    assert!(sheet.contains("&amp;P") && sheet.contains("&amp;N"), "page numbers");
    let book = xlsx_part(&out, "xl/workbook.xml");
    assert!(book.contains(r#"name="_xlnm.Print_Area""#) && book.contains("$A$1:$H$"), "{book}");
    // …and LibreOffice prints it that way: A4 pages, the eight columns on one page's width.
    let pdf = soffice(&out, "pdf").remove(0).1;
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type/Page").count() - text.matches("/Type/Pages").count();
    assert!((1..=2).contains(&pages), "{pages} pages: fitted to the width, the form prints on one or two");
    assert!(text.contains("/MediaBox[0 0 595"), "A4 portrait (595 × 842 pt)");

    let log = kam.audit_entries(&Default::default()).unwrap();
    assert_eq!(log[0].kind, "form_dossier");
    assert!(log[0].detail_text.contains("华东电力设备有限公司"), "{}", log[0].detail_text);
    // A customer is needed, and a wrong file name is refused before anything is written.
    assert_eq!(kam.export_form(&FormRequest::new(FormKind::Dossier), &out).unwrap_err().code(), "validation");
    let e = kam.export_form(&req, &dir.path().join("档案.pdf")).unwrap_err();
    assert_eq!(e.to_dto().field.as_deref(), Some("out"));
}

/// Sign in on the locked database, as the window and the CLI do.
fn as_(path: &Path, who: &str) -> Kam {
    let mut kam = Kam::open_locked(path).unwrap();
    kam.sign_in(who, PW).unwrap_or_else(|e| panic!("{who} signs in: {e}"));
    kam
}

fn listed(kam: &Kam, dir: &Path, form: FormKind) -> (String, Vec<String>) {
    let out = dir.join(format!("{}-{}.xlsx", form.as_str(), kam.me().unwrap().name));
    let e = kam.export_form(&FormRequest::new(form), &out).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let col = if form == FormKind::Projects { 4 } else { 2 };
    let mut names: Vec<String> = sheet
        .rows()
        .skip(3)
        .filter(|r| matches!(r[0], calamine::Data::Float(_) | calamine::Data::Int(_)))
        .map(|r| r[col].to_string())
        .collect();
    names.sort();
    (e.scope, names)
}

#[test]
fn each_role_gets_the_customers_it_may_see() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kam.sqlite3");
    let mut admin = Kam::open_locked(&path).unwrap();
    admin.create_first_admin("管理员", PW).unwrap();
    let mut people = std::collections::HashMap::new();
    for (name, role, dept) in [
        ("张伟", Role::Rep, "大客户一部"),
        ("王芳", Role::Rep, "大客户一部"),
        ("刘洋", Role::Rep, "大客户二部"),
        ("李经理", Role::Manager, "大客户一部"),
        ("赵书记", Role::Liaison, "公司领导"),
        ("钱会计", Role::HeadOffice, "大客户服务部"),
    ] {
        let u = admin.add_user(name, role, dept).unwrap();
        admin.set_user_password(&u.id, PW).unwrap();
        people.insert(name, u.id);
    }
    for (customer, owner, liaison) in
        [("甲公司", "张伟", Some("赵书记")), ("乙公司", "王芳", None), ("丙公司", "刘洋", None)]
    {
        let c = admin
            .create_customer(&CustomerInput {
                name: customer.into(),
                owner_id: Some(people[owner].clone()),
                liaison_id: liaison.map(|l| people[l].clone()),
                tier: liaison.map(|_| Tier::Strategic),
                ..Default::default()
            })
            .unwrap()
            .customer;
        admin.add_project(&c.id, &project(&format!("{customer}项目"), ProjectStatus::Ongoing, 1_000, None)).unwrap();
    }
    drop(admin);
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let d = dir.path();
    let rep = as_(&path, "张伟");
    assert_eq!(listed(&rep, d, FormKind::Customers), ("营销专员：张伟".into(), names(&["甲公司"])));
    assert_eq!(listed(&rep, d, FormKind::Projects).1, names(&["甲公司项目"]));
    let manager = as_(&path, "李经理");
    assert_eq!(listed(&manager, d, FormKind::Customers), ("部门：大客户一部".into(), names(&["乙公司", "甲公司"])));
    let liaison = as_(&path, "赵书记");
    assert_eq!(listed(&liaison, d, FormKind::Customers).1, names(&["甲公司"]));
    let clerk = as_(&path, "钱会计");
    assert_eq!(listed(&clerk, d, FormKind::Customers), ("全部客户".into(), names(&["丙公司", "乙公司", "甲公司"])));

    // A rep cannot print another rep's dossier; nothing is written or recorded.
    let bing = clerk.list_customers(&CustomerQuery { text: Some("丙公司".into()), ..Default::default() }).unwrap().rows;
    let req = FormRequest { customer_id: Some(bing[0].id.clone()), ..FormRequest::new(FormKind::Dossier) };
    let out = d.join("丙.xlsx");
    let before = clerk.audit_entries(&Default::default()).unwrap().len();
    let e = rep.export_form(&req, &out).unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e}");
    assert!(e.to_string().contains("不是你负责的客户"), "{e}");
    assert!(!out.exists());
    assert_eq!(clerk.audit_entries(&Default::default()).unwrap().len(), before);
    // Its own owner can, and the entry names who did it.
    let owner = as_(&path, "刘洋");
    owner.export_form(&req, &out).unwrap();
    let log = clerk.audit_entries(&Default::default()).unwrap();
    assert_eq!((log[0].kind.as_str(), log[0].user_name.as_deref()), ("form_dossier", Some("刘洋")));
}
