//! The simulator's bodies against the exact JSON examples of `shared/spec/bakong-open-api.md`,
//! byte for byte where the spec gives a complete body, and key for key where it elides values.

// Helpers outside #[test] fns: a failed setup should panic with its error.
#![allow(clippy::unwrap_used)]

use base64::Engine;
use pos_bakong_sim::{
    start, Fault, FaultRule, Flags, PayOptions, PayOutcome, QrInfo, RunningSim, SimConfig, When,
};
use pos_domain::{Currency, Money};
use serde_json::Value;

async fn sim() -> RunningSim {
    start(SimConfig {
        seed: Some(1),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// POSTs raw JSON to `/v1/{endpoint}` and returns (status, content type, body).
async fn post(
    sim: &RunningSim,
    endpoint: &str,
    body: &str,
    token: Option<&str>,
) -> (u16, String, String) {
    let mut request = http()
        .post(format!("{}/v1/{endpoint}", sim.url()))
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

const MD5: &str = "0123456789abcdef0123456789abcdef";

/// A loopback client that ignores any proxy set in the environment.
fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// Asks `check_transaction_by_md5` about `md5` with the simulator's own token.
async fn check(sim: &RunningSim, md5: &str) -> (u16, String, String) {
    post(
        sim,
        "check_transaction_by_md5",
        &format!(r#"{{"md5":"{md5}"}}"#),
        Some(sim.token()),
    )
    .await
}

/// Registers [`MD5`] as a QR for `amount` and pays it with `outcome`.
fn pay(sim: &RunningSim, amount: Money, outcome: PayOutcome) {
    sim.register_md5(
        MD5,
        QrInfo {
            amount: Some(amount),
            ..QrInfo::default()
        },
    )
    .unwrap();
    let mut options = PayOptions::new(MD5);
    options.outcome = outcome;
    sim.pay(options).unwrap();
}

/// POSTs `body` to the control API at `/__sim/{path}` and returns the raw response.
async fn control(sim: &RunningSim, path: &str, body: Value) -> reqwest::Response {
    http()
        .post(format!("{}/__sim/{path}", sim.url()))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Like [`control`], for calls that must succeed: returns the JSON reply.
async fn control_json(sim: &RunningSim, path: &str, body: Value) -> Value {
    control(sim, path, body).await.json().await.unwrap()
}

#[tokio::test]
async fn not_found_matches_the_spec_byte_for_byte() {
    let sim = sim().await;
    let (status, content_type, body) = check(&sim, MD5).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/json");
    assert_eq!(
        body,
        r#"{"responseCode":1,"responseMessage":"Transaction could not be found. Please check and try again.","errorCode":1,"data":null}"#
    );
}

#[tokio::test]
async fn failed_and_static_qr_match_the_spec_byte_for_byte() {
    let sim = sim().await;
    pay(&sim, Money::new(100, Currency::Usd), PayOutcome::Failed);
    let (status, _, body) = check(&sim, MD5).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        r#"{"responseCode":1,"responseMessage":"Transaction failed.","errorCode":3,"data":null}"#
    );

    let fixed = "ffffffffffffffffffffffffffffffff";
    sim.register_md5(fixed, QrInfo::default()).unwrap();
    sim.set_flags(Flags {
        static_qr_error: true,
        ..sim.flags()
    });
    let (_, _, body) = check(&sim, fixed).await;
    assert_eq!(
        body,
        r#"{"responseCode":1,"responseMessage":"Sorry, the system does not support static QR code.","errorCode":2,"data":null}"#
    );
}

#[tokio::test]
async fn unauthorized_matches_the_spec_with_http_401() {
    let sim = sim().await;
    let expected = r#"{"responseCode":1,"responseMessage":"Unauthorized, not yet requested for token or code invalid","errorCode":6,"data":null}"#;
    let request = format!(r#"{{"md5":"{MD5}"}}"#);
    for token in [None, Some("garbage"), Some("a.b.c")] {
        let (status, _, body) = post(&sim, "check_transaction_by_md5", &request, token).await;
        assert_eq!((status, body.as_str()), (401, expected), "{token:?}");
    }
    let expiring = sim.issue_token(Some(std::time::Duration::from_secs(10)));
    sim.advance_ms(10_000);
    let (status, _, body) = post(&sim, "check_transaction_by_md5", &request, Some(&expiring)).await;
    assert_eq!((status, body.as_str()), (401, expected));
}

#[tokio::test]
async fn the_quota_reply_matches_the_spec_byte_for_byte() {
    let sim = sim().await;
    for _ in 0..100 {
        check(&sim, MD5).await;
    }
    let (status, _, body) = check(&sim, MD5).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        r#"{"responseCode":1,"responseMessage":"Daily request limit of 100 exceeded. Please try again tomorrow.","errorCode":17,"data":null}"#
    );
}

#[tokio::test]
async fn renew_matches_the_spec_for_known_and_unknown_emails() {
    let sim = sim().await;
    let (status, _, body) = post(
        &sim,
        "renew_token",
        r#"{"email":"nobody@example.com"}"#,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        r#"{"responseCode":1,"responseMessage":"Not registered yet","errorCode":10,"data":null}"#
    );

    let (status, _, body) = post(&sim, "renew_token", r#"{"email":"dev@example.com"}"#, None).await;
    assert_eq!(status, 200);
    let prefix = r#"{"responseCode":0,"responseMessage":"Token has been issued","errorCode":null,"data":{"token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."#;
    assert!(body.starts_with(prefix), "{body}");
    assert!(body.ends_with(r#""}}"#));
}

#[tokio::test]
async fn tokens_have_bakongs_payload_shape_and_a_ninety_day_lifetime() {
    let sim = sim().await;
    let payload = sim.token().split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    let claims: Value = serde_json::from_slice(&bytes).unwrap();
    let id = claims["data"]["id"].as_str().unwrap();
    assert_eq!(id.len(), 16);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        7_776_000
    );
}

#[tokio::test]
async fn request_token_account_and_deeplink_replies_match_the_spec() {
    let sim = sim().await;
    let cases = [
        (
            "request_token",
            r#"{"email":"new@example.com","organization":"Shop","project":"POS"}"#,
            r#"{"responseCode":0,"responseMessage":"Email has been sent","errorCode":null,"data":null}"#,
        ),
        (
            "check_bakong_account",
            r#"{"accountId":"merchant@devb"}"#,
            r#"{"responseCode":0,"responseMessage":"Account ID exists","errorCode":null,"data":null}"#,
        ),
        (
            "check_bakong_account",
            r#"{"accountId":"ghost@devb"}"#,
            r#"{"responseCode":1,"responseMessage":"Account ID not found","errorCode":11,"data":null}"#,
        ),
    ];
    for (endpoint, request, expected) in cases {
        let (status, _, body) = post(&sim, endpoint, request, None).await;
        assert_eq!(
            (status, body.as_str()),
            (200, expected),
            "{endpoint} {request}"
        );
    }
    let (_, _, body) = post(&sim, "generate_deeplink_by_qr", r#"{"qr":"000201"}"#, None).await;
    let prefix = r#"{"responseCode":0,"responseMessage":"Getting deep link successfully","errorCode":null,"data":{"shortLink":"https://bakongsit.page.link/"#;
    assert!(body.starts_with(prefix), "{body}");
}

#[tokio::test]
async fn a_paid_reply_has_the_spec_keys_in_the_spec_order() {
    let sim = sim().await;
    pay(&sim, Money::new(100, Currency::Usd), PayOutcome::Success);
    let (status, _, body) = check(&sim, MD5).await;
    assert_eq!(status, 200);
    assert!(body.starts_with(r#"{"responseCode":0,"responseMessage":"Getting transaction successfully.","errorCode":null,"data":{"hash":""#));
    let keys = [
        "hash",
        "fromAccountId",
        "toAccountId",
        "currency",
        "amount",
        "description",
        "createdDateMs",
        "acknowledgedDateMs",
        "externalRef",
        "instructionRef",
        "trackingStatus",
        "receiverBank",
        "receiverBankAccount",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| {
            body.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k} missing"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{body}");
    assert!(
        body.contains(r#""currency":"USD","amount":1.00,"#),
        "{body}"
    );
}

#[tokio::test]
async fn float_numbers_print_timestamps_like_nbcs_samples() {
    let sim = sim().await;
    sim.set_flags(Flags {
        float_numbers: true,
        ..sim.flags()
    });
    pay(&sim, Money::new(5000, Currency::Khr), PayOutcome::Success);
    let created = sim.payments()[0].created_ms;
    let (_, _, body) = check(&sim, MD5).await;
    assert!(
        body.contains(&format!(r#""createdDateMs":{created}.0,"#)),
        "{body}"
    );
    assert!(body.contains(r#""amount":5000,"#), "{body}");
}

#[tokio::test]
async fn lists_are_bare_arrays_answered_item_by_item() {
    let sim = sim().await;
    let (status, _, body) = post(
        &sim,
        "check_transaction_by_md5_list",
        &format!(r#"["{MD5}"]"#),
        Some(sim.token()),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        format!(
            r#"{{"responseCode":0,"responseMessage":"Getting transaction successfully.","errorCode":null,"data":[{{"md5":"{MD5}","status":"NOT_FOUND","message":"Transaction could not be found. Please check and try again.","data":null}}]}}"#
        )
    );
    let too_many = format!("[{}]", vec![format!("\"{MD5}\""); 51].join(","));
    let (status, _, body) = post(
        &sim,
        "check_transaction_by_md5_list",
        &too_many,
        Some(sim.token()),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains(r#""errorCode":5"#));
}

#[tokio::test]
async fn edge_faults_answer_with_nginx_html() {
    let sim = sim().await;
    sim.add_fault(FaultRule::everywhere(When::Next(1), Fault::RegionBlocked));
    sim.add_fault(FaultRule::everywhere(
        When::Nth(2),
        Fault::RateLimited {
            retry_after_secs: Some(30),
        },
    ));
    let (status, content_type, body) = check(&sim, MD5).await;
    assert_eq!((status, content_type.as_str()), (403, "text/html"));
    assert!(body.contains("<center><h1>403 Forbidden</h1></center>"));
    // No Content-Type this time: the edge answers before looking at the body.
    let response = http()
        .post(format!("{}/v1/check_transaction_by_md5", sim.url()))
        .bearer_auth(sim.token())
        .body(format!(r#"{{"md5":"{MD5}"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "30");
}

#[tokio::test]
async fn the_control_api_drives_the_same_state_over_http() {
    let sim = sim().await;
    let reply = control_json(
        &sim,
        "qr",
        serde_json::json!({"md5": MD5, "amount": "2.50", "currency": "USD"}),
    )
    .await;
    assert_eq!(reply["md5"], MD5);
    let paid = control_json(
        &sim,
        "pay",
        serde_json::json!({"md5": MD5, "delayMs": 5000}),
    )
    .await;
    assert_eq!(paid["hashes"].as_array().unwrap().len(), 1);
    let (_, _, body) = check(&sim, MD5).await;
    assert!(body.contains(r#""errorCode":1"#));
    let clock = control_json(&sim, "clock", serde_json::json!({"advanceMs": 6000})).await;
    assert!(clock["nowMs"].as_i64().unwrap() > 0);
    let (_, _, body) = check(&sim, MD5).await;
    assert!(body.contains(r#""amount":2.50"#), "{body}");
    let rule = serde_json::json!({"endpoint": "check_transaction_by_md5", "when": {"next": 1},
        "fault": {"kind": "server_error", "status": 502}});
    assert!(control(&sim, "faults", rule).await.status().is_success());
    let (status, _, _) = check(&sim, MD5).await;
    assert_eq!(status, 502);
    let token = control_json(&sim, "token", serde_json::json!({})).await;
    let (status, _, _) = post(
        &sim,
        "check_transaction_by_md5",
        &format!(r#"{{"md5":"{MD5}"}}"#),
        token["token"].as_str(),
    )
    .await;
    assert_eq!(status, 200);
    let bad = control(&sim, "pay", serde_json::json!({"md5": "nope"})).await;
    assert_eq!(bad.status().as_u16(), 400);
}

#[tokio::test]
async fn unknown_paths_get_nginx_404() {
    let sim = sim().await;
    let (status, content_type, _) = post(&sim, "no_such_endpoint", "{}", None).await;
    assert_eq!((status, content_type.as_str()), (404, "text/html"));
}

#[tokio::test]
async fn paying_by_qr_string_over_http_registers_it_and_records_the_payment() {
    let sim = sim().await;
    sim.set_now_ms(1_700_000_000_000);
    let qr = "00020101021229190015john_smith@devb520459995303116540450005802KH5910John Smith6010Phnom Penh993400131700000000000011317000864000006304B6E1";
    let paid = control_json(&sim, "pay", serde_json::json!({ "qr": qr })).await;
    assert_eq!(paid["md5"], "d9ee5b856745578bc3dfceff938af5c5");
    assert_eq!(sim.payments()[0].amount, Money::new(5000, Currency::Khr));
}

#[tokio::test]
async fn sparse_fields_drop_nulls_and_add_an_unknown_field() {
    let sim = sim().await;
    sim.set_flags(Flags {
        sparse_fields: true,
        ..sim.flags()
    });
    pay(&sim, Money::new(100, Currency::Usd), PayOutcome::Success);
    let (_, _, body) = check(&sim, MD5).await;
    let data = &serde_json::from_str::<Value>(&body).unwrap()["data"];
    assert!(data.get("description").is_none(), "{body}");
    assert!(data.get("trackingStatus").is_none(), "{body}");
    assert!(data.get("settlementInfo").is_some(), "{body}");
}
