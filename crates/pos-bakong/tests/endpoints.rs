//! Every endpoint of the real client against the real simulator over loopback HTTP.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use pos_bakong::{
    AccountStatus, BakongClient, BakongError, CheckOutcome, ClientConfig, SourceInfo, Token,
};
use pos_bakong_sim::{Flags, PayOptions, PayOutcome, QrInfo, SimConfig};

#[tokio::test]
async fn an_unpaid_md5_is_not_found_and_a_paid_one_carries_the_exact_transaction() {
    let sim = sim().await;
    let client = client(&sim);
    let key = md5(1);
    sim.register_md5(
        &key,
        QrInfo {
            amount: Some(usd(150)),
            account: Some("shop@devb".into()),
            expires_ms: None,
        },
    )
    .unwrap();
    assert_eq!(
        client.check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::NotFound)
    );

    let mut options = PayOptions::new(&key);
    options.description = Some("table 4".into());
    options.from_account_id = Some("alice@abaa".into());
    let hash = sim.pay(options).unwrap().hashes[0].clone();
    let outcome = client.check_transaction_by_md5(&key).await.unwrap();
    let CheckOutcome::Paid(tx) = outcome else {
        panic!("expected paid, got {outcome:?}");
    };
    assert_eq!(tx.hash, hash);
    assert_eq!(tx.amount, usd(150));
    assert_eq!(tx.to_account_id.as_deref(), Some("shop@devb"));
    assert_eq!(tx.from_account_id.as_deref(), Some("alice@abaa"));
    assert_eq!(tx.description.as_deref(), Some("table 4"));
    let created = tx.created_ms.unwrap();
    assert!((sim.now_ms() - created).abs() < 5_000);
    assert_eq!(tx.acknowledged_ms, Some(created + 2_000));
    assert!(tx.external_ref.unwrap().starts_with("100FT"));
}

#[tokio::test]
async fn uppercase_md5_is_accepted_and_sent_lowercase() {
    let sim = sim().await;
    let key = md5(0xab);
    register_and_pay(&sim, &key, khr(5000));
    let outcome = client(&sim)
        .check_transaction_by_md5(&key.to_uppercase())
        .await;
    assert!(matches!(outcome, Ok(CheckOutcome::Paid(tx)) if tx.amount == khr(5000)));
}

#[tokio::test]
async fn a_failed_transfer_reads_as_failed() {
    let sim = sim().await;
    let key = md5(2);
    register(&sim, &key, khr(4000));
    let mut options = PayOptions::new(&key);
    options.outcome = PayOutcome::Failed;
    sim.pay(options).unwrap();
    assert_eq!(
        client(&sim).check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::Failed)
    );
}

#[tokio::test]
async fn a_static_qr_is_not_found_by_default_and_static_when_the_flag_is_set() {
    let sim = sim().await;
    let client = client(&sim);
    let key = md5(3);
    sim.register_md5(&key, QrInfo::default()).unwrap();
    assert_eq!(
        client.check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::NotFound)
    );
    sim.set_flags(Flags {
        static_qr_error: true,
        ..sim.flags()
    });
    assert_eq!(
        client.check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::StaticQr)
    );
}

#[tokio::test]
async fn lookup_by_hash_returns_the_later_revision_fields() {
    let sim = sim().await;
    let hash = register_and_pay(&sim, &md5(4), usd(1));
    let outcome = client(&sim).check_transaction_by_hash(&hash).await.unwrap();
    let CheckOutcome::Paid(tx) = outcome else {
        panic!("expected paid, got {outcome:?}");
    };
    assert_eq!(tx.hash, hash);
    assert_eq!(
        tx.tracking_status.as_deref(),
        Some("RECEIVE_AT_RECEIVER_BANK")
    );
    assert_eq!(tx.receiver_bank.as_deref(), Some("Sim Bank"));
    assert_eq!(
        client(&sim)
            .check_transaction_by_hash(&"0".repeat(64))
            .await,
        Ok(CheckOutcome::NotFound)
    );
}

#[tokio::test]
async fn short_hash_lookup_needs_the_exact_amount_and_currency() {
    let sim = sim().await;
    let client = client(&sim);
    let hash = register_and_pay(&sim, &md5(5), usd(1250));
    let short = &hash[..8];
    assert!(matches!(
        client.check_transaction_by_short_hash(short, usd(1250)).await,
        Ok(CheckOutcome::Paid(tx)) if tx.hash == hash
    ));
    assert_eq!(
        client
            .check_transaction_by_short_hash(short, usd(1200))
            .await,
        Ok(CheckOutcome::NotFound)
    );
    assert_eq!(
        client
            .check_transaction_by_short_hash(short, khr(1250))
            .await,
        Ok(CheckOutcome::NotFound)
    );
}

#[tokio::test]
async fn a_wrong_amount_payment_is_reported_with_the_amount_actually_paid() {
    let sim = sim().await;
    let key = md5(6);
    register(&sim, &key, usd(500));
    let mut options = PayOptions::new(&key);
    options.amount = Some(usd(50));
    options.to_account_id = Some("other@aclb".into());
    let hash = sim.pay(options).unwrap().hashes[0].clone();
    let client = client(&sim);
    assert!(matches!(
        client.check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::Paid(tx)) if tx.amount == usd(50) && tx.to_account_id.as_deref() == Some("other@aclb")
    ));
    assert_eq!(
        client
            .check_transaction_by_short_hash(&hash[..8], usd(500))
            .await,
        Ok(CheckOutcome::NotFound)
    );
}

#[tokio::test]
async fn instruction_and_external_refs_find_the_transaction() {
    let sim = sim().await;
    let client = client(&sim);
    register_and_pay(&sim, &md5(7), khr(100));
    let payment = sim.payments().remove(0);
    assert!(matches!(
        client.check_transaction_by_instruction_ref(&payment.instruction_ref).await,
        Ok(CheckOutcome::Paid(tx)) if tx.hash == payment.hash
    ));
    assert!(matches!(
        client.check_transaction_by_external_ref(&payment.external_ref).await,
        Ok(CheckOutcome::Paid(tx)) if tx.hash == payment.hash
    ));
    assert_eq!(
        client
            .check_transaction_by_external_ref("DEV123456ZTH")
            .await,
        Ok(CheckOutcome::NotFound)
    );
}

#[tokio::test]
async fn md5_list_answers_each_item_in_request_order() {
    let sim = sim().await;
    let (paid, unpaid, fixed) = (md5(8), md5(9), md5(10));
    register_and_pay(&sim, &paid, usd(300));
    sim.register_md5(&fixed, QrInfo::default()).unwrap();
    let report = client(&sim)
        .check_transaction_by_md5_list(&[&paid, &unpaid, &fixed])
        .await
        .unwrap();
    assert!(report.is_exact());
    assert_eq!(report.items[0].key, paid);
    assert!(
        matches!(&report.items[0].outcome, Ok(CheckOutcome::Paid(tx)) if tx.amount == usd(300))
    );
    assert_eq!(report.items[1].outcome, Ok(CheckOutcome::NotFound));
    assert_eq!(report.items[2].outcome, Ok(CheckOutcome::StaticQr));
}

#[tokio::test]
async fn hash_list_reports_paid_failed_and_unknown_hashes() {
    let sim = sim().await;
    let good = register_and_pay(&sim, &md5(11), usd(100));
    register(&sim, &md5(12), usd(5));
    let mut failing = PayOptions::new(&md5(12));
    failing.outcome = PayOutcome::Failed;
    let bad = sim.pay(failing).unwrap().hashes[0].clone();
    let unknown = "e".repeat(64);
    let report = client(&sim)
        .check_transaction_by_hash_list(&[&good, &bad, &unknown])
        .await
        .unwrap();
    assert!(report.is_exact());
    assert!(matches!(&report.items[0].outcome, Ok(CheckOutcome::Paid(tx)) if tx.hash == good));
    assert_eq!(report.items[1].outcome, Ok(CheckOutcome::Failed));
    assert_eq!(report.items[2].outcome, Ok(CheckOutcome::NotFound));
}

#[tokio::test]
async fn renewing_returns_a_working_token_and_hands_it_to_the_listener_first() {
    let sim = sim().await;
    let client = client(&sim);
    let seen: Arc<Mutex<Vec<Token>>> = Arc::default();
    let sink = Arc::clone(&seen);
    client.on_token_renewed(Arc::new(move |t: &Token| {
        sink.lock().unwrap().push(t.clone())
    }));
    let old = client.token().unwrap();
    let fresh = client.renew_token().await.unwrap();
    assert_ne!(fresh, old);
    assert_eq!(client.token(), Some(fresh.clone()));
    assert_eq!(*seen.lock().unwrap(), vec![fresh.clone()]);
    let days_left = client.token_days_left(sim.now_ms() / 1000);
    assert!(matches!(days_left, Some(89 | 90)), "{days_left:?}");
    assert_eq!(
        client.check_transaction_by_md5(&md5(13)).await,
        Ok(CheckOutcome::NotFound)
    );
}

#[tokio::test]
async fn renewing_with_an_unregistered_email_is_refused_and_keeps_the_old_token() {
    let sim = sim().await;
    let client = BakongClient::new(
        ClientConfig::new(sim.url())
            .with_token(Token::new(sim.token()))
            .with_email("stranger@example.com"),
    )
    .unwrap();
    assert_eq!(client.renew_token().await, Err(BakongError::NotRegistered));
    assert_eq!(client.token(), Some(Token::new(sim.token())));
}

#[tokio::test]
async fn request_token_then_verify_issues_a_token_that_works() {
    let sim = sim().await;
    let client = BakongClient::new(ClientConfig::new(sim.url())).unwrap();
    client
        .request_token("new@example.com", "Shop", "POS")
        .await
        .unwrap();
    let code = sim.verification_code("new@example.com").unwrap();
    let token = client.verify(&code).await.unwrap();
    assert_eq!(client.token(), Some(token));
    assert_eq!(
        client.check_transaction_by_md5(&md5(14)).await,
        Ok(CheckOutcome::NotFound)
    );
    assert!(matches!(
        client.verify("AAAAAAAAAAAAAAAAAAAA").await,
        Err(BakongError::Unauthorized {
            error_code: Some(6)
        })
    ));
}

#[tokio::test]
async fn deeplink_returns_a_short_link_with_or_without_source_info() {
    let sim = sim().await;
    let client = client(&sim);
    let link = client
        .generate_deeplink_by_qr("000201010212", None)
        .await
        .unwrap();
    assert!(link.starts_with("https://bakongsit.page.link/"));
    let info = SourceInfo {
        app_icon_url: "https://example.com/icon.png".into(),
        app_name: "POS".into(),
        app_deep_link_callback: "https://example.com/back".into(),
    };
    assert!(client
        .generate_deeplink_by_qr("000201010212", Some(&info))
        .await
        .is_ok());
}

#[tokio::test]
async fn account_checks_tell_existing_missing_and_invalid_ids_apart() {
    let sim = sim().await;
    let client = client(&sim);
    for check in [true, false] {
        let ask = |id: &'static str| {
            let client = &client;
            async move {
                if check {
                    client.check_bakong_account(id).await
                } else {
                    client.check_account_exist(id).await
                }
            }
        };
        assert_eq!(ask("merchant@devb").await, Ok(AccountStatus::Exists));
        assert_eq!(ask("nobody@devb").await, Ok(AccountStatus::NotFound));
        assert_eq!(ask("no at sign").await, Ok(AccountStatus::Invalid));
    }
}

#[tokio::test]
async fn bad_input_is_refused_locally_without_any_request() {
    let sim = sim().await;
    let client = client(&sim);
    let too_many: Vec<String> = (0..51).map(md5).collect();
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    let key = md5(1);
    let errors = [
        client.check_transaction_by_md5("abc").await,
        client.check_transaction_by_md5(&"g".repeat(32)).await,
        client.check_transaction_by_hash(&"a".repeat(63)).await,
        client
            .check_transaction_by_short_hash("abcdef1", usd(100))
            .await,
        client
            .check_transaction_by_short_hash("abcdef12", usd(0))
            .await,
        client.check_transaction_by_external_ref("").await,
        client
            .check_transaction_by_md5_list(&too_many)
            .await
            .map(|_| CheckOutcome::NotFound),
        client
            .check_transaction_by_md5_list(&[])
            .await
            .map(|_| CheckOutcome::NotFound),
        client
            .check_transaction_by_md5_list(&[&key, &key])
            .await
            .map(|_| CheckOutcome::NotFound),
    ];
    for error in errors {
        assert!(
            matches!(error, Err(BakongError::InvalidInput { .. })),
            "{error:?}"
        );
    }
    assert!(matches!(
        client.request_token("not-an-email", "o", "p").await,
        Err(BakongError::InvalidInput { field: "email", .. })
    ));
    for endpoint in pos_bakong_sim::ENDPOINTS {
        assert_eq!(sim.calls(endpoint), 0, "{endpoint} was called");
    }
}

#[tokio::test]
async fn a_client_without_a_token_refuses_authenticated_calls() {
    let sim = sim().await;
    let client = BakongClient::new(ClientConfig::new(sim.url())).unwrap();
    assert_eq!(
        client.check_transaction_by_md5(&md5(1)).await,
        Err(BakongError::NoToken)
    );
}

#[tokio::test]
async fn a_double_payment_shows_only_the_first_by_md5_but_both_by_hash() {
    let sim = sim().await;
    let key = md5(15);
    register(&sim, &key, usd(100));
    let mut options = PayOptions::new(&key);
    options.times = 2;
    let hashes = sim.pay(options).unwrap().hashes;
    let client = client(&sim);
    assert!(matches!(
        client.check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::Paid(tx)) if tx.hash == hashes[0]
    ));
    assert!(matches!(
        client.check_transaction_by_hash(&hashes[1]).await,
        Ok(CheckOutcome::Paid(tx)) if tx.hash == hashes[1]
    ));
}

#[tokio::test]
async fn a_delayed_payment_appears_only_once_the_virtual_clock_reaches_it() {
    let sim = sim().await;
    let client = client(&sim);
    let key = md5(16);
    register(&sim, &key, khr(1000));
    let mut options = PayOptions::new(&key);
    options.delay = Duration::from_secs(60);
    sim.pay(options).unwrap();
    assert_eq!(
        client.check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::NotFound)
    );
    sim.advance_ms(61_000);
    assert!(matches!(
        client.check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::Paid(_))
    ));
}

#[tokio::test]
async fn a_payment_after_the_qr_expired_stays_not_found_unless_accepted() {
    let sim = sim().await;
    let client = client(&sim);
    let now = sim.now_ms();
    for (n, accept) in [(17, false), (18, true)] {
        let key = md5(n);
        sim.register_md5(
            &key,
            QrInfo {
                amount: Some(usd(100)),
                account: None,
                expires_ms: Some(now + 60_000),
            },
        )
        .unwrap();
        let mut options = PayOptions::new(&key);
        options.delay = Duration::from_secs(120);
        options.accept_expired = accept;
        let result = sim.pay(options).unwrap();
        assert_eq!(result.dropped_as_expired, !accept);
    }
    sim.advance_ms(130_000);
    assert_eq!(
        client.check_transaction_by_md5(&md5(17)).await,
        Ok(CheckOutcome::NotFound)
    );
    let late = client.check_transaction_by_md5(&md5(18)).await.unwrap();
    assert!(matches!(late, CheckOutcome::Paid(tx) if tx.created_ms.unwrap() > now + 60_000));
}

#[tokio::test]
async fn autopay_pays_registered_qrs_after_the_configured_delay() {
    let sim = sim_with(SimConfig {
        autopay: Some(Duration::from_secs(30)),
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    let key = md5(19);
    register(&sim, &key, usd(999));
    assert_eq!(
        client.check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::NotFound)
    );
    sim.advance_ms(30_000);
    assert!(matches!(
        client.check_transaction_by_md5(&key).await,
        Ok(CheckOutcome::Paid(tx)) if tx.amount == usd(999)
    ));
    sim.set_autopay(None);
    let other = md5(20);
    register(&sim, &other, usd(1));
    sim.advance_ms(60_000);
    assert_eq!(
        client.check_transaction_by_md5(&other).await,
        Ok(CheckOutcome::NotFound)
    );
    assert_eq!(sim.payments().len(), 1);
}

#[tokio::test]
async fn float_timestamps_parse_to_the_same_milliseconds() {
    let sim = sim().await;
    sim.set_flags(Flags {
        float_numbers: true,
        ..sim.flags()
    });
    register_and_pay(&sim, &md5(21), usd(1));
    let created = sim.payments()[0].created_ms;
    assert!(matches!(
        client(&sim).check_transaction_by_md5(&md5(21)).await,
        Ok(CheckOutcome::Paid(tx)) if tx.created_ms == Some(created)
    ));
}

#[tokio::test]
async fn a_skewed_virtual_clock_shows_in_created_date() {
    let sim = sim().await;
    let skewed = 1_700_000_000_000;
    sim.set_now_ms(skewed);
    register_and_pay(&sim, &md5(22), usd(1));
    let outcome = client(&sim).check_transaction_by_md5(&md5(22)).await;
    assert!(matches!(
        outcome,
        Ok(CheckOutcome::Paid(tx)) if (tx.created_ms.unwrap() - skewed).abs() < 5_000
    ));
}

/// Public conformance vectors pub-gen-016 (dynamic, 5000 riel, expires at 1700086400000) and
/// pub-gen-001 (static), with their md5s.
const DYNAMIC_QR: &str = "00020101021229190015john_smith@devb520459995303116540450005802KH5910John Smith6010Phnom Penh993400131700000000000011317000864000006304B6E1";
const DYNAMIC_MD5: &str = "d9ee5b856745578bc3dfceff938af5c5";
const STATIC_QR: &str =
    "00020101021129190015john_smith@devb5204599953031165802KH5910John Smith6010Phnom Penh63046BFA";
const STATIC_MD5: &str = "851710edf362c4a9091f7b4739cbe1a3";

#[tokio::test]
async fn a_registered_khqr_string_is_paid_with_its_own_amount_account_and_expiry() {
    let sim = sim().await;
    sim.set_now_ms(1_700_000_000_000);
    assert_eq!(sim.register_qr(DYNAMIC_QR).unwrap(), DYNAMIC_MD5);
    assert_eq!(sim.register_qr(STATIC_QR).unwrap(), STATIC_MD5);
    assert!(sim.register_qr("not a qr").is_err());
    sim.pay(PayOptions::new(DYNAMIC_MD5)).unwrap();
    let client = client(&sim);
    let outcome = client.check_transaction_by_md5(DYNAMIC_MD5).await.unwrap();
    assert!(matches!(
        outcome,
        CheckOutcome::Paid(tx) if tx.amount == khr(5000) && tx.to_account_id.as_deref() == Some("john_smith@devb")
    ));
    assert_eq!(
        client.check_transaction_by_md5(STATIC_MD5).await,
        Ok(CheckOutcome::NotFound)
    );
    let mut late = PayOptions::new(DYNAMIC_MD5);
    late.delay = Duration::from_secs(2 * 86_400);
    assert!(sim.pay(late).unwrap().dropped_as_expired);
}

#[tokio::test]
async fn absent_optional_fields_and_unknown_extra_fields_parse_cleanly() {
    let sim = sim().await;
    sim.set_flags(Flags {
        sparse_fields: true,
        float_numbers: true,
        ..sim.flags()
    });
    register_and_pay(&sim, &md5(23), khr(700));
    let outcome = client(&sim).check_transaction_by_md5(&md5(23)).await;
    assert!(matches!(
        outcome,
        Ok(CheckOutcome::Paid(tx)) if tx.amount == khr(700) && tx.description.is_none() && tx.tracking_status.is_none()
    ));
}
