/**
 * Quotes an identifier for SQL. Logical names are [a-z0-9_] and the schema setting is checked,
 * but every name is quoted anyway: a name is never trusted to be safe inside a statement.
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"` */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** The replica's bookkeeping columns beside the Dataverse columns. */
export const ENVIRONMENT_COLUMN = 'environment';
export const GENERATION_COLUMN = 'sync_generation';
export const SYNCED_AT_COLUMN = 'synced_at';
/** Tables the target keeps for itself in the schema (a leading underscore: never a Dataverse table). */
export const CHECKPOINTS_TABLE = '_checkpoints';
export const LABELS_TABLE = '_labels';
