import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { type RunningPostgres, startPostgres } from '@dataverse-s2s/testbed';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The server processes listening on `port` (the postmaster's command line names it). */
function serverProcesses(port: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(`-p ${String(port)}`) && line.includes('postgres'));
}

describe('startPostgres (a real PostgreSQL from npm)', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });

  it('runs PostgreSQL 14 or later on 127.0.0.1 and takes a password, not trust', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.version).toBeGreaterThanOrEqual(14);
    const client = new pg.Client({ connectionString: server.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ server_version: string }>('show server_version');
      expect(Number(rows[0]?.server_version.split('.')[0])).toBe(server.version);
    } finally {
      await client.end();
    }
    const wrong = new pg.Client({
      host: server.host,
      port: server.port,
      user: server.user,
      password: 'not-the-password',
      database: 'postgres',
    });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('holds transactions, advisory locks and a database per test file', async () => {
    const url = await server.createDatabase('fidelity');
    const a = new pg.Client({ connectionString: url });
    const b = new pg.Client({ connectionString: url });
    await a.connect();
    await b.connect();
    try {
      await a.query('create table t (id int primary key)');
      await a.query('begin');
      await a.query('insert into t values (1)');
      expect((await b.query('select count(*)::int as n from t')).rows[0]).toEqual({ n: 0 });
      await a.query('select pg_advisory_xact_lock(42)');
      const tryLock = await b.query<{ got: boolean }>(
        'select pg_try_advisory_xact_lock(42) as got',
      );
      expect(tryLock.rows[0]?.got).toBe(false);
      await a.query('commit');
      expect((await b.query('select count(*)::int as n from t')).rows[0]).toEqual({ n: 1 });
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('keeps its data across a restart', async () => {
    const url = await server.createDatabase('restart');
    const write = new pg.Client({ connectionString: url });
    await write.connect();
    await write.query('create table kept (v text); insert into kept values ($$still here$$)');
    await write.end();
    await server.restart();
    const read = new pg.Client({ connectionString: url });
    await read.connect();
    try {
      expect((await read.query('select v from kept')).rows).toEqual([{ v: 'still here' }]);
    } finally {
      await read.end();
    }
  });

  it('leaves no process and no directory behind after stop', async () => {
    const other = await startPostgres();
    expect(existsSync(other.directory)).toBe(true);
    expect(serverProcesses(other.port).length).toBeGreaterThan(0);
    await other.stop();
    await other.stop();
    expect(serverProcesses(other.port)).toEqual([]);
    expect(existsSync(other.directory)).toBe(false);
  }, 120_000);
});
