//! Checks of arguments before any request, so a typo is a clear local error instead of a
//! wasted call against a daily quota.

use crate::BakongError;

/// The most keys a list endpoint takes.
pub const MAX_LIST: usize = 50;

fn invalid(field: &'static str, reason: impl Into<String>) -> BakongError {
    BakongError::InvalidInput {
        field,
        reason: reason.into(),
    }
}

/// Exactly `len` hex digits; returned lower-cased, as Bakong computes md5s and hashes.
pub(crate) fn hex(field: &'static str, text: &str, len: usize) -> Result<String, BakongError> {
    if text.len() != len || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(field, format!("must be {len} hex digits")));
    }
    Ok(text.to_ascii_lowercase())
}

/// Non-empty text of at most `max` characters.
pub(crate) fn text(field: &'static str, text: &str, max: usize) -> Result<(), BakongError> {
    if text.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(())
}

/// A plausible email of at most 30 characters (Bakong's limit).
pub(crate) fn email(email: &str) -> Result<(), BakongError> {
    text("email", email, 30)?;
    if !email.contains('@') {
        return Err(invalid("email", "must contain @"));
    }
    Ok(())
}

/// 1 to 50 distinct hex keys of length `len`, lower-cased.
pub(crate) fn list(
    field: &'static str,
    keys: &[&str],
    len: usize,
) -> Result<Vec<String>, BakongError> {
    if keys.is_empty() || keys.len() > MAX_LIST {
        return Err(invalid(
            field,
            format!("a list takes 1 to {MAX_LIST} items"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(keys.len());
    for key in keys {
        let key = hex(field, key, len)?;
        if out.contains(&key) {
            return Err(invalid(field, format!("{key} is listed twice")));
        }
        out.push(key);
    }
    Ok(out)
}
