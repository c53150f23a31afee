//! What owners read: days in the shop's time zone, the filtered sale list, totals per currency
//! and status, and the CSV export.

use std::borrow::Cow;
use std::io::Write;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use pos_domain::{Currency, Money, SaleStatus};
use rusqlite::types::Value;

use crate::sale_row::{sale_from_row, SALE_COLUMNS, SALE_FROM};
use crate::{Query, Range, Refund, RefundTender, Result, Sale, Store, StoreError, Total};

/// The shop time zone unless configured otherwise.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Phnom_Penh;

/// UTF-8 byte order mark written before the CSV header.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The calendar day in `tz` that the instant `at_ms` falls on (instants outside chrono's range,
/// which no clock produces, count as 1970-01-01).
pub fn shop_day(at_ms: i64, tz: Tz) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive()
}

/// The instant `date` starts in `tz`.
fn start_of(date: NaiveDate, tz: Tz) -> Result<i64> {
    tz.from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .map(|start| start.timestamp_millis())
        .ok_or_else(|| StoreError::NoMidnight {
            date,
            time_zone: tz.name().to_owned(),
        })
}

/// The range from the start of `from` to the end of `to` (both included) in `tz`.
pub fn days_range(from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Range> {
    let after = to.succ_opt().ok_or_else(|| StoreError::NoMidnight {
        date: to,
        time_zone: tz.name().to_owned(),
    })?;
    Ok(Range {
        from_ms: start_of(from, tz)?,
        to_ms: start_of(after, tz)?,
    })
}

/// The range covering `date` in `tz`.
pub fn day_range(date: NaiveDate, tz: Tz) -> Result<Range> {
    days_range(date, date, tz)
}

/// Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The WHERE clause (possibly empty) and its parameters for `query`.
fn filter(query: &Query) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if let Some(range) = query.range {
        clauses.push("s.created_ms >= ? AND s.created_ms < ?".to_owned());
        params.extend([Value::Integer(range.from_ms), Value::Integer(range.to_ms)]);
    }
    if let Some(status) = query.status {
        clauses.push("s.status = ?".to_owned());
        params.push(Value::Text(status.as_str().to_owned()));
    }
    if let Some(text) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let escaped = like_escaped(text);
        let mut any = vec![
            "s.bill_number LIKE ? ESCAPE '\\'".to_owned(),
            "s.md5 LIKE ? ESCAPE '\\'".to_owned(),
            "s.bakong_hash LIKE ? ESCAPE '\\'".to_owned(),
        ];
        params.push(Value::Text(format!("%{escaped}%")));
        params.push(Value::Text(format!("{escaped}%")));
        params.push(Value::Text(format!("{escaped}%")));
        for currency in Currency::ALL {
            if let Ok(amount) = Money::parse_cashier(text, currency, None) {
                any.push("(s.currency = ? AND s.amount_minor = ?)".to_owned());
                params.push(Value::Text(currency.alpha().to_owned()));
                params.push(Value::Integer(amount.minor));
            }
        }
        clauses.push(format!("({})", any.join(" OR ")));
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (sql, params)
}

/// Local wall-clock text a spreadsheet reads as a date and time.
fn local_time(at_ms: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Text that a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) gets a leading
/// apostrophe: a cashier's note or a payer name must never execute in the owner's spreadsheet.
fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The CSV header, in the order [`csv_record`] and [`refund_record`] write fields.
const CSV_HEADER: [&str; 24] = [
    "receipt",
    "sale_id",
    "bill_number",
    "terminal",
    "created",
    "status",
    "amount",
    "currency",
    "riel_per_usd",
    "note",
    "md5",
    "bakong_hash",
    "payer_account",
    "payee_account",
    "paid_amount",
    "paid_currency",
    "paid_at",
    "expires",
    "accepted_ref",
    "tender",
    "shift",
    "cashier",
    "refund_number",
    "bank_reference",
];

/// Who did it, as reports name them: a cashier's name, or `owner`.
fn actor_name(counter: Option<&crate::SaleCounter>) -> String {
    counter
        .map(|c| c.cashier_name.clone().unwrap_or_else(|| "owner".to_owned()))
        .unwrap_or_default()
}

/// One sale as CSV fields; amounts as plain decimal text, times in the shop's time zone.
fn csv_record(sale: &Sale, tz: Tz) -> [String; 24] {
    let payment = sale.payment.as_ref();
    let text = |t: Option<&String>| {
        t.map(|t| spreadsheet_safe(t).into_owned())
            .unwrap_or_default()
    };
    [
        sale.receipt_number
            .map(|n| n.to_string())
            .unwrap_or_default(),
        sale.id.to_string(),
        spreadsheet_safe(&sale.bill_number).into_owned(),
        spreadsheet_safe(&sale.terminal_id).into_owned(),
        local_time(sale.created_ms, tz),
        sale.status.as_str().to_owned(),
        sale.amount.plain(),
        sale.amount.currency.alpha().to_owned(),
        sale.riel_per_usd.map(|r| r.to_string()).unwrap_or_default(),
        text(sale.note.as_ref()),
        sale.md5.clone(),
        payment.map(|p| p.hash.clone()).unwrap_or_default(),
        text(payment.and_then(|p| p.payer_account.as_ref())),
        text(payment.and_then(|p| p.payee_account.as_ref())),
        payment.map(|p| p.amount.plain()).unwrap_or_default(),
        payment
            .map(|p| p.amount.currency.alpha().to_owned())
            .unwrap_or_default(),
        payment
            .and_then(|p| p.created_ms)
            .map(|ms| local_time(ms, tz))
            .unwrap_or_default(),
        local_time(sale.expires_ms, tz),
        text(sale.accepted_ref.as_ref()),
        sale.tender().as_str().to_owned(),
        sale.counter
            .as_ref()
            .map(|c| c.shift.to_string())
            .unwrap_or_default(),
        spreadsheet_safe(&actor_name(sale.counter.as_ref())).into_owned(),
        String::new(),
        String::new(),
    ]
}

/// A refund as its own CSV line under the sale it refunds: the original receipt and sale,
/// status `refund`, the amount negative, the reason in the note, when it was issued in
/// `created`, and how it was paid back (`cash` or `bank` with its reference).
fn refund_record(refund: &Refund, sale: &Sale, tz: Tz) -> [String; 24] {
    let (tender, reference) = match &refund.tender {
        RefundTender::Cash => ("cash", String::new()),
        RefundTender::Bank { reference } => ("bank", spreadsheet_safe(reference).into_owned()),
    };
    let mut row: [String; 24] = Default::default();
    row[0] = refund.receipt_number.to_string();
    row[1] = sale.id.to_string();
    row[2] = spreadsheet_safe(&sale.bill_number).into_owned();
    row[3] = spreadsheet_safe(&refund.terminal_id).into_owned();
    row[4] = local_time(refund.issued_ms, tz);
    row[5] = "refund".to_owned();
    row[6] = Money::new(-refund.amount.minor, refund.amount.currency).plain();
    row[7] = refund.amount.currency.alpha().to_owned();
    row[8] = sale.riel_per_usd.map(|r| r.to_string()).unwrap_or_default();
    row[9] = refund
        .reason
        .as_deref()
        .map(|r| spreadsheet_safe(r).into_owned())
        .unwrap_or_default();
    row[19] = tender.to_owned();
    row[20] = refund.shift.map(|s| s.to_string()).unwrap_or_default();
    row[21] = match refund.by {
        crate::Actor::Owner => "owner".to_owned(),
        crate::Actor::Cashier(id) => format!("cashier {id}"),
    };
    row[22] = refund.number.to_string();
    row[23] = reference;
    row
}

impl Store {
    /// Calls `each` with every sale matching `query`, oldest first, without holding them all.
    fn for_each_sale(&self, query: &Query, mut each: impl FnMut(Sale) -> Result<()>) -> Result<()> {
        let (filter, mut params) = filter(query);
        let mut sql =
            format!("SELECT {SALE_COLUMNS} {SALE_FROM} {filter} ORDER BY s.created_ms, s.id");
        if let Some(limit) = query.limit {
            sql.push_str(" LIMIT ?");
            params.push(Value::Integer(i64::from(limit)));
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), sale_from_row)?;
        for sale in rows {
            each(sale?)?;
        }
        Ok(())
    }

    /// The sales matching `query`, oldest first.
    pub fn sales(&self, query: &Query) -> Result<Vec<Sale>> {
        let mut sales = Vec::new();
        self.for_each_sale(query, |sale| {
            sales.push(sale);
            Ok(())
        })?;
        Ok(sales)
    }

    /// The refunds issued in `range`, oldest first, each with the sale it refunds.
    pub fn refunds_in(&self, range: Range) -> Result<Vec<(Refund, Sale)>> {
        self.refunds()?
            .into_iter()
            .filter(|r| r.issued_ms >= range.from_ms && r.issued_ms < range.to_ms)
            .map(|r| {
                let sale = self.sale_by_receipt(&r.receipt_terminal_id, r.receipt_number)?;
                Ok((r, sale))
            })
            .collect::<Result<Vec<_>>>()
            .map(|mut all| {
                all.sort_by_key(|(r, _)| (r.issued_ms, r.number));
                all
            })
    }

    /// Count and sum of the asked amounts of the sales created in `range`, per currency and
    /// status (KHR before USD, statuses in [`SaleStatus::ALL`] order). Only `paid` counts as
    /// takings; the other rows are there so nothing odd goes unseen.
    pub fn totals(&self, range: Range) -> Result<Vec<Total>> {
        let mut stmt = self.conn.prepare(
            "SELECT currency, status, COUNT(*), SUM(amount_minor) FROM sales \
             WHERE created_ms >= ?1 AND created_ms < ?2 GROUP BY currency, status",
        )?;
        let mut totals = stmt
            .query_map([range.from_ms, range.to_ms], |row| {
                let text: String = row.get(0)?;
                let status: String = row.get(1)?;
                Ok((text, status, row.get::<_, i64>(2)?, row.get::<_, i64>(3)?))
            })?
            .map(|row| {
                let (currency, status, count, sum) = row?;
                let currency: Currency = currency.parse().map_err(|_| StoreError::Corrupt {
                    column: "currency",
                    value: currency.clone(),
                })?;
                let status: SaleStatus = status.parse().map_err(|_| StoreError::Corrupt {
                    column: "status",
                    value: status.clone(),
                })?;
                Ok(Total {
                    currency,
                    status,
                    count: u64::try_from(count).unwrap_or_default(),
                    sum: Money::new(sum, currency),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let rank = |s: SaleStatus| SaleStatus::ALL.iter().position(|x| *x == s);
        totals.sort_by_key(|t| (t.currency, rank(t.status)));
        Ok(totals)
    }

    /// Writes the sales matching `query` as CSV (RFC 4180: CRLF line ends, fields quoted when
    /// they hold commas, quotes or line breaks) in UTF-8, times in `tz`. Returns the number of
    /// sales written.
    ///
    /// With `bom`, the file starts with a UTF-8 byte order mark: spreadsheet programs (Excel
    /// in particular) otherwise read a CSV in the PC's legacy code page and turn Khmer text
    /// into mojibake. Leave it out for programs that read the output as plain UTF-8.
    pub fn write_csv<W: Write>(&self, query: &Query, tz: Tz, bom: bool, mut out: W) -> Result<u64> {
        if bom {
            out.write_all(BOM).map_err(csv::Error::from)?;
        }
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer.write_record(CSV_HEADER)?;
        let mut written = 0;
        self.for_each_sale(query, |sale| {
            writer.write_record(csv_record(&sale, tz))?;
            written += 1;
            Ok(())
        })?;
        // Refunds issued in the range follow as their own lines; a status or text filter asks
        // for particular sales, so it leaves them out.
        if let (Some(range), None, None) = (query.range, query.status, query.search.as_ref()) {
            for (refund, sale) in self.refunds_in(range)? {
                writer.write_record(refund_record(&refund, &sale, tz))?;
            }
        }
        writer.flush().map_err(csv::Error::from)?;
        Ok(written)
    }
}
