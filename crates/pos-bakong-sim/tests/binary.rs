//! The `pos-bakong-sim` binary: prints its URL first, then serves real Bakong answers.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn the_binary_prints_its_url_first_and_serves_until_killed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pos-bakong-sim"))
        .args(["--listen", "127.0.0.1:0", "--quota", "5"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    let url = first.strip_prefix("listening on ").unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    let token = lines.next_line().await.unwrap().unwrap();
    let token = token.strip_prefix("token ").unwrap().to_owned();

    let reply = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{url}/v1/check_transaction_by_md5"))
        .bearer_auth(token)
        .body(r#"{"md5":"0123456789abcdef0123456789abcdef"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 200);
    assert!(reply.text().await.unwrap().contains(r#""errorCode":1"#));
    child.kill().await.unwrap();
}
