import { randomBytes } from "node:crypto";
import type { Keyring } from "@second-brain/platform";

/** Keys exist for `users` from the start, as identity creates them at registration. */
export function createInMemoryKeyring(users: string[] = []): Keyring {
  const keys = new Map<string, Buffer>(users.map((user) => [user, randomBytes(32)]));
  return {
    async ensureKey(userId) {
      if (!keys.has(userId)) keys.set(userId, randomBytes(32));
    },
    async getKey(userId) {
      return keys.get(userId);
    },
    async destroyKey(userId) {
      keys.delete(userId);
    },
  };
}
