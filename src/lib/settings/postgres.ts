import {
  POSTGRES_CONNECTION_STRING,
  POSTGRES_DATABASE,
  POSTGRES_HOST,
  POSTGRES_SCHEMA,
  POSTGRES_USER,
  SYNC_TARGET,
} from './names';
import { type ProblemList, shown } from './problems';
import { readSetting, type SettingsSource } from './read';
import type { PostgresConnection } from './types';

/** The schema the replica's tables go into when POSTGRES_SCHEMA is not set. */
export const DEFAULT_POSTGRES_SCHEMA = 'dataverse';
/** PostgreSQL's port when POSTGRES_HOST does not name one. */
const DEFAULT_PORT = 5432;
const CONNECTION_EXAMPLE = 'postgres://sync:<password>@localhost:5432/replica';
const HOST_EXAMPLE = 'pg-contoso.postgres.database.azure.com';
// An unquoted PostgreSQL identifier: what the schema and database names may be, so that no
// quoting or case folding surprises anyone who queries the replica by hand.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
// A DNS name or IPv4 address, optionally with :port.
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::(\d{1,5}))?$/i;

/**
 * The PostgreSQL target's settings: a connection string (local development: it holds a
 * password, so it is never quoted), or host + database + user for Entra sign-in with the
 * managed identity (no password in settings). Problems are added only when SYNC_TARGET=postgres
 * or a POSTGRES_* setting is set, so other targets never see them.
 */
export function parsePostgres(
  env: SettingsSource,
  problems: ProblemList,
): { connection: PostgresConnection; schema: string } | undefined {
  const connectionString = readSetting(env, POSTGRES_CONNECTION_STRING);
  const host = readSetting(env, POSTGRES_HOST);
  const database = readSetting(env, POSTGRES_DATABASE);
  const user = readSetting(env, POSTGRES_USER);
  const schema = parseSchema(env, problems);
  const entraSet = [host, database, user].some((value) => value !== undefined);
  if (connectionString !== undefined && entraSet) {
    problems.add(
      POSTGRES_CONNECTION_STRING,
      `is set together with ${POSTGRES_HOST}/${POSTGRES_DATABASE}/${POSTGRES_USER}; set the connection string (local development) or the three Entra settings (Azure), not both`,
      '(empty)',
    );
    return undefined;
  }
  if (connectionString !== undefined) {
    const problem = connectionStringProblem(connectionString);
    if (problem !== undefined) {
      problems.add(POSTGRES_CONNECTION_STRING, problem, CONNECTION_EXAMPLE);
      return undefined;
    }
    return schema === undefined
      ? undefined
      : { connection: { kind: 'connectionString', connectionString }, schema };
  }
  if (!entraSet) {
    problems.add(
      `${POSTGRES_HOST}, ${POSTGRES_DATABASE}, ${POSTGRES_USER}`,
      `are required when ${SYNC_TARGET}=postgres (Entra sign-in with the managed identity), or set ${POSTGRES_CONNECTION_STRING} for local development`,
      HOST_EXAMPLE,
      POSTGRES_HOST,
    );
    return undefined;
  }
  const server = parseHost(host, problems);
  if (database === undefined || !IDENTIFIER.test(database)) {
    problems.add(
      POSTGRES_DATABASE,
      database === undefined
        ? `is required with ${POSTGRES_HOST}`
        : `must be a database name of lower-case letters, digits and underscores, got ${shown(database)}`,
      'replica',
    );
  }
  if (user === undefined) {
    problems.add(
      POSTGRES_USER,
      `is required with ${POSTGRES_HOST}: the PostgreSQL role of the managed identity (its name as created with pgaadauth_create_principal)`,
      'func-contoso-sync',
    );
  }
  if (server === undefined || database === undefined || user === undefined) return undefined;
  if (!IDENTIFIER.test(database) || schema === undefined) return undefined;
  return { connection: { kind: 'entra', ...server, database, user }, schema };
}

function parseSchema(env: SettingsSource, problems: ProblemList): string | undefined {
  const schema = readSetting(env, POSTGRES_SCHEMA) ?? DEFAULT_POSTGRES_SCHEMA;
  if (IDENTIFIER.test(schema)) return schema;
  problems.add(
    POSTGRES_SCHEMA,
    `must be a schema name of lower-case letters, digits and underscores (at most 63), got ${shown(schema)}`,
    DEFAULT_POSTGRES_SCHEMA,
  );
  return undefined;
}

function parseHost(
  value: string | undefined,
  problems: ProblemList,
): { host: string; port: number } | undefined {
  if (value === undefined) {
    problems.add(
      POSTGRES_HOST,
      `is required with ${POSTGRES_DATABASE} and ${POSTGRES_USER}`,
      HOST_EXAMPLE,
    );
    return undefined;
  }
  const match = HOST.exec(value);
  const port = match?.[1] === undefined ? DEFAULT_PORT : Number(match[1]);
  if (match === null || port < 1 || port > 65535) {
    problems.add(
      POSTGRES_HOST,
      `must be the server's host name, optionally with :port, got ${shown(value)}`,
      HOST_EXAMPLE,
    );
    return undefined;
  }
  return { host: value.replace(/:\d+$/, '').toLowerCase(), port };
}

/** What is wrong with a connection string, in words that never repeat it (it holds a password). */
function connectionStringProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL of the form postgres://user:password@host:port/database (the value is not repeated here: it holds a password)';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    return 'must start with postgres:// or postgresql://';
  if (url.hostname === '') return 'must name the server host';
  if (url.pathname.length <= 1) return 'must name the database after the host (…:5432/replica)';
  return undefined;
}
