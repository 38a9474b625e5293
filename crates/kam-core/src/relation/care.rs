//! Care reminders (关怀提醒): contacts' birthdays (Gregorian and lunar), Chinese festivals on
//! their real dates, and recent key-person changes.

use chinese_lunisolar_calendar::LunisolarDate;
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, params_from_iter, types::Value};

use super::model::*;
use super::{local_today, ymd};
use crate::error::{KamError, Result};
use crate::model::ContactChangeKind;
use crate::util::clean;
use crate::Kam;

/// A date of the lunisolar calendar as a Gregorian date: lunar year `year` (the one whose New
/// Year falls in Gregorian `year`), ordinary (non-leap) `month`, `day`; day 30 in a 29-day
/// month falls on day 29. `None` outside 1901–2100.
pub(crate) fn lunar_to_solar(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    let y = u16::try_from(year).ok()?;
    LunisolarDate::from_ymd(y, month, false, day)
        .or_else(|_| LunisolarDate::from_ymd(y, month, false, day.min(29)))
        .ok()
        .map(|l| l.to_naive_date())
}

/// The care festivals of a Gregorian year, on their real dates: (date, 中文, English).
/// New Year's Day and National Day are fixed; Spring Festival (lunar 1/1), Lantern (1/15),
/// Dragon Boat (5/5), Mid-Autumn (8/15) and Double Ninth (9/9, 敬老) follow the lunar calendar
/// (years 1901–2100).
pub fn festivals(year: i32) -> Vec<(NaiveDate, &'static str, &'static str)> {
    let mut out = Vec::new();
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let all: [(Option<NaiveDate>, &str, &str); 7] = [
        (fixed(1, 1), "元旦", "New Year's Day"),
        (lunar_to_solar(year, 1, 1), "春节", "Spring Festival"),
        (lunar_to_solar(year, 1, 15), "元宵节", "Lantern Festival"),
        (lunar_to_solar(year, 5, 5), "端午节", "Dragon Boat Festival"),
        (lunar_to_solar(year, 8, 15), "中秋节", "Mid-Autumn Festival"),
        (lunar_to_solar(year, 9, 9), "重阳节", "Double Ninth Festival"),
        (fixed(10, 1), "国庆节", "National Day"),
    ];
    for (d, zh, en) in all {
        if let Some(d) = d {
            out.push((d, zh, en));
        }
    }
    out.sort_by_key(|f| f.0);
    out
}

/// The birthday `month`-`day` in `year`; 29 February falls on 28 February in a common year.
pub(crate) fn birthday_in(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
        .or_else(|| (month == 2 && day == 29).then(|| NaiveDate::from_ymd_opt(year, 2, 28)).flatten())
}

fn parse_md(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.split_once('-')?;
    Some((m.parse().ok()?, d.parse().ok()?))
}

struct ContactRow {
    id: String,
    name: String,
    title: String,
    decision: bool,
    day: String,
    customer_id: String,
    customer_name: String,
}

fn contact_rows(
    kam: &Kam,
    column: &str,
    ranges: &[(String, String)],
    owner_id: Option<&str>,
) -> Result<Vec<ContactRow>> {
    if ranges.is_empty() {
        return Ok(Vec::new());
    }
    let key = if column == "birthday" { "substr(k.birthday, 6)" } else { "k.lunar_birthday" };
    let mut args: Vec<Value> = Vec::new();
    let mut ors = Vec::new();
    for (a, b) in ranges {
        args.push(Value::Text(a.clone()));
        args.push(Value::Text(b.clone()));
        ors.push(format!("{key} BETWEEN ?{} AND ?{}", args.len() - 1, args.len()));
    }
    let owner = match owner_id {
        Some(o) => {
            args.push(Value::Text(o.to_string()));
            format!("AND c.owner_id = ?{}", args.len())
        }
        None => String::new(),
    };
    let sql = format!(
        "SELECT k.id, k.name, k.title, k.is_decision_maker, k.{column}, c.id, c.name
         FROM contacts k JOIN customers c ON c.id = k.customer_id
         WHERE k.{column} IS NOT NULL AND k.deleted_at IS NULL AND k.active = 1 AND c.deleted_at IS NULL
           AND ({}) {owner}{}",
        ors.join(" OR "),
        kam.scope()?.and_sql("c")
    );
    let mut stmt = kam.conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        Ok(ContactRow {
            id: r.get(0)?,
            name: r.get(1)?,
            title: r.get(2)?,
            decision: r.get(3)?,
            day: r.get(4)?,
            customer_id: r.get(5)?,
            customer_name: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn contact_reminder(
    kind: ReminderKind,
    on: NaiveDate,
    today: NaiveDate,
    k: &ContactRow,
    title: String,
    title_en: String,
) -> Reminder {
    Reminder {
        kind,
        on: ymd(on),
        days_until: (on - today).num_days() as i32,
        title,
        title_en,
        customer_id: Some(k.customer_id.clone()),
        customer_name: Some(k.customer_name.clone()),
        contact_id: Some(k.id.clone()),
        contact_name: Some(k.name.clone()),
        is_decision_maker: k.decision,
        detail: k.title.clone(),
    }
}

impl Kam {
    /// Care reminders for the days from today to today + `days` (inclusive; at most 366):
    /// birthdays and lunar birthdays of active contacts, festivals, and key-person changes of the
    /// last `days` days. Of one rep's customers, or all. Sorted by day.
    pub fn reminders(&self, owner_id: Option<&str>, days: u32) -> Result<Vec<Reminder>> {
        let days = days.min(366);
        let today = local_today(self);
        let end = today + Duration::days(days as i64);
        let mut out = Vec::new();

        for year in today.year()..=end.year() {
            for (d, zh, en) in festivals(year) {
                if d >= today && d <= end {
                    out.push(Reminder {
                        kind: ReminderKind::Festival,
                        on: ymd(d),
                        days_until: (d - today).num_days() as i32,
                        title: zh.to_string(),
                        title_en: en.to_string(),
                        customer_id: None,
                        customer_name: None,
                        contact_id: None,
                        contact_name: None,
                        is_decision_maker: false,
                        detail: String::new(),
                    });
                }
            }
        }

        // Gregorian birthdays: the window's month-days, per calendar year it touches.
        let mut ranges = Vec::new();
        for year in today.year()..=end.year() {
            let from = today.max(NaiveDate::from_ymd_opt(year, 1, 1).expect("valid"));
            let to = end.min(NaiveDate::from_ymd_opt(year, 12, 31).expect("valid"));
            let mut hi = to.format("%m-%d").to_string();
            if hi.as_str() >= "02-28" && !from.leap_year() {
                hi = hi.max("02-29".to_string());
            }
            ranges.push((from.format("%m-%d").to_string(), hi));
        }
        for k in contact_rows(self, "birthday", &ranges, owner_id)? {
            let Some((m, d)) = k.day.get(5..).and_then(parse_md) else { continue };
            for year in today.year()..=end.year() {
                if let Some(on) = birthday_in(year, m, d).filter(|on| *on >= today && *on <= end) {
                    let age = k.day.get(..4).and_then(|y| y.parse::<i32>().ok()).map(|y| year - y);
                    let (zh, en) = match age {
                        Some(a) if a > 0 && a % 10 == 0 => {
                            (format!("{} {a} 岁生日（整寿）", k.name), format!("{}'s {a}th birthday", k.name))
                        }
                        _ => (format!("{} 生日", k.name), format!("{}'s birthday", k.name)),
                    };
                    out.push(contact_reminder(ReminderKind::Birthday, on, today, &k, zh, en));
                }
            }
        }

        // Lunar birthdays: every lunar year that can reach into the window.
        for k in contact_rows(self, "lunar_birthday", &[("01-01".into(), "12-30".into())], owner_id)? {
            let Some((m, d)) = parse_md(&k.day) else { continue };
            for year in today.year() - 1..=end.year() {
                if let Some(on) = lunar_to_solar(year, m as u8, d as u8).filter(|on| *on >= today && *on <= end) {
                    out.push(contact_reminder(
                        ReminderKind::LunarBirthday,
                        on,
                        today,
                        &k,
                        format!("{} 农历生日（{}）", k.name, lunar_label(m, d)),
                        format!("{}'s lunar birthday (month {m}, day {d})", k.name),
                    ));
                }
            }
        }

        // Key-person changes recorded for the last `days` days.
        let since = ymd(today - Duration::days(days as i64));
        let sql = format!(
            "SELECT x.kind, x.description, x.changed_on, k.id, k.name, k.title, k.is_decision_maker, c.id, c.name
             FROM contact_changes x JOIN customers c ON c.id = x.customer_id LEFT JOIN contacts k ON k.id = x.contact_id
             WHERE x.deleted_at IS NULL AND c.deleted_at IS NULL AND x.changed_on >= ?1 AND x.changed_on <= ?2 {}{}",
            if owner_id.is_some() { "AND c.owner_id = ?3" } else { "" },
            self.scope()?.and_sql("c")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let map = |r: &rusqlite::Row| {
            let kind: ContactChangeKind = r.get(0)?;
            let on: String = r.get(2)?;
            let who: Option<String> = r.get(4)?;
            let who_s = who.clone().unwrap_or_default();
            Ok(Reminder {
                kind: ReminderKind::ContactChange,
                days_until: NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                    .map(|d| (d - today).num_days() as i32)
                    .unwrap_or(0),
                on,
                title: format!("{}{}", who_s, kind.label_zh()),
                title_en: format!("{} {}", who_s, kind.label_en().to_lowercase()).trim().to_string(),
                customer_id: Some(r.get(7)?),
                customer_name: Some(r.get(8)?),
                contact_id: r.get(3)?,
                contact_name: who,
                is_decision_maker: r.get::<_, Option<bool>>(6)?.unwrap_or(false),
                detail: r.get(1)?,
            })
        };
        let today_s = ymd(today);
        let rows = match owner_id {
            Some(o) => stmt.query_map(params![since, today_s, o], map)?,
            None => stmt.query_map(params![since, today_s], map)?,
        };
        for r in rows {
            out.push(r?);
        }

        let rank = |k: ReminderKind| ReminderKind::ALL.iter().position(|x| *x == k).unwrap_or(0);
        out.sort_by(|a, b| {
            a.on.cmp(&b.on)
                .then_with(|| rank(a.kind).cmp(&rank(b.kind)))
                .then_with(|| b.is_decision_maker.cmp(&a.is_decision_maker))
                .then_with(|| a.customer_name.cmp(&b.customer_name))
        });
        Ok(out)
    }

    /// Record (or clear, with `None`) a contact's birthday in the lunar calendar, `MM-DD`
    /// (lunar month 1–12, day 1–30), e.g. `08-15`.
    pub fn set_lunar_birthday(&mut self, contact_id: &str, lunar: Option<&str>) -> Result<()> {
        let value = match clean(&lunar.map(str::to_string)) {
            Some(s) => {
                let ok = parse_md(&s).filter(|(m, d)| (1..=12).contains(m) && (1..=30).contains(d));
                let Some((m, d)) = ok else {
                    return Err(KamError::invalid(
                        "lunar_birthday",
                        format!("农历生日「{s}」格式不正确，应为「月-日」，如 08-15（八月十五）；月 1–12，日 1–30。"),
                        format!("The lunar birthday '{s}' is malformed; use month-day such as 08-15 (month 1–12, day 1–30)."),
                    ));
                };
                Some(format!("{m:02}-{d:02}"))
            }
            None => None,
        };
        let exists: i64 = self.conn.query_row(
            "SELECT count(*) FROM contacts WHERE id = ?1 AND deleted_at IS NULL",
            [contact_id],
            |r| r.get(0),
        )?;
        if exists == 0 {
            return Err(KamError::NotFound { entity: crate::error::Entity::Contact, id: contact_id.to_string() });
        }
        self.check_row_access("contacts", contact_id, crate::scope::Access::Write)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE contacts SET lunar_birthday = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
                params![contact_id, value, ctx.now, ctx.user],
            )?;
            Ok(())
        })
    }

    /// A contact's lunar birthday (`MM-DD`), if recorded.
    pub fn lunar_birthday(&self, contact_id: &str) -> Result<Option<String>> {
        self.check_row_access("contacts", contact_id, crate::scope::Access::Read)?;
        Ok(self.conn.query_row(
            "SELECT lunar_birthday FROM contacts WHERE id = ?1 AND deleted_at IS NULL",
            [contact_id],
            |r| r.get(0),
        )?)
    }
}

/// 八月十五 for (8, 15).
fn lunar_label(m: u32, d: u32) -> String {
    const MONTHS: [&str; 12] =
        ["正月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "冬月", "腊月"];
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let day = match d {
        1..=10 => format!("初{}", if d == 10 { "十" } else { DIGITS[d as usize] }),
        11..=19 => format!("十{}", DIGITS[(d - 10) as usize]),
        20 => "二十".to_string(),
        21..=29 => format!("廿{}", DIGITS[(d - 20) as usize]),
        _ => "三十".to_string(),
    };
    format!("{}{}", MONTHS.get(m as usize - 1).copied().unwrap_or(""), day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn lunar_festivals_fall_on_their_real_dates() {
        let f = |y| festivals(y).into_iter().map(|(d, zh, _)| (zh, d)).collect::<std::collections::HashMap<_, _>>();
        let y2026 = f(2026);
        assert_eq!(y2026["春节"], d("2026-02-17"));
        assert_eq!(y2026["元宵节"], d("2026-03-03"));
        assert_eq!(y2026["端午节"], d("2026-06-19"));
        assert_eq!(y2026["中秋节"], d("2026-09-25"));
        assert_eq!(y2026["国庆节"], d("2026-10-01"));
        assert_eq!(f(2025)["春节"], d("2025-01-29"));
        assert_eq!(f(2025)["中秋节"], d("2025-10-06"));
        assert_eq!(f(2024)["春节"], d("2024-02-10"));
        assert_eq!(f(2024)["中秋节"], d("2024-09-17"));
        assert_eq!(f(2027)["春节"], d("2027-02-06"));
        assert_eq!(festivals(2026).len(), 7);
    }

    #[test]
    fn february_29_birthdays_fall_on_the_28th_in_common_years() {
        assert_eq!(birthday_in(2026, 2, 29), Some(d("2026-02-28")));
        assert_eq!(birthday_in(2028, 2, 29), Some(d("2028-02-29")));
        assert_eq!(birthday_in(2026, 3, 1), Some(d("2026-03-01")));
    }

    #[test]
    fn lunar_day_30_in_a_short_month_falls_on_the_29th() {
        // Lunar 2026: the twelfth month's last day is New Year's Eve, the day before 2027's Spring Festival.
        let eve = lunar_to_solar(2026, 12, 30).unwrap();
        assert_eq!(eve + Duration::days(1), d("2027-02-06"));
        assert_eq!(lunar_label(8, 15), "八月十五");
        assert_eq!(lunar_label(1, 10), "正月初十");
        assert_eq!(lunar_label(12, 23), "腊月廿三");
    }
}
