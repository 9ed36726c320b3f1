import {
  MESSAGE_ROLES,
  canonicalJson,
  checkJsonObject,
  type Problems,
  type Limits,
  type MessageRole,
} from "@second-brain/contracts";

/**
 * Field rules and limits of a session. Title and message lengths follow the memory limits (a
 * message is like a memory's content); the context is bounded like a memory's metadata. The
 * number of messages is a quota (messagesPerSession), so that one session's stream stays readable
 * in one go.
 */

export function checkContext(value: unknown, limits: Limits, problems: Problems): Record<string, unknown> {
  return checkJsonObject("context", value, limits.maxMetadataBytes, problems);
}

export function checkRole(value: unknown, problems: Problems): MessageRole {
  if ((MESSAGE_ROLES as readonly unknown[]).includes(value)) return value as MessageRole;
  problems.push({ field: "role", message: `role must be one of ${MESSAGE_ROLES.join(", ")}` });
  return "user";
}

export function checkMessageContent(value: unknown, limits: Limits, problems: Problems): string {
  if (typeof value !== "string" || value.trim() === "") {
    problems.push({ field: "content", message: "content is required and must not be empty" });
    return "";
  }
  if (value.length > limits.maxContentChars) {
    problems.push({
      field: "content",
      message: `content must be at most ${limits.maxContentChars} characters`,
    });
  }
  return value;
}

export { canonicalJson };
