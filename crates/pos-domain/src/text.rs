//! Free text people type (a sale's note, the merchant's name, a store label): bounded in
//! length and free of characters that can hide, rewrite or break what is shown.
//!
//! Refused everywhere: control characters (C0 including NUL, TAB, LF and ESC; DEL; C1), the
//! bidirectional formatting characters (embeddings, overrides, isolates and the LRM/RLM/ALM
//! marks, which can make a note read differently from what is stored) and the Unicode line and
//! paragraph separators. A note is one line: it is shown on a card, a receipt and a CSV row,
//! and an ESC sequence in it would drive the owner's terminal. Zero-width space, ZWJ and ZWNJ
//! stay allowed: Khmer text uses them.
//!
//! Lengths count characters (Unicode scalar values), not bytes: a Khmer note is as long as it
//! looks, not three times longer.

use std::fmt;

/// The longest note a cashier may keep with a sale, in characters.
pub const NOTE_MAX_CHARS: usize = 200;

/// A text field that breaks a rule, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct TextError {
    /// The field as the caller names it (`note`, `merchant.name`).
    pub field: String,
    /// What is wrong.
    pub problem: TextProblem,
}

/// What is wrong with a piece of free text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextProblem {
    /// Longer than the field allows.
    #[error("at most {max} characters are allowed, this has {len}")]
    TooLong {
        /// The field's limit, in characters.
        max: usize,
        /// The length given, in characters.
        len: usize,
    },
    /// A character that is never accepted in free text.
    #[error("{kind} {} at character {position} is not allowed", Codepoint(*ch))]
    Forbidden {
        /// The character.
        ch: char,
        /// Which family of refused characters it belongs to.
        kind: Forbidden,
        /// Its position, counting characters from 1.
        position: usize,
    },
}

/// The families of characters free text never contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    /// C0 (NUL, TAB, LF, ESC, …), DEL and C1 controls.
    Control,
    /// Bidirectional embeddings, overrides, isolates and marks.
    Bidi,
    /// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.
    LineBreak,
}

impl fmt::Display for Forbidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Forbidden::Control => "control character",
            Forbidden::Bidi => "bidirectional formatting character",
            Forbidden::LineBreak => "line break",
        })
    }
}

/// `U+001B`: how a character that cannot be shown as itself is named in messages.
struct Codepoint(char);

impl fmt::Display for Codepoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "U+{:04X}", u32::from(self.0))
    }
}

/// The family `c` belongs to when free text may not contain it.
pub fn forbidden(c: char) -> Option<Forbidden> {
    match c {
        c if c.is_control() => Some(Forbidden::Control),
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => Some(Forbidden::Bidi),
        '\u{2028}' | '\u{2029}' => Some(Forbidden::LineBreak),
        _ => None,
    }
}

/// Checks `text` for forbidden characters only (for fields whose length is counted another
/// way, such as KHQR's UTF-16 limits).
pub fn check_chars(field: &str, text: &str) -> Result<(), TextError> {
    match text
        .chars()
        .enumerate()
        .find_map(|(i, ch)| forbidden(ch).map(|kind| (i, ch, kind)))
    {
        Some((i, ch, kind)) => Err(TextError {
            field: field.to_owned(),
            problem: TextProblem::Forbidden {
                ch,
                kind,
                position: i + 1,
            },
        }),
        None => Ok(()),
    }
}

/// Checks that `text` has at most `max_chars` characters and no forbidden character.
pub fn check(field: &str, text: &str, max_chars: usize) -> Result<(), TextError> {
    let len = text.chars().count();
    if len > max_chars {
        return Err(TextError {
            field: field.to_owned(),
            problem: TextProblem::TooLong {
                max: max_chars,
                len,
            },
        });
    }
    check_chars(field, text)
}

/// `c` as an error message can quote it: itself when it is printable ASCII, itself and its
/// code point when it is another visible character, only the code point otherwise (a control
/// character quoted as itself would act on the terminal showing the message).
pub(crate) fn quoted(c: char) -> String {
    if c.is_ascii_graphic() {
        format!("'{c}'")
    } else if forbidden(c).is_none() && !c.is_whitespace() {
        format!("'{c}' ({})", Codepoint(c))
    } else {
        Codepoint(c).to_string()
    }
}

/// `text` cut to `max_chars` (with `…`) and with forbidden characters and whitespace other
/// than a plain space written as `\u{…}`, so an error message can quote it safely.
pub(crate) fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for c in text.chars().take(max_chars) {
        if forbidden(c).is_some() || (c.is_whitespace() && c != ' ') {
            out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    if text.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_english_and_khmer_text_passes() {
        assert_eq!(
            check("note", "table 4, two coffees", NOTE_MAX_CHARS),
            Ok(())
        );
        // Khmer with a zero-width space between words, as Khmer keyboards write it.
        assert_eq!(check("note", "កាហ្វេ\u{200B}ពីរ", NOTE_MAX_CHARS), Ok(()));
        assert_eq!(check("note", "", NOTE_MAX_CHARS), Ok(()));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let khmer = "ក".repeat(NOTE_MAX_CHARS);
        assert_eq!(khmer.len(), 3 * NOTE_MAX_CHARS);
        assert_eq!(check("note", &khmer, NOTE_MAX_CHARS), Ok(()));
        let err = check("note", &format!("{khmer}ក"), NOTE_MAX_CHARS).unwrap_err();
        assert_eq!(
            err.to_string(),
            "note: at most 200 characters are allowed, this has 201"
        );
    }

    #[test]
    fn a_terminal_escape_is_refused_naming_the_field_and_the_character() {
        let err = check("note", "ok \x1b[31mred", NOTE_MAX_CHARS).unwrap_err();
        assert_eq!(
            err,
            TextError {
                field: "note".into(),
                problem: TextProblem::Forbidden {
                    ch: '\x1b',
                    kind: Forbidden::Control,
                    position: 4
                }
            }
        );
        assert_eq!(
            err.to_string(),
            "note: control character U+001B at character 4 is not allowed"
        );
        assert!(!err.to_string().contains('\x1b'));
    }

    #[test]
    fn every_family_of_hidden_characters_is_refused() {
        for (c, kind) in [
            ('\0', Forbidden::Control),
            ('\t', Forbidden::Control),
            ('\n', Forbidden::Control),
            ('\r', Forbidden::Control),
            ('\x7f', Forbidden::Control),
            ('\u{85}', Forbidden::Control),
            ('\u{9b}', Forbidden::Control),
            ('\u{202E}', Forbidden::Bidi),
            ('\u{2066}', Forbidden::Bidi),
            ('\u{200F}', Forbidden::Bidi),
            ('\u{2028}', Forbidden::LineBreak),
        ] {
            assert_eq!(forbidden(c), Some(kind), "{c:?}");
            assert!(check_chars("merchant.name", &format!("a{c}b")).is_err());
        }
        for c in [
            ' ', 'a', 'ក', '\u{200B}', '\u{200C}', '\u{200D}', '€', '\u{a0}',
        ] {
            assert_eq!(forbidden(c), None, "{c:?}");
        }
    }

    #[test]
    fn excerpts_are_safe_to_print_and_bounded() {
        assert_eq!(excerpt("1e5", 40), "1e5");
        assert_eq!(excerpt("\x1b[31m", 40), "\\u{001b}[31m");
        assert_eq!(excerpt("1\u{a0}500", 40), "1\\u{00a0}500");
        assert_eq!(excerpt(&"9".repeat(100), 5), "99999…");
        assert_eq!(quoted('e'), "'e'");
        assert_eq!(quoted('៥'), "'៥' (U+17E5)");
        assert_eq!(quoted('\u{202E}'), "U+202E");
        assert_eq!(quoted(' '), "U+0020");
    }
}
