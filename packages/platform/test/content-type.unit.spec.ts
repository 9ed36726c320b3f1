import { expect } from "chai";
import { sniffContentType } from "../src/object-storage/content-type.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);
/** The PNG signature and the IHDR chunk of a 1x1 image: how every PNG begins. */
const PNG_HEAD = bytes(
  ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  ...[0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde],
);

describe("content type sniffing", () => {
  it("recognises common formats by their magic numbers", async () => {
    expect(await sniffContentType(PNG_HEAD)).to.equal("image/png");
    expect(await sniffContentType(bytes(0xff, 0xd8, 0xff, 0xe0))).to.equal("image/jpeg");
    expect(await sniffContentType(text("GIF89a..."))).to.equal("image/gif");
    expect(await sniffContentType(text("%PDF-1.7\n"))).to.equal("application/pdf");
    expect(await sniffContentType(bytes(0x50, 0x4b, 0x03, 0x04, 1, 2))).to.equal("application/zip");
    expect(await sniffContentType(bytes(0x1f, 0x8b, 8, 0))).to.equal("application/gzip");
    expect(await sniffContentType(text("RIFF\u0000\u0000\u0000\u0000WEBPVP8 "))).to.equal("image/webp");
  });

  it("calls valid UTF-8 without control characters text, even cut inside a character", async () => {
    expect(await sniffContentType(text("Notes from the standup:\n- ship Friday\t✓"))).to.equal(
      "text/plain; charset=utf-8",
    );
    const cut = text("café").subarray(0, 4); // "caf" plus the first byte of "é"
    expect(await sniffContentType(cut)).to.equal("text/plain; charset=utf-8");
    for (const document of ['{"a": [1, 2]}', "a,b\n1,2\n", "# Title\n\n- item\n"]) {
      expect(await sniffContentType(text(document))).to.equal("text/plain; charset=utf-8");
    }
  });

  it("knows text formats with a signature of their own", async () => {
    expect(await sniffContentType(text('<?xml version="1.0"?><note/>'))).to.equal("application/xml");
  });

  it("falls back to application/octet-stream for anything else", async () => {
    expect(await sniffContentType(bytes(0x00, 0x01, 0x02, 0x03))).to.equal("application/octet-stream");
    expect(await sniffContentType(bytes(0xc3, 0x28))).to.equal("application/octet-stream"); // invalid UTF-8
    expect(await sniffContentType(bytes())).to.equal("application/octet-stream");
    // A PNG signature followed by anything but the IHDR chunk is not an image.
    expect(await sniffContentType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0))).to.equal(
      "application/octet-stream",
    );
  });
});
