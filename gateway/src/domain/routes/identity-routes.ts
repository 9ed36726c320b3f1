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
    status: 201,
    request: { body: schemas.RegisterBody, bodyRequired: true },
    response: { description: "The account and its first tokens.", schema: schemas.Registration },
    errors: [409],
    location: () => "/api/v1/users/me",
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
    description: "The refresh token sent stops working; reusing it ends every session of the user.",
    request: { body: schemas.RefreshBody, bodyRequired: true },
    response: { description: "A new token pair.", schema: schemas.TokenPair },
    errors: [401],
  }),
  defineRoute({
    id: "getMe",
    method: "GET",
    path: "/users/me",
    action: "identity.me",
    tag,
    apiKeyScope: "read",
    summary: "The calling user",
    response: { description: "The user.", schema: schemas.User },
  }),
  defineRoute({
    id: "eraseMe",
    method: "DELETE",
    path: "/users/me",
    action: "identity.erase",
    tag,
    summary: "Erase the calling user",
    description:
      "Destroys the user's data key (crypto-shredding: what the event log holds of them can no longer be read), deletes the account and purges the read models. The log itself is never rewritten.",
    status: 202,
    response: { description: "Erased; read models finish purging shortly.", schema: schemas.Erasure },
  }),
];
