import { identitySchemas as schemas } from "@second-brain/contracts/schemas";
import { defineRoute } from "../route-params.ts";

/** An email, a password and a name, or a refresh token: a few hundred bytes at most. */
export const AUTH_BODY_BYTES = 16 * 1024;

const tag = "Identity";

export const IDENTITY_ROUTES = [
  defineRoute({
    id: "register",
    method: "POST",
    path: "/auth/register",
    action: "identity.register",
    public: true,
    tag,
    summary: "Create an account",
    maxBodyBytes: AUTH_BODY_BYTES,
    status: 201,
    request: { body: schemas.RegisterBody, bodyRequired: true },
    response: { description: "The account and its first tokens.", schema: schemas.Registration },
    errors: [409],
    location: () => "/api/v1/users/me",
  }),
  defineRoute({
    id: "login",
    method: "POST",
    path: "/auth/login",
    action: "identity.login",
    public: true,
    tag,
    summary: "Log in with email and password",
    maxBodyBytes: AUTH_BODY_BYTES,
    request: { body: schemas.LoginBody, bodyRequired: true },
    response: { description: "A token pair.", schema: schemas.TokenPair },
    errors: [401],
  }),
  defineRoute({
    id: "refresh",
    method: "POST",
    path: "/auth/refresh",
    action: "identity.refresh",
    public: true,
    tag,
    summary: "Trade a refresh token for a new pair",
    description: "The refresh token sent stops working; reusing it ends every session of the user.",
    maxBodyBytes: AUTH_BODY_BYTES,
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
