/**
 * Object keys are chosen by the services (owner id, content hash, random ids), never by clients;
 * this check keeps a bug from ever turning a key into a path outside the store.
 */
const KEY_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function assertObjectKey(key: string): void {
  const segments = key.split("/");
  if (segments.length > 8 || !segments.every((segment) => KEY_SEGMENT.test(segment))) {
    throw new Error(`Not a valid object key: ${JSON.stringify(key)}`);
  }
}
