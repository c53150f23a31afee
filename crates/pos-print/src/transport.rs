//! How bytes reach a printer. A small trait so serial ports and the Windows spooler can be
//! added beside TCP and device files without touching the printer logic.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::PrintError;

/// A connection to one printer.
pub trait Transport {
    /// Sends all of `bytes`.
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrintError>;
    /// Reads exactly `buf.len()` reply bytes, or fails with [`PrintError::NoReply`].
    fn receive(&mut self, buf: &mut [u8]) -> Result<(), PrintError>;
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrintError> {
        (**self).send(bytes)
    }

    fn receive(&mut self, buf: &mut [u8]) -> Result<(), PrintError> {
        (**self).receive(buf)
    }
}

/// A network printer, usually port 9100 ("raw" or "JetDirect").
#[derive(Debug)]
pub struct TcpTransport {
    stream: TcpStream,
    timeout: Duration,
}

impl TcpTransport {
    /// Connects within `timeout`, which also bounds every later read and write.
    pub fn connect(address: &str, timeout: Duration) -> Result<TcpTransport, PrintError> {
        let unreachable = |source| PrintError::Unreachable {
            address: address.to_owned(),
            source,
        };
        let addrs: Vec<SocketAddr> = address.to_socket_addrs().map_err(unreachable)?.collect();
        let mut last = std::io::Error::new(ErrorKind::NotFound, "no address");
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(stream) => {
                    stream.set_read_timeout(Some(timeout))?;
                    stream.set_write_timeout(Some(timeout))?;
                    // Status queries are 3 bytes; waiting to batch them only adds latency.
                    stream.set_nodelay(true)?;
                    return Ok(TcpTransport { stream, timeout });
                }
                Err(e) => last = e,
            }
        }
        Err(unreachable(last))
    }
}

impl Transport for TcpTransport {
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrintError> {
        Ok(self.stream.write_all(bytes)?)
    }

    fn receive(&mut self, buf: &mut [u8]) -> Result<(), PrintError> {
        self.stream.read_exact(buf).map_err(|e| match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::UnexpectedEof => {
                PrintError::NoReply {
                    millis: self.timeout.as_millis(),
                }
            }
            _ => PrintError::Io(e),
        })
    }
}

/// A printer device file such as `/dev/usb/lp0`, opened non-blocking so that a printer
/// that never answers a status query cannot hang the caller: reads and writes retry until
/// `timeout`.
#[derive(Debug)]
pub struct DeviceTransport {
    file: File,
    path: PathBuf,
    timeout: Duration,
}

/// How long to wait before retrying a device that is not ready.
const RETRY: Duration = Duration::from_millis(5);

impl DeviceTransport {
    /// Opens `path` for reading and writing.
    pub fn open(path: &Path, timeout: Duration) -> Result<DeviceTransport, PrintError> {
        let mut options = OpenOptions::new();
        options.read(true).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK);
        }
        let file = options
            .open(path)
            .map_err(|source| PrintError::Unreachable {
                address: path.display().to_string(),
                source,
            })?;
        Ok(DeviceTransport {
            file,
            path: path.to_owned(),
            timeout,
        })
    }

    /// The device's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn no_reply(&self) -> PrintError {
        PrintError::NoReply {
            millis: self.timeout.as_millis(),
        }
    }
}

impl Transport for DeviceTransport {
    fn send(&mut self, mut bytes: &[u8]) -> Result<(), PrintError> {
        let deadline = Instant::now() + self.timeout;
        while !bytes.is_empty() {
            match self.file.write(bytes) {
                Ok(0) => return Err(PrintError::Io(ErrorKind::WriteZero.into())),
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                    thread::sleep(RETRY);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(PrintError::Io(e)),
            }
        }
        Ok(())
    }

    fn receive(&mut self, buf: &mut [u8]) -> Result<(), PrintError> {
        let deadline = Instant::now() + self.timeout;
        let mut filled = 0;
        while filled < buf.len() {
            match self.file.read(&mut buf[filled..]) {
                Ok(n) if n > 0 => filled += n,
                // Nothing yet (or the end of a plain file standing in for a device).
                Ok(_) => {
                    if Instant::now() >= deadline {
                        return Err(self.no_reply());
                    }
                    thread::sleep(RETRY);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        return Err(self.no_reply());
                    }
                    thread::sleep(RETRY);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(PrintError::Io(e)),
            }
        }
        Ok(())
    }
}
