//! Input rules. The core validates; the UI only displays what it is told.

use chrono::NaiveDate;

use crate::error::{KamError, Result};
use crate::units::{Fen, MAX_FEN};
use crate::util::char_len;

/// The 31 characters a 统一社会信用代码 may use (GB 32100-2015: no I, O, S, V, Z).
const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// The check character (18th) for the first 17 characters of a credit code.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(CREDIT_WEIGHTS) {
        sum += CREDIT_CHARS.find(c)? as u32 * w;
    }
    let check = (31 - sum % 31) % 31;
    CREDIT_CHARS.chars().nth(check as usize)
}

/// Normalise (trim, upper-case) and validate a 统一社会信用代码 by GB 32100-2015.
pub fn credit_code(raw: &str) -> Result<String> {
    let code: String = raw.trim().to_uppercase();
    let n = char_len(&code);
    if n != 18 {
        return Err(KamError::invalid(
            "credit_code",
            format!("统一社会信用代码应为 18 位，当前为 {n} 位。请核对营业执照上的代码。"),
            format!("A unified social credit code has 18 characters, this one has {n}. Check the business licence."),
        ));
    }
    if let Some(bad) = code.chars().find(|c| !CREDIT_CHARS.contains(*c)) {
        return Err(KamError::invalid(
            "credit_code",
            format!("统一社会信用代码含有不允许的字符「{bad}」（不使用 I、O、S、V、Z）。请核对后重新输入。"),
            format!("The credit code contains '{bad}', which is not allowed (I, O, S, V and Z are never used). Check and re-enter it."),
        ));
    }
    let expected = credit_code_check_char(&code[..17]).expect("17 valid characters");
    if !code.ends_with(expected) {
        return Err(KamError::invalid(
            "credit_code",
            "统一社会信用代码校验位不正确，可能有字符输错。请逐位核对营业执照。",
            "The credit code's check character does not match: a character is probably mistyped. Compare it with the business licence.",
        ));
    }
    Ok(code)
}

/// Required text, trimmed, at most `max` characters.
pub fn required(field: &str, label_zh: &str, label_en: &str, v: &str, max: usize) -> Result<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(KamError::invalid(field, format!("请填写{label_zh}。"), format!("{label_en} is required.")));
    }
    max_len(field, label_zh, label_en, t, max)?;
    Ok(t.to_string())
}

/// Optional text, trimmed, at most `max` characters; empty when absent.
pub fn optional(field: &str, label_zh: &str, label_en: &str, v: &Option<String>, max: usize) -> Result<String> {
    let t = v.as_deref().unwrap_or("").trim();
    max_len(field, label_zh, label_en, t, max)?;
    Ok(t.to_string())
}

fn max_len(field: &str, label_zh: &str, label_en: &str, t: &str, max: usize) -> Result<()> {
    let n = char_len(t);
    if n > max {
        return Err(KamError::invalid(
            field,
            format!("{label_zh}最多 {max} 个字，当前 {n} 个。请精简后再保存。"),
            format!("{label_en} may have at most {max} characters, it has {n}. Shorten it and save again."),
        ));
    }
    Ok(())
}

/// An e-mail address: one `@`, a non-empty local part, a domain with a dot, no spaces.
pub fn email(v: &str) -> Result<String> {
    let t = v.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    let ok = t.len() <= 254 && !t.chars().any(char::is_whitespace) && t.split('@').count() == 2 && {
        let (local, domain) = t.split_once('@').unwrap();
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
    };
    if !ok {
        return Err(KamError::invalid(
            "email",
            format!("电子邮箱「{t}」格式不正确，应类似 name@example.com。"),
            format!("The e-mail address '{t}' is malformed; it should look like name@example.com."),
        ));
    }
    Ok(t.to_string())
}

/// A phone or fax number: digits with optional `+`, spaces, `-`, parentheses; 5–20 digits.
pub fn phone(field: &str, v: &str) -> Result<String> {
    let t = v.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let allowed = t.chars().all(|c| c.is_ascii_digit() || " +-()转".contains(c));
    if !allowed || !(5..=20).contains(&digits) {
        return Err(KamError::invalid(
            field,
            format!("电话号码「{t}」格式不正确：只能包含数字、空格、+、-、括号，5 到 20 位数字。"),
            format!("The phone number '{t}' is malformed: use digits, spaces, +, - and parentheses, 5 to 20 digits."),
        ));
    }
    Ok(t.to_string())
}

/// A mainland mobile number: 11 digits starting with 1[3-9] (a `+86` prefix is accepted).
pub fn mobile(v: &str) -> Result<String> {
    let t: String = v.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if t.is_empty() {
        return Ok(String::new());
    }
    let core = t.strip_prefix("+86").unwrap_or(&t);
    let b = core.as_bytes();
    let ok = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    if !ok {
        return Err(KamError::invalid(
            "mobile",
            format!("手机号「{}」格式不正确，应为 11 位、以 13–19 开头。", v.trim()),
            format!("The mobile number '{}' is malformed: 11 digits starting with 13–19.", v.trim()),
        ));
    }
    Ok(core.to_string())
}

/// A date `YYYY-MM-DD`.
pub fn date(field: &str, v: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
        KamError::invalid(
            field,
            format!("日期「{}」格式不正确，应为 2026-11-23 这样的形式。", v.trim()),
            format!("The date '{}' is malformed; use the form 2026-11-23.", v.trim()),
        )
    })
}

/// Money that must not be negative and must stay within [`MAX_FEN`] (10^13 fen = 1000 亿元).
pub fn money(field: &str, fen: Option<Fen>) -> Result<Option<Fen>> {
    match fen {
        Some(v) if !(Fen::ZERO..=MAX_FEN).contains(&v) => Err(KamError::invalid(
            field,
            "金额必须在 0 到 1000 亿元之间。",
            "Amounts must be between 0 and 100 billion yuan.",
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_credit_codes() {
        // Published codes (Huawei Technologies, Tencent Computer Systems).
        for c in ["914403001922038216", "91440300708461136T"] {
            assert_eq!(credit_code(c).unwrap(), c);
        }
        assert_eq!(credit_code(" 91440300708461136t ").unwrap(), "91440300708461136T");
    }

    #[test]
    fn rejects_bad_credit_codes_with_reasons() {
        let code = |r: Result<String>| match r {
            Err(KamError::Validation { field, zh, .. }) => (field, zh),
            other => panic!("expected validation error, got {other:?}"),
        };
        let (f, m) = code(credit_code("91440300192203821"));
        assert_eq!(f, "credit_code");
        assert!(m.contains("18 位"), "{m}");
        assert!(code(credit_code("91440300192203821O")).1.contains("不允许的字符"));
        assert!(code(credit_code("914403001922038217")).1.contains("校验位"));
    }

    #[test]
    fn check_char_can_be_zero() {
        // Build a code whose weighted sum is ≡ 0 (mod 31): check character must be '0'.
        let first = "00000000000000000";
        assert_eq!(credit_code_check_char(first), Some('0'));
    }

    #[test]
    fn emails_and_phones() {
        assert!(email("li.wei@hddl.com.cn").is_ok());
        for bad in ["li wei@x.cn", "a@b", "@x.cn", "a@@x.cn", "a@x..cn", "a@.cn"] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(phone("phone", "021-6888 1234").is_ok());
        assert!(phone("phone", "(0571) 8765-4321").is_ok());
        assert!(phone("phone", "abc123").is_err());
        assert!(phone("phone", "123").is_err());
        assert_eq!(mobile("+86 138-1234-5678").unwrap(), "13812345678");
        assert!(mobile("12812345678").is_err());
        assert!(mobile("1381234567").is_err());
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let hundred = "电".repeat(100);
        assert!(required("name", "名称", "Name", &hundred, 100).is_ok());
        let err = required("name", "名称", "Name", &format!("{hundred}电"), 100).unwrap_err();
        assert!(err.to_string().contains("最多 100 个字"));
        assert!(required("name", "名称", "Name", "   ", 100).is_err());
    }
}
