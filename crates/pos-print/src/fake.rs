//! A fake ESC/POS printer on 127.0.0.1 for tests and benchmarks (feature `fake`): it takes
//! any number of connections, answers `DLE EOT` queries from a script that the test changes
//! at will (paper out, cover open, offline), can break a connection midway through a job,
//! and keeps every byte it received, which [`interpret`] turns back into what a printer would
//! have done: images, cuts, drawer kicks.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crate::bitmap::Bitmap;

/// Status replies (`DLE EOT 1`, `2`, `4`) of a printer in each condition.
pub const READY: [u8; 3] = [0x12, 0x12, 0x12];
pub const PAPER_OUT: [u8; 3] = [0x1A, 0x32, 0x7E];
pub const COVER_OPEN: [u8; 3] = [0x1A, 0x16, 0x12];
pub const OFFLINE: [u8; 3] = [0x1A, 0x52, 0x12];

/// What a printer would have done with a byte stream.
#[derive(Debug, Default)]
pub struct Capture {
    /// `ESC @` seen: one per job.
    pub init: usize,
    /// The `n` of every `DLE EOT n`, in order.
    pub status_queries: Vec<u8>,
    /// Rows per `GS v 0` band, in order.
    pub bands: Vec<usize>,
    /// One image per job (the bands after each `ESC @`).
    pub images: Vec<Bitmap>,
    pub cuts: usize,
    /// The `m` (pin) of every drawer kick, in order.
    pub drawer: Vec<u8>,
    pub raw: Vec<u8>,
}

/// Reads `bytes` as an ESC/POS printer would. A byte sequence it does not know, or a band
/// cut short, ends the reading there and is reported in the error.
pub fn interpret(bytes: &[u8]) -> Result<Capture, String> {
    let mut c = Capture {
        raw: bytes.to_vec(),
        ..Capture::default()
    };
    let mut rows: Vec<u8> = Vec::new();
    let mut width = 0;
    let finish = |rows: &mut Vec<u8>, width: usize, images: &mut Vec<Bitmap>| {
        if width > 0 && !rows.is_empty() {
            let height = rows.len() / (width / 8);
            images.extend(Bitmap::from_rows(width, height, std::mem::take(rows)));
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i..] {
            [0x1B, 0x40, ..] => {
                finish(&mut rows, width, &mut c.images);
                c.init += 1;
                i += 2;
            }
            [0x10, 0x04, n @ (1 | 2 | 4), ..] => {
                c.status_queries.push(n);
                i += 3;
            }
            [0x1D, 0x76, 0x30, 0, xl, xh, yl, yh, ..] => {
                let row_bytes = usize::from(u16::from_le_bytes([xl, xh]));
                let h = usize::from(u16::from_le_bytes([yl, yh]));
                width = row_bytes * 8;
                let start = i + 8;
                let band = bytes
                    .get(start..start + row_bytes * h)
                    .ok_or_else(|| format!("band at {i} cut short"))?;
                rows.extend_from_slice(band);
                c.bands.push(h);
                i = start + row_bytes * h;
            }
            [0x1D, 0x56, 0x42, 0, ..] => {
                c.cuts += 1;
                i += 4;
            }
            [0x1B, 0x70, m, 25, 250, ..] => {
                c.drawer.push(m);
                i += 5;
            }
            _ => {
                return Err(format!(
                    "unknown bytes at {i}: {:02x?}",
                    &bytes[i..(i + 8).min(bytes.len())]
                ))
            }
        }
    }
    finish(&mut rows, width, &mut c.images);
    Ok(c)
}

#[derive(Debug)]
struct State {
    script: [u8; 3],
    received: Vec<u8>,
    connections: usize,
    /// Connections not closed yet.
    open: usize,
    /// Close the next connection after this many bytes (a cable pulled mid-receipt).
    break_after: Option<usize>,
    last_byte_at: Option<Instant>,
}

/// A fake printer listening on a loopback port until dropped.
#[derive(Debug)]
pub struct FakePrinter {
    address: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl FakePrinter {
    /// Listens on a free loopback port, answering status queries with `script`.
    pub fn start(script: [u8; 3]) -> std::io::Result<FakePrinter> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?.to_string();
        let state = Arc::new(Mutex::new(State {
            script,
            received: Vec::new(),
            connections: 0,
            open: 0,
            break_after: None,
            last_byte_at: None,
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (Arc::clone(&state), Arc::clone(&stop));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let s = Arc::clone(&s);
                thread::spawn(move || serve(stream, &s));
            }
        });
        Ok(FakePrinter {
            address,
            state,
            stop,
        })
    }

    /// `127.0.0.1:port`.
    pub fn address(&self) -> &str {
        &self.address
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// From now on, answers status queries with `script`.
    pub fn set_status(&self, script: [u8; 3]) {
        self.state().script = script;
    }

    /// Closes the next connection once it has received `bytes` more bytes.
    pub fn break_after(&self, bytes: usize) {
        self.state().break_after = Some(bytes);
    }

    /// Every byte received so far, over every connection.
    pub fn received(&self) -> Vec<u8> {
        self.state().received.clone()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.state().connections
    }

    /// When the last byte arrived.
    pub fn last_byte_at(&self) -> Option<Instant> {
        self.state().last_byte_at
    }

    /// What was printed so far.
    pub fn capture(&self) -> Result<Capture, String> {
        interpret(&self.received())
    }

    /// What was printed once every connection so far has been closed (the client hung up
    /// and every byte was read), waiting up to `timeout` for that.
    pub fn finished(&self, timeout: Duration) -> Result<Capture, String> {
        let deadline = Instant::now() + timeout;
        while self.state().open > 0 {
            if Instant::now() >= deadline {
                return Err("a connection is still open".into());
            }
            thread::sleep(Duration::from_millis(2));
        }
        self.capture()
    }

    /// Waits up to `timeout` for `done` to hold of what was printed, polling.
    pub fn wait_for(&self, timeout: Duration, done: impl Fn(&Capture) -> bool) -> Option<Capture> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(c) = self.capture() {
                if done(&c) {
                    return Some(c);
                }
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(&self.address);
    }
}

/// One connection, counted as open until it ends.
fn serve(stream: TcpStream, state: &Mutex<State>) {
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let limit = {
        let mut s = lock();
        s.connections += 1;
        s.open += 1;
        s.break_after.take()
    };
    receive(stream, state, limit);
    lock().open -= 1;
}

/// Records every byte and answers each status query as it completes, until the client
/// hangs up or `limit` bytes arrived.
fn receive(mut stream: TcpStream, state: &Mutex<State>, mut limit: Option<usize>) {
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let mut buf = [0u8; 4096];
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let n = match &mut limit {
            Some(left) if *left <= n => {
                let kept = *left;
                lock().received.extend_from_slice(&buf[..kept]);
                return;
            }
            Some(left) => {
                *left -= n;
                n
            }
            None => n,
        };
        let reply = {
            let mut s = lock();
            s.received.extend_from_slice(&buf[..n]);
            s.last_byte_at = Some(Instant::now());
            tail.extend_from_slice(&buf[..n]);
            let keep = tail.len().saturating_sub(2);
            let reply = match tail[..] {
                [.., 0x10, 0x04, q @ (1 | 2 | 4)] => Some(match q {
                    1 => s.script[0],
                    2 => s.script[1],
                    _ => s.script[2],
                }),
                _ => None,
            };
            tail.drain(..keep);
            reply
        };
        // The client waits for each reply, so a query is always the end of a read.
        if let Some(byte) = reply {
            if stream.write_all(&[byte]).is_err() {
                return;
            }
        }
    }
}
