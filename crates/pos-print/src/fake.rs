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

/// The byte a probe connection sends: no ESC/POS job starts with it.
const PROBE: u8 = 0xFF;

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
    /// Bands cut short at the end of a connection (a job broken midway).
    pub truncated: usize,
}

/// Reads `bytes` as an ESC/POS printer would. A byte sequence it does not know is an error; a
/// band cut short by the end of the stream is counted in [`Capture::truncated`].
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
                let Some(band) = bytes.get(start..start + row_bytes * h) else {
                    // The stream ends inside this band: a printer prints nothing of it.
                    c.truncated += 1;
                    break;
                };
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
    /// The bytes of each connection, in the order they were accepted.
    streams: Vec<Vec<u8>>,
    /// Connections accepted and not closed yet.
    open: usize,
    /// Probes of [`FakePrinter::finished`] seen.
    probes: usize,
    /// What happens to the next connection after some bytes.
    trip: Option<(usize, Trip)>,
    last_byte_at: Option<Instant>,
}

/// What happens to a connection after a number of bytes.
#[derive(Debug, Clone, Copy)]
enum Trip {
    /// It is closed, the rest unread.
    Close,
    /// Nothing more is printed or answered (a printer hung mid-receipt) until the client
    /// hangs up.
    Stall,
    /// The printer's condition changes.
    Status([u8; 3]),
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
            streams: Vec::new(),
            open: 0,
            probes: 0,
            trip: None,
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
                // Counted here, in accept order, so a probe accepted means every connection
                // before it is counted.
                let (id, limit) = {
                    let mut state = s.lock().unwrap_or_else(|e| e.into_inner());
                    state.open += 1;
                    state.streams.push(Vec::new());
                    (state.streams.len() - 1, state.trip.take())
                };
                let s = Arc::clone(&s);
                thread::spawn(move || {
                    receive(stream, &s, id, limit);
                    s.lock().unwrap_or_else(|e| e.into_inner()).open -= 1;
                });
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
        self.state().trip = Some((bytes, Trip::Close));
    }

    /// Stops reading and answering the next connection after `bytes` more bytes.
    pub fn stall_after(&self, bytes: usize) {
        self.state().trip = Some((bytes, Trip::Stall));
    }

    /// Answers with `script` once the next connection has received `bytes` more bytes (the
    /// paper runs out in the middle of a receipt).
    pub fn status_after(&self, bytes: usize, script: [u8; 3]) {
        self.state().trip = Some((bytes, Trip::Status(script)));
    }

    /// Every byte received so far, connection after connection.
    pub fn received(&self) -> Vec<u8> {
        self.state().streams.concat()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        let s = self.state();
        s.streams.len() - s.probes
    }

    /// When the last byte arrived.
    pub fn last_byte_at(&self) -> Option<Instant> {
        self.state().last_byte_at
    }

    /// What was printed so far: each connection read on its own, as a printer starts
    /// afresh after a broken one (its last band cut short is dropped).
    pub fn capture(&self) -> Result<Capture, String> {
        let streams = self.state().streams.clone();
        let mut all = Capture::default();
        for stream in streams.iter().filter(|s| s.as_slice() != [PROBE]) {
            let c = interpret(stream)?;
            all.init += c.init;
            all.status_queries.extend(c.status_queries);
            all.bands.extend(c.bands);
            all.images.extend(c.images);
            all.cuts += c.cuts;
            all.drawer.extend(c.drawer);
            all.raw.extend(c.raw);
            all.truncated += c.truncated;
        }
        Ok(all)
    }

    /// What was printed once every connection made before this call has been accepted,
    /// read to its end and closed, waiting up to `timeout`. A probe connection, accepted
    /// after them (the backlog is first in, first out), tells when they have all been seen.
    pub fn finished(&self, timeout: Duration) -> Result<Capture, String> {
        let target = self.state().probes + 1;
        let mut probe = TcpStream::connect(&self.address).map_err(|e| e.to_string())?;
        probe.write_all(&[PROBE]).map_err(|e| e.to_string())?;
        drop(probe);
        let deadline = Instant::now() + timeout;
        loop {
            {
                let s = self.state();
                if s.probes >= target && s.open == 0 {
                    break;
                }
            }
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

/// Records every byte and answers each status query as it completes, until the client
/// hangs up or `trip` closes the connection.
fn receive(
    mut stream: TcpStream,
    state: &Mutex<State>,
    id: usize,
    mut trip: Option<(usize, Trip)>,
) {
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let mut buf = [0u8; 4096];
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        match &mut trip {
            Some((left, Trip::Close)) if *left <= n => {
                let kept = *left;
                lock().streams[id].extend_from_slice(&buf[..kept]);
                return;
            }
            Some((left, Trip::Stall)) if *left <= n => {
                let kept = *left;
                lock().streams[id].extend_from_slice(&buf[..kept]);
                // Swallows the rest without a reply until the client goes away.
                while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
                return;
            }
            Some((left, Trip::Status(script))) if *left <= n => {
                lock().script = *script;
                trip = None;
            }
            Some((left, _)) => *left -= n,
            None => {}
        }
        let reply = {
            let mut s = lock();
            if s.streams[id].is_empty() && buf[..n] == [PROBE] {
                s.probes += 1;
                s.streams[id].push(PROBE);
                return;
            }
            s.streams[id].extend_from_slice(&buf[..n]);
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
