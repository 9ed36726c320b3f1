import { MAX_EMAIL_CHARS } from "./limits.ts";

/** RFC 5321's limits: MAX_EMAIL_CHARS in all, 64 before the `@`. */
const MAX_LOCAL_PART_CHARS = 64;

/**
 * `local@domain.tld`: one `@`, no white space, a local part of 1–64 characters and a domain of
 * dot-separated, non-empty labels (at least two). The length is checked first, then one pass over
 * the characters: linear, whatever the input (a regular expression here cost seconds of CPU per
 * long hostile address). The address is normalised (trimmed) first, as it is stored.
 */
export function isEmailAddress(value: string): boolean {
  const email = value.trim();
  if (email.length < 3 || email.length > MAX_EMAIL_CHARS) return false;
  const at = email.indexOf("@");
  if (at < 1 || at > MAX_LOCAL_PART_CHARS || email.indexOf("@", at + 1) !== -1) return false;
  let dots = 0;
  let previous = "@";
  for (let index = 0; index < email.length; index++) {
    const char = email[index]!;
    if (char.trim() === "" || char.charCodeAt(0) < 0x20) return false; // white space or control
    if (index > at) {
      if (char === ".") {
        if (previous === "." || previous === "@") return false; // empty label
        dots++;
      }
    }
    previous = char;
  }
  return dots > 0 && previous !== ".";
}
