//! Requests to head office travel (issue 11): a rep on their laptop asks for 战略客户 and a
//! customer code; the requests reach head office in the sync file, head office approves one and
//! refuses the other, and the outcome comes back in the return file. A laptop that decides a
//! request itself is refused.

use std::path::PathBuf;

use kam_core::{CustomerInput, Kam, RequestKind, RequestQuery, RequestStatus, Role, Tier};

use super::sync_exchange::{org, send};

const PW: &str = "secret-pass-1";

// Long because: one round trip, laptop → head office → laptop, then a tampered file.
#[test]
fn a_request_travels_to_head_office_and_its_outcome_comes_back() {
    let mut o = org(1); // 张三
    let d = o.dir.path().to_path_buf();
    // The rep signs in on the laptop (the first sign-in sets the password).
    let laptop = d.join("rep0.kam");
    drop(std::mem::replace(&mut o.reps[0], Kam::open_locked(&laptop).unwrap()));
    let rep = &mut o.reps[0];
    rep.sign_in("张三", PW).unwrap();
    let c = rep.create_customer(&CustomerInput { name: "宝山钢铁股份有限公司".into(), ..Default::default() }).unwrap();
    let id = c.customer.id;
    assert_eq!(rep.change_tier(&id, Tier::Strategic, "自己定").unwrap_err().code(), "forbidden");
    let strategic = rep.file_request(&id, RequestKind::StrategicTier, "年采购额超过 500 万元").unwrap();
    let coded = rep.file_request(&id, RequestKind::CustomerCode, "已签年度框架合同").unwrap();
    assert_eq!(rep.approve_request(&strategic.id, "").unwrap_err().code(), "forbidden", "not on a laptop");
    let r = send(rep, "hq", &mut o.hq, &d);
    assert!(r.refused.is_empty(), "{:?}", r.refused);

    // Head office: a clerk signs in and finds both pending.
    let clerk = o.hq.add_user("钱会计", Role::HeadOffice, "总部").unwrap();
    o.hq.set_user_password(&clerk.id, PW).unwrap();
    let hq_path = o.hq.path().to_path_buf();
    let mut hq = Kam::open_locked(&hq_path).unwrap();
    hq.sign_in("钱会计", PW).unwrap();
    let pending =
        hq.customer_requests(&RequestQuery { status: Some(RequestStatus::Pending), customer_id: None }).unwrap();
    let mut kinds: Vec<(RequestKind, &str)> = pending.iter().map(|r| (r.kind, r.reason.as_str())).collect();
    kinds.sort_by_key(|k| k.0.as_str());
    assert_eq!(
        kinds,
        [(RequestKind::CustomerCode, "已签年度框架合同"), (RequestKind::StrategicTier, "年采购额超过 500 万元")]
    );
    assert!(pending.iter().all(|r| r.can_decide && r.requested_by_name.as_deref() == Some("张三")));
    hq.approve_request(&strategic.id, "评审通过").unwrap();
    hq.refuse_request(&coded.id, "框架合同尚未盖章").unwrap();
    assert_eq!(hq.customer(&id).unwrap().tier, Tier::Strategic);
    assert_eq!(hq.customer(&id).unwrap().customer_code, None);
    drop(hq);

    // The return file brings the outcome and the change to the laptop.
    send(&mut o.hq, "张三", &mut o.reps[0], &d);
    let rep = &mut o.reps[0];
    let dossier = rep.dossier(&id).unwrap();
    assert_eq!(dossier.customer.tier, Tier::Strategic);
    assert_eq!(dossier.tier_history[0].decided_by_name.as_deref(), Some("钱会计"));
    let outcome: Vec<(RequestKind, RequestStatus, &str)> =
        dossier.requests.iter().map(|r| (r.kind, r.status, r.decision_note.as_str())).collect();
    assert!(outcome.contains(&(RequestKind::StrategicTier, RequestStatus::Approved, "评审通过")), "{outcome:?}");
    assert!(outcome.contains(&(RequestKind::CustomerCode, RequestStatus::Refused, "框架合同尚未盖章")), "{outcome:?}");
    assert_eq!(dossier.requestable, [RequestKind::CustomerCode]);

    // A tampered laptop marks its own new request approved: head office refuses the row.
    let forged = rep.file_request(&id, RequestKind::CustomerCode, "合同已盖章").unwrap();
    let raw = rusqlite::Connection::open(&laptop).unwrap();
    raw.execute("UPDATE customer_requests SET status = 'approved' WHERE id = ?1", [&forged.id]).unwrap();
    drop(raw);
    let out = rep.sync_export("hq", Some(&d)).unwrap();
    let res = o.hq.sync_import(&[PathBuf::from(&out.path)], false);
    let report = res[0].report.clone().unwrap();
    assert!(
        report.refused.iter().any(|x| x.table == "customer_requests" && x.reason.contains("总部审批")),
        "{:?}",
        report.refused
    );
    assert!(o.hq.customer_request(&forged.id).is_err(), "nothing stored");
    assert_eq!(o.hq.customer(&id).unwrap().customer_code, None);
}
