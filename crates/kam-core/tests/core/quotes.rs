//! Quotes: the policy formula and its tiers, rounding, policy versions, dealer-led lines, bad
//! input, the product catalog and amounts in words. Approvals, the workflow, revisions and the
//! Excel export are in `quote_workflow.rs`.

use kam_core::*;
use rust_decimal::Decimal;

use crate::quotes_common::*;

#[test]
fn the_seeds_worked_example_prices_85_40() {
    let env = Env::new();
    let mut kam = env.open();
    assert_eq!(
        kam.pricing_policy().unwrap(),
        PricingPolicy::default_policy(),
        "the migration seeds DOMAIN.md's defaults"
    );
    let c = customer(&mut kam, "华东电力设备有限公司");
    let p = kam
        .add_product(&ProductInput {
            code: "fl-ep-200".into(),
            name: "环氧地坪涂料".into(),
            spec: Some("2mm 自流平".into()),
            unit: "㎡".into(),
            cost_fen: Fen(7000),
            effective_from: None,
            notes: None,
        })
        .unwrap();
    assert_eq!(p.code, "FL-EP-200");
    assert_eq!(p.effective_from, "2026-11-23");
    let q = new_quote(&mut kam, &c);
    assert_eq!(q.status, QuoteStatus::Draft);
    assert_eq!(q.valid_until, "2026-12-23", "30 days by default");
    assert!(q.number.starts_with("Q26-"), "{}", q.number);
    let q = kam
        .add_quote_line(
            &q.id,
            &QuoteLineInput {
                product_id: Some(p.id.clone()),
                quantity: Quantity(d("10000")),
                rebate_rate: Some(Rate(d("0.08"))),
                ..Default::default()
            },
        )
        .unwrap();
    let l = &q.lines[0];
    let inner = l.internal.as_ref().expect("the internal view");
    assert_eq!((l.description.as_str(), l.unit.as_str(), inner.cost_fen), ("环氧地坪涂料", "㎡", Fen(7000)));
    assert_eq!(l.product_code.as_deref(), Some("FL-EP-200"));
    assert_eq!(inner.breakdown.estimated_sales_yuan, ExactYuan(d("700000")));
    assert_eq!(inner.breakdown.profit_rate, Rate(d("0.14")));
    assert_eq!(inner.breakdown.rebate_reference_tier.rate, Rate(d("0.08")));
    assert_eq!(inner.breakdown.profit_per_unit_yuan, ExactYuan(d("9.8")));
    assert_eq!(inner.breakdown.rebate_per_unit_yuan, ExactYuan(d("5.6")));
    assert_eq!(l.unit_price_fen, Fen(8540));
    assert_eq!(l.line_total_fen, Fen(85_400_000));
    assert!(l.formula_applied && !l.below_policy);
    assert_eq!(q.totals.total_fen, Fen(85_400_000));
    assert_eq!(q.totals.total_uppercase, "捌拾伍万肆仟元整");
    let t = q.totals.internal.as_ref().expect("the internal view");
    assert_eq!(t.cost_fen, Fen(70_000_000));
    assert_eq!(t.rebate_fen, Fen(5_600_000));
    assert_eq!(t.profit_fen, Fen(9_800_000));
    let b = kam
        .preview_price(&PriceInput {
            cost_fen: Fen(7000),
            quantity: Quantity(d("10000")),
            rebate_rate: Some(Rate(d("0.08"))),
            fees_fen: None,
        })
        .unwrap();
    assert_eq!(b.unit_price_fen, Fen(8540));
}

#[test]
fn every_tier_boundary() {
    let policy = PricingPolicy::default_policy();
    // (estimated sales in fen with quantity 1, profit rate, rebate reference rate)
    let cases = [
        (19_999_999, "0.20", "0.05"),
        (20_000_000, "0.17", "0.08"),
        (49_999_999, "0.17", "0.08"),
        (50_000_000, "0.14", "0.08"),
        (99_999_999, "0.14", "0.08"),
        (100_000_000, "0.10", "0.10"),
    ];
    for (fen, profit, rebate) in cases {
        let b = price_line(&policy, Fen(fen), Quantity(d("1")), Rate(Decimal::ZERO), Fen(0)).unwrap();
        assert_eq!(b.profit_rate, Rate(d(profit)), "profit at {fen}");
        assert_eq!(b.rebate_reference_tier.rate, Rate(d(rebate)), "rebate reference at {fen}");
    }
    // The amount that picks the tier is quantity × cost, exactly, with decimal quantities too.
    assert_eq!(
        price_line(&policy, Fen(2000), Quantity(d("10000")), Rate(Decimal::ZERO), Fen(0)).unwrap().profit_rate,
        Rate(d("0.17"))
    );
    assert_eq!(
        price_line(&policy, Fen(1000), Quantity(d("19999.9999")), Rate(Decimal::ZERO), Fen(0)).unwrap().profit_rate,
        Rate(d("0.20"))
    );
    assert_eq!(
        price_line(&policy, Fen(40_000_000), Quantity(d("0.5")), Rate(Decimal::ZERO), Fen(0)).unwrap().profit_rate,
        Rate(d("0.17"))
    );
    let top = price_line(&policy, Fen(100_000_000), Quantity(d("1")), Rate(Decimal::ZERO), Fen(0)).unwrap();
    assert_eq!(top.profit_tier.to_fen, None);
    assert_eq!(top.profit_tier.label, "≥ 1,000,000.00 → 10%");
}

#[test]
fn rounding_is_half_up_once_at_the_unit_price() {
    let policy = PricingPolicy::default_policy();
    // 10.02 × (1 + 20% + 5%) = 12.525 → 12.53 (half-even would give 12.52).
    let b = price_line(&policy, Fen(1002), Quantity(d("1")), Rate(d("0.05")), Fen(0)).unwrap();
    assert_eq!(b.exact_unit_price_yuan, ExactYuan(d("12.525")));
    assert_eq!(b.unit_price_fen, Fen(1253));
    // 10.01 × 1.25 = 12.5125 → 12.51.
    assert_eq!(
        price_line(&policy, Fen(1001), Quantity(d("1")), Rate(d("0.05")), Fen(0)).unwrap().unit_price_fen,
        Fen(1251)
    );
    // Fees are added before the one rounding: 10.02 × 1.2 + 0.005… cannot happen (fees are whole
    // fen), so 10.02 × 1.25 + 0.50 = 13.025 → 13.03.
    assert_eq!(
        price_line(&policy, Fen(1002), Quantity(d("1")), Rate(d("0.05")), Fen(50)).unwrap().unit_price_fen,
        Fen(1303)
    );
    // A fractional quantity: 12.53 × 0.5 = 6.265 → 6.27.
    assert_eq!(
        price_line(&policy, Fen(1002), Quantity(d("0.5")), Rate(d("0.05")), Fen(0)).unwrap().line_total_fen,
        Fen(627)
    );
    // A discount is applied to the exact price, then rounded once: 85.40 × 0.97 = 82.838 → 82.84.
    let env = Env::new();
    let mut kam = env.open();
    let c = customer(&mut kam, "杭州海天建材有限公司");
    let q = new_quote(&mut kam, &c);
    let q = kam
        .add_quote_line(
            &q.id,
            &QuoteLineInput {
                rebate_rate: Some(Rate(d("0.08"))),
                discount_rate: Some(Rate(d("0.03"))),
                ..line(7000, "10000")
            },
        )
        .unwrap();
    assert_eq!(q.lines[0].policy_unit_price_fen, Fen(8540));
    assert_eq!(q.lines[0].unit_price_fen, Fen(8284));
    assert_eq!(q.lines[0].line_total_fen, Fen(82_840_000));
}

#[test]
fn a_new_policy_version_never_reprices_existing_quotes() {
    let env = Env::new();
    let mut kam = env.open();
    let c = customer(&mut kam, "南京江北新材料有限公司");
    let old = new_quote(&mut kam, &c);
    let old = kam.add_quote_line(&old.id, &line(7000, "10000")).unwrap();
    assert_eq!(old.lines[0].unit_price_fen, Fen(7980)); // 70 × 1.14
    let before = kam.pricing_policy().unwrap();

    let bad = PricingPolicyInput {
        effective_from: "1999-01-01".into(),
        profit_tiers: vec![RateTier { from_fen: Fen(0), rate: Rate(d("0.30")) }],
        rebate_tiers: vec![RateTier { from_fen: Fen(0), rate: Rate(d("0.05")) }],
        discount_standard: Rate(d("0.05")),
        department_roles: None,
        general_manager_roles: None,
        validity_days: None,
        notes: None,
    };
    assert_eq!(field(kam.set_pricing_policy(&bad).unwrap_err()), "effective_from");
    let gap = PricingPolicyInput {
        effective_from: "2026-11-23".into(),
        profit_tiers: vec![RateTier { from_fen: Fen(5), rate: Rate(d("0.3")) }],
        ..bad.clone()
    };
    assert_eq!(field(kam.set_pricing_policy(&gap).unwrap_err()), "profit_tiers");
    let v2 = kam.set_pricing_policy(&PricingPolicyInput { effective_from: "2026-11-23".into(), ..bad }).unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.department_roles, before.department_roles, "roles carried over");
    assert_eq!(kam.pricing_policy().unwrap().id, v2.id);
    assert_eq!(kam.pricing_policies().unwrap().len(), 2);

    // The old quote keeps version 1, for its existing lines and for new ones.
    let old = kam.add_quote_line(&old.id, &line(7000, "10000")).unwrap();
    assert_eq!(old.policy_version, 1);
    assert_eq!(old.lines.iter().map(|l| l.unit_price_fen).collect::<Vec<_>>(), vec![Fen(7980), Fen(7980)]);
    // A new quote is priced under version 2.
    let new = new_quote(&mut kam, &c);
    let new = kam.add_quote_line(&new.id, &line(7000, "10000")).unwrap();
    assert_eq!((new.policy_version, new.lines[0].unit_price_fen), (2, Fen(9100)));
    // Policy versions themselves are immutable.
    assert!(env.raw().execute("UPDATE pricing_policies SET profit_tiers = '[]'", []).is_err());
}

#[test]
fn dealer_led_quotes_are_priced_by_hand() {
    let env = Env::new();
    let mut kam = env.open();
    let c = customer(&mut kam, "成都天府建材经销有限公司");
    let q = kam.create_quote(&QuoteInput { customer_id: c, dealer_led: Some(true), ..Default::default() }).unwrap();
    assert_eq!(field(kam.add_quote_line(&q.id, &line(7000, "100")).unwrap_err()), "manual_unit_price");
    let q = kam
        .add_quote_line(&q.id, &QuoteLineInput { manual_unit_price_fen: Some(Fen(7500)), ..line(7000, "100") })
        .unwrap();
    let l = &q.lines[0];
    assert!(!l.formula_applied && !l.below_policy, "no formula, no 特批 on a dealer-led price");
    assert_eq!((l.unit_price_fen, l.line_total_fen), (Fen(7500), Fen(750_000)));
    assert_eq!(kam.submit_quote(&q.id).unwrap().status, QuoteStatus::Approved);
}

#[test]
fn bad_input_is_a_clear_error_never_a_panic_and_writes_nothing() {
    let env = Env::new();
    let mut kam = env.open();
    let c = customer(&mut kam, "华东电力设备有限公司");
    let q = new_quote(&mut kam, &c);
    kam.add_quote_line(&q.id, &line(7000, "10")).unwrap();
    let before = (count(&env, "quote_lines"), count(&env, "quotes"));

    let cases: Vec<(QuoteLineInput, &str)> = vec![
        (line(-1, "10"), "cost"),
        (line(7000, "-10"), "quantity"),
        (line(7000, "0"), "quantity"),
        (line(7000, "1.00001"), "quantity"),
        (line(7000, "1000000001"), "quantity"),
        (line(i64::MAX, "1"), "cost"),
        // Within each bound, but quantity × price is over 1000 亿元.
        (line(MAX_FEN.0, "1000000"), "cost"),
        (line(MAX_FEN.0 / 100, "1000"), "quantity"),
        (QuoteLineInput { fees_fen: Some(Fen(-5)), ..line(7000, "1") }, "fees"),
        (QuoteLineInput { rebate_rate: Some(Rate(d("1"))), ..line(7000, "1") }, "rebate_rate"),
        (QuoteLineInput { rebate_rate: Some(Rate(d("-0.01"))), ..line(7000, "1") }, "rebate_rate"),
        (QuoteLineInput { discount_rate: Some(Rate(d("1.5"))), ..line(7000, "1") }, "discount_rate"),
        (QuoteLineInput { manual_unit_price_fen: Some(Fen(-1)), ..line(7000, "1") }, "manual_unit_price"),
        (QuoteLineInput { description: None, ..line(7000, "1") }, "description"),
        (QuoteLineInput { unit: None, ..line(7000, "1") }, "unit"),
        (QuoteLineInput { cost_fen: None, ..line(7000, "1") }, "cost"),
        (QuoteLineInput { product_id: Some("no-such-product".into()), ..line(7000, "1") }, "product_id"),
    ];
    for (input, expected) in cases {
        let e = kam.add_quote_line(&q.id, &input).unwrap_err();
        assert_eq!(field(e), expected, "{input:?}");
    }
    // The whole batch is refused when one line is bad, and says which.
    let e = kam.add_quote_lines(&q.id, &[line(7000, "1"), line(7000, "-1")]).unwrap_err();
    assert!(e.to_string().starts_with("第 2 行："), "{e}");
    // Quote totals are bounded too: each line fits, the sum does not.
    let big = line(MAX_FEN.0 / 200, "100");
    let e = kam.add_quote_lines(&q.id, &[big.clone(), big.clone(), big.clone()]).unwrap_err();
    assert!(e.to_string().contains("1000 亿元"), "{e}");
    assert_eq!((count(&env, "quote_lines"), count(&env, "quotes")), before, "nothing written by any failed call");

    // Unknown or deleted customer.
    let unknown = QuoteInput { customer_id: "no-such-customer".into(), ..Default::default() };
    assert_eq!(field(kam.create_quote(&unknown).unwrap_err()), "customer_id");
    let gone = customer(&mut kam, "已注销建材有限公司");
    kam.delete_customer(&gone).unwrap();
    assert_eq!(
        field(kam.create_quote(&QuoteInput { customer_id: gone, ..Default::default() }).unwrap_err()),
        "customer_id"
    );
    assert!(matches!(kam.submit_quote("no-such-quote"), Err(KamError::NotFound { .. })));
    // Submitting an empty quote.
    let empty = new_quote(&mut kam, &c);
    assert_eq!(field(kam.submit_quote(&empty.id).unwrap_err()), "lines");
    // The pure function refuses the same way.
    let p = PricingPolicy::default_policy();
    assert_eq!(field(price_line(&p, Fen(-1), Quantity(d("1")), Rate(Decimal::ZERO), Fen(0)).unwrap_err()), "cost");
    assert_eq!(
        field(price_line(&p, MAX_FEN, Quantity(d("1000000000")), Rate(Decimal::ZERO), Fen(0)).unwrap_err()),
        "cost"
    );
    assert_eq!(
        field(price_line(&p, Fen(100_000), Quantity(d("1000000000")), Rate(Decimal::ZERO), Fen(0)).unwrap_err()),
        "quantity"
    );
    assert_eq!(field(price_line(&p, MAX_FEN, Quantity(d("1")), Rate(Decimal::ZERO), MAX_FEN).unwrap_err()), "cost");
}

#[test]
fn the_product_catalog() {
    let env = Env::new();
    let mut kam = env.open();
    let input = ProductInput {
        code: "WP-SBS-4".into(),
        name: "SBS 改性沥青防水卷材".into(),
        spec: Some("4mm PY 类".into()),
        unit: "㎡".into(),
        cost_fen: Fen(3200),
        effective_from: Some("2026-11-01".into()),
        notes: None,
    };
    let p = kam.add_product(&input).unwrap();
    match kam.add_product(&input).unwrap_err() {
        KamError::Duplicate { existing_id, field, .. } => {
            assert_eq!((existing_id, field.as_str()), (p.id.clone(), "code"))
        }
        other => panic!("expected Duplicate, got {other:?}"),
    }
    assert_eq!(field(kam.add_product(&ProductInput { code: "X 1".into(), ..input.clone() }).unwrap_err()), "code");
    assert_eq!(
        field(kam.add_product(&ProductInput { code: "X1".into(), cost_fen: Fen(-1), ..input.clone() }).unwrap_err()),
        "cost"
    );
    assert_eq!(
        field(kam.add_product(&ProductInput { code: "X1".into(), unit: " ".into(), ..input.clone() }).unwrap_err()),
        "unit"
    );

    let c = customer(&mut kam, "华东电力设备有限公司");
    let q = new_quote(&mut kam, &c);
    let q = kam
        .add_quote_line(
            &q.id,
            &QuoteLineInput { product_id: Some(p.id.clone()), quantity: Quantity(d("100")), ..Default::default() },
        )
        .unwrap();
    assert_eq!(q.lines[0].unit_price_fen, Fen(3840));

    let p2 = kam
        .update_product(
            &p.id,
            &ProductInput { cost_fen: Fen(3500), effective_from: Some("2026-12-01".into()), ..input.clone() },
        )
        .unwrap();
    assert_eq!((p2.cost_fen, p2.effective_from.as_str()), (Some(Fen(3500)), "2026-12-01"));
    assert_eq!(kam.quote(&q.id).unwrap().lines[0].unit_price_fen, Fen(3840), "a new cost does not reprice a quote");
    assert_eq!(kam.resolve_product("wp-sbs-4").unwrap().id, p.id);
    assert_eq!(kam.products().unwrap().len(), 1);
    kam.delete_product(&p.id).unwrap();
    assert!(kam.products().unwrap().is_empty());
    assert_eq!(kam.quote(&q.id).unwrap().lines[0].description, "SBS 改性沥青防水卷材", "lines keep their copy");
}

#[test]
fn rmb_uppercase_examples() {
    assert_eq!(rmb_uppercase(Fen(8540)), "捌拾伍元肆角整");
    assert_eq!(rmb_uppercase(Fen(100_000_000)), "壹佰万元整");
    assert_eq!(rmb_uppercase(Fen(10_005)), "壹佰元零伍分");
}
