//! Realistic, deterministic demo data (same seed, same data), built from the word lists in
//! `assets/demo/`. Goes through the same validation and indexing as the app.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::dossier::insert_full;
use crate::error::Result;
use crate::model::*;
use crate::units::Fen;
use crate::validate::credit_code_check_char;
use crate::Kam;

fn lines(s: &'static str) -> Vec<&'static str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

fn pairs(s: &'static str) -> Vec<(&'static str, &'static str)> {
    lines(s).into_iter().map(|l| l.split_once(' ').unwrap_or((l, ""))).collect()
}

struct Words {
    surnames: Vec<&'static str>,
    given: Vec<&'static str>,
    regions: Vec<(&'static str, &'static str)>,
    brands: Vec<&'static str>,
    trades: Vec<(&'static str, &'static str)>,
    forms: Vec<&'static str>,
    titles: Vec<(&'static str, &'static str)>,
    interests: Vec<&'static str>,
}

fn words() -> Words {
    Words {
        surnames: lines(include_str!("../../../assets/demo/surnames.txt")),
        given: lines(include_str!("../../../assets/demo/given.txt")),
        regions: pairs(include_str!("../../../assets/demo/regions.txt")),
        brands: lines(include_str!("../../../assets/demo/brands.txt")),
        trades: pairs(include_str!("../../../assets/demo/trades.txt")),
        forms: lines(include_str!("../../../assets/demo/forms.txt")),
        titles: pairs(include_str!("../../../assets/demo/titles.txt")),
        interests: lines(include_str!("../../../assets/demo/interests.txt")),
    }
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, v: &'a [T]) -> &'a T {
    &v[rng.random_range(0..v.len())]
}

/// A valid 统一社会信用代码: 9 (registered with market regulation) 1 (company), the region's
/// division code, an organisation code derived from `n`, and the GB 32100 check character.
pub fn demo_credit_code(region: &str, n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut org = String::new();
    let mut x = n.wrapping_mul(2_654_435_761) % 31u64.pow(9);
    for _ in 0..9 {
        org.push(DIGITS[(x % 31) as usize] as char);
        x /= 31;
    }
    let first17 = format!("91{region}{org}");
    let check = credit_code_check_char(&first17).expect("valid characters");
    format!("{first17}{check}")
}

fn person(rng: &mut ChaCha8Rng, w: &Words) -> String {
    format!("{}{}", pick(rng, &w.surnames), pick(rng, &w.given))
}

/// Add a demo person; a name already taken gets a number (张伟2), as names are unique.
fn add_person(kam: &mut Kam, name: &str, role: Role, department: &str) -> Result<crate::model::User> {
    let mut n = 1;
    loop {
        let candidate = if n == 1 { name.to_string() } else { format!("{name}{n}") };
        match kam.add_user(&candidate, role, department) {
            Err(crate::KamError::Duplicate { .. }) => n += 1,
            other => return other,
        }
    }
}

pub(crate) fn load(kam: &mut Kam, customers: u32, seed: u64) -> Result<DemoReport> {
    let started = Instant::now();
    let w = words();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let departments = ["大客户一部", "大客户二部", "大客户三部", "渠道部"];
    let n_reps = (customers / 1000).clamp(6, 100);
    let mut reps = Vec::new();
    let mut liaisons = Vec::new();
    let mut n_users = 0;
    for dept in departments.iter() {
        add_person(kam, &format!("{}经理", person(&mut rng, &w)), Role::Manager, dept)?;
        let l = add_person(kam, &person(&mut rng, &w), Role::Liaison, "公司领导")?;
        liaisons.push(l.id);
        n_users += 2;
    }
    add_person(kam, &person(&mut rng, &w), Role::Executive, "公司领导")?;
    add_person(kam, &person(&mut rng, &w), Role::HeadOffice, "大客户服务部")?;
    n_users += 2;
    for i in 0..n_reps {
        let u = add_person(kam, &person(&mut rng, &w), Role::Rep, departments[i as usize % departments.len()])?;
        reps.push(u.id);
        n_users += 1;
    }
    let year = kam.now().format("%y").to_string();
    let tag = kam.device_tag.clone();
    let base = rng.random_range(0..1_000_000_000u64);
    let mut n_contacts = 0;
    let mut code_seq = 0u32;
    let mut rng2 = rng.clone();
    kam.write(|tx, ctx| {
        let rng = &mut rng2;
        for i in 0..customers {
            let (region_code, city) = *pick(rng, &w.regions);
            let (trade, industry) = *pick(rng, &w.trades);
            let name = format!("{city}{}{trade}{}", pick(rng, &w.brands), pick(rng, &w.forms));
            let tier = match rng.random_range(0..100) {
                0..5 => Tier::Strategic,
                5..20 => Tier::Key,
                20..70 => Tier::Regular,
                _ => Tier::Prospect,
            };
            let lifecycle = match tier {
                Tier::Prospect => {
                    if rng.random_bool(0.5) {
                        Lifecycle::Prospect
                    } else {
                        Lifecycle::Negotiating
                    }
                }
                _ => {
                    if rng.random_bool(0.9) {
                        Lifecycle::Active
                    } else {
                        Lifecycle::Dormant
                    }
                }
            };
            let category = *pick(rng, Category::ALL);
            let nature = match category {
                Category::Government => Nature::Government,
                Category::Foreign => Nature::ForeignInvested,
                Category::InGroup => Nature::StateOwned,
                Category::Private => *pick(rng, &[Nature::Private, Nature::Private, Nature::PublicInstitution]),
            };
            let receivable = if tier == Tier::Prospect { 0 } else { rng.random_range(0..500_000) * 100 };
            let overdue = if receivable > 0 && rng.random_bool(0.1) { receivable / 3 } else { 0 };
            let input = CustomerInput {
                name,
                credit_code: Some(demo_credit_code(region_code, base + i as u64)),
                address: Some(format!("{city}市{}路{}号", pick(rng, &w.brands), rng.random_range(1..999))),
                nature: Some(nature),
                industry: Some(industry.to_string()),
                scale: Some(*pick(rng, Scale::ALL)),
                source: Some(pick(rng, &["展会", "老客户介绍", "招投标", "电话开发", "总部分配"]).to_string()),
                tier: Some(tier),
                category: Some(category),
                lifecycle: Some(lifecycle),
                owner_id: Some(pick(rng, &reps).clone()),
                liaison_id: (tier == Tier::Strategic).then(|| pick(rng, &liaisons).clone()),
                payment_behaviour: Some(pick(rng, &["按期付款", "偶有拖欠", "季度结算", "预付款"]).to_string()),
                bidding_method: Some(pick(rng, &["公开招标", "邀请招标", "竞争性谈判", "单一来源"]).to_string()),
                credit_terms_days: Some(*pick(rng, &[30, 60, 90])),
                receivable_fen: Some(Fen(receivable)),
                overdue_receivable_fen: Some(Fen(overdue)),
                ..Default::default()
            };
            let mut contacts = Vec::new();
            for k in 0..rng.random_range(1..=5) {
                let (title, role) = *pick(rng, &w.titles);
                let decision = !role.is_empty() && (k == 0 || rng.random_bool(0.3));
                contacts.push(ContactInput {
                    name: person(rng, &w),
                    title: Some(title.to_string()),
                    mobile: Some(format!("1{}{:09}", rng.random_range(3..=9), rng.random_range(0..1_000_000_000u32))),
                    phone: Some(format!("0{}-{}", rng.random_range(10..999), rng.random_range(60_000_000..89_999_999))),
                    email: Some(format!("contact{}@example.cn", rng.random_range(1000..99999))),
                    is_decision_maker: Some(decision),
                    decision_role: decision.then(|| role.to_string()),
                    birthday: decision.then(|| {
                        format!(
                            "{}-{:02}-{:02}",
                            rng.random_range(1960..1990),
                            rng.random_range(1..=12),
                            rng.random_range(1..=28)
                        )
                    }),
                    interests: decision.then(|| pick(rng, &w.interests).to_string()),
                    family: (decision && rng.random_bool(0.3)).then(|| "子女在读大学".to_string()),
                    ..Default::default()
                });
            }
            let code = if tier != Tier::Prospect {
                code_seq += 1;
                Some(format!("KA{year}-{tag}-D{code_seq:05}"))
            } else {
                None
            };
            n_contacts += insert_full(tx, ctx, &input, &contacts, code.as_deref(), None)?.1;
        }
        Ok(())
    })?;
    let (products, quotes) = crate::quote::demo_quotes(kam, seed)?;
    crate::report::demo_sales(kam, seed)?;
    Ok(DemoReport {
        users: n_users,
        customers,
        contacts: n_contacts,
        products,
        quotes,
        relationship: None,
        millis: started.elapsed().as_millis() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_credit_codes_validate() {
        for n in 0..1000 {
            let c = demo_credit_code("310000", n);
            assert_eq!(crate::validate::credit_code(&c).unwrap(), c);
        }
    }
}
