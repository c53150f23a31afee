//! A throwaway PostgreSQL cluster for the tests: `initdb` in a temporary directory, the server
//! on a free loopback port with its socket in that directory, trust authentication. One cluster
//! per test binary ([`shared`], ~1.5 s to create) and a fresh database per test ([`fresh_db`],
//! milliseconds), or a cluster of its own for a test that stops the server ([`Cluster::start`]).
//!
//! `initdb` refuses to run as root (CI runs as root): there every PostgreSQL program runs as
//! the `postgres` system user through `runuser`, on a directory that user owns.
// A failure to start PostgreSQL is a test failure: the helpers panic with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use tempfile::TempDir;

pub mod ledger;
pub mod proxy;
pub mod shop;

/// A running (or stopped, between [`Cluster::crash`] and [`Cluster::restart`]) cluster.
pub struct Cluster {
    dir: TempDir,
    as_postgres: bool,
    port: Mutex<u16>,
    /// Stops the server and removes the directory once the test binary is gone: the shared
    /// cluster lives in a static, and statics are never dropped.
    watchdog: Mutex<Option<Child>>,
}

/// The cluster shared by every test of this binary.
pub fn shared() -> &'static Cluster {
    static SHARED: OnceLock<Cluster> = OnceLock::new();
    SHARED.get_or_init(Cluster::start)
}

/// A fresh, empty database on the shared cluster: its connection URL.
pub fn fresh_db() -> String {
    shared().fresh_db()
}

impl Cluster {
    /// Creates and starts a new cluster.
    pub fn start() -> Cluster {
        let as_postgres = run(Command::new("id").arg("-u")).stdout.trim_ascii() == b"0";
        let dir = tempfile::Builder::new()
            .prefix("pos-sync-pg")
            .tempdir()
            .unwrap();
        if as_postgres {
            run(Command::new("chown").arg("postgres").arg(dir.path()));
        }
        let cluster = Cluster {
            dir,
            as_postgres,
            port: Mutex::new(0),
            watchdog: Mutex::new(None),
        };
        // --no-sync: a test cluster need not survive a power cut, and fsync is most of initdb.
        run(cluster.pg("initdb").arg("-D").arg(cluster.data()).args([
            "-A",
            "trust",
            "-U",
            "pos",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]));
        cluster.restart();
        cluster.spawn_watchdog();
        cluster
    }

    /// The URL of database `db` as the trusted `pos` superuser.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://pos@127.0.0.1:{}/{db}", self.port())
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        *self.port.lock().unwrap()
    }

    /// Creates an empty database and returns its URL.
    pub fn fresh_db(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let name = format!(
            "t{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// Runs SQL through `psql` (for setting up and for playing the tamperer), returning its
    /// unaligned, tuples-only output.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = run(Command::new("psql")
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-U",
                "pos",
            ])
            .arg("-p")
            .arg(self.port().to_string())
            .args(["-d", db, "-c", sql]));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Turns TLS on (a reload, no restart: plain links go on as before) with a server
    /// certificate for 127.0.0.1 and localhost signed by a CA made here; returns the CA's
    /// certificate file. Once per cluster.
    pub fn enable_tls(&self) -> PathBuf {
        let tls = self.dir.path().join("tls");
        std::fs::create_dir_all(&tls).unwrap();
        std::fs::write(
            tls.join("san"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .unwrap();
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        for line in [
            format!("req -x509 {ec} -keyout ca.key -out ca.crt -days 2 -subj /CN=khqr-pos-test-CA"),
            format!("req {ec} -keyout server.key -out server.csr -subj /CN=localhost"),
            "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
             -days 2 -extfile san"
                .to_owned(),
        ] {
            run(Command::new("openssl")
                .current_dir(&tls)
                .args(line.split_whitespace()));
        }
        if self.as_postgres {
            run(Command::new("chown").args(["-R", "postgres"]).arg(&tls));
        }
        for (key, file) in [
            ("ssl_cert_file", "server.crt"),
            ("ssl_key_file", "server.key"),
        ] {
            let path = tls.join(file);
            self.psql(
                "postgres",
                &format!("ALTER SYSTEM SET {key} = '{}'", path.display()),
            );
        }
        self.psql("postgres", "ALTER SYSTEM SET ssl = on");
        self.psql("postgres", "SELECT pg_reload_conf()");
        // The reload is a signal: wait until a new session sees it.
        for _ in 0..100 {
            if self.psql("postgres", "SHOW ssl") == "on" {
                return tls.join("ca.crt");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!(
            "ssl did not turn on: see {}",
            self.dir.path().join("log").display()
        );
    }

    /// Makes every event insert in database `db` take 3 ms more, so that a push of a few
    /// hundred events is surely still running when a test cuts it.
    pub fn slow_inserts(&self, db: &str) {
        self.psql(
            db,
            "CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN PERFORM pg_sleep(0.003); RETURN NEW; END $$; \
             CREATE TRIGGER slow_insert AFTER INSERT ON ledger_events \
             FOR EACH ROW EXECUTE FUNCTION slow_insert();",
        );
    }

    /// Undoes [`Cluster::slow_inserts`].
    pub fn normal_inserts(&self, db: &str) {
        self.psql(db, "DROP TRIGGER slow_insert ON ledger_events");
    }

    /// Kills the server as a crash would (`pg_ctl stop -m immediate`: no checkpoint, recovery
    /// from the WAL at the next start).
    pub fn crash(&self) {
        self.stop("immediate");
    }

    /// Starts the stopped server again, on the same port when it is still free.
    pub fn restart(&self) {
        let mut port = self.port.lock().unwrap();
        for _ in 0..5 {
            let candidate = if *port == 0 { free_port() } else { *port };
            let options = format!(
                "-k {} -c listen_addresses=127.0.0.1 -p {candidate} -c fsync=off \
                 -c full_page_writes=off",
                self.dir.path().display()
            );
            let status = self
                .pg("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-o", &options, "-l"])
                .arg(self.dir.path().join("log"))
                .args(["-w", "start"])
                .stdout(Stdio::null())
                .status()
                .unwrap();
            if status.success() {
                *port = candidate;
                return;
            }
            // The port was taken between probing and binding: try another.
            *port = 0;
        }
        panic!(
            "postgres did not start: see {}",
            self.dir.path().join("log").display()
        );
    }

    fn stop(&self, mode: &str) {
        let _ = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", mode, "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("pg")
    }

    /// A PostgreSQL program, run as `postgres` when we are root.
    fn pg(&self, program: &str) -> Command {
        pg_program(program)
    }

    fn spawn_watchdog(&self) {
        let stop = self.pg("pg_ctl");
        let mut line: Vec<String> = std::iter::once(stop.get_program())
            .chain(stop.get_args())
            .map(|a| shell_quote(&a.to_string_lossy()))
            .collect();
        line.push(format!(
            "-D {} -m fast -w stop",
            shell_quote(&self.data().to_string_lossy())
        ));
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            stop = line.join(" "),
            dir = shell_quote(&self.dir.path().to_string_lossy()),
        );
        let child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        *self.watchdog.lock().unwrap() = Some(child);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop("fast");
        if let Some(mut watchdog) = self.watchdog.lock().unwrap().take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }
}

/// PostgreSQL's `program`, run as `postgres` when we are root (for a cluster a test did not
/// make with [`Cluster::start`]).
pub fn pg_program(program: &str) -> Command {
    let as_postgres = run(Command::new("id").arg("-u")).stdout.trim_ascii() == b"0";
    let program = bin_dir().join(program);
    if as_postgres {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

/// The newest PostgreSQL's programs: `PG_BIN` if set, else Debian's `/usr/lib/postgresql/N/bin`.
fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return dir.into();
    }
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .max()
        .expect("no PostgreSQL under /usr/lib/postgresql: run scripts/setup.sh, or set PG_BIN");
    root.join(newest.to_string()).join("bin")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
