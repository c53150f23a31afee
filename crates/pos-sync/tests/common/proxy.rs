//! A TCP proxy on loopback between a counter and PostgreSQL that cuts the link: at once
//! ([`Proxy::cut`]), after a number of bytes from the counter ([`Proxy::cut_after`], which
//! lands the cut anywhere in a push, commits included), refuses new links while down, and
//! black-holes what counters send while stalled (a link that hangs without breaking).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

struct State {
    upstream: SocketAddr,
    down: AtomicBool,
    stalled: AtomicBool,
    /// Bytes from counters still allowed through before the link is cut.
    budget: AtomicU64,
    /// Bytes from counters forwarded so far.
    sent: AtomicU64,
    /// Bumped to cut every open link.
    cut: watch::Sender<u64>,
}

/// A running proxy; it stops with the test's runtime.
pub struct Proxy {
    pub addr: SocketAddr,
    state: Arc<State>,
}

impl Proxy {
    /// A proxy to the shared cluster: the link to the shop database a test cuts, one helper
    /// so every test that cuts it starts it alike.
    pub async fn to_shared() -> Proxy {
        let upstream = format!("127.0.0.1:{}", super::shared().port());
        Proxy::start(upstream.parse().unwrap()).await
    }

    /// Starts a proxy to `upstream` on a free loopback port.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            upstream,
            down: AtomicBool::new(false),
            stalled: AtomicBool::new(false),
            budget: AtomicU64::new(u64::MAX),
            sent: AtomicU64::new(0),
            cut: watch::channel(0).0,
        });
        let accepting = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if accepting.down.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                tokio::spawn(pump(client, Arc::clone(&accepting)));
            }
        });
        Proxy { addr, state }
    }

    /// `url` (a `postgres://user@host:port/db` URL) redirected through this proxy.
    pub fn url(&self, url: &str) -> String {
        let (scheme_user, rest) = url.split_once('@').unwrap();
        let (_, db) = rest.split_once('/').unwrap();
        format!("{scheme_user}@{}/{db}", self.addr)
    }

    /// Cuts every open link now.
    pub fn cut(&self) {
        self.state.cut.send_modify(|g| *g += 1);
    }

    /// Cuts every link as soon as `bytes` more bytes from counters have gone through.
    pub fn cut_after(&self, bytes: u64) {
        self.state.budget.store(bytes, Ordering::SeqCst);
    }

    /// Refuses (`true`) or admits new links.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    /// Drops (`true`) what counters send on open links, without closing them, or forwards it.
    pub fn set_stalled(&self, stalled: bool) {
        self.state.stalled.store(stalled, Ordering::SeqCst);
    }

    /// Admits links again, with no byte limit, forwarding everything.
    pub fn heal(&self) {
        self.set_down(false);
        self.set_stalled(false);
        self.state.budget.store(u64::MAX, Ordering::SeqCst);
    }

    /// Bytes from counters forwarded so far.
    pub fn sent(&self) -> u64 {
        self.state.sent.load(Ordering::SeqCst)
    }
}

/// Takes up to `n` bytes of the budget; fewer than `n` means the link must be cut after them.
fn take(state: &State, n: u64) -> u64 {
    let mut allowed = 0;
    let _ = state
        .budget
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
            allowed = left.min(n);
            Some(left - allowed)
        });
    state.sent.fetch_add(allowed, Ordering::SeqCst);
    allowed
}

async fn pump(mut client: TcpStream, state: Arc<State>) {
    let Ok(mut server) = TcpStream::connect(state.upstream).await else {
        return;
    };
    let mut cut = state.cut.subscribe();
    let (mut from_client, mut to_client) = client.split();
    let (mut from_server, mut to_server) = server.split();
    let (mut up, mut down) = (vec![0u8; 16 * 1024], vec![0u8; 16 * 1024]);
    loop {
        tokio::select! {
            _ = cut.changed() => return,
            read = from_client.read(&mut up) => {
                let n = match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                if state.stalled.load(Ordering::SeqCst) {
                    continue;
                }
                let allowed = usize::try_from(take(&state, n as u64)).unwrap();
                if to_server.write_all(&up[..allowed]).await.is_err() || allowed < n {
                    return;
                }
            }
            read = from_server.read(&mut down) => {
                let n = match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                if to_client.write_all(&down[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}
