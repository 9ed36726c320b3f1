/**
 * File names come from clients: keep what a person would recognise, drop what could hurt
 * (paths, control characters, bidi overrides), and bound the length.
 */
const MAX_FILENAME_CHARS = 255;
const FALLBACK = "file";

export function sanitizeFilename(raw: string | undefined | null): string {
  if (!raw) return FALLBACK;
  const base = raw.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    // C0/C1 controls and the Unicode direction overrides/isolates that can disguise an extension
    // (matching control characters is the point here)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim()
    .replace(/^\.+/, "");
  const bounded = [...cleaned].slice(0, MAX_FILENAME_CHARS).join("");
  return bounded === "" ? FALLBACK : bounded;
}

/**
 * An RFC 6266 Content-Disposition: an ASCII fallback in `filename` (quotes and backslashes
 * replaced) plus the exact name in `filename*` (RFC 5987 percent-encoding).
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
