//! The owner's printer settings (issue 14): how the receipt printer is reached, its paper,
//! its drawer, auto-print, and the monitor the customer display opens on. Every field is
//! checked at once by the same rules as the configuration file (`pos_print::PrinterSettings`
//! and [`DisplayMonitor`]); each problem is a [`FieldError`] with code `config_invalid` and
//! the setting's name as in the file (`printer.address`), and nothing is written until all
//! are good. The saved file is loaded again like any other, so the spooler the app restarts
//! with it prints to the new printer at once.

use std::path::Path;

use pos_print::{Connection, DrawerPin, PaperWidth, PrinterSettings, RawSettings};
use serde::{Deserialize, Serialize};

use super::settings::{field_error, reload, take_table, write_config, FieldError};
use crate::{Config, CoreError, DisplayMonitor};

/// The code of every field error of this form: the file's own error for a bad setting.
const INVALID: &str = "config_invalid";

/// The printer settings form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PrinterForm {
    /// `none`, `network`, `device` (a USB printer's device file) or `serial`.
    pub kind: String,
    /// `host:port`, a device path, or `PATH@BAUD` for a serial port; ignored for `none`.
    pub address: String,
    /// 58 or 80.
    pub width_mm: u32,
    /// The cash drawer's pin, 2 or 5; `None`: no drawer.
    pub drawer_pin: Option<u32>,
    /// Print each receipt as it is issued; off: only on "print now".
    pub auto_print: bool,
    /// `auto` or a monitor number from 1, for the customer display.
    pub customer_monitor: String,
}

/// A printer found on this machine, as the form would take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FoundPrinter {
    /// `device` or `serial`.
    pub kind: String,
    /// The address to fill in (a serial port with 9600 baud, the usual default).
    pub address: String,
}

/// The USB printers and serial ports in `dev` (normally `/dev`), for the form's list; a
/// directory that cannot be read lists nothing (logged): the owner can still type a path.
pub fn found_printers(dev: &Path) -> Vec<FoundPrinter> {
    match pos_print::find_devices(dev) {
        Ok(found) => found
            .into_iter()
            .map(|d| match d.kind {
                pos_print::DeviceKind::UsbPrinter => FoundPrinter {
                    kind: "device".into(),
                    address: d.path.display().to_string(),
                },
                pos_print::DeviceKind::Serial => FoundPrinter {
                    kind: "serial".into(),
                    address: format!("{}@9600", d.path.display()),
                },
            })
            .collect(),
        Err(error) => {
            tracing::warn!(%error, dir = %dev.display(), "cannot list printer devices");
            Vec::new()
        }
    }
}

impl PrinterForm {
    /// The form as the configuration in force fills it.
    pub fn load(config: &Config) -> PrinterForm {
        let p = &config.printer;
        let (kind, address) = match &p.connection {
            Connection::None => ("none", String::new()),
            Connection::Network { address } => ("network", address.clone()),
            Connection::Device { path } => ("device", path.display().to_string()),
            Connection::Serial { path, baud } => ("serial", format!("{}@{baud}", path.display())),
        };
        PrinterForm {
            kind: kind.to_owned(),
            address,
            width_mm: match p.width {
                PaperWidth::Mm58 => 58,
                PaperWidth::Mm80 => 80,
            },
            drawer_pin: p.drawer.map(|pin| match pin {
                DrawerPin::Pin2 => 2,
                DrawerPin::Pin5 => 5,
            }),
            auto_print: p.auto_print,
            customer_monitor: config.customer_monitor.text(),
        }
    }

    /// The printer these settings name, keeping what the form does not show (whether to ask
    /// the status) from `current`; every bad field at once when they cannot be used.
    pub fn printer(&self, current: &Config) -> Result<PrinterSettings, CoreError> {
        let errors = self.validate();
        if !errors.is_empty() {
            return Err(CoreError::SettingsInvalid { errors });
        }
        PrinterSettings::new(&self.raw(Some(current.printer.check_status))).map_err(|e| {
            CoreError::SettingsInvalid {
                errors: vec![field_error(e.field, INVALID, e.reason)],
            }
        })
    }

    fn raw(&self, check_status: Option<bool>) -> RawSettings<'_> {
        RawSettings {
            kind: Some(self.kind.as_str()),
            address: Some(self.address.as_str()),
            width_mm: Some(self.width_mm),
            drawer_pin: self.drawer_pin,
            check_status,
            auto_print: Some(self.auto_print),
        }
    }

    /// Every problem with the form, each naming its setting; empty when it can be saved.
    pub fn validate(&self) -> Vec<FieldError> {
        let full = self.raw(None);
        // Each part checked on its own, so every bad field is reported, not just the first.
        let parts = [
            RawSettings {
                kind: full.kind,
                address: full.address,
                ..RawSettings::default()
            },
            RawSettings {
                width_mm: full.width_mm,
                ..RawSettings::default()
            },
            RawSettings {
                drawer_pin: full.drawer_pin,
                ..RawSettings::default()
            },
        ];
        let mut errors: Vec<FieldError> = parts
            .iter()
            .filter_map(|raw| PrinterSettings::new(raw).err())
            .map(|e| field_error(e.field, INVALID, e.reason))
            .collect();
        if let Err(reason) = DisplayMonitor::parse(&self.customer_monitor) {
            errors.push(field_error("customer_display.monitor", INVALID, reason));
        }
        errors
    }

    /// Validates the form, merges it into the configuration file's `[printer]` and
    /// `[customer_display]` (their other keys kept) and saves it atomically; returns the
    /// configuration as the app will now load it. Nothing is written on any bad field.
    pub fn save(&self, current: &Config) -> Result<Config, CoreError> {
        let printer = self.printer(current)?;
        let monitor = DisplayMonitor::parse(&self.customer_monitor).map_err(|reason| {
            CoreError::SettingsInvalid {
                errors: vec![field_error("customer_display.monitor", INVALID, reason)],
            }
        })?;
        let path = write_config(
            current,
            |table| merge(table, &self.kind, &printer, monitor),
            |err| match err {
                CoreError::ConfigInvalid { field, .. } => field,
                _ => "printer.kind",
            },
        )?;
        reload(current, path)
    }
}

/// Writes the checked settings into the file's table.
fn merge(table: &mut toml::Table, kind: &str, printer: &PrinterSettings, monitor: DisplayMonitor) {
    let mut section = take_table(table, "printer");
    section.insert("kind".into(), kind.trim().into());
    match &printer.connection {
        Connection::None => section.remove("address"),
        Connection::Network { address } => section.insert("address".into(), address.clone().into()),
        Connection::Device { path } => {
            section.insert("address".into(), path.display().to_string().into())
        }
        Connection::Serial { path, baud } => section.insert(
            "address".into(),
            format!("{}@{baud}", path.display()).into(),
        ),
    };
    let width: i64 = match printer.width {
        PaperWidth::Mm58 => 58,
        PaperWidth::Mm80 => 80,
    };
    section.insert("width_mm".into(), width.into());
    match printer.drawer {
        None => section.remove("drawer_pin"),
        Some(DrawerPin::Pin2) => section.insert("drawer_pin".into(), 2.into()),
        Some(DrawerPin::Pin5) => section.insert("drawer_pin".into(), 5.into()),
    };
    section.insert("auto_print".into(), printer.auto_print.into());
    table.insert("printer".into(), toml::Value::Table(section));
    let mut display = take_table(table, "customer_display");
    let value = match monitor {
        DisplayMonitor::Auto => toml::Value::from("auto"),
        DisplayMonitor::Number(n) => toml::Value::from(i64::from(n)),
    };
    display.insert("monitor".into(), value);
    table.insert("customer_display".into(), toml::Value::Table(display));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LoadOptions;

    fn current(dir: &Path, file: &str) -> Config {
        std::fs::write(dir.join("config.toml"), file).unwrap();
        Config::load_with_env(
            LoadOptions {
                data_dir: Some(dir.to_owned()),
                ..LoadOptions::default()
            },
            |_| None,
        )
        .unwrap()
    }

    #[test]
    fn a_saved_printer_is_what_the_next_load_reads_and_other_keys_survive() {
        let dir = tempfile::tempdir().unwrap();
        let before = current(
            dir.path(),
            "terminal_id = \"B7\"\n[printer]\ncheck_status = false\n",
        );
        let mut form = PrinterForm::load(&before);
        assert_eq!(
            form,
            PrinterForm {
                kind: "none".into(),
                address: String::new(),
                width_mm: 80,
                drawer_pin: None,
                auto_print: true,
                customer_monitor: "auto".into(),
            }
        );
        form.kind = "network".into();
        form.address = " 192.168.1.50:9100 ".into();
        form.width_mm = 58;
        form.drawer_pin = Some(5);
        form.auto_print = false;
        form.customer_monitor = "2".into();
        let saved = form.save(&before).unwrap();
        assert_eq!(saved.terminal_id, "B7");
        assert!(!saved.printer.check_status, "a key the form does not show");
        assert_eq!(
            saved.printer.connection,
            Connection::Network {
                address: "192.168.1.50:9100".into()
            }
        );
        assert_eq!(saved.customer_monitor, DisplayMonitor::Number(2));
        let again = PrinterForm::load(&saved);
        assert_eq!(
            again,
            PrinterForm {
                address: "192.168.1.50:9100".into(),
                ..form.clone()
            }
        );
        // A serial port and no drawer, back to auto.
        form.kind = "serial".into();
        form.address = "/dev/ttyUSB0@19200".into();
        form.drawer_pin = None;
        form.customer_monitor = "auto".into();
        let saved = form.save(&saved).unwrap();
        assert_eq!(PrinterForm::load(&saved), form);
    }

    #[test]
    fn every_bad_setting_is_named_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = "terminal_id = \"B7\"\n";
        let before = current(dir.path(), file);
        let form = PrinterForm {
            kind: "network".into(),
            address: "192.168.1.50:99999".into(),
            width_mm: 76,
            drawer_pin: Some(3),
            auto_print: true,
            customer_monitor: "second".into(),
        };
        let Err(CoreError::SettingsInvalid { errors }) = form.save(&before) else {
            panic!("a bad form was saved");
        };
        let named: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("printer.address", INVALID),
                ("printer.width_mm", INVALID),
                ("printer.drawer_pin", INVALID),
                ("customer_display.monitor", INVALID),
            ]
        );
        assert!(errors[0].message.contains("port \"99999\""), "{errors:?}");
        let unknown = PrinterForm {
            kind: "bluetooth".into(),
            ..PrinterForm::load(&before)
        };
        assert_eq!(unknown.validate()[0].field, "printer.kind");
        let file_now = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
        assert_eq!(file_now, file);
    }

    #[test]
    fn found_devices_are_offered_as_the_form_takes_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("usb")).unwrap();
        std::fs::write(dir.path().join("usb/lp0"), b"").unwrap();
        std::fs::write(dir.path().join("ttyUSB0"), b"").unwrap();
        let found = found_printers(dir.path());
        let d = dir.path().display();
        assert_eq!(
            found,
            [
                FoundPrinter {
                    kind: "device".into(),
                    address: format!("{d}/usb/lp0"),
                },
                FoundPrinter {
                    kind: "serial".into(),
                    address: format!("{d}/ttyUSB0@9600"),
                },
            ]
        );
        assert!(found_printers(&dir.path().join("missing")).is_empty());
    }
}
