//! Demo quotes for `kam demo`.

use super::*;
use rust_decimal::Decimal;

/// Demo data for `kam demo`: a small catalog and a few quotes in every state, for the first
/// strategic and key customers. Deterministic for a seed. Returns (products, quotes) added.
// Called by `demo::load` (kam demo).
pub(crate) fn demo_quotes(kam: &mut Kam, seed: u64) -> Result<(u32, u32)> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5157_4f54);
    if kam.setting("company_name")?.is_none() {
        kam.conn.execute(
            "INSERT OR REPLACE INTO settings(key, value) VALUES ('company_name', '华东新材料科技有限公司'),
                ('company_address', '上海市浦东新区张江路 88 号'), ('company_phone', '021-5888 6666')",
            [],
        )?;
    }
    let catalog: [(&str, &str, &str, &str, i64); 8] = [
        ("FL-EP-200", "环氧地坪涂料", "2mm 自流平", "㎡", 7000),
        ("FL-PU-300", "聚氨酯地坪", "3mm 砂浆型", "㎡", 9500),
        ("WP-SBS-4", "SBS 改性沥青防水卷材", "4mm PY 类", "㎡", 3200),
        ("IN-RW-100", "岩棉保温板", "100mm 140kg/m³", "㎡", 4800),
        ("ST-Q355", "Q355B 钢结构构件", "焊接 H 型钢", "吨", 620_000),
        ("DR-FM-A", "甲级钢质防火门", "1000×2100", "套", 185_000),
        ("CT-GRC", "GRC 装饰构件", "定制", "件", 42_000),
        ("AD-TILE", "瓷砖胶", "C2TE 20kg", "袋", 3800),
    ];
    let mut products = Vec::new();
    let mut added = 0;
    for (code, name, spec, unit, cost) in catalog {
        let p = match kam.resolve_product(code) {
            Ok(p) => Product { cost_fen: Some(Fen(cost)), ..p },
            Err(_) => {
                added += 1;
                kam.add_product(&ProductInput {
                    code: code.into(),
                    name: name.into(),
                    spec: Some(spec.into()),
                    unit: unit.into(),
                    cost_fen: Fen(cost),
                    effective_from: None,
                    notes: None,
                })?;
                Product { cost_fen: Some(Fen(cost)), ..kam.resolve_product(code)? }
            }
        };
        products.push(p);
    }
    let customers: Vec<String> = kam
        .conn
        .prepare(
            "SELECT id FROM customers WHERE deleted_at IS NULL AND tier IN ('strategic','key') ORDER BY seq LIMIT 6",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let user_of = |kam: &Kam, role: Role| -> Result<Option<String>> {
        Ok(kam.users()?.into_iter().find(|u| u.role == role && u.active).map(|u| u.id))
    };
    let manager = match user_of(kam, Role::Manager)? {
        Some(id) => id,
        None => kam.add_user("演示经理", Role::Manager, "大客户部")?.id,
    };
    if user_of(kam, Role::Executive)?.is_none() {
        kam.add_user("演示总经理", Role::Executive, "公司领导")?; // decides the 特批 left pending below
    }
    let mut quotes = 0;
    for (i, customer_id) in customers.iter().enumerate() {
        let dealer_led = i == 4;
        let q = kam.create_quote(&QuoteInput {
            customer_id: customer_id.clone(),
            dealer_led: Some(dealer_led),
            valid_until: None,
            notes: Some("含运输，不含税。".into()),
        })?;
        quotes += 1;
        let mut lines = Vec::new();
        if i == 0 {
            // The seed's worked example: 10,000 ㎡ at 70 元 with an 8% rebate → 85.40 元/㎡.
            lines.push(QuoteLineInput {
                product_id: Some(products[0].id.clone()),
                quantity: Quantity(Decimal::from(10_000)),
                rebate_rate: Some(Rate::percent(8)),
                ..Default::default()
            });
        }
        for _ in 0..rng.random_range(1..=3) {
            let p = &products[rng.random_range(0..products.len())];
            let qty = match p.unit.as_str() {
                "吨" => rng.random_range(5..200),
                "套" | "件" => rng.random_range(10..400),
                _ => rng.random_range(500..30_000),
            };
            lines.push(QuoteLineInput {
                product_id: Some(p.id.clone()),
                quantity: Quantity(Decimal::from(qty)),
                fees_fen: Some(Fen(rng.random_range(0..5) * 50)),
                manual_unit_price_fen: dealer_led.then(|| Fen(p.cost_fen.unwrap_or_default().0 * 112 / 100)),
                discount_rate: (i == 3).then(|| Rate::percent(3)),
                ..Default::default()
            });
        }
        if i == 5 {
            // Below the policy price: waits for the general manager's 特批.
            lines.push(QuoteLineInput {
                product_id: Some(products[4].id.clone()),
                quantity: Quantity(Decimal::from(80)),
                manual_unit_price_fen: Some(Fen(680_000)),
                ..Default::default()
            });
        }
        kam.add_quote_lines(&q.id, &lines)?;
        match i {
            0 => {
                kam.submit_quote(&q.id)?; // waits for the key-account manager (rebate)
            }
            1 | 2 | 4 => {
                kam.submit_quote(&q.id)?;
                kam.send_quote(&q.id)?;
                if i == 2 {
                    kam.close_quote(&q.id, QuoteOutcome::Won)?;
                }
            }
            3 => {
                kam.submit_quote(&q.id)?;
                kam.decide(&q.id, &manager, "折扣在标准以内，同意。", ApprovalDecision::Approved)?;
            }
            5 => {
                kam.submit_quote(&q.id)?; // waits for the general manager's 特批
            }
            _ => {}
        }
    }
    Ok((added, quotes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_quotes_cover_every_state_and_are_repeatable() {
        let dir = tempfile::tempdir().unwrap();
        let mut kam = Kam::open(&dir.path().join("d.kam")).unwrap();
        let report = kam.load_demo(60, 3).unwrap(); // calls demo_quotes
        assert_eq!((report.products, report.quotes), (8, 6));
        let rows = kam.list_quotes(&QuoteQuery::default()).unwrap();
        let statuses: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.status.as_str()).collect();
        for s in ["pending_approval", "approved", "sent", "won"] {
            assert!(statuses.contains(s), "{s} in {statuses:?}");
        }
        let example = kam.quote(&rows.iter().find(|r| r.number.ends_with("0001")).unwrap().id).unwrap();
        assert_eq!(example.lines[0].unit_price_fen, Fen(8540));
        let (again, _) = demo_quotes(&mut kam, 3).unwrap();
        assert_eq!(again, 0, "products are added once");
    }
}
