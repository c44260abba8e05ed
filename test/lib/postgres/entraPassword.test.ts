import { randomBytes } from 'node:crypto';

import { type RunningPostgres, startPostgres } from '@dataverse-s2s/testbed';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPool } from '../../../src/lib/postgres';

/**
 * The Entra path (POSTGRES_HOST/DATABASE/USER): the token is the password, fetched by each new
 * connection. Here the local server's role has a token-shaped password the test issues, so the
 * code path runs end to end; Azure checks the token itself instead.
 */
let server: RunningPostgres;
let admin: pg.Client;
const token = (): string => `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.sig`;

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.connectionString });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin.end();
  await server.stop();
});

describe('Entra sign-in: the access token as the password', () => {
  it('asks for a token on every new connection, so a refreshed token is used', async () => {
    let current = token();
    await admin.query(`create role "func-contoso-sync" login password '${current}'`);
    const requests: string[] = [];
    const { pool, server: described } = createPool({
      connection: {
        kind: 'entra',
        host: server.host,
        port: server.port,
        database: 'postgres',
        user: 'func-contoso-sync',
      },
      getToken: () => {
        requests.push(current);
        return Promise.resolve(current);
      },
      ssl: false, // the local server has no TLS; Azure's requires it (the default)
    });
    try {
      const first = await pool.connect();
      expect((await first.query('select current_user as u')).rows).toEqual([
        { u: 'func-contoso-sync' },
      ]);
      // The token rotates while the first connection is in use: the next one signs in with it.
      current = token();
      await admin.query(`alter role "func-contoso-sync" password '${current}'`);
      const second = await pool.connect();
      expect((await second.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      first.release();
      second.release();
      expect(requests).toHaveLength(2);
      expect(requests[0]).not.toBe(requests[1]);
      expect(described).toBe(`PostgreSQL ${server.host}:${String(server.port)}/postgres`);
      expect(described).not.toContain(current);
    } finally {
      await pool.end();
    }
  });
});
