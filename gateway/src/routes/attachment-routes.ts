import type { ApiRoute } from "../route-params.ts";
import { idOnly } from "../route-params.ts";

const attachmentLocation = (result: unknown) => {
  const id = (result as { id?: unknown } | null)?.id;
  return typeof id === "string" ? `/api/v1/attachments/${encodeURIComponent(id)}` : undefined;
};

export const ATTACHMENT_ROUTES: readonly ApiRoute[] = [
  {
    id: "uploadAttachment",
    method: "POST",
    path: "/memories/:id/attachments",
    action: "attachment.upload",
    multipart: true,
    status: 201,
    params: ({ path }) => ({ memoryId: path.id }),
    location: attachmentLocation,
  },
  {
    id: "downloadAttachment",
    method: "GET",
    path: "/attachments/:id",
    action: "attachment.download",
    params: idOnly,
  },
  {
    id: "deleteAttachment",
    method: "DELETE",
    path: "/attachments/:id",
    action: "attachment.delete",
    status: 204,
    params: idOnly,
  },
];
