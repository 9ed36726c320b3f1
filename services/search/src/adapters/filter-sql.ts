import type { NormalizedSearch } from "../domain/search-request.ts";

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * The WHERE clause every search query starts with: the owner first, always, then the filters.
 * Placeholders are numbered from `firstParam` so the caller's own parameters come before them.
 * Values travel as parameters, never inside the SQL text.
 */
export function ownerFilterSql(
  ownerId: string,
  filters: NormalizedSearch["filters"],
  firstParam: number,
  alias = "d",
): SqlFragment {
  const params: unknown[] = [];
  const next = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  const clauses = [`${alias}.owner_id = ${next(ownerId)}`, `${alias}.status = ${next(filters.status)}`];
  if (filters.tags && filters.tags.length > 0) clauses.push(`${alias}.tags @> ${next(filters.tags)}::text[]`);
  if (filters.type) clauses.push(`${alias}.type = ${next(filters.type)}`);
  if (filters.sessionId) clauses.push(`${alias}.session_id = ${next(filters.sessionId)}`);
  if (filters.from) clauses.push(`${alias}.created_at >= ${next(filters.from)}::timestamptz`);
  if (filters.to) clauses.push(`${alias}.created_at <= ${next(filters.to)}::timestamptz`);
  return { sql: clauses.join(" AND "), params };
}
