/**
 * One account per address, whatever its case: emails are stored trimmed and lower-cased, and every
 * lookup goes through the same normalisation.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
