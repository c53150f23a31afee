//! The printers this machine could reach by cable: USB printer device files (`usb/lp*`) and
//! serial ports (`ttyUSB*` USB adapters, `ttyACM*` USB CDC printers, `ttyS*` built-in ports),
//! as found in a device directory (`/dev`). For the settings' "found devices" list.

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How a found device is configured: `kind = "device"` or `kind = "serial"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DeviceKind {
    /// A USB printer behind the kernel's `usblp` driver.
    UsbPrinter,
    /// A serial port (a baud rate is needed).
    Serial,
}

/// One device found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FoundDevice {
    pub path: PathBuf,
    pub kind: DeviceKind,
}

/// The serial port name prefixes listed, in the order shown.
const SERIAL: [&str; 3] = ["ttyUSB", "ttyACM", "ttyS"];

/// The number after `prefix` when `name` is `prefix` and digits only, which orders the list
/// (`lp10` after `lp2`).
fn numbered(name: &str, prefix: &str) -> Option<u32> {
    let digits = name.strip_prefix(prefix)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The devices in `dev` (normally `/dev`): `usb/lp*` first, then the serial ports, each in
/// numeric order. A missing directory is no device, not an error.
pub fn find_devices(dev: &Path) -> io::Result<Vec<FoundDevice>> {
    let mut found = Vec::new();
    for name in names(&dev.join("usb"))? {
        if let Some(n) = numbered(&name, "lp") {
            found.push(((DeviceKind::UsbPrinter, 0, n), dev.join("usb").join(name)));
        }
    }
    for name in names(dev)? {
        for (place, prefix) in SERIAL.iter().enumerate() {
            if let Some(n) = numbered(&name, prefix) {
                found.push(((DeviceKind::Serial, place, n), dev.join(&name)));
            }
        }
    }
    found.sort();
    Ok(found
        .into_iter()
        .map(|((kind, _, _), path)| FoundDevice { path, kind })
        .collect())
}

/// The entry names of `dir` (an absent directory has none).
fn names(dir: &Path) -> io::Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        if let Some(name) = entry?.file_name().to_str() {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printers_and_serial_ports_are_found_in_numeric_order_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let dev = dir.path();
        std::fs::create_dir(dev.join("usb")).unwrap();
        for name in [
            "usb/lp10",
            "usb/lp2",
            "usb/hiddev0",
            "usb/lpx",
            "ttyS10",
            "ttyS2",
            "ttyACM0",
            "ttyUSB1",
            "tty0",
            "ttyUSB",
            "lp0",
            "null",
            "ttyS2x",
        ] {
            std::fs::write(dev.join(name), b"").unwrap();
        }
        let found: Vec<(String, DeviceKind)> = find_devices(dev)
            .unwrap()
            .into_iter()
            .map(|d| {
                let path = d.path.strip_prefix(dev).unwrap().display().to_string();
                (path, d.kind)
            })
            .collect();
        let expect = |p: &str, k| (p.to_owned(), k);
        assert_eq!(
            found,
            [
                expect("usb/lp2", DeviceKind::UsbPrinter),
                expect("usb/lp10", DeviceKind::UsbPrinter),
                expect("ttyUSB1", DeviceKind::Serial),
                expect("ttyACM0", DeviceKind::Serial),
                expect("ttyS2", DeviceKind::Serial),
                expect("ttyS10", DeviceKind::Serial),
            ]
        );
        assert_eq!(find_devices(&dev.join("absent")).unwrap(), []);
    }
}
