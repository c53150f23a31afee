//! The two digests of a KHQR: the CRC of tag 63 and the md5 Bakong indexes payments by.

use crc::{Crc, Table, CRC_16_IBM_3740};
use md5::{Digest, Md5};

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection). The 16-table variant
/// because the CRC runs on every encode and verify.
const CRC16: Crc<u16, Table<16>> = Crc::<u16, Table<16>>::new(&CRC_16_IBM_3740);

/// CRC-16/CCITT-FALSE of `bytes`.
pub(crate) fn crc16(bytes: &[u8]) -> u16 {
    CRC16.checksum(bytes)
}

/// Writes `value` as four uppercase hex digits, zero-padded.
pub(crate) fn push_hex_upper(out: &mut String, value: u16) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((value >> shift) & 0xF)]));
    }
}

/// md5 of the UTF-8 bytes of `qr` as 32 lowercase hex digits: the key Bakong's payment
/// status API looks a transaction up by. Hash exactly the string that was shown.
pub fn md5_hex(qr: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Md5::digest(qr.as_bytes());
    let mut out = String::with_capacity(32);
    for byte in digest {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xF)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_ccitt_false_check_value() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn md5_is_lowercase_hex_of_the_utf8_bytes() {
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
        // Khmer KA is three UTF-8 bytes; the digest is over those bytes.
        assert_eq!(md5_hex("ក"), "5e044c31b35c6fcb9d00626bd191be0d");
    }
}
