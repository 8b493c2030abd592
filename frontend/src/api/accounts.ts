/**
 * The people endpoints (api/views/accounts.py and the token list of api/views/auth.py):
 * accounts and join links for site admins, the public join page, the caller's password and
 * API tokens, and the owners' user name search. Same transport as client.ts.
 */
import { request, type Me, type Page, type Role } from "./client";

export interface Account {
  username: string;
  email: string;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  last_login: string | null;
  date_joined: string;
}

export interface JoinLink {
  id: number;
  token_prefix: string;
  username: string;
  email: string;
  project: string | null;
  role: Role | "";
  created_by: string | null;
  created_at: string;
  expires_at: string;
  state: "waiting" | "expired" | "used";
}

/** A link just made: its token and URL are shown this once. */
export interface IssuedJoinLink extends JoinLink {
  token: string;
  url: string;
  mailed: boolean;
}

export interface JoinLinkInfo {
  username: string;
  project_name: string | null;
  role: Role | "";
  expires_at: string;
}

export interface ApiToken {
  id: number;
  name: string;
  key_prefix: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  current: boolean;
}

export interface IssuedToken {
  token: string;
  id: number;
  name: string;
  created_at: string;
  expires_at: string | null;
}

const enc = encodeURIComponent;

export const accounts = {
  list: (prefix = "", page = 1) =>
    request<Page<Account>>("GET", `accounts/?page=${page}${prefix ? `&prefix=${enc(prefix)}` : ""}`),
  create: (body: { username: string; password: string; email?: string }) => request<Account>("POST", "accounts/", body),
  setActive: (username: string, is_active: boolean) =>
    request<Account>("PATCH", `accounts/${enc(username)}/`, { is_active }),

  joinLinks: () => request<JoinLink[]>("GET", "join-links/"),
  createJoinLink: (body: { username?: string; email?: string; project?: string; role?: Role; days?: number }) =>
    request<IssuedJoinLink>("POST", "join-links/", body),
  withdrawJoinLink: (id: number) => request<void>("DELETE", `join-links/${id}/`),

  joinInfo: (token: string) => request<JoinLinkInfo>("GET", `join/${enc(token)}/`),
  join: (token: string, body: { username?: string; password: string }) =>
    request<Me>("POST", `join/${enc(token)}/`, body),

  changePassword: (old_password: string, new_password: string) =>
    request<{ tokens_revoked: number }>("POST", "auth/password/", { old_password, new_password }),
  tokens: () => request<ApiToken[]>("GET", "auth/tokens/"),
  createToken: (name: string) => request<IssuedToken>("POST", "auth/tokens/", { name }),
  revokeToken: (id: number) => request<void>("DELETE", `auth/tokens/${id}/`),

  /** User names starting with `prefix` (owners of a project only). */
  usernames: (prefix: string) =>
    request<{ username: string }[]>("GET", `usernames/?prefix=${enc(prefix)}`).then((r) => r.map((u) => u.username)),
};
