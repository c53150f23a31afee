//! The counter's day through the `khqr-pos` binary in demo mode, on a real ledger file: the
//! owner PIN, the rate, cashiers, a shift with cash, split and KHQR sales, cash out, refunds
//! and the close with its Z report and CSV; every bad input a typed error with nothing
//! written, and the ledger verifying at the end.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{assert_exit, khqr_pos, ok, run, text};
use serde_json::Value;

const OWNER_PIN: &str = "2468";
const DARA_PIN: &str = "1357";

/// Runs the binary with `pin` in KHQR_POS_PIN (and `new_pin` in KHQR_POS_NEW_PIN).
fn with_pins(dir: &Path, pin: &str, new_pin: Option<&str>, args: &[&str]) -> Output {
    let mut command = khqr_pos(dir);
    command.env("KHQR_POS_PIN", pin).args(args);
    if let Some(new) = new_pin {
        command.env("KHQR_POS_NEW_PIN", new);
    }
    command.output().unwrap()
}

fn json(out: &Output) -> Value {
    assert_exit(out, 0);
    serde_json::from_str(text(&out.stdout).lines().last().unwrap()).unwrap()
}

/// Asserts the command failed with exit 1 and the error code `code` on stderr.
fn refused(out: &Output, code: &str) {
    assert_exit(out, 1);
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("error [{code}]")), "{stderr}");
}

/// `charge` of $3.75 paid with `cash` dollars.
fn usd_cash_charge(cash: &str) -> [&str; 7] {
    [
        "charge",
        "--amount",
        "3.75",
        "--currency",
        "USD",
        "--cash-usd",
        cash,
    ]
}

#[test]
fn a_day_at_the_counter_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let set = khqr_pos(d)
        .env("KHQR_POS_NEW_PIN", OWNER_PIN)
        .args(["owner", "set-pin"])
        .output()
        .unwrap();
    assert_exit(&set, 0);

    // The rate: bad text refused and nothing logged; the owner's rate logged.
    for bad in ["0", "abc", "-4100", "41000"] {
        refused(
            &with_pins(d, OWNER_PIN, None, &["rate", &format!("--set={bad}")]),
            "rate_invalid",
        );
    }
    refused(
        &with_pins(d, "9999", None, &["rate", "--set", "4000"]),
        "pin_wrong",
    );
    let rate = json(&run(d, &["rate", "--json"]));
    assert_eq!(rate["rielPerUsd"], 4100);
    assert!(rate["changedAtMs"].is_null(), "nothing was logged");
    let rate = json(&with_pins(
        d,
        OWNER_PIN,
        None,
        &["rate", "--set", "4,000", "--json"],
    ));
    assert_eq!(rate["rielPerUsd"], 4000);

    // A cashier; from now on sales need an open shift.
    let added = json(&with_pins(
        d,
        OWNER_PIN,
        Some(DARA_PIN),
        &["cashier", "add", "Dara", "--json"],
    ));
    assert_eq!(added[0]["name"], "Dara");
    let listed = ok(d, &["cashier", "list"]);
    assert!(
        listed.contains("Dara") && !listed.contains(DARA_PIN),
        "{listed}"
    );
    refused(
        &with_pins(
            d,
            DARA_PIN,
            Some("1111"),
            &["cashier", "add", "Sok", "--as", "Dara"],
        ),
        "not_allowed",
    );
    let cash_sale = usd_cash_charge("5");
    refused(&run(d, &cash_sale), "no_open_shift");

    let open = [
        "shift",
        "open",
        "--as",
        "Dara",
        "--float-khr",
        "40,000",
        "--float-usd",
        "20",
    ];
    let shift = json(&with_pins(
        d,
        DARA_PIN,
        None,
        &[&open[..], &["--json"]].concat(),
    ));
    assert_eq!(shift["expected"]["khr"], 40_000);
    // camelCase like every other JSON the CLI prints.
    assert!(shift["shift"]["terminalId"].is_string(), "{shift}");
    assert!(shift["shift"]["openedMs"].is_i64(), "{shift}");
    refused(&with_pins(d, DARA_PIN, None, &open), "shift_open");
    refused(
        &with_pins(
            d,
            DARA_PIN,
            None,
            &["shift", "open", "--as", "Dara", "--float-khr=-5"],
        ),
        "amount_invalid",
    );

    // $3.75 at 4,000 with $5: $1 and 1,000 riel back.
    let sale = json(&run(d, &[&cash_sale[..], &["--json"]].concat()));
    assert_eq!(sale["sale"]["status"], "paid");
    assert_eq!(sale["sale"]["receiptNumber"], 1);
    assert_eq!(sale["change"]["usd"]["minor"], 100);
    assert_eq!(sale["change"]["khr"]["minor"], 1_000);
    assert_eq!(sale["rielPerUsd"], 4000);
    let short = usd_cash_charge("2");
    refused(&run(d, &short), "cash_short");
    refused(&run(d, &usd_cash_charge("5.5")), "cash_invalid");
    // Split: $2 cash and a KHQR for exactly $1.75, paid by the demo before --wait ends.
    let split = run(
        d,
        &[
            &short[..],
            &["--split", "--wait", "--demo-autopay", "1s", "--json"],
        ]
        .concat(),
    );
    assert_exit(&split, 0);
    let lines: Vec<Value> = text(&split.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["khqr"]["amountText"], "1.75");
    assert_eq!(lines[1]["outcome"], "paid");
    assert_eq!(lines[1]["sale"]["receiptNumber"], 2);

    let out = [
        "shift",
        "cash-out",
        "--as",
        "Dara",
        "--amount",
        "10",
        "--currency",
        "USD",
    ];
    refused(
        &with_pins(d, DARA_PIN, None, &[&out[..], &["--reason", " "]].concat()),
        "reason_needed",
    );
    assert_exit(
        &with_pins(
            d,
            DARA_PIN,
            None,
            &[&out[..], &["--reason", "ice"]].concat(),
        ),
        0,
    );

    // Refunds: owner only, never above what was paid.
    let refund = |pin: &str, who: &str, amount: &str| {
        with_pins(
            d,
            pin,
            None,
            &[
                "refund",
                "--as",
                who,
                "--receipt",
                "1",
                &format!("--amount={amount}"),
                "--tender",
                "cash",
                "--json",
            ],
        )
    };
    refused(&refund(DARA_PIN, "Dara", "1"), "not_allowed");
    refused(&refund(OWNER_PIN, "owner", "3.76"), "refund_invalid");
    refused(&refund(OWNER_PIN, "owner", "-1"), "amount_invalid");
    // The currency, when named, must be the sale's; a cash refund takes no bank reference.
    for (extra, code) in [
        (&["--currency", "KHR"][..], "refund_invalid"),
        (&["--bank-ref", "ABA 1"][..], "config_invalid"),
    ] {
        let args = [
            &[
                "refund",
                "--receipt",
                "1",
                "--amount",
                "1",
                "--tender",
                "cash",
            ][..],
            extra,
        ]
        .concat();
        refused(&with_pins(d, OWNER_PIN, None, &args), code);
    }
    let first = json(&refund(OWNER_PIN, "owner", "1"));
    assert_eq!(first["number"], 1);
    assert_eq!(
        (&first["receiptNumber"], &first["tender"]["kind"]),
        (&Value::from(1), &Value::from("cash")),
        "{first}"
    );
    let bank = json(&with_pins(
        d,
        OWNER_PIN,
        None,
        &[
            "refund",
            "--receipt",
            "2",
            "--amount",
            "3.75",
            "--currency",
            "USD",
            "--tender",
            "bank",
            "--bank-ref",
            "ABA 77",
            "--json",
        ],
    ));
    assert_eq!(
        (bank["number"].as_i64(), bank["prevHash"] == first["hash"]),
        (Some(2), true)
    );

    // The day's report: takings per tender, the refunds as their own lines, the net in riel
    // at the sales' frozen rate ($3.75 + $3.75 − $1 − $3.75 = $2.75 at 4,000).
    let report = json(&run(d, &["report", "--json"]));
    let tenders: Vec<(&str, &str)> = report["byTender"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["tender"].as_str().unwrap(),
                t["sumText"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(tenders, [("cash", "3.75"), ("split", "3.75")], "{report}");
    assert_eq!(report["refunds"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(report["netKhr"]["minor"], 11_000, "{report}");
    let shown = text(&run(d, &["report"]).stdout);
    for line in [
        "Takings per tender",
        "refund #2 of receipt #2",
        "ref ABA 77",
    ] {
        assert!(shown.contains(line), "{line}: {shown}");
    }
    let csv = text(&run(d, &["sales", "--csv"]).stdout);
    assert_eq!(
        csv.lines().filter(|l| l.contains(",refund,")).count(),
        2,
        "{csv}"
    );

    // X: dollars $20 + $5 + $2 − $1 change − $10 out − $1 refund = $15; riel 40,000 − 1,000.
    let x = json(&run(d, &["shift", "x", "--json"]));
    assert_eq!(
        (x["expected"]["khr"].as_i64(), x["expected"]["usd"].as_i64()),
        (Some(39_000), Some(1_500))
    );

    let close = [
        "shift",
        "close",
        "--as",
        "Dara",
        "--counted-khr",
        "38,000",
        "--counted-usd",
        "10x1 + 5x1",
    ];
    refused(&with_pins(d, DARA_PIN, None, &close), "reason_needed");
    let csv = d.join("z1.csv");
    let z = json(&with_pins(
        d,
        DARA_PIN,
        None,
        &[
            &close[..],
            &[
                "--reason",
                "short 1,000",
                "--json",
                "--csv",
                csv.to_str().unwrap(),
            ],
        ]
        .concat(),
    ));
    assert_eq!(z["number"], 1);
    assert_eq!(z["document"]["closing"]["variance"]["khr"], -1_000);
    assert_eq!(z["document"]["totals"]["cashSales"], 2, "{z}");
    assert!(z["shiftId"].is_i64() && z["prevHash"].is_string(), "{z}");
    refused(
        &with_pins(
            d,
            DARA_PIN,
            None,
            &[&close[..], &["--reason", "again"]].concat(),
        ),
        "no_open_shift",
    );
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(written.contains("close,variance,-1000,0"), "{written}");
    assert_eq!(ok(d, &["shift", "z", "1", "--csv"]), written);

    let verify = run(d, &["ledger", "verify"]);
    assert_exit(&verify, 0);
    assert!(text(&verify.stdout).contains("2 receipt(s) checked"));
}
