import { ValidationError } from "@second-brain/contracts";

/** Where a page ended: the last item's sort key, (created_at desc, id desc). */
export interface ListCursor {
  createdAt: string;
  id: string;
}

/** Opaque to clients: base64url of the sort key, so its shape can change without breaking them. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), "utf8").toString("base64url");
}

export function decodeCursor(text: string): ListCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2) {
      const [createdAt, id] = value as unknown[];
      if (typeof createdAt === "string" && typeof id === "string" && !Number.isNaN(Date.parse(createdAt))) {
        if (/^[0-9a-f-]{36}$/i.test(id)) return { createdAt, id };
      }
    }
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError("The cursor is not valid.", [
    { field: "cursor", message: "is not a cursor from a previous page" },
  ]);
}
