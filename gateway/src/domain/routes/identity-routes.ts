import { identitySchemas as schemas } from "@second-brain/contracts/schemas";
import { defineRoute, type RouteDeclaration } from "../route.ts";

/** An email, a password and a name, or a refresh token: a few hundred bytes at most. */
export const AUTH_BODY_BYTES = 16 * 1024;

const tag = "Identity";

/** The public routes that hand out tokens: no access token needed, small bodies only. */
const forTokens = (declaration: Omit<RouteDeclaration, "tag" | "public" | "maxBodyBytes">) =>
  defineRoute({ tag, public: true, maxBodyBytes: AUTH_BODY_BYTES, ...declaration });

export const IDENTITY_ROUTES = [
  forTokens({
    id: "register",
    method: "POST",
    path: "/auth/register",
    action: "identity.register",
    summary: "Create an account",
    description:
      "The answer is the same whether the email was new or already had an account, so it does not tell which addresses have one. Sign in with /auth/login afterwards.",
    status: 202,
    request: { body: schemas.RegisterBody, bodyRequired: true },
    response: { description: "Accepted; sign in next.", schema: schemas.RegistrationAccepted },
  }),
  forTokens({
    id: "login",
    method: "POST",
    path: "/auth/login",
    action: "identity.login",
    summary: "Log in with email and password",
    request: { body: schemas.LoginBody, bodyRequired: true },
    response: { description: "A token pair.", schema: schemas.TokenPair },
    errors: [401],
  }),
  forTokens({
    id: "refresh",
    method: "POST",
    path: "/auth/refresh",
    action: "identity.refresh",
    summary: "Trade a refresh token for a new pair",
    description:
      "The refresh token sent stops working; presenting it again ends its whole session (its access and refresh tokens).",
    request: { body: schemas.RefreshBody, bodyRequired: true },
    response: { description: "A new token pair.", schema: schemas.TokenPair },
    errors: [401],
  }),
  defineRoute({
    id: "logout",
    method: "POST",
    path: "/auth/logout",
    action: "identity.logout",
    tag,
    summary: "End this session",
    description: "This session's access and refresh tokens stop working at once, on every gateway.",
    status: 204,
    response: { description: "Signed out." },
  }),
  defineRoute({
    id: "changePassword",
    method: "POST",
    path: "/auth/password",
    action: "identity.changePassword",
    tag,
    summary: "Change the password",
    description: "Needs the current password. Every other session of the user ends; this one stays.",
    status: 204,
    maxBodyBytes: AUTH_BODY_BYTES,
    request: { body: schemas.ChangePasswordBody, bodyRequired: true },
    response: { description: "Changed; other sessions are signed out." },
    errors: [403],
  }),
  defineRoute({
    id: "bootstrapAdmin",
    method: "POST",
    path: "/auth/bootstrap-admin",
    action: "identity.bootstrapAdmin",
    tag,
    summary: "Become the first admin with the one-time token the server logged",
    description:
      "While no admin exists, each start of the identity service logs a one-time token (only its hash is stored). The signed-in user who sends it becomes admin; it works once, and not at all once an admin exists.",
    maxBodyBytes: AUTH_BODY_BYTES,
    request: { body: schemas.BootstrapAdminBody, bodyRequired: true },
    response: {
      description: "The user, now admin, and an access token of this session with the admin role.",
      schema: schemas.AdminGranted,
    },
    errors: [403],
  }),
  defineRoute({
    id: "getMe",
    method: "GET",
    path: "/users/me",
    action: "identity.me",
    tag,
    apiKeyScope: "read",
    summary: "The calling user, and how much of each quota they use",
    description:
      "`usage` says, for each per-user quota, what the user takes and the limit (null: no quota), and the limits on each memory and session. A count whose service cannot answer just now is null; the rest of the answer stands.",
    response: { description: "The user and their usage.", schema: schemas.Me },
  }),
  defineRoute({
    id: "eraseMe",
    method: "DELETE",
    path: "/users/me",
    action: "identity.erase",
    tag,
    summary: "Erase the calling user",
    description:
      "Needs the account's password. Ends every session, destroys the user's data key (crypto-shredding: what the event log holds of them can no longer be read), deletes the account and purges the read models. The log itself is never rewritten.",
    status: 202,
    maxBodyBytes: AUTH_BODY_BYTES,
    request: { body: schemas.EraseBody, bodyRequired: true },
    errors: [403],
    response: { description: "Erased; read models finish purging shortly.", schema: schemas.Erasure },
  }),
];
