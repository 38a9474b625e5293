//! Search as you type over names, codes, contact names, phones and pinyin.
//!
//! Two FTS5 indexes (see migrations 0001 and 0017) keyed by `owner_no << 32 | customers.seq`:
//! the owner's local number in the high bits, so one owner's customers are one rowid range and
//! a rep's search reads only that stretch of the index ([`owner_range`]); callers take the
//! customer back with [`SEQ_OF_ROWID`].
//! - `search_trigram` (trigram tokenizer) answers queries of 3+ characters as substrings;
//! - `search_char` (unicode61 over text where every CJK character is its own token) answers
//!   1–2 character queries: a CJK query becomes an exact phrase of characters, a Latin/digit
//!   query a token prefix (`hd*` finds the initials token `hddl`).
//!
//! Ranking: exact customer/credit code, then name prefix, then name contains, then the rest
//! (contacts, phones, pinyin). Each step is a LIMITed indexed query, so the first page comes
//! back in well under a millisecond whatever the total.

use pinyin::ToPinyin;
use rusqlite::{params, Connection, OptionalExtension};

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

/// The index rowid's low bits: the customer's `seq`.
pub(crate) const SEQ_BITS: u32 = 32;
/// SQL turning an index rowid back into the customer's `seq`.
pub(crate) const SEQ_OF_ROWID: &str = "rowid & 4294967295";

/// `SELECT <seq> FROM <table> WHERE <table> MATCH <param>`: the customers an index matches.
pub(crate) fn seqs_matching(table: &str, param: &str) -> String {
    format!("SELECT {SEQ_OF_ROWID} AS seq FROM {table} WHERE {table} MATCH {param}")
}

/// The local number of an owner in the index keys (0: no owner), numbered on first use.
fn owner_no(conn: &Connection, owner: Option<&str>) -> Result<i64> {
    let Some(owner) = owner else { return Ok(0) };
    conn.prepare_cached("INSERT OR IGNORE INTO search_owners(user_id) VALUES (?1)")?.execute([owner])?;
    Ok(conn.prepare_cached("SELECT no FROM search_owners WHERE user_id = ?1")?.query_row([owner], |r| r.get(0))?)
}

/// The index rowids of the customers `owner` owns (an empty range when they own none).
pub(crate) fn owner_range(conn: &Connection, owner: &str) -> Result<(i64, i64)> {
    let no: Option<i64> = conn
        .prepare_cached("SELECT no FROM search_owners WHERE user_id = ?1")?
        .query_row([owner], |r| r.get(0))
        .optional()?;
    Ok(match no {
        Some(no) => (no << SEQ_BITS, (no << SEQ_BITS) | ((1 << SEQ_BITS) - 1)),
        None => (1, 0),
    })
}

/// Replace the index entries of one customer (by `seq`, keyed by its current owner); `None`
/// removes them (tombstone).
pub(crate) fn reindex(conn: &Connection, seq: i64, text: Option<&IndexText>) -> Result<()> {
    // Cached: an import reindexes every customer it writes.
    let old: Option<i64> =
        conn.prepare_cached("SELECT key FROM search_keys WHERE seq = ?1")?.query_row([seq], |r| r.get(0)).optional()?;
    if let Some(old) = old {
        conn.prepare_cached("DELETE FROM search_trigram WHERE rowid = ?1")?.execute([old])?;
        conn.prepare_cached("DELETE FROM search_char WHERE rowid = ?1")?.execute([old])?;
    }
    let Some(t) = text else {
        conn.prepare_cached("DELETE FROM search_keys WHERE seq = ?1")?.execute([seq])?;
        return Ok(());
    };
    insert(conn, seq, t)
}

/// Add one customer's index rows under its current owner's key, and remember the key.
fn insert(conn: &Connection, seq: i64, t: &IndexText) -> Result<()> {
    let owner: Option<String> = conn
        .prepare_cached("SELECT owner_id FROM customers WHERE seq = ?1")?
        .query_row([seq], |r| r.get(0))
        .optional()?
        .flatten();
    debug_assert!(seq >> SEQ_BITS == 0, "customer seq {seq} overflows the index key");
    let key = (owner_no(conn, owner.as_deref())? << SEQ_BITS) | seq;
    conn.prepare_cached("INSERT INTO search_trigram(rowid, name, other) VALUES (?1, ?2, ?3)")?
        .execute(params![key, t.name, t.other])?;
    conn.prepare_cached("INSERT INTO search_char(rowid, name, other) VALUES (?1, ?2, ?3)")?.execute(params![
        key,
        char_tokens(&t.name),
        format!("{} {}", char_tokens(&t.other), t.short)
    ])?;
    conn.prepare_cached("INSERT OR REPLACE INTO search_keys(seq, key) VALUES (?1, ?2)")?.execute(params![seq, key])?;
    Ok(())
}

/// Index every live customer again (after migration 0017 emptied the indexes).
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    let ids = conn
        .prepare("SELECT id FROM customers WHERE deleted_at IS NULL ORDER BY seq")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for id in ids {
        crate::dossier::reindex_customer(conn, &id)?;
    }
    Ok(())
}

/// Index a customer never indexed before: [`reindex`] without the deletes.
pub(crate) fn index_new(conn: &Connection, seq: i64, t: &IndexText) -> Result<()> {
    insert(conn, seq, t)
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
