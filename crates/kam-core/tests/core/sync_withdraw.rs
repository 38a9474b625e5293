//! A customer reassigned to another rep leaves the old owner's laptop (issue 11): head office's
//! next return file withdraws it with everything hanging off it, the laptop deletes it without
//! capturing the deletion, and head office keeps it and its history.

use kam_core::{
    ComplaintActionInput, ComplaintActionKind, ComplaintCategory, ComplaintInput, ComplaintSeverity, ContactInput, Kam,
    QuoteInput, VisitInput,
};

use crate::sync_exchange::{customer, customer_with_quote, org, send, visits};

/// Rows of `customer` on a device's file, by table (read behind KAM's back).
fn rows_of(k: &Kam, customer: &str) -> Vec<(String, i64)> {
    let db = rusqlite::Connection::open(k.path()).unwrap();
    let mut out = Vec::new();
    for (t, sql) in [
        ("customers", "SELECT count(*) FROM customers WHERE id = ?1"),
        ("contacts", "SELECT count(*) FROM contacts WHERE customer_id = ?1"),
        ("visits", "SELECT count(*) FROM visits WHERE customer_id = ?1"),
        ("quotes", "SELECT count(*) FROM quotes WHERE customer_id = ?1"),
        ("quote_lines", "SELECT count(*) FROM quote_lines l JOIN quotes q ON q.id = l.quote_id WHERE q.customer_id = ?1"),
        ("complaints", "SELECT count(*) FROM complaints WHERE customer_id = ?1"),
        (
            "complaint_actions",
            "SELECT count(*) FROM complaint_actions a JOIN complaints x ON x.id = a.complaint_id WHERE x.customer_id = ?1",
        ),
        ("change_history", "SELECT count(*) FROM change_history WHERE customer_id = ?1"),
        ("sync_rows", "SELECT count(*) FROM sync_rows WHERE tbl = 'customers' AND row_id = ?1"),
    ] {
        out.push((t.to_string(), db.query_row(sql, [customer], |r| r.get(0)).unwrap()));
    }
    out
}

// Long because: one story — a dossier with quotes and complaints, reassigned while the old
// owner still has a change on the way, withdrawn only once head office has that change.
#[test]
fn a_reassigned_customer_is_withdrawn_from_the_old_owners_laptop_once_its_changes_are_in() {
    let mut o = org(2);
    let d = o.dir.path().to_path_buf();
    let (c, q) = customer_with_quote(&mut o.reps[0], None);
    let rep = &mut o.reps[0];
    rep.add_contact(&c.id, &ContactInput { name: "王采购".into(), ..Default::default() }).unwrap();
    rep.log_visit(&c.id, &VisitInput { purpose: Some("技术交流".into()), ..Default::default() }).unwrap();
    let x = rep
        .open_complaint(
            &c.id,
            &ComplaintInput {
                contact_id: None,
                severity: ComplaintSeverity::Medium,
                category: ComplaintCategory::ProductQuality,
                title: None,
                description: "色差".into(),
            },
        )
        .unwrap();
    let action = ComplaintActionInput { kind: ComplaintActionKind::Handling, note: "已换货".into() };
    rep.handle_complaint(&x.id, &action).unwrap();
    rep.update_quote(
        &q.id,
        &QuoteInput { customer_id: c.id.clone(), notes: Some("含运费".into()), ..Default::default() },
    )
    .unwrap();
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    send(&mut o.hq, "张三", &mut o.reps[0], &d);
    let full = rows_of(&o.reps[0], &c.id);
    assert!(full.iter().all(|(_, n)| *n > 0), "the laptop holds the whole dossier: {full:?}");

    // 张三's laptop logs one more visit; before it reaches head office, head office gives the
    // customer to 李四.
    o.reps[0].log_visit(&c.id, &VisitInput { purpose: Some("回访".into()), ..Default::default() }).unwrap();
    let mut input = customer("嘉兴化纤有限公司", None);
    input.owner_id = Some(o.rep_users[1].clone());
    o.hq.update_customer(&c.id, &input).unwrap();
    let r = send(&mut o.hq, "张三", &mut o.reps[0], &d);
    assert_eq!(r.withdrawn, 0, "a change head office has not got yet keeps the customer for now");
    // Hidden all the same: 张三 signed in on the laptop no longer sees it.
    let laptop = o.reps[0].path().to_path_buf();
    let mut signed = Kam::open_locked(&laptop).unwrap();
    signed.sign_in(&o.rep_users[0], "secret-pass-1").unwrap();
    assert_eq!(signed.dossier(&c.id).unwrap_err().code(), "forbidden");
    assert_eq!(signed.list_customers(&Default::default()).unwrap().total, 0);
    assert_eq!(signed.search_total("嘉兴").unwrap(), 0);
    drop(signed);

    // The visit reaches head office (made before the reassignment, it is accepted); the next
    // return file confirms it, and the customer goes.
    let to_hq = send(&mut o.reps[0], "hq", &mut o.hq, &d);
    assert!(to_hq.refused.is_empty(), "{:?}", to_hq.refused);
    let r = send(&mut o.hq, "张三", &mut o.reps[0], &d);
    assert_eq!(r.withdrawn, 1);
    let gone = rows_of(&o.reps[0], &c.id);
    assert!(gone.iter().all(|(_, n)| *n == 0), "nothing of it is left on the laptop: {gone:?}");
    assert_eq!(o.reps[0].search_total("嘉兴").unwrap(), 0, "nor in its search index");
    assert_eq!(o.reps[0].sync_status().unwrap().pending_changes, 0, "the deletion is not a change to send");

    // Head office keeps everything, history included; the next file from the laptop changes none of it.
    let kept = o.hq.dossier(&c.id).unwrap();
    assert_eq!((kept.contacts.len(), visits(&o.hq, &c.id)), (1, 2));
    assert!(!o.hq.customer_history(&c.id).unwrap().is_empty());
    send(&mut o.reps[0], "hq", &mut o.hq, &d);
    assert_eq!(visits(&o.hq, &c.id), 2);
    assert!(o.hq.quote(&q.id).is_ok());
    // 李四 gets the whole dossier.
    send(&mut o.reps[1], "hq", &mut o.hq, &d);
    send(&mut o.hq, "李四", &mut o.reps[1], &d);
    let theirs = rows_of(&o.reps[1], &c.id);
    assert!(theirs.iter().filter(|(t, _)| t != "change_history").all(|(_, n)| *n > 0), "{theirs:?}");
    assert_eq!(visits(&o.reps[1], &c.id), 2);
    for (i, rep) in o.reps.iter().enumerate() {
        assert_eq!(
            o.hq.sync_visible_content(Some(&o.rep_users[i])).unwrap(),
            rep.sync_visible_content(Some(&o.rep_users[i])).unwrap(),
            "device {i} converged"
        );
    }
}
