/**
 * The content type of an upload, from its first bytes only: a client's type or file extension
 * is never trusted (a PNG named notes.txt is a PNG). Unknown binary is application/octet-stream.
 */
export const SNIFF_BYTES = 512;

const SIGNATURES: { type: string; offset?: number; bytes: number[] }[] = [
  { type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
  { type: "image/gif", bytes: [0x47, 0x49, 0x46, 0x38] }, // GIF8(7|9)a
  { type: "application/pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: "application/zip", bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: "application/zip", bytes: [0x50, 0x4b, 0x05, 0x06] }, // empty archive
  { type: "application/gzip", bytes: [0x1f, 0x8b] },
];

export function sniffContentType(head: Uint8Array): string {
  for (const { type, offset = 0, bytes } of SIGNATURES) {
    if (startsWith(head, bytes, offset)) return type;
  }
  // RIFF....WEBP
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46], 0) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8))
    return "image/webp";
  if (head.length > 0 && isUtf8Text(head)) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

function startsWith(head: Uint8Array, bytes: number[], offset: number): boolean {
  if (head.length < offset + bytes.length) return false;
  return bytes.every((byte, index) => head[offset + index] === byte);
}

/**
 * Valid UTF-8 without control characters other than tab, newline, carriage return and form feed.
 * The head may end inside a multi-byte character: an incomplete final sequence is allowed.
 */
function isUtf8Text(head: Uint8Array): boolean {
  let index = 0;
  while (index < head.length) {
    const byte = head[index]!;
    if (byte < 0x80) {
      if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) return false;
      if (byte === 0x7f) return false;
      index++;
      continue;
    }
    const length = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 0;
    if (length === 0 || byte > 0xf4) return false;
    for (let next = 1; next < length; next++) {
      if (index + next >= head.length) return true; // cut off by the sniff window
      if ((head[index + next]! & 0xc0) !== 0x80) return false;
    }
    index += length;
  }
  return true;
}
