//! The few ESC/POS commands a receipt needs, and the real-time status replies (`DLE EOT n`)
//! parsed into typed statuses. Byte values follow Epson's ESC/POS command reference, which
//! the cheap printers sold in Cambodia clone.

use std::fmt;

use crate::bitmap::Bitmap;
use crate::error::PrintError;

/// `ESC @`: reset the printer to its defaults (clears a half-received job).
pub const INIT: [u8; 2] = [0x1B, 0x40];
/// `GS V 66 0`: feed to the cutter and cut (partial where the printer has one).
pub const FEED_AND_CUT: [u8; 4] = [0x1D, 0x56, 0x42, 0x00];

/// Which drawer-kick connector pin fires (`ESC p m`): most drawers use pin 2, a second
/// drawer is wired to pin 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum DrawerPin {
    Pin2,
    Pin5,
}

/// `ESC p m t1 t2`: a 50 ms pulse on `pin`, then 500 ms off (units of 2 ms), long enough
/// for every solenoid we know of without overheating it.
pub fn drawer_kick(pin: DrawerPin) -> [u8; 5] {
    let m = match pin {
        DrawerPin::Pin2 => 0,
        DrawerPin::Pin5 => 1,
    };
    [0x1B, 0x70, m, 25, 250]
}

/// `GS v 0` commands for `bitmap`, `band_rows` rows each, so a printer with a small receive
/// buffer prints one band before the next arrives.
pub fn raster_bands(bitmap: &Bitmap, band_rows: usize) -> Result<Vec<Vec<u8>>, PrintError> {
    if !(1..=1024).contains(&band_rows) {
        return Err(PrintError::BandRows { rows: band_rows });
    }
    let row_bytes = bitmap.row_bytes();
    let bad_size = || PrintError::BitmapSize {
        width: bitmap.width(),
        height: bitmap.height(),
    };
    let [xl, xh] = u16::try_from(row_bytes)
        .map_err(|_| bad_size())?
        .to_le_bytes();
    if row_bytes == 0 {
        return Err(bad_size());
    }
    Ok(bitmap
        .data()
        .chunks(row_bytes * band_rows)
        .map(|band| {
            // band_rows <= 1024, so the row count fits two bytes.
            let [yl, yh] = u16::try_from(band.len() / row_bytes)
                .unwrap_or(u16::MAX)
                .to_le_bytes();
            let mut cmd = Vec::with_capacity(8 + band.len());
            cmd.extend_from_slice(&[0x1D, 0x76, 0x30, 0x00, xl, xh, yl, yh]);
            cmd.extend_from_slice(band);
            cmd
        })
        .collect())
}

/// The real-time status a `DLE EOT n` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusQuery {
    /// n = 1: online/offline, drawer sensor.
    Printer,
    /// n = 2: why the printer is offline (cover, paper end, error).
    OfflineCause,
    /// n = 4: the roll paper sensors.
    Paper,
}

impl StatusQuery {
    /// The three bytes that ask for it.
    pub fn command(self) -> [u8; 3] {
        let n = match self {
            StatusQuery::Printer => 1,
            StatusQuery::OfflineCause => 2,
            StatusQuery::Paper => 4,
        };
        [0x10, 0x04, n]
    }
}

/// What is wrong with a printer that cannot print now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    PaperOut,
    CoverOpen,
    /// Offline for another reason (an error such as a cutter jam, or waiting for recovery).
    Offline,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fault::PaperOut => "paper out",
            Fault::CoverOpen => "cover open",
            Fault::Offline => "offline",
        })
    }
}

/// The printer's condition from its three status replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Status {
    pub online: bool,
    pub cover_open: bool,
    pub paper_out: bool,
    pub paper_near_end: bool,
    /// An error stopped the printer (cutter, head temperature…).
    pub error: bool,
    /// The drawer sensor (connector pin 3) reads high; which level means "open" depends
    /// on the drawer.
    pub drawer_pin3_high: bool,
}

/// Every status reply has bits 1 and 4 set and bits 0 and 7 clear; anything else is noise
/// (another reply, a wrong baud rate, a non-ESC/POS device).
fn checked(query: StatusQuery, byte: u8) -> Result<u8, PrintError> {
    if byte & 0x93 == 0x12 {
        Ok(byte)
    } else {
        Err(PrintError::BadStatusByte { query, byte })
    }
}

impl Status {
    /// Reads the replies to `DLE EOT 1`, `2` and `4`.
    pub fn parse(printer: u8, offline_cause: u8, paper: u8) -> Result<Status, PrintError> {
        let printer = checked(StatusQuery::Printer, printer)?;
        let cause = checked(StatusQuery::OfflineCause, offline_cause)?;
        let paper = checked(StatusQuery::Paper, paper)?;
        Ok(Status {
            online: printer & 0x08 == 0,
            drawer_pin3_high: printer & 0x04 != 0,
            cover_open: cause & 0x04 != 0,
            // Paper end stops printing (cause bit 5) or the end sensor sees no paper.
            paper_out: cause & 0x20 != 0 || paper & 0x60 != 0,
            paper_near_end: paper & 0x0C != 0,
            error: cause & 0x40 != 0,
        })
    }

    /// Why this printer cannot print now, if it cannot; the most actionable reason first.
    pub fn fault(&self) -> Option<Fault> {
        if self.paper_out {
            Some(Fault::PaperOut)
        } else if self.cover_open {
            Some(Fault::CoverOpen)
        } else if !self.online || self.error {
            Some(Fault::Offline)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ready_printer_reports_no_fault() {
        let s = Status::parse(0x12, 0x12, 0x12).unwrap();
        assert_eq!(s.fault(), None);
        assert!(s.online && !s.paper_near_end && !s.drawer_pin3_high);
    }

    #[test]
    fn paper_out_is_reported_before_offline() {
        let s = Status::parse(0x1A, 0x32, 0x7E).unwrap();
        assert!(s.paper_out && s.paper_near_end && !s.online);
        assert_eq!(s.fault(), Some(Fault::PaperOut));
    }

    #[test]
    fn cover_open_and_other_errors() {
        assert_eq!(
            Status::parse(0x1A, 0x16, 0x12).unwrap().fault(),
            Some(Fault::CoverOpen)
        );
        assert_eq!(
            Status::parse(0x1A, 0x52, 0x12).unwrap().fault(),
            Some(Fault::Offline)
        );
        let near = Status::parse(0x16, 0x12, 0x1E).unwrap();
        assert_eq!(near.fault(), None);
        assert!(near.paper_near_end && near.drawer_pin3_high);
    }

    #[test]
    fn every_byte_outside_the_fixed_bits_is_a_typed_error() {
        for byte in 0..=255u8 {
            let parsed = Status::parse(byte, 0x12, 0x12);
            if byte & 0x93 == 0x12 {
                assert!(parsed.is_ok());
            } else {
                assert!(matches!(
                    parsed,
                    Err(PrintError::BadStatusByte { query: StatusQuery::Printer, byte: b }) if b == byte
                ));
            }
        }
        assert!(matches!(
            Status::parse(0x12, 0x12, 0xFF),
            Err(PrintError::BadStatusByte {
                query: StatusQuery::Paper,
                ..
            })
        ));
    }

    #[test]
    fn raster_is_split_into_bands_with_their_own_headers() {
        let mut b = Bitmap::new(16, 5);
        b.set(0, 4);
        let bands = raster_bands(&b, 2).unwrap();
        assert_eq!(bands.len(), 3);
        assert_eq!(&bands[0][..8], &[0x1D, 0x76, 0x30, 0, 2, 0, 2, 0]);
        assert_eq!(&bands[2][..], &[0x1D, 0x76, 0x30, 0, 2, 0, 1, 0, 0x80, 0]);
        assert!(matches!(
            raster_bands(&b, 0),
            Err(PrintError::BandRows { rows: 0 })
        ));
        assert!(matches!(
            raster_bands(&b, 5000),
            Err(PrintError::BandRows { .. })
        ));
    }

    #[test]
    fn drawer_kick_selects_the_pin() {
        assert_eq!(drawer_kick(DrawerPin::Pin2), [0x1B, 0x70, 0, 25, 250]);
        assert_eq!(drawer_kick(DrawerPin::Pin5)[2], 1);
    }
}
