//! The customer list and search.

use super::*;

impl Kam {
    /// The customer list: filters, sort, a window, and the total.
    /// Only the customers the person acting may see are listed or counted.
    pub fn list_customers(&self, q: &CustomerQuery) -> Result<CustomerPage> {
        let mut conds = vec!["c.deleted_at IS NULL".to_string()];
        conds.extend(self.scope()?.sql("c"));
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut arg = |conds: &mut Vec<String>, sql: &str, v: rusqlite::types::Value| {
            args.push(v);
            conds.push(sql.replace('?', &format!("?{}", args.len())));
        };
        if let Some(t) = q.tier {
            arg(&mut conds, "c.tier = ?", t.as_str().to_string().into());
        }
        if let Some(t) = q.category {
            arg(&mut conds, "c.category = ?", t.as_str().to_string().into());
        }
        if let Some(t) = q.lifecycle {
            arg(&mut conds, "c.lifecycle = ?", t.as_str().to_string().into());
        }
        if let Some(o) = clean(&q.owner_id) {
            arg(&mut conds, "c.owner_id = ?", o.into());
        }
        if let Some(text) = clean(&q.text) {
            match search::match_expr(&text) {
                Some((table, expr)) => {
                    arg(&mut conds, &format!("c.seq IN ({})", search::seqs_matching(table, "?")), expr.into())
                }
                None => arg(&mut conds, "c.name LIKE ?", format!("%{text}%").into()),
            }
        }
        let filter = conds.join(" AND ");
        let total: u32 = self.conn.query_row(
            &format!("SELECT count(*) FROM customers c WHERE {filter}"),
            rusqlite::params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let order = match q.sort.unwrap_or_default() {
            CustomerSort::Name => "c.name_pinyin, c.id",
            CustomerSort::Code => "c.customer_code IS NULL, c.customer_code, c.name_pinyin",
            CustomerSort::Tier => {
                "CASE c.tier WHEN 'strategic' THEN 0 WHEN 'key' THEN 1 WHEN 'regular' THEN 2 ELSE 3 END, c.name_pinyin"
            }
            CustomerSort::UpdatedDesc => "c.updated_at DESC",
        };
        let limit = q.limit.unwrap_or(100).min(1000);
        let offset = q.offset.unwrap_or(0);
        let select = row_select(&crate::time::local_today(self).to_string());
        let sql = format!("{select} WHERE {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(args.iter()), row_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CustomerPage { total, rows })
    }

    /// Search as you type: ranked hits (exact code, name prefix, name contains, the rest) and
    /// the number of matching customers, among those the person acting may see.
    pub fn search(&self, query: &str, limit: u32) -> Result<SearchResult> {
        let hits = self.search_hits(query, limit)?;
        let total = self.search_total(query)?.max(hits.len() as u32);
        Ok(SearchResult { total, hits })
    }

    /// How many live customers the person acting may see match `query` (names, codes,
    /// contacts, phones, pinyin).
    pub fn search_total(&self, query: &str) -> Result<u32> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(0);
        }
        let scope = self.scope()?;
        let own = scope.own_only().map(str::to_string);
        let scope = scope.and_sql("c");
        Ok(match search::match_expr(q) {
            // Everyone's: the index alone counts (deleted customers are not in it).
            Some((table, expr)) if scope.is_empty() => {
                self.conn
                    .query_row(&format!("SELECT count(*) FROM {table} WHERE {table} MATCH ?1"), [&expr], |r| r.get(0))?
            }
            Some((table, expr)) => self
                .conn
                .prepare_cached(&{
                    let (from, cond) = self.matched_customers(table, own.as_deref())?;
                    format!("SELECT count(*) FROM {from} WHERE {cond}{scope}")
                })?
                .query_row([&expr], |r| r.get(0))?,
            None => self
                .conn
                .prepare_cached(&format!(
                    "SELECT count(*) FROM customers c WHERE c.name LIKE ?1 AND c.deleted_at IS NULL{scope}"
                ))?
                .query_row([format!("%{q}%")], |r| r.get(0))?,
        })
    }

    /// The first `limit` hits, ranked: exact customer/credit code, name prefix, name
    /// contains, then the rest (contacts, phones, pinyin); only customers the person acting
    /// may see (the condition is in each query, so a page is still one LIMITed query a step).
    pub fn search_hits(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let scope = self.scope()?;
        let own = scope.own_only().map(str::to_string);
        let scope = scope.and_sql("c");
        let q = query.trim();
        let limit = limit.clamp(1, 500) as usize;
        let mut hits: Vec<SearchHit> = Vec::new();
        if q.is_empty() {
            return Ok(hits);
        }
        type V = rusqlite::types::Value;
        let push_upto = |hits: &mut Vec<SearchHit>, sql: &str, p: Vec<V>, matched: &str, limit: usize| -> Result<()> {
            if hits.len() >= limit {
                return Ok(());
            }
            let mut stmt = self.conn.prepare_cached(sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(p))?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                if hits.iter().any(|h| h.id == id) {
                    continue;
                }
                hits.push(SearchHit {
                    id,
                    name: r.get(1)?,
                    customer_code: r.get(2)?,
                    tier: r.get(3)?,
                    owner_name: r.get(4)?,
                    matched: matched.to_string(),
                });
                if hits.len() >= limit {
                    break;
                }
            }
            Ok(())
        };
        let push =
            |hits: &mut Vec<SearchHit>, sql: &str, p: Vec<V>, matched: &str| push_upto(hits, sql, p, matched, limit);
        const HIT: &str =
            "SELECT c.id, c.name, c.customer_code, c.tier, o.name FROM customers c LEFT JOIN users o ON o.id = c.owner_id";
        let lim = limit as i64;
        if q.len() >= 4 && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            for col in ["customer_code", "credit_code"] {
                push(
                    &mut hits,
                    &format!("{HIT} WHERE c.{col} = ?1 AND c.deleted_at IS NULL{scope}"),
                    vec![V::from(q.to_uppercase())],
                    "code",
                )?;
            }
        }
        push(
            &mut hits,
            &format!(
                "{HIT} WHERE c.name >= ?1 AND c.name < ?1 || char(1114111) AND c.deleted_at IS NULL{scope}
                 ORDER BY c.name LIMIT ?2"
            ),
            vec![V::from(q.to_string()), V::from(lim)],
            "name_prefix",
        )?;
        match search::match_expr(q) {
            Some((table, expr)) if scope.is_empty() => {
                // Everyone's: the first matches of the index, names first.
                let sql = format!("{HIT} WHERE c.seq IN ({} LIMIT ?2)", search::seqs_matching(table, "?1"));
                // Names are Chinese: a Latin/digit query (pinyin, phone) can only match the
                // rest, and a column filter over its long posting lists would be slow.
                if !q.is_ascii() {
                    push(&mut hits, &sql, vec![V::from(search::name_only(&expr)), V::from(lim * 2)], "name")?;
                }
                push(&mut hits, &sql, vec![V::from(expr), V::from(lim * 2)], "other")?;
            }
            Some((table, expr)) => {
                // Someone's: the index's matches among the customers they may see, in one
                // query (a rep's read only their own stretch of the index); names first.
                if hits.len() < limit {
                    let (from, cond) = self.matched_customers(table, own.as_deref())?;
                    let sql = format!(
                        "SELECT c.id, c.name, c.customer_code, c.tier, o.name FROM {from}
                           LEFT JOIN users o ON o.id = c.owner_id WHERE {cond}{scope} LIMIT ?2"
                    );
                    let mut found = Vec::new();
                    push_upto(&mut found, &sql, vec![V::from(expr), V::from(lim * 4)], "other", limit * 4)?;
                    let (mut named, rest): (Vec<SearchHit>, Vec<SearchHit>) =
                        found.into_iter().partition(|h| !q.is_ascii() && h.name.contains(q));
                    named.iter_mut().for_each(|h| h.matched = "name".into());
                    for h in named.into_iter().chain(rest) {
                        if hits.len() < limit && !hits.iter().any(|x| x.id == h.id) {
                            hits.push(h);
                        }
                    }
                }
            }
            None => push(
                &mut hits,
                &format!("{HIT} WHERE c.name LIKE ?1 AND c.deleted_at IS NULL{scope} LIMIT ?2"),
                vec![V::from(format!("%{q}%")), V::from(lim)],
                "name",
            )?,
        }
        Ok(hits)
    }

    /// `(<tables>, <condition>)`: the live customers `table` matches (`?1`). For a scope
    /// that sees only `own`'s customers, read from their stretch of the index and look each
    /// up (never walking all their customers); the caller still adds the scope's condition.
    fn matched_customers(&self, table: &str, own: Option<&str>) -> Result<(String, String)> {
        let seqs = search::seqs_matching(table, "?1");
        Ok(match own {
            Some(me) => {
                let (lo, hi) = search::owner_range(&self.conn, me)?;
                (
                    format!("({seqs} AND rowid BETWEEN {lo} AND {hi}) m CROSS JOIN customers c ON c.seq = m.seq"),
                    "c.deleted_at IS NULL".into(),
                )
            }
            None => ("customers c".into(), format!("c.seq IN ({seqs}) AND c.deleted_at IS NULL")),
        })
    }
}
