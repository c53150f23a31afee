//! [`LocalCluster`]: the shop database's own PostgreSQL cluster on this machine, made and
//! started with the system's PostgreSQL programs (Debian's `postgresql` package: `initdb`,
//! `pg_ctl`), for a shop without a database server of its own.
//!
//! The cluster's superuser logs in with a password (SCRAM-SHA-256, never `trust`), over the
//! cluster's private socket in its own directory or TCP; counters on the shop's LAN reach it
//! through a `samenet` line in `pg_hba.conf`. The settings this module owns (address, port,
//! socket directory) live in `khqr-pos.conf` beside `postgresql.conf`, so `pg_ctl start` alone
//! starts the same server after a reboot. `initdb` refuses to run as root: run as root, every
//! PostgreSQL program runs as the `postgres` system user on a directory that user owns.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tokio_postgres::Config;

use crate::{Password, Result, ShopDb, SyncError};

/// The cluster's superuser.
pub const SUPERUSER: &str = "postgres";
/// The port when none is given.
pub const DEFAULT_PORT: u16 = 5432;
/// The address listened on when none is given: this machine only.
pub const DEFAULT_LISTEN: &str = "localhost";
/// The settings file this module writes, included from `postgresql.conf`.
const SETTINGS: &str = "khqr-pos.conf";

/// A PostgreSQL cluster in a directory of this machine, running.
#[derive(Debug)]
pub struct LocalCluster {
    pgdata: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    /// The port it listens on.
    pub port: u16,
    /// The addresses it listens on (`listen_addresses`).
    pub listen: String,
    /// Whether this call made it (`initdb`), rather than finding it.
    pub created: bool,
}

fn failed(reason: String) -> SyncError {
    SyncError::Cluster { reason }
}

impl LocalCluster {
    /// Makes the cluster in `pgdata` (missing or empty) with `superuser_password`, or finds the
    /// one there; refuses a non-empty directory that is not a cluster, touching nothing. Then
    /// sets its address and port (the given ones, else those set before, else
    /// [`DEFAULT_LISTEN`] and [`DEFAULT_PORT`]) and starts it, or restarts it when they changed.
    pub fn prepare(
        pgdata: &Path,
        port: Option<u16>,
        listen: Option<&str>,
        superuser_password: &Password,
    ) -> Result<LocalCluster> {
        let is_cluster = pgdata.join("PG_VERSION").is_file();
        let empty = match std::fs::read_dir(pgdata) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(failed(format!("cannot read {}: {e}", pgdata.display()))),
        };
        if !is_cluster && !empty {
            return Err(failed(format!(
                "{} is not empty and holds no PostgreSQL cluster (no PG_VERSION): give a new or \
                 empty directory, or the directory of a cluster made before",
                pgdata.display()
            )));
        }
        if let Some(bad) = listen.filter(|l| l.is_empty() || l.contains(['\'', '\n', '\\'])) {
            return Err(failed(format!("--listen {bad:?} is not an address list")));
        }
        let as_postgres = output(Command::new("id").arg("-u"))?.trim() == "0";
        let pgdata = if empty {
            std::fs::create_dir_all(pgdata)
                .map_err(|e| failed(format!("cannot create {}: {e}", pgdata.display())))?;
            std::path::absolute(pgdata)
        } else {
            std::path::absolute(pgdata)
        }
        .map_err(|e| failed(format!("{}: {e}", pgdata.display())))?;
        let mut cluster = LocalCluster {
            bin: bin_dir()?,
            pgdata,
            as_postgres,
            port: DEFAULT_PORT,
            listen: DEFAULT_LISTEN.to_owned(),
            created: !is_cluster,
        };
        if cluster.created {
            cluster.initdb(superuser_password)?;
        }
        let before = cluster.read_settings();
        if let Some((old_listen, old_port)) = &before {
            cluster.listen.clone_from(old_listen);
            cluster.port = *old_port;
        }
        if let Some(port) = port {
            cluster.port = port;
        }
        if let Some(listen) = listen {
            listen.clone_into(&mut cluster.listen);
        }
        let changed = before.as_ref() != Some(&(cluster.listen.clone(), cluster.port));
        if changed {
            cluster.write_settings()?;
        }
        if !cluster.running()? {
            cluster.pg_ctl("start")?;
        } else if changed {
            cluster.pg_ctl("restart")?;
        }
        Ok(cluster)
    }

    /// The cluster's directory.
    pub fn pgdata(&self) -> &Path {
        &self.pgdata
    }

    /// Database `dbname` as the superuser, through the cluster's private socket.
    pub fn superuser_db(&self, dbname: &str, password: &Password) -> ShopDb {
        let mut config = Config::new();
        config
            .host_path(&self.pgdata)
            .port(self.port)
            .user(SUPERUSER)
            .dbname(dbname)
            .password(password.expose());
        ShopDb::from_config(config)
    }

    /// Creates database `dbname` unless it exists.
    pub async fn create_database(&self, dbname: &str, password: &Password) -> Result<()> {
        let client = self.superuser_db("postgres", password).connect().await?;
        let exists = client
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&dbname])
            .await?
            .is_some();
        if !exists {
            let quoted = format!("\"{}\"", dbname.replace('"', "\"\""));
            client
                .batch_execute(&format!("CREATE DATABASE {quoted}"))
                .await?;
        }
        Ok(())
    }

    /// Stops the server (`pg_ctl stop -m fast`: sessions are ended, nothing is lost).
    pub fn stop(&self) -> Result<()> {
        self.pg_ctl("stop")
    }

    fn initdb(&self, password: &Password) -> Result<()> {
        self.give_to_postgres(&self.pgdata)?;
        // The password reaches initdb through a file only it reads, never its command line.
        let secret = tempfile::tempdir().map_err(|e| failed(format!("temporary file: {e}")))?;
        let pwfile = secret.path().join("pw");
        write_private(&pwfile, password.expose())?;
        self.give_to_postgres(secret.path())?;
        self.give_to_postgres(&pwfile)?;
        let mut initdb = self.pg("initdb");
        initdb
            .arg("-D")
            .arg(&self.pgdata)
            .args(["-U", SUPERUSER, "-E", "UTF8", "--locale=C"])
            .args(["--auth-local=scram-sha-256", "--auth-host=scram-sha-256"])
            .arg(format!("--pwfile={}", pwfile.display()));
        output(&mut initdb)?;
        let conf = self.pgdata.join("postgresql.conf");
        append(&conf, &format!("\ninclude_if_exists = '{SETTINGS}'\n"))?;
        // Counters on the shop's LAN (the server's own subnets) log in with their passwords;
        // a link from further away needs a line of the owner's (and TLS).
        append(
            &self.pgdata.join("pg_hba.conf"),
            "\n# khqr-pos: the counters on the shop's LAN\nhost all all samenet scram-sha-256\n",
        )
    }

    /// The address and port of [`SETTINGS`], when this module wrote it before.
    fn read_settings(&self) -> Option<(String, u16)> {
        let text = std::fs::read_to_string(self.pgdata.join(SETTINGS)).ok()?;
        let value = |key: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(key)?.trim().strip_prefix('='))
                .map(|v| v.trim().trim_matches('\'').to_owned())
        };
        Some((value("listen_addresses")?, value("port")?.parse().ok()?))
    }

    fn write_settings(&self) -> Result<()> {
        let path = self.pgdata.join(SETTINGS);
        let text = format!(
            "# Written by `khqr-pos hub init`; run it again with --port/--listen to change.\n\
             listen_addresses = '{}'\nport = {}\nunix_socket_directories = '{}'\n\
             password_encryption = 'scram-sha-256'\n",
            self.listen,
            self.port,
            self.pgdata.display().to_string().replace('\'', "''"),
        );
        std::fs::write(&path, text)
            .map_err(|e| failed(format!("cannot write {}: {e}", path.display())))?;
        self.give_to_postgres(&path)
    }

    fn running(&self) -> Result<bool> {
        let status = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(&self.pgdata)
            .arg("status")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| failed(format!("cannot run pg_ctl: {e}")))?;
        Ok(status.success())
    }

    fn pg_ctl(&self, action: &str) -> Result<()> {
        let mut pg_ctl = self.pg("pg_ctl");
        pg_ctl
            .arg("-D")
            .arg(&self.pgdata)
            .arg("-l")
            .arg(self.pgdata.join("log"))
            .args(["-m", "fast", "-w", action]);
        output(&mut pg_ctl).map(drop).map_err(|e| {
            failed(format!(
                "{e}; the server's log is {}",
                self.pgdata.join("log").display()
            ))
        })
    }

    /// A PostgreSQL program, run as `postgres` when we are root.
    fn pg(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }

    /// Hands `path` to the `postgres` user when we are root (the server must own its files).
    fn give_to_postgres(&self, path: &Path) -> Result<()> {
        if self.as_postgres {
            output(Command::new("chown").arg("postgres:postgres").arg(path))?;
        }
        Ok(())
    }
}

/// The directory of the system's PostgreSQL programs: `pg_config --bindir` when it has
/// `initdb`, else the newest `/usr/lib/postgresql/N/bin`.
fn bin_dir() -> Result<PathBuf> {
    let has_initdb = |dir: &Path| dir.join("initdb").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_initdb(&dir) {
            return Ok(dir);
        }
    }
    let root = Path::new("/usr/lib/postgresql");
    std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .map(|version| root.join(version.to_string()).join("bin"))
        .filter(|dir| has_initdb(dir))
        .max_by_key(|dir| {
            dir.parent()
                .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
        })
        .ok_or_else(|| {
            failed(
                "no PostgreSQL server programs (initdb) found: install Debian's `postgresql` \
                 package (apt-get install postgresql)"
                    .into(),
            )
        })
}

/// Runs `cmd` to the end; a failure carries what it printed on stderr.
fn output(cmd: &mut Command) -> Result<String> {
    let name = Path::new(cmd.get_program())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out: Output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| failed(format!("cannot run {name}: {e}")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        return Err(failed(format!("{name} failed: {}", said.trim())));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn append(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| failed(format!("cannot write {}: {e}", path.display())))
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| failed(format!("cannot write {}: {e}", path.display())))
}
