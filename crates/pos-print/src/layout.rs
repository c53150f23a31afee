//! The receipt as a picture: a pure function from a [`ReceiptDoc`] to a [`Bitmap`] the
//! width of the paper. Labels are bilingual, Khmer first with the English beside it; the
//! caller formats the date and time in the shop's zone, so this module has no clock.

use pos_domain::text::check_chars;
use pos_domain::{Currency, Money};
use qrcode::{Color, EcLevel, QrCode};

use crate::bitmap::{Bitmap, PaperWidth};
use crate::error::PrintError;
use crate::text::{Fonts, Line, Style, Weight};

/// How a sale was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paid {
    /// Through KHQR: the payer's name or account as Bakong reports it, and the short hash
    /// of the transaction that the shop can look up.
    Khqr {
        payer: Option<String>,
        short_hash: String,
    },
    /// In cash: what was handed over and the change given, per currency; a split sale's
    /// KHQR part (the rest) too.
    Cash {
        tendered: Vec<Money>,
        change: Vec<Money>,
        khqr: Option<Money>,
    },
}

/// Everything printed on a receipt, or on a KHQR slip before payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptDoc {
    pub shop: String,
    pub bill: String,
    /// The gap-free receipt number; `None` on a slip printed before payment.
    pub receipt: Option<String>,
    /// Date and time in the shop's zone, already formatted.
    pub issued_at: String,
    pub amount: Money,
    /// The sale's frozen rate: a dollar amount is shown with its riel equivalent.
    pub riel_per_usd: Option<i64>,
    pub paid: Option<Paid>,
    /// A reprint: marked "ច្បាប់ចម្លង / COPY" at the top and the bottom.
    pub copy: bool,
    /// The KHQR string to print as a QR for the customer to scan (a slip).
    pub khqr: Option<String>,
}

const MARGIN: usize = 4;
const TITLE: Style = Style {
    px: 34,
    weight: Weight::Bold,
};
const BODY: Style = Style {
    px: 24,
    weight: Weight::Regular,
};
const BODY_BOLD: Style = Style {
    px: 24,
    weight: Weight::Bold,
};
const TOTAL: Style = Style {
    px: 44,
    weight: Weight::Bold,
};
/// Dots between a label and its value on one line.
const GAP: usize = 12;
/// Dots per QR module: 4 is 0.5 mm at 203 dpi, which phone cameras read at arm's length.
const QR_MIN_MODULE: usize = 3;
const QR_QUIET: usize = 4;

fn code(currency: Currency) -> &'static str {
    match currency {
        Currency::Khr => "KHR",
        Currency::Usd => "USD",
    }
}

fn money(m: Money) -> String {
    format!("{m} {}", code(m.currency))
}

struct Canvas<'f> {
    fonts: &'f Fonts,
    bitmap: Bitmap,
    y: usize,
}

enum Align {
    Left,
    Center,
    Right,
}

impl Canvas<'_> {
    fn inner(&self) -> usize {
        self.bitmap.width() - 2 * MARGIN
    }

    fn put(&mut self, line: &Line, align: Align) {
        let free = self.inner().saturating_sub(line.dots());
        let x = MARGIN
            + match align {
                Align::Left => 0,
                Align::Center => free / 2,
                Align::Right => free,
            };
        self.bitmap.grow_to(self.y + line.height());
        self.fonts.draw(line, &mut self.bitmap, x, self.y);
        self.y += line.height();
    }

    fn text(&mut self, text: &str, style: Style, align: Align) {
        for line in self.fonts.wrap(text, style, self.inner()) {
            self.put(
                &line,
                match align {
                    Align::Left => Align::Left,
                    Align::Center => Align::Center,
                    Align::Right => Align::Right,
                },
            );
        }
    }

    /// A label on the left and its value on the right, or the value on its own line,
    /// right-aligned, when both do not fit.
    fn row(&mut self, label: &str, value: &str, style: Style) {
        let l = self.fonts.shape(label, style);
        let v = self.fonts.shape(value, style);
        if l.dots() + v.dots() + GAP <= self.inner() {
            let top = self.y;
            self.bitmap.grow_to(top + l.height());
            self.fonts.draw(&l, &mut self.bitmap, MARGIN, top);
            let x = MARGIN + self.inner() - v.dots();
            self.fonts.draw(&v, &mut self.bitmap, x, top);
            self.y += l.height();
        } else {
            self.text(label, style, Align::Left);
            self.text(value, style, Align::Right);
        }
    }

    fn space(&mut self, dots: usize) {
        self.y += dots;
        self.bitmap.grow_to(self.y);
    }

    /// A dashed rule, as on paper receipts.
    fn rule(&mut self) {
        self.space(8);
        let width = self.inner();
        for x in (0..width).step_by(12) {
            self.bitmap.fill(MARGIN + x, self.y, 8.min(width - x), 2);
        }
        self.space(10);
    }

    /// White bold text on a black band, for the COPY mark a cashier must not miss.
    fn banner(&mut self, text: &str) {
        let top = self.y;
        self.space(6);
        self.text(text, BODY_BOLD, Align::Center);
        self.space(6);
        let width = self.bitmap.width();
        self.bitmap.invert(0, top, width, self.y - top);
        self.space(6);
    }

    fn qr(&mut self, khqr: &str) -> Result<(), PrintError> {
        let code =
            QrCode::with_error_correction_level(khqr.as_bytes(), EcLevel::H).map_err(|e| {
                PrintError::Qr {
                    reason: e.to_string(),
                }
            })?;
        let modules = code.width();
        let side = modules + 2 * QR_QUIET;
        // As large as fits 80 % of the paper, so the slip keeps white space for a fold.
        let module = (self.inner() * 4 / 5 / side).min(8);
        if module < QR_MIN_MODULE {
            return Err(PrintError::Qr {
                reason: format!("{modules} modules need more than {} dots", self.inner()),
            });
        }
        let left = MARGIN + (self.inner() - side * module) / 2 + QR_QUIET * module;
        let top = self.y + QR_QUIET * module;
        for (i, color) in code.to_colors().into_iter().enumerate() {
            if color == Color::Dark {
                let (x, y) = (i % modules, i / modules);
                self.bitmap
                    .fill(left + x * module, top + y * module, module, module);
            }
        }
        self.space(side * module);
        Ok(())
    }
}

fn check(doc: &ReceiptDoc) -> Result<(), PrintError> {
    check_chars("shop", &doc.shop)?;
    check_chars("bill", &doc.bill)?;
    check_chars("issued_at", &doc.issued_at)?;
    if let Some(receipt) = &doc.receipt {
        check_chars("receipt", receipt)?;
    }
    if let Some(khqr) = &doc.khqr {
        check_chars("khqr", khqr)?;
    }
    if let Some(Paid::Khqr { payer, short_hash }) = &doc.paid {
        check_chars("short_hash", short_hash)?;
        if let Some(payer) = payer {
            check_chars("payer", payer)?;
        }
    }
    match doc.riel_per_usd {
        Some(r) if r <= 0 => Err(PrintError::BadRate { riel_per_usd: r }),
        _ => Ok(()),
    }
}

/// Lays out `doc` on paper of `width`.
pub fn render(doc: &ReceiptDoc, width: PaperWidth) -> Result<Bitmap, PrintError> {
    check(doc)?;
    let fonts = Fonts::load()?;
    let mut c = Canvas {
        fonts: &fonts,
        bitmap: Bitmap::new(width.dots(), 0),
        y: 0,
    };
    if doc.copy {
        c.banner("ច្បាប់ចម្លង / COPY");
    }
    c.text(&doc.shop, TITLE, Align::Center);
    let kind = if doc.receipt.is_some() {
        "បង្កាន់ដៃ / Receipt"
    } else {
        "ស្កេនដើម្បីបង់ប្រាក់ / Scan to pay"
    };
    c.text(kind, BODY, Align::Center);
    c.rule();
    if let Some(receipt) = &doc.receipt {
        c.row("លេខបង្កាន់ដៃ / Receipt", receipt, BODY);
    }
    c.row("វិក្កយបត្រ / Bill", &doc.bill, BODY);
    c.row("កាលបរិច្ឆេទ / Date", &doc.issued_at, BODY);
    c.rule();
    c.text("សរុប / Total", BODY_BOLD, Align::Left);
    c.text(&money(doc.amount), TOTAL, Align::Right);
    if let (Currency::Usd, Some(rate)) = (doc.amount.currency, doc.riel_per_usd) {
        let riel = doc
            .amount
            .to_khr(rate)
            .ok_or_else(|| PrintError::RielOverflow {
                amount: money(doc.amount),
                riel_per_usd: rate,
            })?;
        c.row("ជាប្រាក់រៀល / In riel", &money(riel), BODY);
        let rate = Money::new(rate, Currency::Khr);
        c.row("អត្រា / Rate", &format!("1 USD = {}", money(rate)), BODY);
    }
    match &doc.paid {
        Some(Paid::Khqr { payer, short_hash }) => {
            c.rule();
            c.row("បង់តាម / Paid with", "KHQR", BODY);
            if let Some(payer) = payer {
                c.row("អ្នកបង់ / Payer", payer, BODY);
            }
            c.row("លេខយោង / Ref", short_hash, BODY);
        }
        Some(Paid::Cash {
            tendered,
            change,
            khqr,
        }) => {
            c.rule();
            c.row("បង់តាម / Paid with", "សាច់ប្រាក់ / Cash", BODY);
            for m in tendered {
                c.row("ប្រាក់ទទួល / Received", &money(*m), BODY);
            }
            if let Some(m) = khqr {
                c.row("KHQR", &money(*m), BODY);
            }
            for m in change {
                c.row("ប្រាក់អាប់ / Change", &money(*m), BODY);
            }
        }
        None => {}
    }
    if let Some(khqr) = &doc.khqr {
        c.rule();
        c.text("KHQR", BODY_BOLD, Align::Center);
        c.qr(khqr)?;
    }
    c.rule();
    c.text("សូមអរគុណ / Thank you", BODY, Align::Center);
    if doc.copy {
        c.space(8);
        c.banner("ច្បាប់ចម្លង / COPY");
    }
    // Blank paper below the last line so the cutter does not clip it.
    c.space(24);
    Ok(c.bitmap)
}

/// One line of a printed report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportLine {
    /// A bold heading on its own line.
    Heading(String),
    /// A label on the left and its value on the right.
    Row { label: String, value: String },
    /// A dashed rule.
    Rule,
}

/// A report on paper (a Z report, a day's takings): the shop, a title, a subtitle line
/// (terminal, date), then its lines. The caller words the labels, bilingually.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDoc {
    pub shop: String,
    pub title: String,
    pub subtitle: String,
    pub lines: Vec<ReportLine>,
}

/// Lays out `doc` on paper of `width`.
pub fn render_report(doc: &ReportDoc, width: PaperWidth) -> Result<Bitmap, PrintError> {
    check_chars("shop", &doc.shop)?;
    check_chars("title", &doc.title)?;
    check_chars("subtitle", &doc.subtitle)?;
    for line in &doc.lines {
        match line {
            ReportLine::Heading(text) => check_chars("heading", text)?,
            ReportLine::Row { label, value } => {
                check_chars("label", label)?;
                check_chars("value", value)?;
            }
            ReportLine::Rule => {}
        }
    }
    let fonts = Fonts::load()?;
    let mut c = Canvas {
        fonts: &fonts,
        bitmap: Bitmap::new(width.dots(), 0),
        y: 0,
    };
    c.text(&doc.shop, TITLE, Align::Center);
    c.text(&doc.title, BODY_BOLD, Align::Center);
    c.text(&doc.subtitle, BODY, Align::Center);
    c.rule();
    for line in &doc.lines {
        match line {
            ReportLine::Heading(text) => {
                c.space(6);
                c.text(text, BODY_BOLD, Align::Left);
            }
            ReportLine::Row { label, value } => c.row(label, value, BODY),
            ReportLine::Rule => c.rule(),
        }
    }
    c.rule();
    c.space(24);
    Ok(c.bitmap)
}

#[cfg(test)]
#[path = "../tests/common/receipt.rs"]
mod receipt;

#[cfg(test)]
mod tests {
    use super::receipt::usd_receipt;
    use super::*;

    #[test]
    fn receipts_fill_the_paper_width_and_print_something() {
        for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let b = render(&usd_receipt(), width).unwrap();
            assert_eq!(b.width(), width.dots());
            assert!(b.height() > 300);
            assert!(b.data().iter().any(|&byte| byte != 0));
        }
    }

    #[test]
    fn a_report_prints_its_lines_and_refuses_bad_text() {
        let doc = ReportDoc {
            shop: "Sokha Coffee".into(),
            title: "របាយការណ៍ Z / Z report".into(),
            subtitle: "T1 #1".into(),
            lines: vec![
                ReportLine::Heading("សាច់ប្រាក់ / Cash".into()),
                ReportLine::Row {
                    label: "រំពឹង / Expected".into(),
                    value: "10,000 KHR".into(),
                },
                ReportLine::Rule,
            ],
        };
        let short = render_report(
            &ReportDoc {
                lines: vec![],
                ..doc.clone()
            },
            PaperWidth::Mm80,
        )
        .unwrap();
        let full = render_report(&doc, PaperWidth::Mm80).unwrap();
        assert_eq!(full.width(), 576);
        assert!(full.height() > short.height() + 40);
        let bad = ReportDoc {
            lines: vec![ReportLine::Heading("x\u{7}".into())],
            ..doc
        };
        assert!(matches!(
            render_report(&bad, PaperWidth::Mm58),
            Err(PrintError::Text(_))
        ));
    }

    #[test]
    fn a_split_sale_shows_its_khqr_part_beside_the_cash() {
        let cash = |khqr| ReceiptDoc {
            paid: Some(Paid::Cash {
                tendered: vec![Money::new(200, Currency::Usd)],
                change: vec![],
                khqr,
            }),
            ..usd_receipt()
        };
        let only_cash = render(&cash(None), PaperWidth::Mm80).unwrap();
        let split = render(
            &cash(Some(Money::new(1050, Currency::Usd))),
            PaperWidth::Mm80,
        )
        .unwrap();
        assert!(split.height() > only_cash.height() + 20);
    }

    #[test]
    fn a_copy_is_taller_by_its_two_banners() {
        let original = render(&usd_receipt(), PaperWidth::Mm58).unwrap();
        let copy = render(
            &ReceiptDoc {
                copy: true,
                ..usd_receipt()
            },
            PaperWidth::Mm58,
        )
        .unwrap();
        assert!(copy.height() > original.height() + 60);
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let bidi = ReceiptDoc {
            shop: "Shop\u{202E}".into(),
            ..usd_receipt()
        };
        assert!(matches!(
            render(&bidi, PaperWidth::Mm58),
            Err(PrintError::Text(_))
        ));
        let rate = ReceiptDoc {
            riel_per_usd: Some(0),
            ..usd_receipt()
        };
        assert!(matches!(
            render(&rate, PaperWidth::Mm58),
            Err(PrintError::BadRate { riel_per_usd: 0 })
        ));
        let huge = ReceiptDoc {
            amount: Money::new(i64::MAX, Currency::Usd),
            ..usd_receipt()
        };
        assert!(matches!(
            render(&huge, PaperWidth::Mm58),
            Err(PrintError::RielOverflow { .. })
        ));
        let qr = ReceiptDoc {
            khqr: Some("x".repeat(2000)),
            ..usd_receipt()
        };
        assert!(matches!(
            render(&qr, PaperWidth::Mm58),
            Err(PrintError::Qr { .. })
        ));
    }
}
