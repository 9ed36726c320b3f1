import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for personal content inside events (crypto-shredding, invariant 5). A value is
 * JSON-serialised and written as `enc:v1:<base64(iv | tag | ciphertext)>`; the tag makes any
 * tampering, or a wrong key, fail loudly instead of yielding garbage.
 */
const PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(message = "The value cannot be decrypted with this key (wrong key or tampered data).") {
    super(message);
    this.name = "DecryptionError";
  }
}

export function encryptBytes(key: Buffer, plain: Buffer, associatedData?: Buffer): Buffer {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  if (associatedData) cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function decryptBytes(key: Buffer, sealed: Buffer, associatedData?: Buffer): Buffer {
  assertKey(key);
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError("The encrypted value is truncated.");
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  if (associatedData) decipher.setAAD(associatedData);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError();
  }
}

export function encryptValue(key: Buffer, value: unknown): string {
  const json = JSON.stringify(value === undefined ? null : value);
  return PREFIX + encryptBytes(key, Buffer.from(json, "utf8")).toString("base64");
}

export function decryptValue(key: Buffer, text: string): unknown {
  if (!isEncrypted(text)) throw new DecryptionError("The value is not an encrypted value.");
  const plain = decryptBytes(key, Buffer.from(text.slice(PREFIX.length), "base64"));
  return JSON.parse(plain.toString("utf8"));
}

export function isEncrypted(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

/** Encrypts each listed field that is present; absent/undefined fields are left out, null stays null. */
export function encryptFields<T extends object>(data: T, fields: readonly string[], key: Buffer): T {
  const copy = { ...data } as Record<string, unknown>;
  for (const field of fields) {
    const value = copy[field];
    // Always encrypt, even text that looks encrypted: user content may start with the prefix.
    if (value === undefined || value === null) continue;
    copy[field] = encryptValue(key, value);
  }
  return copy as T;
}

/** The inverse of encryptFields; fields that are not encrypted are returned as they are. */
export function decryptFields<T extends object>(data: T, fields: readonly string[], key: Buffer): T {
  const copy = { ...data } as Record<string, unknown>;
  for (const field of fields) {
    const value = copy[field];
    if (isEncrypted(value)) copy[field] = decryptValue(key, value);
  }
  return copy as T;
}

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new Error(`An AES-256 key is 32 bytes, got ${key.length}.`);
}
