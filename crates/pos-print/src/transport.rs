//! How bytes reach a printer: TCP, device files and serial ports (a device file set up with
//! termios). A small trait so the Windows spooler can be added without touching the printer
//! logic.

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

fn unreachable(path: &Path, source: std::io::Error) -> PrintError {
    PrintError::Unreachable {
        address: path.display().to_string(),
        source,
    }
}

/// Sets the line speed in the control flags, as glibc's `cfsetspeed` does (input speed 0 is
/// "same as output"). Not `cfsetspeed` itself: the `libc` crate binds the cf*speed functions
/// to versioned glibc symbols (`cfsetspeed@GLIBC_2.2.5`), which the mold linker this project
/// uses on Linux resolves to a bad address, a crash on the first call.
#[cfg(target_os = "linux")]
fn set_speed(
    tty: &mut nix::sys::termios::Termios,
    rate: nix::sys::termios::BaudRate,
) -> nix::Result<()> {
    use nix::sys::termios::ControlFlags;
    let speed = ControlFlags::from_bits_retain(rate as libc::tcflag_t);
    tty.control_flags = (tty.control_flags - ControlFlags::CBAUD - ControlFlags::CIBAUD) | speed;
    Ok(())
}

#[cfg(all(unix, not(target_os = "linux")))]
fn set_speed(
    tty: &mut nix::sys::termios::Termios,
    rate: nix::sys::termios::BaudRate,
) -> nix::Result<()> {
    nix::sys::termios::cfsetspeed(tty, rate)
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
            // O_NOCTTY: a serial port must not become this process's controlling terminal
            // (a hang-up on it would then signal the POS); no effect on other devices.
            options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
        }
        let file = options
            .open(path)
            .map_err(|source| unreachable(path, source))?;
        Ok(DeviceTransport {
            file,
            path: path.to_owned(),
            timeout,
        })
    }

    /// Opens the serial port `path` and sets it to `baud`, 8 data bits, no parity, one stop
    /// bit, raw (no echo, no line editing, no CR/LF translation, no XON/XOFF: raster bytes
    /// pass as they are), ignoring modem lines. `baud` is one of [`SERIAL_BAUDS`].
    ///
    /// [`SERIAL_BAUDS`]: crate::settings::SERIAL_BAUDS
    #[cfg(unix)]
    pub fn open_serial(
        path: &Path,
        baud: u32,
        timeout: Duration,
    ) -> Result<DeviceTransport, PrintError> {
        use nix::sys::termios::{self, BaudRate, ControlFlags, SetArg};

        let device = DeviceTransport::open(path, timeout)?;
        let rate = match baud {
            2400 => BaudRate::B2400,
            4800 => BaudRate::B4800,
            9600 => BaudRate::B9600,
            19200 => BaudRate::B19200,
            38400 => BaudRate::B38400,
            57600 => BaudRate::B57600,
            115200 => BaudRate::B115200,
            _ => {
                return Err(unreachable(
                    path,
                    std::io::Error::new(ErrorKind::InvalidInput, format!("baud {baud}")),
                ))
            }
        };
        let not_serial = |e: nix::Error| unreachable(path, std::io::Error::from(e));
        let mut tty = termios::tcgetattr(&device.file).map_err(not_serial)?;
        termios::cfmakeraw(&mut tty);
        set_speed(&mut tty, rate).map_err(not_serial)?;
        tty.control_flags &= !(ControlFlags::CSTOPB | ControlFlags::PARENB);
        tty.control_flags |= ControlFlags::CLOCAL | ControlFlags::CREAD;
        #[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
        {
            tty.control_flags &= !ControlFlags::CRTSCTS;
        }
        termios::tcsetattr(&device.file, SetArg::TCSANOW, &tty).map_err(not_serial)?;
        Ok(device)
    }

    /// Serial ports need termios; where there is none, the port is reported unreachable.
    #[cfg(not(unix))]
    pub fn open_serial(
        path: &Path,
        baud: u32,
        _timeout: Duration,
    ) -> Result<DeviceTransport, PrintError> {
        Err(unreachable(
            path,
            std::io::Error::new(
                ErrorKind::Unsupported,
                format!("serial ports ({baud} baud) are supported on Linux and macOS only"),
            ),
        ))
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

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use nix::sys::termios::{self, BaudRate, ControlFlags, InputFlags, LocalFlags, OutputFlags};
    use std::os::fd::AsRawFd;

    /// A real pseudo-terminal stands in for the serial cable: the transport sets its far end
    /// raw at the baud rate asked, and bytes a terminal would translate or act on (CR, LF,
    /// XON/XOFF, ^C) cross both ways unchanged.
    #[test]
    fn a_serial_port_is_set_raw_at_its_baud_rate_and_passes_every_byte() {
        let pty = nix::pty::openpty(None, None).unwrap();
        let port = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd())).unwrap();
        let mut line = File::from(pty.master);
        let mut serial =
            DeviceTransport::open_serial(&port, 19200, Duration::from_secs(2)).unwrap();

        let tty = termios::tcgetattr(&pty.slave).unwrap();
        let speed = tty.control_flags & (ControlFlags::CBAUD | ControlFlags::CIBAUD);
        assert_eq!(speed.bits(), BaudRate::B19200 as libc::tcflag_t);
        // Read back by another program too: stty asks the kernel.
        let stty = std::process::Command::new("stty")
            .arg("-F")
            .arg(&port)
            .arg("-a")
            .output()
            .unwrap();
        let stty = String::from_utf8_lossy(&stty.stdout);
        assert!(stty.contains("speed 19200 baud"), "{stty}");
        assert!(
            stty.contains(" -icanon ") && stty.contains(" -ixon "),
            "{stty}"
        );
        assert!(!tty
            .local_flags
            .intersects(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG));
        assert!(!tty
            .input_flags
            .intersects(InputFlags::IXON | InputFlags::ICRNL));
        assert!(!tty.output_flags.contains(OutputFlags::OPOST));
        assert!(tty
            .control_flags
            .contains(ControlFlags::CS8 | ControlFlags::CLOCAL));

        let bytes = [
            0x1B, 0x40, b'\r', b'\n', 0x11, 0x13, 0x03, 0x00, 0xFF, 0x10, 0x04, 0x01,
        ];
        serial.send(&bytes).unwrap();
        let mut got = [0u8; 12];
        line.read_exact(&mut got).unwrap();
        assert_eq!(got, bytes);

        // The printer's status reply, then silence: a typed timeout, not a hang.
        line.write_all(&[0x12, b'\r']).unwrap();
        let mut reply = [0u8; 2];
        serial.receive(&mut reply).unwrap();
        assert_eq!(reply, [0x12, b'\r']);
        assert!(matches!(
            serial.receive(&mut reply[..1]),
            Err(PrintError::NoReply { millis: 2000 })
        ));
    }

    #[test]
    fn a_file_that_is_not_a_terminal_is_not_a_serial_port() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let err =
            DeviceTransport::open_serial(file.path(), 9600, Duration::from_secs(1)).unwrap_err();
        assert!(matches!(err, PrintError::Unreachable { .. }), "{err}");
        let missing = DeviceTransport::open_serial(
            Path::new("/dev/ttyUSB-absent"),
            9600,
            Duration::from_secs(1),
        );
        assert!(matches!(missing, Err(PrintError::Unreachable { .. })));
    }
}
