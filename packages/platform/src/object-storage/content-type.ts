import { fileTypeFromBuffer } from "file-type";

/**
 * The content type of an upload, from its first bytes only: a client's type or file extension
 * is never trusted (a PNG named notes.txt is a PNG). Binary formats are recognised by `file-type`
 * from their magic numbers; what it does not know is text when it is UTF-8 without control
 * characters (which covers Markdown, JSON and CSV), else application/octet-stream.
 */
export const SNIFF_BYTES = 4100; // file-type's own sample size: enough for the formats it knows

const TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

export async function sniffContentType(head: Uint8Array): Promise<string> {
  const known = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  if (known) return known.mime;
  if (head.length > 0 && isUtf8Text(head)) return TEXT_CONTENT_TYPE;
  return "application/octet-stream";
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
