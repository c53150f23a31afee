//! A printer behind a transport: status first, then the job, so a printer that is out of
//! paper or offline is reported before any byte of a receipt is sent (the caller keeps the
//! receipt unprinted instead of half-printed).

use crate::bitmap::Bitmap;
use crate::error::PrintError;
use crate::escpos::{self, DrawerPin, Status, StatusQuery};
use crate::transport::Transport;

/// How a job is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobOptions {
    /// Rows per `GS v 0` band: 24 fits the 4 KB buffers of the cheapest printers at 80 mm.
    pub band_rows: usize,
    /// Cut after the image.
    pub cut: bool,
    /// Kick this drawer after printing (a cash sale).
    pub drawer: Option<DrawerPin>,
    /// Ask for the status before printing. Off for printers that never answer (many cheap
    /// USB models behind `usblp`), which then print blind.
    pub check_status: bool,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            band_rows: 24,
            cut: true,
            drawer: None,
            check_status: true,
        }
    }
}

/// One printer.
#[derive(Debug)]
pub struct Printer<T> {
    transport: T,
}

impl<T: Transport> Printer<T> {
    pub fn new(transport: T) -> Printer<T> {
        Printer { transport }
    }

    /// Asks for the three real-time statuses, one at a time: some printers drop a query
    /// that arrives while they are still answering the previous one.
    pub fn status(&mut self) -> Result<Status, PrintError> {
        let mut replies = [0u8; 3];
        for (reply, query) in replies.iter_mut().zip([
            StatusQuery::Printer,
            StatusQuery::OfflineCause,
            StatusQuery::Paper,
        ]) {
            self.transport.send(&query.command())?;
            let mut byte = [0u8; 1];
            self.transport.receive(&mut byte)?;
            *reply = byte[0];
        }
        let [printer, cause, paper] = replies;
        Status::parse(printer, cause, paper)
    }

    /// Checks the status (unless told not to), then prints `bitmap` band by band; a fault
    /// is [`PrintError::NotReady`] and nothing is printed. Returns the status it read.
    pub fn print(
        &mut self,
        bitmap: &Bitmap,
        options: JobOptions,
    ) -> Result<Option<Status>, PrintError> {
        let status = if options.check_status {
            let status = self.status()?;
            if let Some(fault) = status.fault() {
                return Err(PrintError::NotReady { fault });
            }
            Some(status)
        } else {
            None
        };
        let bands = escpos::raster_bands(bitmap, options.band_rows)?;
        self.transport.send(&escpos::INIT)?;
        for band in bands {
            self.transport.send(&band)?;
        }
        if options.cut {
            self.transport.send(&escpos::FEED_AND_CUT)?;
        }
        if let Some(pin) = options.drawer {
            self.transport.send(&escpos::drawer_kick(pin))?;
        }
        Ok(status)
    }

    /// Opens the cash drawer wired to `pin` (the owner's "open drawer", no receipt).
    pub fn kick_drawer(&mut self, pin: DrawerPin) -> Result<(), PrintError> {
        self.transport.send(&escpos::drawer_kick(pin))
    }

    /// The transport back, e.g. to close it.
    pub fn into_inner(self) -> T {
        self.transport
    }
}
