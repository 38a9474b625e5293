//! 大写金额: an amount in Chinese capital numerals, as written on quotes, contracts and cheques.

use crate::units::Fen;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES: [&str; 4] = ["仟", "佰", "拾", ""];
const GROUPS: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];

/// An amount in fen as Chinese capital numerals (大写金额), following the usual banking rules:
/// "整" after 元 or 角 when there are no fen; a single "零" for any run of zeros inside the
/// number; "壹拾" written out. 85.40 → "捌拾伍元肆角整"; 1,000,000.00 → "壹佰万元整";
/// 100.05 → "壹佰元零伍分"; 0 → "零元整"; negative amounts start with "负".
pub fn rmb_uppercase(amount: Fen) -> String {
    let mut out = String::new();
    if amount < Fen::ZERO {
        out.push('负');
    }
    let f = amount.0.unsigned_abs();
    let (yuan, jiao, fen) = (f / 100, (f / 10 % 10) as usize, (f % 10) as usize);
    if yuan > 0 {
        out.push_str(&integer(yuan));
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => {
            if yuan == 0 {
                out.push_str("零元");
            }
            out.push('整');
        }
        (j, 0) => {
            out.push(DIGITS[j]);
            out.push_str("角整");
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    out
}

/// A positive integer in capital numerals, by groups of four digits (个, 万, 亿…).
fn integer(mut n: u64) -> String {
    let mut groups = Vec::new();
    while n > 0 {
        groups.push((n % 10_000) as usize);
        n /= 10_000;
    }
    let mut out = String::new();
    let mut gap = false;
    for (gi, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            gap = true;
            continue;
        }
        if !out.is_empty() && (gap || g < 1000) {
            out.push('零');
        }
        gap = false;
        let digits = [g / 1000, g / 100 % 10, g / 10 % 10, g % 10];
        let (mut started, mut zero) = (false, false);
        for (i, &d) in digits.iter().enumerate() {
            if d == 0 {
                zero = started;
                continue;
            }
            if zero {
                out.push('零');
                zero = false;
            }
            out.push(DIGITS[d]);
            out.push_str(PLACES[i]);
            started = true;
        }
        out.push_str(GROUPS[gi]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{rmb_uppercase, Fen};

    fn up(fen: i64) -> String {
        rmb_uppercase(Fen(fen))
    }

    #[test]
    fn the_briefs_examples() {
        assert_eq!(up(8540), "捌拾伍元肆角整");
        assert_eq!(up(100_000_000), "壹佰万元整");
        assert_eq!(up(10_005), "壹佰元零伍分");
    }

    #[test]
    fn zeros_and_groups() {
        assert_eq!(up(0), "零元整");
        assert_eq!(up(5), "伍分");
        assert_eq!(up(50), "伍角整");
        assert_eq!(up(55), "伍角伍分");
        assert_eq!(up(1000), "壹拾元整");
        assert_eq!(up(100_500), "壹仟零伍元整");
        assert_eq!(up(101_010), "壹仟零壹拾元壹角整");
        assert_eq!(up(10_001_000), "壹拾万零壹拾元整");
        assert_eq!(up(1_001_000_000), "壹仟零壹万元整");
        assert_eq!(up(10_000_000_000), "壹亿元整");
        assert_eq!(up(10_000_100_000), "壹亿零壹仟元整");
        assert_eq!(up(10_010_000_000), "壹亿零壹拾万元整");
        assert_eq!(up(11_000_000_000), "壹亿壹仟万元整");
        assert_eq!(up(85_400_000), "捌拾伍万肆仟元整");
        assert_eq!(up(123_456_789), "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分");
        assert_eq!(up(-8540), "负捌拾伍元肆角整");
        assert_eq!(up(20_000_001), "贰拾万元零壹分");
    }

    #[test]
    fn extremes_do_not_panic() {
        assert!(up(i64::MAX).ends_with("柒分"));
        assert!(up(i64::MIN).starts_with('负'));
    }
}
