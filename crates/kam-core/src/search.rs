//! Search as you type over names, codes, contact names, phones and pinyin.
//!
//! Two FTS5 indexes keyed by `customers.seq` (see migration 0001):
//! - `search_trigram` (trigram tokenizer) answers queries of 3+ characters as substrings;
//! - `search_char` (unicode61 over text where every CJK character is its own token) answers
//!   1–2 character queries: a CJK query becomes an exact phrase of characters, a Latin/digit
//!   query a token prefix (`hd*` finds the initials token `hddl`).
//!
//! Ranking: exact customer/credit code, then name prefix, then name contains, then the rest
//! (contacts, phones, pinyin). Each step is a LIMITed indexed query, so the first page comes
//! back in well under a millisecond whatever the total.

use pinyin::ToPinyin;
use rusqlite::{params, Connection};

use crate::error::Result;

/// Full pinyin without tones (`huadongdianli`) and initials (`hddl`) of the Chinese
/// characters in `s`; other characters are kept as they are (lower-cased). Polyphonic
/// characters take their most common reading.
pub fn pinyin_of(s: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for (ch, py) in s.chars().zip(s.to_pinyin()) {
        match py {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None if ch.is_alphanumeric() => {
                for l in ch.to_lowercase() {
                    full.push(l);
                    initials.push(l);
                }
            }
            None => {}
        }
    }
    (full, initials)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Text for the per-character index: CJK characters split into single tokens, everything
/// else kept as words.
fn char_tokens(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// What a customer is found by: its own name, and everything else. `short` holds extra
/// tokens only the per-character index needs (initials from every position).
pub(crate) struct IndexText {
    pub name: String,
    pub other: String,
    pub short: String,
}

/// Build the searchable text of a customer from its name, codes and contacts.
pub(crate) fn index_text(name: &str, codes: &[&str], contacts: &[(String, String, String)]) -> IndexText {
    let (full, initials) = pinyin_of(name);
    let mut other = Vec::new();
    other.extend(codes.iter().filter(|c| !c.is_empty()).map(|c| c.to_string()));
    other.push(full);
    // Initials from every position, so the 2-letter prefix query `hd*` finds 上海华东… as well
    // as 华东…; the trigram index finds 3+ letters anywhere in the whole initials string.
    let ini: Vec<char> = initials.chars().collect();
    let short: Vec<String> = (1..ini.len().saturating_sub(1)).map(|i| ini[i..].iter().collect()).collect();
    other.push(initials);
    for (cname, phone, mobile) in contacts {
        let (cf, ci) = pinyin_of(cname);
        other.push(cname.clone());
        other.push(cf);
        other.push(ci);
        let digits = |p: &str| p.chars().filter(char::is_ascii_digit).collect::<String>();
        if !phone.is_empty() {
            other.push(digits(phone));
        }
        if !mobile.is_empty() {
            other.push(digits(mobile));
        }
    }
    IndexText { name: name.to_string(), other: other.join(" "), short: short.join(" ") }
}

/// Replace the index entries of one customer (by `seq`); `None` removes them (tombstone).
pub(crate) fn reindex(conn: &Connection, seq: i64, text: Option<&IndexText>) -> Result<()> {
    // Cached: an import reindexes every customer it writes.
    conn.prepare_cached("DELETE FROM search_trigram WHERE rowid = ?1")?.execute([seq])?;
    conn.prepare_cached("DELETE FROM search_char WHERE rowid = ?1")?.execute([seq])?;
    if let Some(t) = text {
        conn.prepare_cached("INSERT INTO search_trigram(rowid, name, other) VALUES (?1, ?2, ?3)")?
            .execute(params![seq, t.name, t.other])?;
        conn.prepare_cached("INSERT INTO search_char(rowid, name, other) VALUES (?1, ?2, ?3)")?.execute(params![
            seq,
            char_tokens(&t.name),
            format!("{} {}", char_tokens(&t.other), t.short)
        ])?;
    }
    Ok(())
}

/// Index a customer never indexed before: [`reindex`] without the deletes.
pub(crate) fn index_new(conn: &Connection, seq: i64, t: &IndexText) -> Result<()> {
    conn.prepare_cached("INSERT INTO search_trigram(rowid, name, other) VALUES (?1, ?2, ?3)")?
        .execute(params![seq, t.name, t.other])?;
    conn.prepare_cached("INSERT INTO search_char(rowid, name, other) VALUES (?1, ?2, ?3)")?.execute(params![
        seq,
        char_tokens(&t.name),
        format!("{} {}", char_tokens(&t.other), t.short)
    ])?;
    Ok(())
}

/// The FTS table and MATCH expression for a user query, or `None` if it cannot be searched
/// by index (then the caller falls back to LIKE on names).
pub(crate) fn match_expr(q: &str) -> Option<(&'static str, String)> {
    let n = q.chars().count();
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    if n >= 3 {
        return Some(("search_trigram", quoted(q)));
    }
    if q.chars().all(is_cjk) {
        let phrase: Vec<String> = q.chars().map(|c| c.to_string()).collect();
        return Some(("search_char", quoted(&phrase.join(" "))));
    }
    if q.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some(("search_char", format!("{}*", quoted(&q.to_lowercase()))));
    }
    None
}

/// Same expression restricted to the `name` column.
pub(crate) fn name_only(expr: &str) -> String {
    format!("name : {expr}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_full_and_initials() {
        assert_eq!(pinyin_of("华东电力"), ("huadongdianli".into(), "hddl".into()));
        assert_eq!(pinyin_of("ABC 科技"), ("abckeji".into(), "abckj".into()));
    }

    #[test]
    fn index_text_has_initials_from_every_position() {
        let t = index_text("上海华东电力", &[], &[]);
        assert!(t.short.split(' ').any(|w| w == "hddl"), "{}", t.short);
        assert!(t.other.split(' ').any(|w| w == "shhddl"), "{}", t.other);
    }

    #[test]
    fn match_expressions_by_length_and_script() {
        assert_eq!(match_expr("电力"), Some(("search_char", "\"电 力\"".into())));
        assert_eq!(match_expr("电"), Some(("search_char", "\"电\"".into())));
        assert_eq!(match_expr("hd"), Some(("search_char", "\"hd\"*".into())));
        assert_eq!(match_expr("华东电"), Some(("search_trigram", "\"华东电\"".into())));
        assert_eq!(match_expr("a\"b"), Some(("search_trigram", "\"a\"\"b\"".into())));
        assert_eq!(match_expr("华d"), None);
    }
}
