//! Properties over random inputs: every field survives encode → decode (Khmer and astral
//! characters included) and the result verifies; decode and verify answer — never panic,
//! never hang — on arbitrary text and bytes.

use pos_domain::{Currency, Money};
use pos_khqr::{
    decode, decode_non_khqr, encode, verify, Account, AdditionalData, KhqrInput, LanguageTemplate,
    MerchantType, Payment,
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
