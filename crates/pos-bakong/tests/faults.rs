//! Every fault of the spec's §6.5 table, injected by the real simulator and met by the real
//! client over loopback: each test asserts the typed outcome, and that "could not check" never
//! comes back as "not paid".

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use pos_bakong::{BakongClient, BakongError, CheckOutcome, ClientConfig, Token};
use pos_bakong_sim::{Fault, FaultRule, Flags, SimConfig, When};

const MD5: &str = "check_transaction_by_md5";

async fn md5_outcome_with(fault: Fault) -> Result<CheckOutcome, BakongError> {
    let sim = sim().await;
    register_and_pay(&sim, &md5(1), usd(100));
    sim.add_fault(FaultRule::on(MD5, When::Next(1), fault));
    client(&sim).check_transaction_by_md5(&md5(1)).await
}

#[tokio::test]
async fn latency_within_the_timeout_still_answers() {
    let outcome = md5_outcome_with(Fault::Latency {
        ms: 300,
        jitter_ms: 100,
    })
    .await;
    assert!(matches!(outcome, Ok(CheckOutcome::Paid(_))));
}

#[tokio::test]
async fn latency_beyond_the_timeout_is_a_timeout_and_the_next_call_succeeds() {
    let sim = sim().await;
    register_and_pay(&sim, &md5(1), usd(100));
    sim.add_fault(FaultRule::on(
        MD5,
        When::Next(1),
        Fault::Latency {
            ms: 3_000,
            jitter_ms: 0,
        },
    ));
    let client = BakongClient::new(
        ClientConfig::new(sim.url())
            .with_token(Token::new(sim.token()))
            .with_timeout(Duration::from_millis(300)),
    )
    .unwrap();
    assert_eq!(
        client.check_transaction_by_md5(&md5(1)).await,
        Err(BakongError::Timeout {
            after: Duration::from_millis(300)
        })
    );
    assert!(matches!(
        client.check_transaction_by_md5(&md5(1)).await,
        Ok(CheckOutcome::Paid(_))
    ));
}

#[tokio::test]
async fn a_hanging_server_times_out_instead_of_reading_as_unpaid() {
    let sim = sim().await;
    sim.add_fault(FaultRule::on(MD5, When::Always, Fault::Hang));
    let client = BakongClient::new(
        ClientConfig::new(sim.url())
            .with_token(Token::new(sim.token()))
            .with_timeout(Duration::from_millis(300)),
    )
    .unwrap();
    let outcome = client.check_transaction_by_md5(&md5(1)).await;
    assert!(
        matches!(outcome, Err(BakongError::Timeout { .. })),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_connection_failure() {
    let outcome = md5_outcome_with(Fault::Reset).await;
    assert!(
        matches!(outcome, Err(BakongError::Connect { .. })),
        "{outcome:?}"
    );
    assert!(outcome.unwrap_err().is_transient());
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_failure() {
    // A port that was just free and is now closed: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = BakongClient::new(
        ClientConfig::new(format!("http://127.0.0.1:{port}")).with_token(Token::new("t.t.t")),
    )
    .unwrap();
    let outcome = client.check_transaction_by_md5(&md5(1)).await;
    assert!(
        matches!(outcome, Err(BakongError::Connect { .. })),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn server_errors_with_html_or_empty_bodies_carry_their_status() {
    for status in [500, 502, 503, 504] {
        for empty in [false, true] {
            let outcome = md5_outcome_with(Fault::ServerError { status, empty }).await;
            assert!(
                matches!(&outcome, Err(BakongError::Server { status: s, .. }) if *s == status),
                "{status} {empty}: {outcome:?}"
            );
        }
    }
}

#[tokio::test]
async fn rate_limiting_reports_retry_after_when_given() {
    assert_eq!(
        md5_outcome_with(Fault::RateLimited {
            retry_after_secs: Some(7)
        })
        .await,
        Err(BakongError::RateLimited {
            retry_after: Some(Duration::from_secs(7))
        })
    );
    assert_eq!(
        md5_outcome_with(Fault::RateLimited {
            retry_after_secs: None
        })
        .await,
        Err(BakongError::RateLimited { retry_after: None })
    );
}

#[tokio::test]
async fn an_injected_quota_error_is_quota_exceeded_not_unpaid() {
    let outcome = md5_outcome_with(Fault::QuotaExhausted).await;
    assert!(
        matches!(outcome, Err(BakongError::QuotaExceeded { .. })),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn the_daily_quota_runs_out_and_resets_the_next_day() {
    let sim = sim_with(SimConfig {
        daily_quota: 3,
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    for _ in 0..3 {
        assert_eq!(
            client.check_transaction_by_md5(&md5(1)).await,
            Ok(CheckOutcome::NotFound)
        );
    }
    let spent = client.check_transaction_by_md5(&md5(1)).await;
    assert_eq!(
        spent,
        Err(BakongError::QuotaExceeded {
            message: "Daily request limit of 3 exceeded. Please try again tomorrow.".into()
        })
    );
    assert!(!spent.unwrap_err().is_transient());
    sim.advance_ms(86_400_000);
    assert_eq!(
        client.check_transaction_by_md5(&md5(1)).await,
        Ok(CheckOutcome::NotFound)
    );
}

#[tokio::test]
async fn a_region_block_is_its_own_error() {
    let outcome = md5_outcome_with(Fault::RegionBlocked).await;
    assert!(
        matches!(outcome, Err(BakongError::RegionBlocked { ref excerpt }) if excerpt.contains("403"))
    );
}

#[tokio::test]
async fn a_region_block_on_md5_list_only_leaves_single_lookups_working() {
    let sim = sim().await;
    register_and_pay(&sim, &md5(1), usd(100));
    sim.add_fault(FaultRule::on(
        "check_transaction_by_md5_list",
        When::Always,
        Fault::RegionBlocked,
    ));
    let client = client(&sim);
    assert!(matches!(
        client.check_transaction_by_md5_list(&[&md5(1)]).await,
        Err(BakongError::RegionBlocked { .. })
    ));
    assert!(matches!(
        client.check_transaction_by_md5(&md5(1)).await,
        Ok(CheckOutcome::Paid(_))
    ));
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_the_call_retried_once() {
    let sim = sim().await;
    register_and_pay(&sim, &md5(1), usd(100));
    let short = sim.issue_token(Some(Duration::from_secs(60)));
    let client = BakongClient::new(
        ClientConfig::new(sim.url())
            .with_token(Token::new(&short))
            .with_email(EMAIL),
    )
    .unwrap();
    let persisted: Arc<Mutex<Vec<Token>>> = Arc::default();
    let sink = Arc::clone(&persisted);
    client.on_token_renewed(Arc::new(move |t: &Token| {
        sink.lock().unwrap().push(t.clone())
    }));
    assert_eq!(client.token_days_left(sim.now_ms() / 1000), Some(0));
    sim.advance_ms(120_000);
    assert!(matches!(
        client.check_transaction_by_md5(&md5(1)).await,
        Ok(CheckOutcome::Paid(_))
    ));
    assert_eq!(sim.calls("renew_token"), 1);
    assert_eq!(sim.calls(MD5), 2);
    let persisted = persisted.lock().unwrap();
    assert_eq!(persisted.len(), 1);
    assert_eq!(client.token().as_ref(), persisted.first());
    assert_ne!(client.token(), Some(Token::new(short)));
}

#[tokio::test]
async fn a_token_revoked_mid_session_is_renewed_and_the_call_retried() {
    let sim = sim().await;
    sim.add_fault(FaultRule::on(MD5, When::Next(1), Fault::TokenRevoked));
    let client = client(&sim);
    assert_eq!(
        client.check_transaction_by_md5(&md5(1)).await,
        Ok(CheckOutcome::NotFound)
    );
    assert_eq!(sim.calls("renew_token"), 1);
    assert_eq!(sim.calls(MD5), 2);
}

#[tokio::test]
async fn a_token_refused_even_after_renewal_is_surfaced_without_looping() {
    let sim = sim().await;
    sim.add_fault(FaultRule::on(MD5, When::Always, Fault::TokenRevoked));
    let client = client(&sim);
    assert_eq!(
        client.check_transaction_by_md5(&md5(1)).await,
        Err(BakongError::Unauthorized {
            error_code: Some(6)
        })
    );
    assert_eq!(sim.calls("renew_token"), 1);
    assert_eq!(sim.calls(MD5), 2);
}

#[tokio::test]
async fn without_an_email_an_expired_token_is_reported_unauthorized() {
    let sim = sim().await;
    let client = BakongClient::new(
        ClientConfig::new(sim.url())
            .with_token(Token::new(sim.issue_token(Some(Duration::from_secs(1))))),
    )
    .unwrap();
    sim.advance_ms(5_000);
    assert_eq!(
        client.check_transaction_by_md5(&md5(1)).await,
        Err(BakongError::Unauthorized {
            error_code: Some(6)
        })
    );
    assert_eq!(sim.calls("renew_token"), 0);
}

#[tokio::test]
async fn renewal_failures_keep_the_old_token_and_say_why() {
    let cases = [
        (
            Fault::ServerError {
                status: 500,
                empty: false,
            },
            "server",
        ),
        (Fault::QuotaExhausted, "quota"),
        (
            Fault::ErrorCode {
                error_code: 7,
                status: 200,
            },
            "email server down",
        ),
        (
            Fault::ErrorCode {
                error_code: 9,
                status: 200,
            },
            "cannot connect",
        ),
    ];
    for (fault, label) in cases {
        let sim = sim().await;
        sim.add_fault(FaultRule::on(MD5, When::Next(1), Fault::TokenRevoked));
        sim.add_fault(FaultRule::on("renew_token", When::Always, fault));
        let client = client(&sim);
        let outcome = client.check_transaction_by_md5(&md5(1)).await;
        assert!(
            matches!(outcome, Err(BakongError::RenewFailed(_))),
            "{label}: {outcome:?}"
        );
        assert_eq!(client.token(), Some(Token::new(sim.token())), "{label}");
        assert_eq!(sim.calls("renew_token"), 1, "{label}");
    }
    let sim = sim().await;
    sim.add_fault(FaultRule::on(MD5, When::Next(1), Fault::TokenRevoked));
    let client = BakongClient::new(
        ClientConfig::new(sim.url())
            .with_token(Token::new(sim.token()))
            .with_email("stranger@example.com"),
    )
    .unwrap();
    assert_eq!(
        client.check_transaction_by_md5(&md5(1)).await,
        Err(BakongError::RenewFailed(Box::new(
            BakongError::NotRegistered
        )))
    );
}

#[tokio::test]
async fn a_validation_error_from_bakong_is_an_api_error_with_its_code() {
    let outcome = md5_outcome_with(Fault::ErrorCode {
        error_code: 5,
        status: 400,
    })
    .await;
    assert!(
        matches!(
            outcome,
            Err(BakongError::Api {
                error_code: Some(5),
                ..
            })
        ),
        "{outcome:?}"
    );
    let outcome = md5_outcome_with(Fault::ErrorCode {
        error_code: 9,
        status: 200,
    })
    .await;
    assert!(
        matches!(
            outcome,
            Err(BakongError::Api {
                error_code: Some(9),
                ..
            })
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn concurrent_rejections_renew_only_once() {
    let sim = sim_with(SimConfig {
        flags: Flags {
            revoke_previous_on_renew: true,
            ..SimConfig::default().flags
        },
        ..SimConfig::default()
    })
    .await;
    let client = Arc::new(client(&sim));
    sim.revoke_token(sim.token());
    let tasks: Vec<_> = (0..4)
        .map(|n| {
            let client = Arc::clone(&client);
            tokio::spawn(async move { client.check_transaction_by_md5(&md5(n)).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), Ok(CheckOutcome::NotFound));
    }
    assert_eq!(sim.calls("renew_token"), 1);
}

#[tokio::test]
async fn malformed_truncated_mislabelled_and_html_replies_are_malformed_not_unpaid() {
    for fault in [
        Fault::MalformedJson,
        Fault::TruncatedJson,
        Fault::WrongContentType,
        Fault::Html200,
    ] {
        let outcome = md5_outcome_with(fault.clone()).await;
        assert!(
            matches!(outcome, Err(BakongError::Malformed { .. })),
            "{fault:?}: {outcome:?}"
        );
    }
}

#[tokio::test]
async fn a_string_response_code_is_understood() {
    assert!(matches!(
        md5_outcome_with(Fault::ResponseCodeString).await,
        Ok(CheckOutcome::Paid(_))
    ));
    let sim = sim().await;
    sim.add_fault(FaultRule::on(MD5, When::Next(1), Fault::ResponseCodeString));
    assert_eq!(
        client(&sim).check_transaction_by_md5(&md5(2)).await,
        Ok(CheckOutcome::NotFound)
    );
}

#[tokio::test]
async fn a_missing_error_code_is_fine_on_success_and_not_read_as_unpaid_on_failure() {
    assert!(matches!(
        md5_outcome_with(Fault::MissingErrorCode).await,
        Ok(CheckOutcome::Paid(_))
    ));
    let sim = sim().await;
    sim.add_fault(FaultRule::on(MD5, When::Next(1), Fault::MissingErrorCode));
    let outcome = client(&sim).check_transaction_by_md5(&md5(2)).await;
    assert!(
        matches!(
            outcome,
            Err(BakongError::Api {
                error_code: None,
                ..
            })
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_data_object_on_a_failure_is_ignored() {
    let sim = sim().await;
    sim.add_fault(FaultRule::on(MD5, When::Next(1), Fault::DataOnFailure));
    assert_eq!(
        client(&sim).check_transaction_by_md5(&md5(2)).await,
        Ok(CheckOutcome::NotFound)
    );
}

#[tokio::test]
async fn a_list_reply_with_fewer_items_marks_the_missing_key() {
    let sim = sim().await;
    register_and_pay(&sim, &md5(1), usd(100));
    sim.add_fault(FaultRule::on(
        "check_transaction_by_md5_list",
        When::Next(1),
        Fault::ListFewer,
    ));
    let report = client(&sim)
        .check_transaction_by_md5_list(&[&md5(1), &md5(2), &md5(3)])
        .await
        .unwrap();
    assert!(!report.is_exact());
    assert!(matches!(report.items[0].outcome, Ok(CheckOutcome::Paid(_))));
    assert_eq!(report.items[1].outcome, Ok(CheckOutcome::NotFound));
    assert_eq!(
        report.items[2].outcome,
        Err(BakongError::MissingItem { key: md5(3) })
    );
}

#[tokio::test]
async fn a_reordered_list_reply_is_matched_by_key_and_flagged() {
    let sim = sim().await;
    register_and_pay(&sim, &md5(1), usd(100));
    sim.add_fault(FaultRule::on(
        "check_transaction_by_md5_list",
        When::Next(1),
        Fault::ListReordered,
    ));
    let report = client(&sim)
        .check_transaction_by_md5_list(&[&md5(1), &md5(2)])
        .await
        .unwrap();
    assert!(report.reordered);
    assert!(matches!(report.items[0].outcome, Ok(CheckOutcome::Paid(_))));
    assert_eq!(report.items[1].outcome, Ok(CheckOutcome::NotFound));
}

#[tokio::test]
async fn an_nth_call_rule_hits_only_that_call() {
    let sim = sim().await;
    sim.add_fault(FaultRule::on(
        MD5,
        When::Nth(2),
        Fault::ServerError {
            status: 503,
            empty: true,
        },
    ));
    let client = client(&sim);
    let mut results = Vec::new();
    for _ in 0..3 {
        results.push(client.check_transaction_by_md5(&md5(1)).await);
    }
    assert_eq!(results[0], Ok(CheckOutcome::NotFound));
    assert!(matches!(
        results[1],
        Err(BakongError::Server { status: 503, .. })
    ));
    assert_eq!(results[2], Ok(CheckOutcome::NotFound));
}

#[tokio::test]
async fn probability_rules_fire_always_at_one_and_never_at_zero() {
    let sim = sim().await;
    let client = client(&sim);
    sim.add_fault(FaultRule::everywhere(
        When::Probability(0.0),
        Fault::Html200,
    ));
    assert_eq!(
        client.check_transaction_by_md5(&md5(1)).await,
        Ok(CheckOutcome::NotFound)
    );
    sim.clear_faults();
    sim.add_fault(FaultRule::everywhere(
        When::Probability(1.0),
        Fault::Html200,
    ));
    assert!(matches!(
        client.check_transaction_by_md5(&md5(1)).await,
        Err(BakongError::Malformed { .. })
    ));
}

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_name_endpoint_status_codes_and_request_id_but_never_the_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let sim = sim().await;
    sim.add_fault(FaultRule::on(MD5, When::Next(1), Fault::TokenRevoked));
    let client = client(&sim);
    let before = sim.token().to_owned();
    assert_eq!(
        client.check_transaction_by_md5(&md5(1)).await,
        Ok(CheckOutcome::NotFound)
    );
    let after = client.token().unwrap();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("check_transaction_by_md5"), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("error_code=Some(1)"), "{logs}");
    assert!(logs.contains("request_id=\"bk-"), "{logs}");
    assert!(logs.contains("latency_ms="), "{logs}");
    assert!(!logs.contains(&before), "old token leaked");
    assert!(!logs.contains(after.expose()), "new token leaked");
    assert!(!format!("{client:?}").contains(after.expose()));
}
