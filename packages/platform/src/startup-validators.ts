import { EnvError, makeValidator } from "envalid";

/**
 * HS256 signs with HMAC-SHA-256, whose key must be at least as long as the hash (RFC 7518, 3.2):
 * a shorter secret can be guessed offline from any one token, and then every token forged.
 */
export const MIN_JWT_SECRET_BYTES = 32;

/** A token signing secret of at least MIN_JWT_SECRET_BYTES bytes; the value itself is never echoed. */
export const jwtSecret = makeValidator<string>((raw) => {
  const bytes = Buffer.byteLength(raw, "utf8");
  if (bytes < MIN_JWT_SECRET_BYTES)
    throw new EnvError(
      `must be at least ${MIN_JWT_SECRET_BYTES} bytes (e.g. \`openssl rand -base64 48\`), got ${bytes}`,
    );
  return raw;
});

/**
 * Where the gateway listens. Unset: only this machine in the embedded mode, whose single process
 * is one person's install; every interface in the distributed mode, whose gateway runs in a
 * container that is reached through its published port.
 */
export function defaultListenHost(mode: "embedded" | "distributed"): string {
  return mode === "embedded" ? "127.0.0.1" : "0.0.0.0";
}
