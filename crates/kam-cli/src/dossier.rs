//! `kam customer …`, `kam contact …`, `kam record …`, `kam user …` and `kam company …`: the
//! customer dossiers, their contacts, key-person changes and records, the users, and the company
//! printed at the head of quotes. A thin client of `kam_core::Kam`.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use kam_core::{
    Category, ContactChangeInput, ContactChangeKind, ContactInput, CustomerInput, CustomerQuery, CustomerSort, Dossier,
    Kam, Lifecycle, Nature, RecordInput, RecordKind, Scale, Tier,
};

use crate::{auth, pad, parse_enum, print_json, resolve_user};

#[derive(Args, Default)]
pub struct CustomerFields {
    /// 单位名称
    #[arg(long)]
    name: Option<String>,
    /// 统一社会信用代码 (18 characters)
    #[arg(long)]
    credit_code: Option<String>,
    #[arg(long)]
    address: Option<String>,
    /// government | state_owned | private | foreign_invested | public_institution | other (or 中文)
    #[arg(long, value_parser = parse_enum::<Nature>)]
    nature: Option<Nature>,
    #[arg(long)]
    industry: Option<String>,
    /// large | medium | small
    #[arg(long, value_parser = parse_enum::<Scale>)]
    scale: Option<Scale>,
    /// government | private | foreign | in_group (or 政府类/社会类/外资类/系统内)
    #[arg(long, value_parser = parse_enum::<Category>)]
    category: Option<Category>,
    /// prospect | negotiating | active | dormant
    #[arg(long, value_parser = parse_enum::<Lifecycle>)]
    lifecycle: Option<Lifecycle>,
    /// Owner rep: user id or name.
    #[arg(long)]
    owner: Option<String>,
    /// Liaison executive: user id or name.
    #[arg(long)]
    liaison: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

#[derive(Subcommand)]
pub enum CustomerCmd {
    /// Create a customer.
    Add {
        #[command(flatten)]
        f: CustomerFields,
        /// strategic | key | regular | prospect (or 战略客户…)
        #[arg(long, value_parser = parse_enum::<Tier>)]
        tier: Option<Tier>,
        #[arg(long)]
        json: bool,
    },
    /// Show a dossier (by id, customer code or credit code).
    Show {
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// List customers.
    List {
        #[arg(long, value_parser = parse_enum::<Tier>)]
        tier: Option<Tier>,
        #[arg(long, value_parser = parse_enum::<Category>)]
        category: Option<Category>,
        #[arg(long, value_parser = parse_enum::<Lifecycle>)]
        lifecycle: Option<Lifecycle>,
        #[arg(long)]
        owner: Option<String>,
        /// name | code | tier | updated
        #[arg(long, default_value = "name")]
        sort: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        #[arg(long)]
        json: bool,
    },
    /// Search by name, code, contact, phone or pinyin (`hddl`).
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Edit fields of a customer (only the ones given).
    Edit {
        key: String,
        #[command(flatten)]
        f: CustomerFields,
        #[arg(long)]
        json: bool,
    },
    /// Change the tier, with a reason (kept in the history).
    Tier {
        key: String,
        #[arg(long, value_parser = parse_enum::<Tier>)]
        to: Tier,
        #[arg(long)]
        reason: String,
    },
    /// Approve as a key account and assign the customer code.
    Approve { key: String },
    /// Delete (kept as a tombstone; `restore` undoes it).
    Delete { key: String },
    /// Undo a delete (by id).
    Restore { id: String },
}

#[derive(Subcommand)]
pub enum ContactCmd {
    /// Add a contact to a customer.
    Add {
        customer: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        mobile: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Marks the contact as a decision maker with this role.
        #[arg(long)]
        decision_role: Option<String>,
        /// YYYY-MM-DD
        #[arg(long)]
        birthday: Option<String>,
        #[arg(long)]
        interests: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Key-person changes (关键人员变动).
    #[command(subcommand)]
    Change(ChangeCmd),
}

#[derive(Subcommand)]
pub enum ChangeCmd {
    /// Record a key-person change of a customer ("left" also marks the contact inactive).
    Add {
        customer: String,
        /// joined | left | role_changed (or 到任/离任/职务变动)
        #[arg(long, value_parser = parse_enum::<ContactChangeKind>)]
        kind: ContactChangeKind,
        /// The contact concerned: id or name, one of this customer's contacts.
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        description: String,
        /// YYYY-MM-DD (default today)
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Edit a key-person change (by id): only the fields given; `--contact ''` unlinks the contact.
    Edit {
        id: String,
        #[arg(long, value_parser = parse_enum::<ContactChangeKind>)]
        kind: Option<ContactChangeKind>,
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum RecordCmd {
    /// Add a record to a customer's dossier.
    Add {
        customer: String,
        /// meeting | conversation | survey | note (or 会议/谈话/调查/备注)
        #[arg(long, value_parser = parse_enum::<RecordKind>)]
        kind: RecordKind,
        #[arg(long)]
        title: String,
        #[arg(long)]
        content: Option<String>,
        /// YYYY-MM-DD, not after today (default today)
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Edit a record (by id): only the fields given.
    Edit {
        id: String,
        #[arg(long, value_parser = parse_enum::<RecordKind>)]
        kind: Option<RecordKind>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        content: Option<String>,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// List users.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change your own password.
    Passwd,
    /// An administrator sets someone's password (asked twice, or read from a file).
    SetPassword {
        user: String,
        #[arg(long)]
        new_password_file: Option<PathBuf>,
    },
    /// An administrator issues a one-time reset code for someone who forgot their password (head
    /// office; it reaches their laptop in the next return file, valid 7 days).
    ResetCode { user: String },
    /// An administrator appoints another administrator (or, with --revoke, removes one; the last
    /// administrator stays).
    Admin {
        user: String,
        #[arg(long)]
        revoke: bool,
    },
    /// Add a user.
    Add {
        #[arg(long)]
        name: String,
        /// rep | manager | head_office | liaison | executive
        #[arg(long, value_parser = parse_enum::<kam_core::Role>)]
        role: kam_core::Role,
        #[arg(long, default_value = "")]
        department: String,
    },
}

#[derive(Subcommand)]
pub enum CompanyCmd {
    /// Show the company name, address and phone.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Set the company; an address or phone not given keeps its current value.
    Set {
        #[arg(long)]
        name: String,
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

impl CustomerFields {
    fn apply(self, kam: &Kam, mut input: CustomerInput) -> Result<CustomerInput> {
        if let Some(v) = self.name {
            input.name = v;
        }
        let set = |slot: &mut Option<String>, v: Option<String>| {
            if v.is_some() {
                *slot = v;
            }
        };
        set(&mut input.credit_code, self.credit_code);
        set(&mut input.address, self.address);
        set(&mut input.industry, self.industry);
        set(&mut input.notes, self.notes);
        input.nature = self.nature.or(input.nature);
        input.scale = self.scale.or(input.scale);
        input.category = self.category.or(input.category);
        input.lifecycle = self.lifecycle.or(input.lifecycle);
        if self.owner.is_some() {
            input.owner_id = resolve_user(kam, &self.owner)?;
        }
        if self.liaison.is_some() {
            input.liaison_id = resolve_user(kam, &self.liaison)?;
        }
        Ok(input)
    }
}

pub fn customer(kam: &mut Kam, cmd: CustomerCmd) -> Result<()> {
    match cmd {
        CustomerCmd::Add { f, tier, json } => {
            let mut input = f.apply(kam, CustomerInput::default())?;
            input.tier = tier;
            let created = kam.create_customer(&input)?;
            if json {
                print_json(&created)?;
            } else {
                println!("已创建客户 created: {} ({})", created.customer.name, created.customer.id);
                for w in &created.warnings {
                    eprintln!("注意 warning: {} → kam customer show {}", w.message, w.customer_id);
                }
            }
        }
        CustomerCmd::Show { key, json } => {
            let c = kam.resolve_customer(&key)?;
            let d = kam.dossier(&c.id)?;
            if json {
                return print_json(&d);
            }
            let c = &d.customer;
            println!("{}  [{}]", c.name, c.tier.label_zh());
            println!("  客户代码 code: {}", c.customer_code.as_deref().unwrap_or("（未审批）"));
            println!("  统一社会信用代码: {}", c.credit_code.as_deref().unwrap_or("—"));
            println!(
                "  类别 category: {}  性质 nature: {}  行业: {}  规模: {}",
                c.category.label_zh(),
                c.nature.label_zh(),
                c.industry,
                c.scale.label_zh()
            );
            println!("  生命周期 lifecycle: {}", c.lifecycle.label_zh());
            println!(
                "  营销专员 owner: {}  联点领导 liaison: {}",
                c.owner_name.as_deref().unwrap_or("—"),
                c.liaison_name.as_deref().unwrap_or("—")
            );
            println!("  地址 address: {}", c.address);
            println!("  应收 receivable: {}  逾期 overdue: {}", c.receivable_fen, c.overdue_receivable_fen);
            println!("  联系人 contacts:");
            for k in &d.contacts {
                let dm = if k.is_decision_maker { format!(" 决策人:{}", k.decision_role) } else { String::new() };
                println!(
                    "    {} {} {} {}{}",
                    pad(&k.name, 8),
                    pad(&k.title, 12),
                    k.mobile,
                    k.birthday.as_deref().unwrap_or(""),
                    dm
                );
            }
            println!("  等级历史 tier history:");
            for t in &d.tier_history {
                println!(
                    "    {} {} → {}  {}  ({})",
                    &t.changed_at[..10],
                    t.from_tier.map(|x| x.label_zh()).unwrap_or("—"),
                    t.to_tier.label_zh(),
                    t.reason,
                    t.decided_by_name.as_deref().unwrap_or("")
                );
            }
        }
        CustomerCmd::List { tier, category, lifecycle, owner, sort, limit, offset, json } => {
            let sort = match sort.as_str() {
                "name" => CustomerSort::Name,
                "code" => CustomerSort::Code,
                "tier" => CustomerSort::Tier,
                "updated" => CustomerSort::UpdatedDesc,
                other => anyhow::bail!("unknown sort '{other}': use name, code, tier or updated"),
            };
            let q = CustomerQuery {
                tier,
                category,
                lifecycle,
                owner_id: resolve_user(kam, &owner)?,
                sort: Some(sort),
                limit: Some(limit),
                offset: Some(offset),
                text: None,
            };
            let page = kam.list_customers(&q)?;
            if json {
                return print_json(&page);
            }
            println!("{} 个客户 customers (showing {})", page.total, page.rows.len());
            for r in page.rows {
                println!(
                    "{}  {}  {}  {}  {}",
                    pad(r.customer_code.as_deref().unwrap_or("—"), 18),
                    pad(r.tier.label_zh(), 9),
                    pad(&r.name, 40),
                    pad(r.owner_name.as_deref().unwrap_or("—"), 8),
                    r.id
                );
            }
        }
        CustomerCmd::Search { query, limit, json } => {
            let r = kam.search(&query, limit)?;
            if json {
                return print_json(&r);
            }
            println!("「{query}」: {} 个匹配 matches", r.total);
            for h in r.hits {
                println!(
                    "{}  {}  {}  {}",
                    pad(h.customer_code.as_deref().unwrap_or("—"), 18),
                    pad(h.tier.label_zh(), 9),
                    pad(&h.name, 40),
                    h.id
                );
            }
        }
        CustomerCmd::Edit { key, f, json } => {
            let c = kam.resolve_customer(&key)?;
            let input = f.apply(kam, CustomerInput::from(&c))?;
            let c = kam.update_customer(&c.id, &input)?;
            if json {
                print_json(&c)?;
            } else {
                println!("已保存 saved: {}", c.name);
            }
        }
        CustomerCmd::Tier { key, to, reason } => {
            let c = kam.resolve_customer(&key)?;
            let c = kam.change_tier(&c.id, to, &reason)?;
            println!("{} → {}", c.name, c.tier.label_zh());
        }
        CustomerCmd::Approve { key } => {
            let c = kam.resolve_customer(&key)?;
            let c = kam.approve_customer(&c.id)?;
            println!("{}  {}", c.customer_code.unwrap_or_default(), c.name);
        }
        CustomerCmd::Delete { key } => {
            let c = kam.resolve_customer(&key)?;
            kam.delete_customer(&c.id)?;
            println!("已删除 deleted: {} — 撤销 undo: kam customer restore {}", c.name, c.id);
        }
        CustomerCmd::Restore { id } => {
            let c = kam.restore_customer(&id)?;
            println!("已恢复 restored: {}", c.name);
        }
    }
    Ok(())
}

pub fn contact(kam: &mut Kam, cmd: ContactCmd) -> Result<()> {
    match cmd {
        ContactCmd::Add { customer, name, title, mobile, phone, email, decision_role, birthday, interests, json } => {
            let c = kam.resolve_customer(&customer)?;
            let k = kam.add_contact(
                &c.id,
                &ContactInput {
                    name,
                    title,
                    mobile,
                    phone,
                    email,
                    is_decision_maker: Some(decision_role.is_some()),
                    decision_role,
                    birthday,
                    interests,
                    ..Default::default()
                },
            )?;
            if json {
                print_json(&k)?;
            } else {
                println!("已添加联系人 added contact {} ({})", k.name, k.id);
            }
        }
        ContactCmd::Change(c) => contact_change(kam, c)?,
    }
    Ok(())
}

/// The id of the contact of dossier `d` named or identified by `key`; an empty key is none.
fn resolve_contact(d: &Dossier, key: &str) -> Result<Option<String>> {
    let key = key.trim();
    if key.is_empty() {
        return Ok(None);
    }
    if let Some(k) = d.contacts.iter().find(|k| k.id == key) {
        return Ok(Some(k.id.clone()));
    }
    let named: Vec<_> = d.contacts.iter().filter(|k| k.name == key).collect();
    match named.as_slice() {
        [k] => Ok(Some(k.id.clone())),
        [] => anyhow::bail!("{} has no contact '{key}': see `kam customer show {}`", d.customer.name, d.customer.id),
        _ => anyhow::bail!(
            "{} has several contacts named '{key}': give the id (`kam customer show {} --json`)",
            d.customer.name,
            d.customer.id
        ),
    }
}

fn contact_change(kam: &mut Kam, cmd: ChangeCmd) -> Result<()> {
    let (x, json, done) = match cmd {
        ChangeCmd::Add { customer, kind, contact, description, on, json } => {
            let d = kam.dossier(&kam.resolve_customer(&customer)?.id)?;
            let contact_id = match contact {
                Some(k) => resolve_contact(&d, &k)?,
                None => None,
            };
            let input = ContactChangeInput { contact_id, kind, description, changed_on: on };
            (kam.add_contact_change(&d.customer.id, &input)?, json, "已添加 added")
        }
        ChangeCmd::Edit { id, kind, contact, description, on, json } => {
            let x = kam.contact_change(&id)?;
            let contact_id = match contact {
                Some(k) => resolve_contact(&kam.dossier(&x.customer_id)?, &k)?,
                None => x.contact_id,
            };
            let input = ContactChangeInput {
                contact_id,
                kind: kind.unwrap_or(x.kind),
                description: description.unwrap_or(x.description),
                changed_on: Some(on.unwrap_or(x.changed_on)),
            };
            (kam.update_contact_change(&id, &input)?, json, "已保存 saved")
        }
    };
    if json {
        print_json(&x)?;
    } else {
        println!(
            "{done}: {} {} {} {} ({})",
            x.changed_on,
            x.kind.label_zh(),
            x.contact_name.as_deref().unwrap_or("—"),
            x.description,
            x.id
        );
    }
    Ok(())
}

pub fn record(kam: &mut Kam, cmd: RecordCmd) -> Result<()> {
    let (r, json, done) = match cmd {
        RecordCmd::Add { customer, kind, title, content, on, json } => {
            let c = kam.resolve_customer(&customer)?;
            (kam.add_record(&c.id, &RecordInput { kind, occurred_on: on, title, content })?, json, "已添加 added")
        }
        RecordCmd::Edit { id, kind, title, content, on, json } => {
            let r = kam.record(&id)?;
            let input = RecordInput {
                kind: kind.unwrap_or(r.kind),
                occurred_on: Some(on.unwrap_or(r.occurred_on)),
                title: title.unwrap_or(r.title),
                content: Some(content.unwrap_or(r.content)),
            };
            (kam.update_record(&id, &input)?, json, "已保存 saved")
        }
    };
    if json {
        print_json(&r)?;
    } else {
        println!("{done}: {} {} {} ({})", r.occurred_on, r.kind.label_zh(), r.title, r.id);
    }
    Ok(())
}

pub fn user(kam: &mut Kam, cmd: UserCmd) -> Result<()> {
    match cmd {
        UserCmd::List { json } => {
            let users = kam.users()?;
            if json {
                print_json(&users)?;
            } else {
                for u in users {
                    println!("{}  {}  {}  {}", u.id, pad(&u.name, 10), pad(u.role.label_zh(), 14), u.department);
                }
            }
        }
        UserCmd::Passwd => auth::change_own_password(kam)?,
        UserCmd::SetPassword { user, new_password_file } => {
            auth::set_password(kam, &user, new_password_file.as_deref())?
        }
        UserCmd::ResetCode { user } => {
            let id = resolve_user(kam, &Some(user))?.expect("given");
            let r = kam.issue_password_reset(&id)?;
            println!(
                "{} 的重置码 reset code: {}（有效至 valid until {}；请当面或电话告知本人 tell them in person or by phone）",
                r.user.name,
                r.code,
                kam_core::time::local_time(&r.expires_at)
            );
        }
        UserCmd::Admin { user, revoke } => {
            let id = resolve_user(kam, &Some(user))?.expect("given");
            let u = kam.set_user_admin(&id, !revoke)?;
            println!(
                "{}：{}",
                u.name,
                if u.is_admin { "管理员 administrator" } else { "非管理员 not an administrator" }
            );
        }
        UserCmd::Add { name, role, department } => {
            let u = kam.add_user(&name, role, &department)?;
            println!("{}", u.id);
        }
    }
    Ok(())
}

pub fn company(kam: &mut Kam, cmd: CompanyCmd) -> Result<()> {
    match cmd {
        CompanyCmd::Show { json } => {
            let c = kam.company_info()?;
            if json {
                print_json(&c)?;
            } else {
                print_company(&c);
            }
        }
        CompanyCmd::Set { name, address, phone, json } => {
            let old = kam.company_info()?;
            let input = kam_core::CompanyInfo {
                name,
                address: address.unwrap_or(old.address),
                phone: phone.unwrap_or(old.phone),
            };
            let c = kam.set_company_info(&input)?;
            if json {
                print_json(&c)?;
            } else {
                print_company(&c);
            }
        }
    }
    Ok(())
}

fn print_company(c: &kam_core::CompanyInfo) {
    let or_dash = |s: &str| if s.is_empty() { "—".to_string() } else { s.to_string() };
    println!("公司名称 name: {}", or_dash(&c.name));
    println!("地址 address: {}", or_dash(&c.address));
    println!("电话 phone: {}", or_dash(&c.phone));
}
