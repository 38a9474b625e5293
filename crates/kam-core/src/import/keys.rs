//! The weaker duplicate keys of a customer row: the city its name is compared in (from a 城市
//! column or the address), and its contact's mobile/phone and e-mail, as compared.

use crate::input::normalize_width;

/// The four municipalities, whose addresses start with the city itself.
const MUNICIPALITIES: &[&str] = &["北京", "上海", "天津", "重庆"];

/// The city of an address or a 城市 cell, without 市: `上海市浦东新区…` → 上海,
/// `广东省深圳市南山区…` → 深圳, `深圳` → 深圳. None when no city can be told (the name is then
/// compared without one).
pub(crate) fn city_of(text: &str) -> Option<String> {
    let s: String = normalize_width(text).chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return None;
    }
    if let Some(m) = MUNICIPALITIES.iter().find(|m| s.starts_with(**m)) {
        return Some(m.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    // Past the province: 省, 自治区 (at most 9 characters in).
    let mut start = 0;
    for mark in ["自治区", "省"] {
        if let Some(i) = s.find(mark) {
            let at = s[..i].chars().count() + mark.chars().count();
            if at <= 9 {
                start = at;
                break;
            }
        }
    }
    let rest: String = chars[start..].iter().collect();
    if let Some(i) = rest.find('市') {
        let city: String = rest[..i].to_string();
        let n = city.chars().count();
        if (2..=6).contains(&n) {
            return Some(city);
        }
    }
    // A 城市 cell of just the city (深圳), as short as a city's name.
    let n = rest.chars().count();
    if start == 0 && (2..=4).contains(&n) && rest.chars().all(|c| !c.is_ascii() && !"区县镇路街号".contains(c)) {
        return Some(rest);
    }
    None
}

/// A mobile or phone number as compared: its digits only, without a leading +86/0086 on a
/// mobile; None when too short to tell anyone apart (fewer than 7 digits).
pub(crate) fn phone_key(text: &str) -> Option<String> {
    let digits: String = normalize_width(text).chars().filter(char::is_ascii_digit).collect();
    let d = match digits.strip_prefix("0086").or_else(|| digits.strip_prefix("86")) {
        Some(rest) if rest.len() == 11 && rest.starts_with('1') => rest.to_string(),
        _ => digits,
    };
    (d.len() >= 7).then_some(d)
}

/// An e-mail address as compared: trimmed, lower-case; None unless it has an @.
pub(crate) fn email_key(text: &str) -> Option<String> {
    let e = normalize_width(text).trim().to_lowercase();
    (e.contains('@') && e.len() > 2).then_some(e)
}

/// Whether two names match given their cities: both known and different is two customers (a
/// company's branches in two cities); a city unknown on either side still matches.
pub(crate) fn same_city(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_from_addresses_and_city_cells() {
        assert_eq!(city_of("上海市浦东新区世纪大道 100 号").as_deref(), Some("上海"));
        assert_eq!(city_of("广东省深圳市南山区科技园").as_deref(), Some("深圳"));
        assert_eq!(city_of("深圳市南山区").as_deref(), Some("深圳"));
        assert_eq!(city_of("内蒙古自治区呼和浩特市新城区").as_deref(), Some("呼和浩特"));
        assert_eq!(city_of("深圳").as_deref(), Some("深圳"));
        assert_eq!(city_of("北京").as_deref(), Some("北京"));
        assert_eq!(city_of("南山区科技园"), None);
        assert_eq!(city_of(""), None);
    }

    #[test]
    fn phones_and_emails_as_compared() {
        assert_eq!(phone_key("138-1234-5678").as_deref(), Some("13812345678"));
        assert_eq!(phone_key("+86 138 1234 5678").as_deref(), Some("13812345678"));
        assert_eq!(phone_key("０２１－６２３４５６７８").as_deref(), Some("02162345678"));
        assert_eq!(phone_key("110"), None);
        assert_eq!(email_key(" Wang@Example.COM ").as_deref(), Some("wang@example.com"));
        assert_eq!(email_key("无"), None);
        assert!(same_city(Some("上海"), None) && !same_city(Some("上海"), Some("深圳")));
    }
}
