import type { TokenCredential } from '@azure/identity';
import type pg from 'pg';

import { AuthenticationError } from '../errors';
import type { Settings } from '../settings';
import type { SinkTable, SyncTarget } from '../sync';
import { PostgresCheckpointStore } from './checkpointStore';
import { postgresError } from './errors';
import { ensureBaseTables, withMigrationLock } from './migrations';
import { createPool, POSTGRES_TOKEN_SCOPE } from './pool';
import { PostgresSink, type SinkContext } from './postgresSink';

export type PostgresTargetSettings = Extract<Settings['sync']['target'], { kind: 'postgres' }>;

export interface PostgresTargetOptions {
  readonly pool: pg.Pool;
  /** The server without secrets, e.g. `PostgreSQL db.example.com:5432/replica`. */
  readonly server: string;
  readonly schema: string;
  /** Values no error text may show (the connection string's password). */
  readonly secrets: readonly string[];
  /** Test seam: runs inside each page's transaction just before COMMIT. */
  readonly beforeCommit?: (client: pg.PoolClient) => Promise<void>;
}

/**
 * The PostgreSQL replica: one table per Dataverse table in the configured schema, typed from
 * metadata, with the checkpoints in the same database so each page commits exactly once.
 */
export class PostgresTarget implements SyncTarget {
  readonly checkpoints: PostgresCheckpointStore;
  private readonly context: SinkContext;
  private base: Promise<void> | undefined;

  constructor(private readonly options: PostgresTargetOptions) {
    const withClient = async <T>(
      step: string,
      job: string,
      work: (client: pg.PoolClient) => Promise<T>,
    ): Promise<T> => {
      let client: pg.PoolClient | undefined;
      // The pool listens for errors of idle connections only. A checked-out connection the
      // server drops (a restart, a terminated backend) emits 'error' too: unheard, that event
      // would end the process (and print the connection's settings). The query in flight
      // rejects with the same error, which is what is reported.
      const ignore = (): void => undefined;
      try {
        client = await options.pool.connect();
        client.on('error', ignore);
        const value = await work(client);
        client.off('error', ignore);
        client.release();
        return value;
      } catch (error) {
        // A connection that failed mid-transaction is discarded, never reused half-open.
        if (client !== undefined) {
          await client.query('ROLLBACK').catch(() => undefined);
          // The listener stays: a dying connection can still emit while it is destroyed.
          client.release(true);
        }
        throw postgresError(error, step, job, options.server, options.secrets);
      }
    };
    this.context = {
      schema: options.schema,
      server: `postgres:${options.server.replace(/^PostgreSQL /, '')}`,
      withClient,
      ensureBase: (job) => this.ensureBase(job),
      ...(options.beforeCommit === undefined ? {} : { beforeCommit: options.beforeCommit }),
    };
    this.checkpoints = new PostgresCheckpointStore(async (step, job, work, prepare) => {
      if (prepare) await this.ensureBase(job);
      return await withClient(step, job, work);
    }, options.schema);
  }

  /** A fresh sink per run: its table is migrated and its labels refreshed once in that run. */
  sinkFor(table: SinkTable): PostgresSink {
    return new PostgresSink(this.context, table);
  }

  /** Ends the pool (the CLI and tests; the Functions host keeps it for the process). */
  async close(): Promise<void> {
    await this.options.pool.end();
  }

  private async ensureBase(job: string): Promise<void> {
    this.base ??= this.context
      .withClient('migration', job, (client) =>
        withMigrationLock(client, this.options.schema, () =>
          ensureBaseTables(client, this.options.schema),
        ),
      )
      .catch((error: unknown) => {
        this.base = undefined;
        throw error;
      });
    await this.base;
  }
}

/**
 * The target as the runtime builds it from settings: a connection string (its password kept
 * out of every error), or Entra sign-in with the managed identity's token as the password.
 */
export function createPostgresTarget(
  settings: PostgresTargetSettings,
  managedIdentity: () => TokenCredential,
): PostgresTarget {
  const { connection } = settings;
  const secrets: string[] = [];
  if (connection.kind === 'connectionString') {
    const password = new URL(connection.connectionString).password;
    if (password !== '') secrets.push(password, decodeURIComponent(password));
    secrets.push(connection.connectionString);
  }
  const { pool, server } = createPool({
    connection,
    getToken: async () => {
      const token = await managedIdentity().getToken(POSTGRES_TOKEN_SCOPE);
      if (token === null) {
        throw new AuthenticationError(
          `The managed identity returned no token for ${POSTGRES_TOKEN_SCOPE}`,
          {
            step: 'PostgreSQL token',
            hint: 'Check the function app identity (AZURE_CLIENT_ID) and that it exists in the tenant.',
          },
        );
      }
      return token.token;
    },
  });
  return new PostgresTarget({ pool, server, schema: settings.schema, secrets });
}
