//! The counter's printer as configured: how to reach it, its paper and its drawer. Built only
//! through [`PrinterSettings::new`], which checks every part, so a held value is usable.

use std::path::{Path, PathBuf};
use std::time::Duration;

use pos_domain::text::check_chars;
use serde::Serialize;

use crate::bitmap::PaperWidth;
use crate::error::PrintError;
use crate::escpos::DrawerPin;
use crate::printer::Printer;
use crate::transport::{DeviceTransport, TcpTransport, Transport};

/// How long connecting, and then every read and write, may take: a printer slower than this
/// is reported as unreachable or not answering, and the job waits in the queue.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// The longest printer address accepted, in characters.
const ADDRESS_MAX_CHARS: usize = 200;

/// How the printer is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Connection {
    /// No printer: receipts stay on screen, nothing is queued for paper.
    None,
    /// Over the network, `host:port` (raw printing, usually port 9100).
    Network { address: String },
    /// A printer device file such as `/dev/usb/lp0`.
    Device { path: PathBuf },
    /// A serial port such as `/dev/ttyUSB0`, set to `baud` 8N1, raw, no flow control.
    Serial { path: PathBuf, baud: u32 },
}

/// The baud rates a serial printer can be set to (those ESC/POS printers offer).
pub const SERIAL_BAUDS: [u32; 7] = [2400, 4800, 9600, 19200, 38400, 57600, 115200];

/// A setting that cannot be used, with the setting's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct SettingsError {
    /// The setting, as written in the configuration file (`printer.address`…).
    pub field: &'static str,
    pub reason: String,
}

fn bad(field: &'static str, reason: impl Into<String>) -> SettingsError {
    SettingsError {
        field,
        reason: reason.into(),
    }
}

/// The printer of this counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrinterSettings {
    pub connection: Connection,
    pub width: PaperWidth,
    /// The pin the cash drawer is wired to; `None`: no drawer is kicked.
    pub drawer: Option<DrawerPin>,
    /// Ask the printer's status before each receipt. Off for printers that never answer
    /// (many cheap USB models), which then print blind.
    pub check_status: bool,
    /// Print each receipt by itself as it is issued. Off: receipts are queued all the same
    /// and print only on "print now" or a reprint (a counter that prints on request).
    pub auto_print: bool,
}

impl Default for PrinterSettings {
    fn default() -> Self {
        PrinterSettings {
            connection: Connection::None,
            width: PaperWidth::Mm80,
            drawer: None,
            check_status: true,
            auto_print: true,
        }
    }
}

/// The `[printer]` settings as written, before checking.
#[derive(Debug, Clone, Default)]
pub struct RawSettings<'a> {
    /// `none`, `network`, `device` or `serial`; absent: `none`.
    pub kind: Option<&'a str>,
    /// `host:port` for a network printer, the device path for a device, `PATH@BAUD` for a
    /// serial port.
    pub address: Option<&'a str>,
    /// 58 or 80; absent: 80.
    pub width_mm: Option<u32>,
    /// The drawer's pin, 2 or 5; absent: no drawer.
    pub drawer_pin: Option<u32>,
    /// Absent: true.
    pub check_status: Option<bool>,
    /// Absent: true.
    pub auto_print: Option<bool>,
}

impl PrinterSettings {
    /// Checks `raw`: a known kind, an address that kind can use (a port 1–65535; an absolute
    /// device path), a paper width of 58 or 80 mm, a drawer on pin 2 or 5.
    pub fn new(raw: &RawSettings<'_>) -> Result<PrinterSettings, SettingsError> {
        let address = || {
            let text = raw
                .address
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .ok_or_else(|| bad("printer.address", "is required for this printer kind"))?;
            check_chars("printer.address", text)
                .map_err(|e| bad("printer.address", e.to_string()))?;
            if text.chars().count() > ADDRESS_MAX_CHARS {
                return Err(bad(
                    "printer.address",
                    format!("is longer than {ADDRESS_MAX_CHARS} characters"),
                ));
            }
            Ok(text)
        };
        let connection = match raw.kind.unwrap_or("none") {
            "none" => Connection::None,
            "network" => Connection::Network {
                address: network_address(address()?)?,
            },
            "device" => Connection::Device {
                path: device_path(address()?)?,
            },
            "serial" => {
                let text = address()?;
                let (path, baud) = text.rsplit_once('@').ok_or_else(|| {
                    bad(
                        "printer.address",
                        format!("{text} needs a baud rate: {text}@9600"),
                    )
                })?;
                let baud = baud
                    .parse::<u32>()
                    .ok()
                    .filter(|b| SERIAL_BAUDS.contains(b) && !baud.starts_with('+'))
                    .ok_or_else(|| {
                        bad(
                            "printer.address",
                            format!("baud {baud:?} is not one of {SERIAL_BAUDS:?}"),
                        )
                    })?;
                Connection::Serial {
                    path: device_path(path)?,
                    baud,
                }
            }
            other => {
                return Err(bad(
                    "printer.kind",
                    format!("{other:?} is not none, network, device or serial"),
                ))
            }
        };
        let width = match raw.width_mm {
            None => PaperWidth::Mm80,
            Some(mm) => PaperWidth::from_mm(mm)
                .ok_or_else(|| bad("printer.width_mm", format!("{mm} mm is not 58 or 80")))?,
        };
        let drawer = match raw.drawer_pin {
            None => None,
            Some(2) => Some(DrawerPin::Pin2),
            Some(5) => Some(DrawerPin::Pin5),
            Some(pin) => {
                return Err(bad(
                    "printer.drawer_pin",
                    format!("pin {pin} is not 2 or 5"),
                ))
            }
        };
        Ok(PrinterSettings {
            connection,
            width,
            drawer,
            check_status: raw.check_status.unwrap_or(true),
            auto_print: raw.auto_print.unwrap_or(true),
        })
    }

    /// These settings with another printer (`--printer`): an absolute path is a device, with
    /// `@BAUD` a serial port, anything else `host:port`; checked as the configuration file's
    /// address is.
    pub fn with_address(&self, address: &str) -> Result<PrinterSettings, SettingsError> {
        let kind = match address.trim_start() {
            a if a.starts_with('/') && a.contains('@') => "serial",
            a if a.starts_with('/') => "device",
            _ => "network",
        };
        let other = PrinterSettings::new(&RawSettings {
            kind: Some(kind),
            address: Some(address),
            ..RawSettings::default()
        })?;
        Ok(PrinterSettings {
            connection: other.connection,
            ..self.clone()
        })
    }

    /// Whether a printer is configured at all.
    pub fn enabled(&self) -> bool {
        self.connection != Connection::None
    }

    /// Connects to the printer; `None` when there is none.
    pub fn connect(&self) -> Result<Option<Printer<Box<dyn Transport + Send>>>, PrintError> {
        let transport: Box<dyn Transport + Send> = match &self.connection {
            Connection::None => return Ok(None),
            Connection::Network { address } => Box::new(TcpTransport::connect(address, TIMEOUT)?),
            Connection::Device { path } => Box::new(DeviceTransport::open(path, TIMEOUT)?),
            Connection::Serial { path, baud } => {
                Box::new(DeviceTransport::open_serial(path, *baud, TIMEOUT)?)
            }
        };
        Ok(Some(Printer::new(transport)))
    }
}

/// An absolute device path.
fn device_path(text: &str) -> Result<PathBuf, SettingsError> {
    let path = Path::new(text);
    if !path.is_absolute() {
        return Err(bad(
            "printer.address",
            format!("{} is not an absolute device path", path.display()),
        ));
    }
    Ok(path.to_owned())
}

/// `host:port` with a port 1–65535 (an IPv6 host in brackets, `[::1]:9100`).
fn network_address(text: &str) -> Result<String, SettingsError> {
    let (host, port) = text
        .rsplit_once(':')
        .ok_or_else(|| bad("printer.address", format!("{text:?} is not host:port")))?;
    let host_ok = !host.is_empty()
        && (host.starts_with('[') && host.ends_with(']') || !host.contains(':'))
        && !host.chars().any(char::is_whitespace);
    if !host_ok {
        return Err(bad(
            "printer.address",
            format!("{host:?} is not a host name or address"),
        ));
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 && port.bytes().all(|b| b.is_ascii_digit()) => Ok(text.to_owned()),
        _ => Err(bad(
            "printer.address",
            format!("port {port:?} is not a number from 1 to 65535"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(address: &str) -> Result<PrinterSettings, SettingsError> {
        PrinterSettings::new(&RawSettings {
            kind: Some("network"),
            address: Some(address),
            ..RawSettings::default()
        })
    }

    #[test]
    fn nothing_configured_is_no_printer_on_80_mm_paper_and_no_drawer() {
        let s = PrinterSettings::new(&RawSettings::default()).unwrap();
        assert_eq!(s, PrinterSettings::default());
        assert!(!s.enabled());
        assert!(s.connect().unwrap().is_none());
    }

    #[test]
    fn good_settings_are_kept() {
        let s = PrinterSettings::new(&RawSettings {
            kind: Some("network"),
            address: Some(" 192.168.1.50:9100 "),
            width_mm: Some(58),
            drawer_pin: Some(5),
            check_status: Some(false),
            auto_print: Some(false),
        })
        .unwrap();
        assert_eq!(
            s.connection,
            Connection::Network {
                address: "192.168.1.50:9100".into()
            }
        );
        assert_eq!(
            (s.width, s.drawer, s.check_status, s.auto_print),
            (PaperWidth::Mm58, Some(DrawerPin::Pin5), false, false)
        );
        assert!(network("[::1]:9100").is_ok());
        assert!(network("printer.local:9100").is_ok());
        let device = PrinterSettings::new(&RawSettings {
            kind: Some("device"),
            address: Some("/dev/usb/lp0"),
            ..RawSettings::default()
        })
        .unwrap();
        assert_eq!(
            device.connection,
            Connection::Device {
                path: "/dev/usb/lp0".into()
            }
        );
    }

    #[test]
    fn another_address_keeps_the_paper_and_the_drawer() {
        let configured = PrinterSettings::new(&RawSettings {
            width_mm: Some(58),
            drawer_pin: Some(2),
            ..RawSettings::default()
        })
        .unwrap();
        let device = configured.with_address("/dev/usb/lp1").unwrap();
        assert_eq!(
            device.connection,
            Connection::Device {
                path: "/dev/usb/lp1".into()
            }
        );
        assert_eq!(
            (device.width, device.drawer),
            (PaperWidth::Mm58, Some(DrawerPin::Pin2))
        );
        let network = configured.with_address("10.0.0.7:9100").unwrap();
        assert_eq!(
            network.connection,
            Connection::Network {
                address: "10.0.0.7:9100".into()
            }
        );
        assert_eq!(
            configured
                .with_address("/dev/ttyUSB0@19200")
                .unwrap()
                .connection,
            Connection::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 19200
            }
        );
        for bad in ["", "printer", "lp0", "10.0.0.7:0", "/dev/ttyS0@9601"] {
            assert_eq!(
                configured.with_address(bad).unwrap_err().field,
                "printer.address",
                "{bad}"
            );
        }
    }

    fn serial(address: &str) -> Result<PrinterSettings, SettingsError> {
        PrinterSettings::new(&RawSettings {
            kind: Some("serial"),
            address: Some(address),
            ..RawSettings::default()
        })
    }

    #[test]
    fn a_serial_port_is_a_device_path_and_a_known_baud_rate() {
        for baud in SERIAL_BAUDS {
            assert_eq!(
                serial(&format!(" /dev/ttyUSB0@{baud} "))
                    .unwrap()
                    .connection,
                Connection::Serial {
                    path: "/dev/ttyUSB0".into(),
                    baud
                }
            );
        }
        for (address, says) in [
            ("/dev/ttyUSB0", "needs a baud rate"),
            ("/dev/ttyUSB0@", "is not one of"),
            ("/dev/ttyUSB0@9601", "is not one of"),
            ("/dev/ttyUSB0@+9600", "is not one of"),
            ("/dev/ttyUSB0@ 9600", "is not one of"),
            ("/dev/ttyUSB0@fast", "is not one of"),
            ("/dev/ttyUSB0@99999999999", "is not one of"),
            ("ttyUSB0@9600", "absolute device path"),
            ("@9600", "absolute device path"),
        ] {
            let err = serial(address).unwrap_err();
            assert_eq!(err.field, "printer.address", "{address}");
            assert!(err.reason.contains(says), "{address}: {err}");
        }
    }

    #[test]
    fn every_bad_setting_is_refused_with_its_name() {
        for address in [
            "printer",
            "printer:",
            "printer:0",
            "printer:65536",
            "printer:+91",
            "printer:9100x",
            ":9100",
            "::1:9100",
            "a b:9100",
            "printer\u{202E}:9100",
        ] {
            let err = network(address).unwrap_err();
            assert_eq!(err.field, "printer.address", "{address}: {err}");
        }
        let cases = [
            (
                RawSettings {
                    kind: Some("network"),
                    ..RawSettings::default()
                },
                "printer.address",
            ),
            (
                RawSettings {
                    kind: Some("device"),
                    address: Some("usb/lp0"),
                    ..RawSettings::default()
                },
                "printer.address",
            ),
            (
                RawSettings {
                    kind: Some("bluetooth"),
                    ..RawSettings::default()
                },
                "printer.kind",
            ),
            (
                RawSettings {
                    width_mm: Some(76),
                    ..RawSettings::default()
                },
                "printer.width_mm",
            ),
            (
                RawSettings {
                    drawer_pin: Some(3),
                    ..RawSettings::default()
                },
                "printer.drawer_pin",
            ),
        ];
        for (raw, field) in cases {
            assert_eq!(
                PrinterSettings::new(&raw).unwrap_err().field,
                field,
                "{raw:?}"
            );
        }
    }
}
