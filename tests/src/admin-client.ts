import type { Stack } from "@second-brain/testing";
import { ApiClient, eventually } from "./api-client.ts";

/**
 * An admin as an operator makes one: a fresh user redeems the one-time bootstrap token that the
 * identity service logged at start (no admin existed yet). Works once per stack.
 */
export async function registerAdmin(stack: Stack): Promise<ApiClient> {
  const token = await eventually(
    async () => bootstrapTokenIn(stack.linesContaining("bootstrapAdminToken").join("\n")),
    30_000,
  );
  const admin = new ApiClient(stack.baseUrl);
  await admin.registerUser();
  const granted = await admin.request("POST", "/api/v1/auth/bootstrap-admin", { token });
  if (granted.status !== 200)
    throw new Error(`bootstrap failed: ${granted.status} ${JSON.stringify(granted.body)}`);
  admin.token = granted.body.accessToken;
  return admin;
}

/** The last bootstrap token the processes logged. */
export function bootstrapTokenIn(output: string): string | undefined {
  const tokens = [...output.matchAll(/"bootstrapAdminToken":"([A-Za-z0-9_-]+)"/g)];
  return tokens.at(-1)?.[1];
}
