import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";

/**
 * AES-256-GCM for personal content inside events (crypto-shredding, invariant 5). A value is
 * JSON-serialised and written as `enc:v2:<base64(iv | tag | ciphertext)>`; the tag makes any
 * tampering, or a wrong key, fail loudly instead of yielding garbage. A v2 value is bound to the
 * event and field it was written for (associated data): copied into another event, another stream
 * or another field of the same owner, it no longer decrypts. Values written before that binding
 * (`enc:v1:`) still decrypt, without it.
 */
const BOUND_PREFIX = "enc:v2:";
const UNBOUND_PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(message = "The value cannot be decrypted with this key (wrong key or tampered data).") {
    super(message);
    this.name = "DecryptionError";
  }
}

/**
 * The key as a KeyObject, made once per key buffer: a cipher made from a raw buffer imports the
 * key again each time, which made it ~4× dearer (measured: 22–26 µs against 6 µs per value on
 * this machine kind). Held weakly, so a key dropped by the keyring (an erased owner's) goes too.
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObjectOf(key: Buffer): KeyObject {
  let found = keyObjects.get(key);
  if (!found) {
    assertKey(key);
    found = createSecretKey(key);
    keyObjects.set(key, found);
  }
  return found;
}

/**
 * IVs are cut from a pool of random bytes filled 4 KiB at a time, each slice handed out once: one
 * `randomBytes(12)` per encrypted field was a system call per field, 1.4% of the embedded process's
 * CPU under load. The bytes come from the same CSPRNG; random 96-bit IVs are what GCM wants.
 */
const ivPool = { bytes: Buffer.alloc(0), next: 0 };
function freshIv(): Buffer {
  if (ivPool.next + IV_BYTES > ivPool.bytes.length) {
    ivPool.bytes = randomBytes(4096);
    ivPool.next = 0;
  }
  const iv = Buffer.from(ivPool.bytes.subarray(ivPool.next, ivPool.next + IV_BYTES));
  ivPool.next += IV_BYTES;
  return iv;
}

export function encryptBytes(key: Buffer, plain: Buffer, associatedData?: Buffer): Buffer {
  const iv = freshIv();
  const cipher = createCipheriv("aes-256-gcm", keyObjectOf(key), iv);
  if (associatedData) cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function decryptBytes(key: Buffer, sealed: Buffer, associatedData?: Buffer): Buffer {
  const keyObject = keyObjectOf(key);
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError("The encrypted value is truncated.");
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", keyObject, iv);
  if (associatedData) decipher.setAAD(associatedData);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError();
  }
}

/** `context` is the value's associated data: decrypting needs the same context again. */
export function encryptValue(key: Buffer, value: unknown, context: string): string {
  const json = JSON.stringify(value === undefined ? null : value);
  const sealed = encryptBytes(key, Buffer.from(json, "utf8"), Buffer.from(context, "utf8"));
  return BOUND_PREFIX + sealed.toString("base64");
}

export function decryptValue(key: Buffer, text: string, context: string): unknown {
  const bound = text.startsWith(BOUND_PREFIX);
  if (!bound && !text.startsWith(UNBOUND_PREFIX))
    throw new DecryptionError("The value is not an encrypted value.");
  const sealed = Buffer.from(text.slice(BOUND_PREFIX.length), "base64");
  const plain = decryptBytes(key, sealed, bound ? Buffer.from(context, "utf8") : undefined);
  return JSON.parse(plain.toString("utf8"));
}

export function isEncrypted(value: unknown): value is string {
  return typeof value === "string" && (value.startsWith(BOUND_PREFIX) || value.startsWith(UNBOUND_PREFIX));
}

/** Which event a field's value belongs to: a stored event's id, stream and type. */
export interface EventBinding {
  id: string;
  streamId: string;
  type: string;
}

const fieldContext = (event: EventBinding, field: string) =>
  ["second-brain event field", event.id, event.streamId, event.type, field].join("\n");

/** Maps the listed fields of an event's data, bound to that event and each field's name. */
type FieldCipher = <T extends object>(
  data: T,
  fields: readonly string[],
  key: Buffer,
  event: EventBinding,
) => T;

/**
 * Encrypts each listed field of `event`'s data that is present, bound to that event and field;
 * absent/undefined fields are left out, null stays null. Text that looks encrypted is encrypted
 * too: user content may start with the prefix.
 */
export const encryptFields: FieldCipher = (data, fields, key, event) =>
  mapFields(data, fields, (value, field) =>
    value === null ? null : encryptValue(key, value, fieldContext(event, field)),
  );

/** The inverse of encryptFields; fields that are not encrypted are returned as they are. */
export const decryptFields: FieldCipher = (data, fields, key, event) =>
  mapFields(data, fields, (value, field) =>
    isEncrypted(value) ? decryptValue(key, value, fieldContext(event, field)) : value,
  );

/** A copy of `data` with each listed field that is present (not undefined) replaced by `change`. */
function mapFields<T extends object>(
  data: T,
  fields: readonly string[],
  change: (value: unknown, field: string) => unknown,
): T {
  const copy = { ...data } as Record<string, unknown>;
  for (const field of fields) if (copy[field] !== undefined) copy[field] = change(copy[field], field);
  return copy as T;
}

/**
 * A keyed digest of `text` (HMAC-SHA-256 under a key derived from `key` for `purpose`), as hex: an
 * identifier made from personal text that nobody can recompute, or confirm a guess of, once the
 * owner's key is destroyed.
 */
export function keyedDigest(key: Buffer, purpose: string, text: string): string {
  const derived = Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), purpose, 32));
  return createHmac("sha256", derived).update(text, "utf8").digest("hex");
}

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new Error(`An AES-256 key is 32 bytes, got ${key.length}.`);
}
