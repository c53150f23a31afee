//! [`KhqrError`]: every way building, decoding, verifying or rendering a KHQR can fail.
//!
//! Variants that mirror the official SDK carry its numeric code ([`KhqrError::code`]) and
//! display its exact message, because integrators match on both. Failures the SDK has no code
//! for (a malformed string, a CRC mismatch, a template over 99 characters) report code 8,
//! `KHQR_INVALID`, and say precisely what is wrong.

use std::fmt;

/// Why a string is not well-formed TLV, or why the SDK would never finish reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformation {
    /// The two length characters are not two ASCII digits.
    NonNumericLength,
    /// The value is shorter than its length says (the string ends first).
    ValueCutShort,
    /// A value boundary falls inside a character outside the Basic Multilingual Plane.
    SplitsCharacter,
}

impl fmt::Display for Malformation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Malformation::NonNumericLength => "the length is not two digits",
            Malformation::ValueCutShort => "the string ends inside the value",
            Malformation::SplitsCharacter => "a value boundary splits a character",
        })
    }
}

/// Every error of the KHQR codec. [`KhqrError::code`] gives the official SDK's error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KhqrError {
    /// Code 1: the Bakong account id (29/00 or 30/00) is missing or empty.
    #[error("Bakong Account ID cannot be null or empty")]
    BakongAccountIdRequired,
    /// Code 2: the merchant name (59) is missing or empty.
    #[error("Merchant name cannot be null or empty")]
    MerchantNameRequired,
    /// Code 3: the Bakong account id has no `@`.
    #[error("Bakong Account ID is invalid")]
    BakongAccountIdInvalid,
    /// Code 4: the amount is negative, has too many decimals or does not fit 13 characters.
    #[error("Amount is invalid")]
    AmountInvalid,
    /// Code 5: neither tag 29 nor tag 30 is present.
    #[error("Merchant type cannot be null or empty")]
    MerchantTypeRequired,
    /// Code 6: the Bakong account id is longer than 32 characters.
    #[error("Bakong Account ID Length is Invalid")]
    BakongAccountIdLengthInvalid,
    /// Code 7: the merchant name is longer than 25 characters.
    #[error("Merchant Name Length is invalid")]
    MerchantNameLengthInvalid,
    /// Code 8: the string is not well-formed TLV, or reading it would never end in the SDK.
    #[error("KHQR provided is invalid: {reason} at character {at}")]
    Malformed {
        /// Offset of the offending data object, in UTF-16 code units from the start.
        at: usize,
        /// What is wrong there.
        reason: Malformation,
    },
    /// Code 8: the string does not end with `6304` and four hex digits.
    #[error("KHQR provided is invalid: it does not end with a CRC object (6304 and 4 hex digits)")]
    CrcMissing,
    /// Code 8: the CRC digits do not match the content.
    #[error("KHQR provided is invalid: CRC {found} does not match the content (expected {computed:04X})")]
    CrcMismatch {
        /// The CRC computed over the content.
        computed: u16,
        /// The four hex digits the string carries.
        found: String,
    },
    /// Code 8: shorter than the 12 characters of the smallest possible KHQR.
    #[error("KHQR provided is invalid: {len} characters is too short")]
    TooShort {
        /// Length in UTF-16 code units.
        len: usize,
    },
    /// Code 8: a value would be longer than the 99 characters a two-digit EMV length can state
    /// (the SDK writes a malformed three-digit length instead).
    #[error("KHQR provided is invalid: tag {tag} would hold {len} characters, more than 99")]
    ValueTooLong {
        /// The data object's tag.
        tag: &'static str,
        /// Its length in UTF-16 code units.
        len: usize,
    },
    /// Code 8: a JSON input field has a type or form the SDK input classes cannot take.
    #[error("KHQR provided is invalid: input field {field} {problem}")]
    InvalidInput {
        /// The JSON field name.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// Code 8: the string cannot be drawn as a QR code (too long for any QR version).
    #[error("KHQR provided is invalid: cannot draw a QR code: {reason}")]
    Render {
        /// The QR encoder's or image encoder's reason.
        reason: String,
    },
    /// Code 9: tag 53 is missing or empty.
    #[error("Currency type cannot be null or empty")]
    CurrencyTypeRequired,
    /// Code 10: the bill number (62/01) is empty or longer than 25.
    #[error("Bill Name Length is invalid")]
    BillNumberLengthInvalid,
    /// Code 11: the store label (62/03) is empty or longer than 25.
    #[error("Store Label Length is invalid")]
    StoreLabelLengthInvalid,
    /// Code 12: the terminal label (62/07) is empty or longer than 25.
    #[error("Terminal Label Length is invalid")]
    TerminalLabelLengthInvalid,
    /// Code 16: the payload format indicator (00) is longer than 2.
    #[error("Payload Format indicator Length is invalid")]
    PayloadFormatIndicatorLengthInvalid,
    /// Code 17: the point of initiation method (01) is longer than 2.
    #[error("Point of initiation Length is invalid")]
    PointInitiationLengthInvalid,
    /// Code 18: the merchant category code is longer than 4.
    #[error("Merchant code Length is invalid")]
    MerchantCodeLengthInvalid,
    /// Code 19: the currency is longer than 3 characters.
    #[error("Transaction currency Length is invalid")]
    TransactionCurrencyLengthInvalid,
    /// Code 20: the country code is longer than 3.
    #[error("Country code Length is invalid")]
    CountryCodeLengthInvalid,
    /// Code 21: the merchant city is longer than 15.
    #[error("Merchant city Length is invalid")]
    MerchantCityLengthInvalid,
    /// Code 22: a CRC object whose value is not 4 characters.
    #[error("CRC Length is invalid")]
    CrcLengthInvalid,
    /// Code 23: tag 00 is missing or empty.
    #[error("Payload format indicator tag required")]
    PayloadFormatIndicatorTagRequired,
    /// Code 24: tag 63 is missing or empty.
    #[error("CRC tag required")]
    CrcTagRequired,
    /// Code 25: tag 52 is missing or empty.
    #[error("Merchant category tag required")]
    MerchantCategoryTagRequired,
    /// Code 26: tag 58 is missing or empty.
    #[error("Country Code cannot be null or empty")]
    CountryCodeTagRequired,
    /// Code 27: tag 60 is missing or empty.
    #[error("Merchant City cannot be null or empty")]
    MerchantCityTagRequired,
    /// Code 28: a currency other than KHR (116) or USD (840).
    #[error("Unsupported currency")]
    UnsupportedCurrency,
    /// Code 30: a merchant QR without merchant id.
    #[error("Merchant ID cannot be null or empty")]
    MerchantIdRequired,
    /// Code 31: an acquiring bank that is missing (merchant) or empty.
    #[error("Acquiring Bank cannot be null or empty")]
    AcquiringBankRequired,
    /// Code 32: the merchant id is longer than 32.
    #[error("Merchant ID Length is invalid")]
    MerchantIdLengthInvalid,
    /// Code 33: the acquiring bank is longer than 32.
    #[error("Acquiring Bank Length is invalid")]
    AcquiringBankLengthInvalid,
    /// Code 34: the mobile number (62/02) is empty or longer than 25.
    #[error("Mobile Number Length is invalid")]
    MobileNumberLengthInvalid,
    /// Code 35: the account information (29/01) is empty or longer than 32.
    #[error("Account Information Length is invalid")]
    AccountInformationLengthInvalid,
    /// Code 38: the language preference (64/00) is empty, longer than 2, or missing where
    /// an alternate name or city needs it.
    #[error("Language Preference Length is invalid")]
    LanguagePreferenceLengthInvalid,
    /// Code 39: a language preference without the merchant name in that language.
    #[error("Merchant Name Alternate Language cannot be null or empty")]
    MerchantNameAlternateLanguageRequired,
    /// Code 40: the alternate-language merchant name is empty or longer than 25.
    #[error("Merchant Name Alternate Language Length is invalid")]
    MerchantNameAlternateLanguageLengthInvalid,
    /// Code 41: the alternate-language merchant city is empty or longer than 15.
    #[error("Merchant City Alternate Language Length is invalid")]
    MerchantCityAlternateLanguageLengthInvalid,
    /// Code 42: the purpose of transaction (62/08) is empty or longer than 25.
    #[error("Purpose of Transaction Length is invalid")]
    PurposeOfTransactionLengthInvalid,
    /// Code 43: the UnionPay merchant account (15) is empty or longer than 99.
    #[error("Upi Account Information Length is invalid")]
    UpiAccountInformationLengthInvalid,
    /// Code 44: a UnionPay merchant account on a USD QR.
    #[error("Upi Account Information Length does not accept USD")]
    UpiAccountInformationInvalidCurrency,
    /// Code 45: a dynamic QR without expiration timestamp (or without tag 99).
    #[error("Expiration timestamp is required for dynamic KHQR")]
    ExpirationTimestampRequired,
    /// Code 46: verified after the expiration timestamp.
    #[error("This dynamic KHQR has expired")]
    KhqrExpired,
    /// Code 47: a dynamic QR (01 = 12) without amount.
    #[error("This dynamic KHQR has invalid field transaction amount")]
    InvalidDynamicKhqr,
    /// Code 48: a point of initiation method other than 11 or 12.
    #[error("Point of Initiation Method is invalid")]
    PointOfInitiationMethodInvalid,
    /// Code 49: an expiration timestamp that is not 13 digits (milliseconds).
    #[error("Expiration timestamp length is invalid")]
    ExpirationTimestampLengthInvalid,
    /// Code 50: an expiration timestamp before the creation timestamp.
    #[error("Expiration timestamp is in the past")]
    ExpirationTimestampInThePast,
    /// Code 51: a merchant category code with a non-digit.
    #[error("Invalid merchant category code")]
    InvalidMerchantCategoryCode,
}

impl KhqrError {
    /// The official SDK's numeric error code (`status.errorCode`).
    pub fn code(&self) -> u16 {
        use KhqrError as E;
        match self {
            E::BakongAccountIdRequired => 1,
            E::MerchantNameRequired => 2,
            E::BakongAccountIdInvalid => 3,
            E::AmountInvalid => 4,
            E::MerchantTypeRequired => 5,
            E::BakongAccountIdLengthInvalid => 6,
            E::MerchantNameLengthInvalid => 7,
            E::Malformed { .. }
            | E::CrcMissing
            | E::CrcMismatch { .. }
            | E::TooShort { .. }
            | E::ValueTooLong { .. }
            | E::InvalidInput { .. }
            | E::Render { .. } => 8,
            E::CurrencyTypeRequired => 9,
            E::BillNumberLengthInvalid => 10,
            E::StoreLabelLengthInvalid => 11,
            E::TerminalLabelLengthInvalid => 12,
            E::PayloadFormatIndicatorLengthInvalid => 16,
            E::PointInitiationLengthInvalid => 17,
            E::MerchantCodeLengthInvalid => 18,
            E::TransactionCurrencyLengthInvalid => 19,
            E::CountryCodeLengthInvalid => 20,
            E::MerchantCityLengthInvalid => 21,
            E::CrcLengthInvalid => 22,
            E::PayloadFormatIndicatorTagRequired => 23,
            E::CrcTagRequired => 24,
            E::MerchantCategoryTagRequired => 25,
            E::CountryCodeTagRequired => 26,
            E::MerchantCityTagRequired => 27,
            E::UnsupportedCurrency => 28,
            E::MerchantIdRequired => 30,
            E::AcquiringBankRequired => 31,
            E::MerchantIdLengthInvalid => 32,
            E::AcquiringBankLengthInvalid => 33,
            E::MobileNumberLengthInvalid => 34,
            E::AccountInformationLengthInvalid => 35,
            E::LanguagePreferenceLengthInvalid => 38,
            E::MerchantNameAlternateLanguageRequired => 39,
            E::MerchantNameAlternateLanguageLengthInvalid => 40,
            E::MerchantCityAlternateLanguageLengthInvalid => 41,
            E::PurposeOfTransactionLengthInvalid => 42,
            E::UpiAccountInformationLengthInvalid => 43,
            E::UpiAccountInformationInvalidCurrency => 44,
            E::ExpirationTimestampRequired => 45,
            E::KhqrExpired => 46,
            E::InvalidDynamicKhqr => 47,
            E::PointOfInitiationMethodInvalid => 48,
            E::ExpirationTimestampLengthInvalid => 49,
            E::ExpirationTimestampInThePast => 50,
            E::InvalidMerchantCategoryCode => 51,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_errors_show_the_sdk_code_and_exact_message() {
        let e = KhqrError::MerchantNameLengthInvalid;
        assert_eq!(
            (e.code(), e.to_string().as_str()),
            (7, "Merchant Name Length is invalid")
        );
        let e = KhqrError::UpiAccountInformationInvalidCurrency;
        assert_eq!(e.code(), 44);
        assert_eq!(
            e.to_string(),
            "Upi Account Information Length does not accept USD"
        );
    }

    #[test]
    fn our_own_failures_use_code_8_and_say_where() {
        let e = KhqrError::Malformed {
            at: 4,
            reason: Malformation::NonNumericLength,
        };
        assert_eq!(e.code(), 8);
        assert_eq!(
            e.to_string(),
            "KHQR provided is invalid: the length is not two digits at character 4"
        );
    }
}
