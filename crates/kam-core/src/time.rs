//! Time in one place: the company time zone, local dates of stored UTC timestamps, months and
//! month boundaries. Times are stored in UTC (RFC 3339 with milliseconds, `util::ts`); a rule that
//! needs a date turns the instant into the company's local date here. The core reads the clock
//! only through `Kam::now()` (the `Clock` it was opened with).

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

use crate::util::ts;
use crate::Kam;

/// The company's time zone for "days since", deadlines, months and local dates.
pub const DEFAULT_TIME_ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

/// Today in the company time zone, by the Kam's clock.
pub fn local_today(kam: &Kam) -> NaiveDate {
    kam.now().with_timezone(&DEFAULT_TIME_ZONE).date_naive()
}

/// A stored UTC timestamp as a date in the company time zone. The stored form
/// (`2026-11-23T02:00:00.000Z`) takes a fast path: the due list reads one per customer.
pub fn local_date_of(ts: &str) -> Option<NaiveDate> {
    let b = ts.as_bytes();
    if b.len() >= 20 && b[10] == b'T' && b[b.len() - 1] == b'Z' {
        let n = |r: std::ops::Range<usize>| ts.get(r).and_then(|x| x.parse::<u32>().ok());
        if let (Some(d), Some(h), Some(m), Some(s)) = (parse_ymd(&ts[..10]), n(11..13), n(14..16), n(17..19)) {
            if let Some(t) = chrono::NaiveTime::from_hms_opt(h, m, s) {
                return Some(DEFAULT_TIME_ZONE.from_utc_datetime(&d.and_time(t)).date_naive());
            }
        }
    }
    DateTime::parse_from_rfc3339(ts).ok().map(|t| t.with_timezone(&DEFAULT_TIME_ZONE).date_naive())
}

/// `YYYY-MM-DD` without the general-purpose parser.
pub fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(s[..4].parse().ok()?, s[5..7].parse().ok()?, s[8..10].parse().ok()?)
}

/// A stored UTC timestamp as the company's wall-clock time, `2026-11-24 10:00`.
pub fn local_time(ts: &str) -> String {
    DateTime::parse_from_rfc3339(ts)
        .map(|t| t.with_timezone(&DEFAULT_TIME_ZONE).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| ts.to_string())
}

pub fn parse_ts(ts: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(ts).ok().map(|t| t.with_timezone(&Utc))
}

pub fn ymd(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A month as a number of months since year 0 (`year * 12 + month - 1`), for arithmetic.
pub type MonthIndex = i32;

/// `2026-10` → month index; `None` for anything else (e.g. `2026-13`).
pub fn parse_month(s: &str) -> Option<MonthIndex> {
    let b = s.trim().as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let s = s.trim();
    let y: i32 = s[..4].parse().ok()?;
    let m: i32 = s[5..].parse().ok()?;
    if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) || !s[5..].chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(y * 12 + m - 1)
}

/// Month index → `2026-10`.
pub fn month_str(m: MonthIndex) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// The first day of month `m`.
pub fn first_day(m: MonthIndex) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.div_euclid(12), (m.rem_euclid(12) + 1) as u32, 1).expect("valid month")
}

/// Local midnight at the start of month `m` in the company time zone, as a stored UTC timestamp.
pub fn month_start_utc(m: MonthIndex) -> String {
    let local = first_day(m).and_hms_opt(0, 0, 0).expect("midnight");
    let t = DEFAULT_TIME_ZONE.from_local_datetime(&local).earliest().expect("no gap at midnight in Asia/Shanghai");
    ts(t.with_timezone(&Utc))
}

/// Local midnight at the start of day `d` in the company time zone, as a stored UTC timestamp.
pub fn day_start_utc(d: NaiveDate) -> String {
    let local = d.and_hms_opt(0, 0, 0).expect("midnight");
    let t = DEFAULT_TIME_ZONE.from_local_datetime(&local).earliest().expect("no gap at midnight in Asia/Shanghai");
    ts(t.with_timezone(&Utc))
}

/// The same for a year and month given apart; `None` for a month that does not exist.
pub fn month_start_utc_opt(year: i32, month: u32) -> Option<String> {
    let local = DEFAULT_TIME_ZONE.from_local_datetime(&NaiveDate::from_ymd_opt(year, month, 1)?.and_hms_opt(0, 0, 0)?);
    local.earliest().map(|t| ts(t.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moved from relation/complaint.rs with the month helpers.
    #[test]
    fn local_months_start_at_shanghai_midnight() {
        assert_eq!(month_start_utc_opt(2026, 12).unwrap(), "2026-11-30T16:00:00.000Z");
        assert_eq!(month_start_utc_opt(2027, 1).unwrap(), "2026-12-31T16:00:00.000Z");
        assert_eq!(month_start_utc(parse_month("2026-12").unwrap()), "2026-11-30T16:00:00.000Z");
        assert_eq!(month_str(parse_month("2027-01").unwrap() - 1), "2026-12");
        assert_eq!(month_start_utc_opt(2026, 13), None);
    }

    #[test]
    fn stored_instants_become_local_dates() {
        assert_eq!(local_date_of("2026-11-30T16:00:00.000Z"), NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(local_date_of("2026-11-30T15:59:59.999Z"), NaiveDate::from_ymd_opt(2026, 11, 30));
        assert_eq!(local_time("2026-11-24T02:00:00.000Z"), "2026-11-24 10:00");
    }
}
