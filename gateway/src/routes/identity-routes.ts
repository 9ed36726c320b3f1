import type { ApiRoute } from "../route-params.ts";
import { bodyOnly } from "../route-params.ts";

/** An email, a password and a name, or a refresh token: a few hundred bytes at most. */
export const AUTH_BODY_BYTES = 16 * 1024;

export const IDENTITY_ROUTES: readonly ApiRoute[] = [
  {
    id: "register",
    method: "POST",
    path: "/auth/register",
    action: "identity.register",
    public: true,
    maxBodyBytes: AUTH_BODY_BYTES,
    status: 201,
    params: bodyOnly,
    location: () => "/api/v1/users/me",
  },
  {
    id: "login",
    method: "POST",
    path: "/auth/login",
    action: "identity.login",
    public: true,
    maxBodyBytes: AUTH_BODY_BYTES,
    params: bodyOnly,
  },
  {
    id: "refresh",
    method: "POST",
    path: "/auth/refresh",
    action: "identity.refresh",
    public: true,
    maxBodyBytes: AUTH_BODY_BYTES,
    params: bodyOnly,
  },
  { id: "getMe", method: "GET", path: "/users/me", action: "identity.me", params: () => ({}) },
  {
    id: "eraseMe",
    method: "DELETE",
    path: "/users/me",
    action: "identity.erase",
    status: 202,
    params: () => ({}),
  },
];
