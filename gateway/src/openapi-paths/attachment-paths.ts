/** OpenAPI path items of the attachment routes (routes/attachment-routes.ts); keys are full paths like "/api/v1/...". */
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]),
  );

const idParameter = (what: string) => ({
  name: "id",
  in: "path",
  required: true,
  description: `The ${what}'s id.`,
  schema: { type: "string", format: "uuid" },
});

const attachment = {
  type: "object",
  required: ["id", "filename", "contentType", "size", "sha256"],
  properties: {
    id: { type: "string", format: "uuid" },
    memoryId: { type: "string", format: "uuid" },
    filename: {
      type: "string",
      description: "The client's file name, without any path; at most 255 characters.",
    },
    contentType: {
      type: "string",
      description: "Sniffed from the file's first bytes; the client's type and the extension are ignored.",
    },
    size: { type: "integer", description: "Bytes." },
    sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
  },
};

export const ATTACHMENT_PATHS: Record<string, unknown> = {
  "/api/v1/memories/{id}/attachments": {
    post: {
      operationId: "uploadAttachment",
      summary: "Attach a file to one of the caller's memories",
      description:
        "The file is streamed through to storage, never held whole in memory. Files over the configured limit (MAX_FILE_BYTES, default 100 MiB) are refused with 413 and nothing is stored. The same bytes attached twice by one owner are stored once.",
      tags: ["Attachments"],
      parameters: [idParameter("memory")],
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["file"],
              properties: { file: { type: "string", format: "binary" } },
            },
          },
        },
      },
      responses: {
        "201": {
          description: "Attached.",
          headers: { Location: { schema: { type: "string" } } },
          content: { "application/json": { schema: attachment } },
        },
        ...errors(400, 401, 404, 413, 429, 503),
      },
    },
  },
  "/api/v1/attachments/{id}": {
    get: {
      operationId: "downloadAttachment",
      summary: "The attachment's bytes",
      description:
        "Streamed with Content-Type (the sniffed type), Content-Length and Content-Disposition. An attachment of a deleted memory is gone (404).",
      tags: ["Attachments"],
      parameters: [idParameter("attachment")],
      responses: {
        "200": {
          description: "The bytes.",
          content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
        },
        ...errors(400, 401, 404, 429, 503),
      },
    },
    delete: {
      operationId: "deleteAttachment",
      summary: "Delete an attachment",
      tags: ["Attachments"],
      parameters: [idParameter("attachment")],
      responses: { "204": { description: "Deleted." }, ...errors(400, 401, 404, 409, 429, 503) },
    },
  },
};
