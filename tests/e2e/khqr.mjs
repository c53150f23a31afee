// Reads a KHQR string taken from the screen: its TLV fields and its CRC, checked here
// independently of the Rust codec so that a bug there cannot hide behind the same bug here.

/** Splits EMV TLV text into [tag, value] pairs; throws on a malformed length. */
export function tlv(text) {
  const fields = [];
  let i = 0;
  while (i < text.length) {
    const tag = text.slice(i, i + 2);
    const len = Number(text.slice(i + 2, i + 4));
    if (!/^\d{2}$/.test(tag) || !Number.isInteger(len) || i + 4 + len > text.length) {
      throw new Error(`bad TLV at ${i}: ${text.slice(i, i + 12)}`);
    }
    fields.push([tag, text.slice(i + 4, i + 4 + len)]);
    i += 4 + len;
  }
  return fields;
}

/** CRC-16/CCITT-FALSE of a string's UTF-8 bytes, as KHQR tag 63 carries it (4 hex digits). */
export function crc16(text) {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, "0");
}

/** The fields a test cares about, after checking the CRC. */
export function readKhqr(qr) {
  const fields = Object.fromEntries(tlv(qr));
  const expectedCrc = crc16(qr.slice(0, -4));
  if (fields["63"] !== expectedCrc) throw new Error(`CRC ${fields["63"]} != ${expectedCrc}`);
  return {
    dynamic: fields["01"] === "12",
    currency: { "116": "KHR", "840": "USD" }[fields["53"]],
    amount: fields["54"],
    merchantName: fields["59"],
  };
}
