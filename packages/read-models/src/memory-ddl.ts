/**
 * SQL both memory read models build their tables with. Migrations that have run used this text, so
 * it changes only together with a new migration that brings existing tables along.
 */

/**
 * The columns of a folded memory but `status_before_archive`, which came later (each read model's
 * 2026_12_03_0001 migration), each with its type and default.
 */
export const MEMORY_FIELD_COLUMNS_DDL = `
  owner_id text NOT NULL,
  version integer NOT NULL,
  title text,
  content text NOT NULL,
  type text NOT NULL,
  status text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  importance real NOT NULL,
  confidence real NOT NULL,
  links jsonb NOT NULL DEFAULT '[]',
  source_url text,
  session_id text,
  attachments jsonb NOT NULL DEFAULT '[]',
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL`;

/**
 * A SQL function `name(title, content, tags)` giving a memory's full-text document: title and tags
 * weigh A, content B. A generated column needs an IMMUTABLE expression and `array_to_string` is
 * only STABLE, so the document is built by a function declared IMMUTABLE: with a fixed text search
 * configuration its result depends on its arguments alone.
 */
export function fullTextDocumentFunctionSql(name: string): string {
  return `
    CREATE OR REPLACE FUNCTION ${name}(title text, content text, tags text[])
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
          || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'A')
          || setweight(to_tsvector('english'::regconfig, coalesce(content, '')), 'B')
    $$`;
}
