import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashes are scrypt with a random 16-byte salt. The parameters travel inside the hash
 * string (`scrypt$N$r$p$salt$key`, base64url), so they can be raised later without breaking the
 * hashes already stored: a hash made with other parameters still verifies, and `needsRehash` says
 * when a login should store a new one.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's Password Storage Cheat Sheet lists N=2^17 r=8 p=1 (128 MiB per hash) and, as equal
 * work in half the memory, N=2^16 r=8 p=2 (64 MiB). The second keeps concurrent logins on a small
 * machine within memory; the work per hash is the same.
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 1 << 16, r: 8, p: 2 });
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// Hashes read back from storage must not make the process allocate unbounded memory.
const MAX_N = 1 << 20;

/** `params` other than the defaults come only from explicit configuration (PASSWORD_SCRYPT_PARAMS). */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params, KEY_LENGTH);
  const { N, r, p } = params;
  return ["scrypt", N, r, p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** False for a wrong password and for a hash this code cannot read; never throws for either. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** Whether a stored hash was made with other parameters than `params` (then a login re-hashes). */
export function needsRehash(hash: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parseHash(hash);
  return (
    !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p
  );
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(hash: string): ParsedHash | undefined {
  const parts = typeof hash === "string" ? hash.split("$") : [];
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!isUsable({ N, r, p })) return undefined;
  const salt = Buffer.from(parts[4]!, "base64url");
  const key = Buffer.from(parts[5]!, "base64url");
  if (salt.length === 0 || key.length < 16) return undefined;
  return { params: { N, r, p }, salt, key };
}

/** Parameters this code will run: N a power of two up to 2^20, r ≤ 32, p ≤ 16. */
export function isUsable({ N, r, p }: ScryptParams): boolean {
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  return N > 1 && N <= MAX_N && (N & (N - 1)) === 0 && r <= 32 && p <= 16;
}

function derive(password: string, salt: Buffer, params: ScryptParams, length: number) {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}
