import pg from 'pg';

import type { PostgresConnection } from '../settings';

/** The scope of an access token Azure Database for PostgreSQL accepts as a password. */
export const POSTGRES_TOKEN_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

/**
 * Connections per instance: a job holds one connection per page transaction, and an instance
 * runs up to 4 jobs at once (host.json batchSize 2 + newBatchThreshold 2; the CLI runs 4), plus
 * one for checkpoint reads and migrations. instances × this must stay below max_connections.
 */
export const POOL_SIZE = 5;

/**
 * Entra tokens live 5 to 60 minutes; the server checks one only when a connection signs in, so
 * connections are retired well within that and each new one fetches a current token.
 */
const MAX_LIFETIME_IN_SECONDS = 30 * 60;

export interface PoolOptions {
  readonly connection: PostgresConnection;
  /** An access token for {@link POSTGRES_TOKEN_SCOPE} (Entra sign-in); the credential caches it. */
  readonly getToken: () => Promise<string>;
  /** Test seam: TLS options for Entra sign-in. Default: verify the server (Azure requires TLS). */
  readonly ssl?: pg.ConnectionConfig['ssl'];
}

/** The pool for the target's server, and a description of the server that holds no secret. */
export function createPool(options: PoolOptions): { pool: pg.Pool; server: string } {
  const { connection } = options;
  const common = {
    max: POOL_SIZE,
    maxLifetimeSeconds: MAX_LIFETIME_IN_SECONDS,
    connectionTimeoutMillis: 30_000,
    idleTimeoutMillis: 60_000,
    application_name: 'dataverse-s2s',
    // A CLI run ends when its work does, not after the idle connections time out.
    allowExitOnIdle: true,
  };
  let pool: pg.Pool;
  let server: string;
  if (connection.kind === 'connectionString') {
    const url = new URL(connection.connectionString);
    server = `PostgreSQL ${url.hostname}${url.port === '' ? '' : `:${url.port}`}${url.pathname}`;
    pool = new pg.Pool({ ...common, connectionString: connection.connectionString });
  } else {
    server = `PostgreSQL ${connection.host}:${String(connection.port)}/${connection.database}`;
    pool = new pg.Pool({
      ...common,
      host: connection.host,
      port: connection.port,
      database: connection.database,
      user: connection.user,
      // Called by each new connection when it signs in, so a refreshed token is used.
      password: options.getToken,
      ssl: options.ssl ?? true,
    });
  }
  // An idle connection the server dropped (a restart, a failover) emits 'error' on the pool;
  // unhandled, that would end the process. The next query gets a new connection instead.
  pool.on('error', () => undefined);
  return { pool, server };
}
