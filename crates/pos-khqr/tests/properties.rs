//! Properties over random inputs: every field survives encode → decode (Khmer and astral
//! characters included) and the result verifies; any one-character corruption fails the
//! CRC check; one injected fault gives exactly the SDK's error for it; the SDK's decode and
//! verify rules hold on edited QRs; decode and verify answer — never panic, never hang — on
//! arbitrary text and bytes.

use pos_domain::{Currency, Money};
use pos_khqr::{
    decode, decode_non_khqr, encode, verify, Account, AdditionalData, KhqrError, KhqrInput,
    LanguageTemplate, MerchantType, Payment,
};
use proptest::prelude::*;

const NOW_MS: u64 = 1_700_000_000_000;

/// Text of 1..=`max_chars` characters mixing Khmer, Latin, digits and an astral emoji
/// (2 UTF-16 units), so at most `2 × max_chars` units.
fn text(max_chars: usize) -> impl Strategy<Value = String> {
    let character = prop_oneof![
        proptest::char::range('\u{1780}', '\u{17FF}'),
        proptest::char::range('a', 'z'),
        proptest::char::range('A', 'Z'),
        proptest::char::range('0', '9'),
        Just(' '),
        Just('🍜'),
    ];
    proptest::collection::vec(character, 1..=max_chars).prop_map(String::from_iter)
}

fn optional(max_chars: usize) -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text(max_chars))
}

fn account() -> impl Strategy<Value = Account> {
    prop_oneof![
        (optional(10), optional(10)).prop_map(|(account_information, acquiring_bank)| {
            Account::Individual {
                account_information,
                acquiring_bank,
            }
        }),
        (text(10), text(10)).prop_map(|(merchant_id, acquiring_bank)| Account::Merchant {
            merchant_id,
            acquiring_bank,
        }),
    ]
}

fn payment() -> impl Strategy<Value = Payment> {
    let currency = prop_oneof![Just(Currency::Khr), Just(Currency::Usd)];
    prop_oneof![
        currency.clone().prop_map(Payment::Static),
        (currency, 1i64..=999_999_999_999, NOW_MS..=9_999_999_999_999).prop_map(
            |(currency, minor, expires_at_ms)| Payment::Dynamic {
                amount: Money::new(minor, currency),
                expires_at_ms,
            }
        ),
    ]
}

prop_compose! {
    fn input()(
        id in "[a-z0-9_.]{1,20}@[a-z]{1,8}",
        name in text(12),
        city in optional(7),
        account in account(),
        payment in payment(),
        mcc in proptest::option::of("[0-9]{1,4}"),
        extra in (optional(7), optional(7), optional(7), optional(7), optional(7)),
        language in proptest::option::of(("[a-z]{2}", text(12), optional(7))),
        upi in proptest::option::of("[0-9]{16,19}"),
    ) -> KhqrInput {
        let (bill_number, mobile_number, store_label, terminal_label, purpose_of_transaction) =
            extra;
        KhqrInput {
            bakong_account_id: id,
            merchant_name: name,
            merchant_city: city,
            account,
            // UnionPay accounts are refused on USD QRs.
            upi_merchant_account: upi.filter(|_| payment.currency() == Currency::Khr),
            payment,
            merchant_category_code: mcc,
            additional_data: AdditionalData {
                bill_number,
                mobile_number,
                store_label,
                terminal_label,
                purpose_of_transaction,
            },
            language: language
                .map(|(pref, name, city)| LanguageTemplate {
                    language_preference: Some(pref),
                    merchant_name: Some(name),
                    merchant_city: city,
                })
                .unwrap_or_default(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_field_survives_encode_then_decode_and_the_result_verifies(input in input()) {
        let khqr = encode(&input, NOW_MS).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(verify(&khqr.qr, NOW_MS), Ok(()));
        let d = decode(&khqr.qr).map_err(|e| TestCaseError::fail(e.to_string()))?;

        prop_assert_eq!(d.bakong_account_id.as_ref(), Some(&input.bakong_account_id));
        prop_assert_eq!(d.merchant_name.as_ref(), Some(&input.merchant_name));
        prop_assert_eq!(
            d.merchant_city.as_deref(),
            Some(input.merchant_city.as_deref().unwrap_or(pos_khqr::DEFAULT_CITY))
        );
        prop_assert_eq!(
            d.merchant_category_code.as_deref(),
            Some(input.merchant_category_code.as_deref().unwrap_or(pos_khqr::DEFAULT_MCC))
        );
        match &input.account {
            Account::Individual { account_information, acquiring_bank } => {
                prop_assert_eq!(d.merchant_type, Some(MerchantType::Individual));
                prop_assert_eq!(&d.account_information, account_information);
                prop_assert_eq!(&d.acquiring_bank, acquiring_bank);
            }
            Account::Merchant { merchant_id, acquiring_bank } => {
                prop_assert_eq!(d.merchant_type, Some(MerchantType::Merchant));
                prop_assert_eq!(d.merchant_id.as_ref(), Some(merchant_id));
                prop_assert_eq!(d.acquiring_bank.as_ref(), Some(acquiring_bank));
            }
        }
        prop_assert_eq!(d.currency(), Some(input.payment.currency()));
        match input.payment {
            Payment::Static(_) => {
                prop_assert_eq!(d.point_of_initiation_method.as_deref(), Some("11"));
                prop_assert_eq!(d.amount(), None);
                prop_assert_eq!(d.expiration_ms(), None);
            }
            Payment::Dynamic { amount, expires_at_ms } => {
                prop_assert!(d.is_dynamic());
                prop_assert_eq!(d.amount(), Some(amount));
                prop_assert_eq!(d.expiration_ms(), Some(expires_at_ms));
                prop_assert_eq!(d.creation_timestamp, Some(NOW_MS.to_string()));
            }
        }
        let extra = &input.additional_data;
        prop_assert_eq!(&d.bill_number, &extra.bill_number);
        prop_assert_eq!(&d.mobile_number, &extra.mobile_number);
        prop_assert_eq!(&d.store_label, &extra.store_label);
        prop_assert_eq!(&d.terminal_label, &extra.terminal_label);
        prop_assert_eq!(&d.purpose_of_transaction, &extra.purpose_of_transaction);
        prop_assert_eq!(&d.language_preference, &input.language.language_preference);
        prop_assert_eq!(&d.merchant_name_alternate_language, &input.language.merchant_name);
        prop_assert_eq!(&d.merchant_city_alternate_language, &input.language.merchant_city);
        prop_assert_eq!(&d.union_pay_merchant, &input.upi_merchant_account);
        prop_assert_eq!(d.payload_format_indicator.as_deref(), Some("01"));
        prop_assert_eq!(d.country_code.as_deref(), Some("KH"));
        prop_assert_eq!(d.crc.as_deref(), Some(&khqr.qr[khqr.qr.len() - 4..]));
        prop_assert_eq!(khqr.md5, pos_khqr::md5_hex(&khqr.qr));
    }

    #[test]
    fn decode_and_verify_answer_on_arbitrary_text(s in any::<String>(), now in any::<u64>()) {
        let _ = decode(&s);
        let _ = verify(&s, now);
        let _ = decode_non_khqr(&s);
    }

    #[test]
    fn decode_and_verify_answer_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let s = String::from_utf8_lossy(&bytes);
        let _ = decode(&s);
        let _ = verify(&s, NOW_MS);
        let _ = decode_non_khqr(&s);
    }

    /// Edits of a real QR with the CRC fixed up reach past the CRC check into the parser.
    #[test]
    fn decode_and_verify_answer_on_edited_qrs_with_a_valid_crc(
        input in input(),
        at in any::<prop::sample::Index>(),
        junk in "[0-9A-Z@ \u{1780}🍜]{0,3}",
        cut in 0usize..6,
    ) {
        let qr = encode(&input, NOW_MS).map_err(|e| TestCaseError::fail(e.to_string()))?.qr;
        let body: Vec<char> = qr.chars().take(qr.chars().count() - 8).collect();
        let i = at.index(body.len());
        let mut edited: String = body[..i].iter().collect();
        edited.push_str(&junk);
        edited.extend(body[(i + cut).min(body.len())..].iter());
        edited.push_str("6304");
        let crc = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740).checksum(edited.as_bytes());
        edited.push_str(&format!("{crc:04X}"));
        let _ = decode(&edited);
        let _ = verify(&edited, NOW_MS);
        let _ = decode_non_khqr(&edited);
    }
}

/// The QR with `object` inserted at byte offset `at`, and the CRC recomputed.
fn with_object(qr: &str, at: usize, object: &str) -> String {
    let body = &qr[..qr.len() - 4];
    let mut edited = format!("{}{object}{}", &body[..at], &body[at..]);
    let crc = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740).checksum(edited.as_bytes());
    edited.push_str(&format!("{crc:04X}"));
    edited
}

/// Declares `Fault` and `Fault::ALL` from one list, so that every variant is drawn.
macro_rules! faults {
    ($($variant:ident),* $(,)?) => {
        /// One rule of the SDK's generation, broken on purpose, and the error code it must give.
        #[derive(Debug, Clone, Copy)]
        enum Fault {
            $($variant),*
        }

        impl Fault {
            const ALL: &'static [Fault] = &[$(Fault::$variant),*];
        }
    };
}

faults![
    NameEmpty,
    NameTooLong,
    IdWithoutAt,
    IdTooLong,
    CityTooLong,
    MccNotDigits,
    MccTooLong,
    BillTooLong,
    BillEmpty,
    StoreLabelTooLong,
    PreferenceWithoutName,
    NameWithoutPreference,
    UpiOnUsd,
    ExpiryNotMilliseconds,
    ExpiryBeforeNow,
    AmountOver13Characters,
];

impl Fault {
    /// Applies the fault; the expected code, or `None` when it cannot apply to `input`.
    fn apply(self, input: &mut KhqrInput) -> Option<u16> {
        let long = |n: usize| "x".repeat(n);
        let code = match self {
            Fault::NameEmpty => {
                input.merchant_name.clear();
                2
            }
            Fault::NameTooLong => {
                input.merchant_name = long(26);
                7
            }
            Fault::IdWithoutAt => {
                input.bakong_account_id = input.bakong_account_id.replace('@', "_");
                3
            }
            Fault::IdTooLong => {
                input.bakong_account_id = format!("{}@b", long(31));
                6
            }
            Fault::CityTooLong => {
                input.merchant_city = Some(long(16));
                21
            }
            Fault::MccNotDigits => {
                input.merchant_category_code = Some("59a9".to_owned());
                51
            }
            Fault::MccTooLong => {
                input.merchant_category_code = Some("59999".to_owned());
                18
            }
            Fault::BillTooLong => {
                input.additional_data.bill_number = Some(long(26));
                10
            }
            Fault::BillEmpty => {
                input.additional_data.bill_number = Some(String::new());
                10
            }
            Fault::StoreLabelTooLong => {
                input.additional_data.store_label = Some(long(26));
                11
            }
            Fault::PreferenceWithoutName => {
                input.language.language_preference = Some("km".to_owned());
                input.language.merchant_name = None;
                39
            }
            Fault::NameWithoutPreference => {
                input.language.language_preference = None;
                input.language.merchant_name = Some("x".to_owned());
                38
            }
            Fault::UpiOnUsd => {
                if input.payment.currency() != Currency::Usd {
                    return None;
                }
                input.upi_merchant_account = Some("1234567890123456".to_owned());
                44
            }
            Fault::ExpiryNotMilliseconds | Fault::ExpiryBeforeNow => {
                let Payment::Dynamic { expires_at_ms, .. } = &mut input.payment else {
                    return None;
                };
                *expires_at_ms = match self {
                    Fault::ExpiryNotMilliseconds => NOW_MS / 1000,
                    _ => NOW_MS - 1,
                };
                if matches!(self, Fault::ExpiryNotMilliseconds) {
                    49
                } else {
                    50
                }
            }
            Fault::AmountOver13Characters => {
                let Payment::Dynamic { amount, .. } = &mut input.payment else {
                    return None;
                };
                // 14 characters: 14 riel digits, or 11 dollar digits with 2 decimals.
                amount.minor = 10_000_000_000_000 + 1;
                4
            }
        };
        Some(code)
    }
}

fn fault() -> impl Strategy<Value = Fault> {
    proptest::sample::select(Fault::ALL)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// CRC-16 catches every error burst of up to 16 bits, so changing one ASCII character
    /// (one byte) anywhere is always caught, the CRC digits included (save a change of
    /// case there, which the SDK accepts).
    #[test]
    fn any_one_character_corruption_fails_the_crc_check(
        input in input(),
        at in any::<prop::sample::Index>(),
        replacement in proptest::char::range(' ', '~'),
    ) {
        let qr = encode(&input, NOW_MS).map_err(|e| TestCaseError::fail(e.to_string()))?.qr;
        let ascii: Vec<usize> = qr.char_indices().filter(|(_, c)| c.is_ascii()).map(|(i, _)| i).collect();
        let i = ascii[at.index(ascii.len())];
        let original = char::from(qr.as_bytes()[i]);
        let in_crc = i >= qr.len() - 4;
        prop_assume!(replacement != original);
        prop_assume!(!(in_crc && replacement.eq_ignore_ascii_case(&original)));
        let mut corrupted = qr.clone();
        corrupted.replace_range(i..=i, &replacement.to_string());
        let verdict = verify(&corrupted, NOW_MS);
        prop_assert!(
            matches!(verdict, Err(KhqrError::CrcMismatch { .. } | KhqrError::CrcMissing)),
            "{} → {:?}", corrupted, verdict
        );
    }

    /// Every other rule holds, so the injected one decides the error, as in the SDK.
    #[test]
    fn one_broken_rule_gives_exactly_its_sdk_error(mut input in input(), fault in fault()) {
        // Start from an input without optional parts the fault could interact with.
        input.language = LanguageTemplate::default();
        input.upi_merchant_account = None;
        let Some(code) = fault.apply(&mut input) else {
            return Ok(());
        };
        let result = encode(&input, NOW_MS);
        prop_assert_eq!(result.as_ref().map_err(KhqrError::code).err(), Some(code), "{:?}", result);
    }

    /// The SDK keeps the last copy of a template; a copy with only unknown sub-tags leaves
    /// its fields null, and verify ignores unknown sub-tags.
    #[test]
    fn a_later_template_copy_with_only_unknown_sub_tags_nulls_its_fields(
        input in input(),
        template in prop::sample::select(vec!["62", "64", "99"]),
        sub_tag in "0[4-6]|1[0-9]",
    ) {
        let qr = encode(&input, NOW_MS).map_err(|e| TestCaseError::fail(e.to_string()))?.qr;
        // The unknown tag 80 in front keeps the copy from repeating the previous tag.
        let copy = format!("8002ab{template}06{sub_tag}02XY");
        let edited = with_object(&qr, qr.len() - 8, &copy);
        let d = decode(&edited).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let fields = match template {
            "62" => vec![d.bill_number, d.mobile_number, d.store_label, d.terminal_label, d.purpose_of_transaction],
            "64" => vec![d.language_preference, d.merchant_name_alternate_language, d.merchant_city_alternate_language],
            _ => vec![d.creation_timestamp, d.expiration_timestamp],
        };
        prop_assert!(fields.iter().all(Option::is_none), "{:?}", fields);
        prop_assert_eq!(d.merchant_name.as_ref(), Some(&input.merchant_name));
        if template != "99" {
            prop_assert_eq!(verify(&edited, NOW_MS), Ok(()));
        }
    }

    /// A tag 64 holding just an empty language preference is valid in any QR.
    #[test]
    fn an_empty_language_preference_alone_is_valid(input in input()) {
        let qr = encode(&input, NOW_MS).map_err(|e| TestCaseError::fail(e.to_string()))?.qr;
        let edited = with_object(&qr, "000201".len(), "64040000");
        prop_assert_eq!(verify(&edited, NOW_MS), Ok(()));
        let broken = with_object(&qr, "000201".len(), "641000000102ab");
        prop_assert_eq!(verify(&broken, NOW_MS).map_err(|e| e.code()), Err(38));
    }

    /// The non-KHQR tree of a generated QR holds every top-level object it wrote.
    #[test]
    fn the_non_khqr_tree_of_a_generated_qr_has_its_top_level_objects(input in input()) {
        let qr = encode(&input, NOW_MS).map_err(|e| TestCaseError::fail(e.to_string()))?.qr;
        let tree = serde_json::to_value(decode_non_khqr(&qr)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&tree["59"], &serde_json::Value::from(input.merchant_name.clone()));
        prop_assert_eq!(&tree["63"], &serde_json::Value::from(&qr[qr.len() - 4..]));
        prop_assert_eq!(&tree["00"], &serde_json::Value::from("01"));
    }
}
