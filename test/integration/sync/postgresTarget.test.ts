import { type RunningPostgres, startPostgres } from '@dataverse-s2s/testbed';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Runtime } from '../../../src/lib/runtime';
import { startSyncBed, type SyncBed } from './syncBed';

/**
 * SYNC_TARGET=postgres end to end: settings → runtime → the simulator's metadata and change
 * tracking → the engine → a real PostgreSQL (started here), compared with the source after a
 * full load, a delta with updates and deletes, and a column added in Dataverse.
 */
let sync: SyncBed;
let server: RunningPostgres;
let url: string;
let db: pg.Pool;
const TABLES = 'account,contact,new_project';
const ID_COLUMN = { account: 'accountid', contact: 'contactid', new_project: 'new_projectid' };
type Table = keyof typeof ID_COLUMN;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('replica');
  db = new pg.Pool({ connectionString: url, max: 2 });
  // The restart test drops this pool's idle connections too; the next query opens a new one.
  db.on('error', () => undefined);
  sync = await startSyncBed({
    environments: [
      { name: 'crashy', accounts: { count: 61, seed: 204 } },
      {
        name: 'alpine',
        accounts: { count: 23, seed: 201 },
        tables: {
          contact: { count: 17, seed: 202 },
          new_project: { count: 9, seed: 203, changeTracking: true },
        },
      },
    ],
  });
  sync.bed.plantSecret(server.password);
}, 120_000);

afterAll(async () => {
  await db.end();
  await sync.stop();
  await server.stop();
});

async function runtime(overrides: Record<string, string> = {}): Promise<Runtime> {
  return await sync.runtime({
    SYNC_TABLES: TABLES,
    SYNC_TARGET: 'postgres',
    SYNC_PAGE_SIZE: '7',
    POSTGRES_CONNECTION_STRING: url,
    ...overrides,
  });
}

/** id → versionnumber of the replica, and of the simulator's live rows. */
async function replica(table: Table): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; v: string }>(
    `select ${ID_COLUMN[table]}::text as id, versionnumber::text as v from dataverse.${table} where environment = 'alpine'`,
  );
  return new Map(rows.map((row) => [row.id, row.v]));
}

function source(table: Table): Map<string, string> {
  const rows = [...sync.environment('alpine').table(table).rows()];
  return new Map(rows.map((row) => [String(row[ID_COLUMN[table]]), String(row.versionnumber)]));
}

async function expectMirrorsSource(): Promise<void> {
  for (const table of Object.keys(ID_COLUMN) as Table[]) {
    expect(await replica(table), table).toEqual(source(table));
  }
}

describe('SYNC_TARGET=postgres', () => {
  it('loads account, contact and new_project in full, in pages, into typed tables', async () => {
    const report = await (
      await runtime()
    ).sync.run({
      logger: sync.logger,
      environmentNames: ['alpine'],
    });
    expect(report.results.map((r) => [r.table, r.outcome, r.roundKind, r.created])).toEqual([
      ['account', 'synced', 'full', 23],
      ['contact', 'synced', 'full', 17],
      ['new_project', 'synced', 'full', 9],
    ]);
    expect(report.results.every((r) => r.pages >= 2 || r.rows <= 7)).toBe(true);
    await expectMirrorsSource();
    const account = [...sync.environment('alpine').table('account').rows()][0];
    const { rows } = await db.query<{ name: string | null }>(
      'select name from dataverse.account where accountid = $1',
      [account?.accountid],
    );
    expect(rows).toEqual([{ name: account?.name ?? null }]);
    // The checkpoints live beside the rows, not in blob storage.
    const checkpoints = await db.query<{ job: string }>(
      'select job from dataverse._checkpoints order by job',
    );
    expect(checkpoints.rows.map((r) => r.job)).toEqual([
      'alpine/account',
      'alpine/contact',
      'alpine/new_project',
    ]);
    expect(await sync.checkpoint('alpine', 'account')).toBeUndefined();
  });

  it('applies a delta of updates, creates and deletes', async () => {
    const accounts = sync.environment('alpine').table('account');
    const [a, b, c, d] = [...accounts.rows()].map((row) => String(row.accountid));
    accounts.update(a ?? '', { name: 'Renamed in Dataverse' });
    accounts.update(b ?? '', { name: 'Also renamed' });
    accounts.delete(c ?? '');
    accounts.delete(d ?? '');
    const contacts = sync.environment('alpine').table('contact');
    contacts.delete(String([...contacts.rows()][0]?.contactid));
    sync.environment('alpine').table('new_project').create({ new_name: 'Created later' });

    const report = await (
      await runtime()
    ).sync.run({
      logger: sync.logger,
      environmentNames: ['alpine'],
    });
    expect(
      report.results.map((r) => [r.table, r.roundKind, r.created, r.updated, r.deleted]),
    ).toEqual([
      ['account', 'delta', 0, 2, 2],
      ['contact', 'delta', 0, 0, 1],
      ['new_project', 'delta', 1, 0, 0],
    ]);
    await expectMirrorsSource();
    const renamed = await db.query('select name from dataverse.account where accountid = $1', [a]);
    expect(renamed.rows).toEqual([{ name: 'Renamed in Dataverse' }]);
  });

  it('adds a column that appears in Dataverse and fills it with a full round', async () => {
    sync.environment('alpine').addColumn('new_project', {
      LogicalName: 'new_risk',
      AttributeType: 'String',
      AttributeTypeName: { Value: 'StringType' },
      MaxLength: 100,
    });
    const projects = sync.environment('alpine').table('new_project');
    const first = String([...projects.rows()][0]?.new_projectid);
    projects.update(first, { new_risk: 'supplier delay' });

    const report = await (
      await runtime({ SYNC_TABLES: 'new_project' })
    ).sync.run({ logger: sync.logger, environmentNames: ['alpine'] });
    expect(report.results.map((r) => [r.outcome, r.roundKind, r.swept])).toEqual([
      ['synced', 'full', 0],
    ]);
    const { rows } = await db.query<{ id: string; risk: string | null }>(
      'select new_projectid::text as id, new_risk as risk from dataverse.new_project where new_risk is not null',
    );
    expect(rows).toEqual([{ id: first, risk: 'supplier delay' }]);
    await expectMirrorsSource();
  });

  it('fails with the SQLSTATE and a fix, never the password, when the sign-in is refused', async () => {
    const wrong = url.replace(encodeURIComponent(server.password), 'WrongPassword123456789');
    sync.bed.plantSecret('WrongPassword123456789');
    const report = await (
      await runtime({ POSTGRES_CONNECTION_STRING: wrong, SYNC_TABLES: 'account' })
    ).sync.run({ logger: sync.logger, environmentNames: ['alpine'] });
    const error = report.results[0]?.error ?? '';
    expect(report.results[0]?.outcome).toBe('failed');
    expect(error).toContain('[28P01]');
    expect(error).toContain('Fix: Check the sign-in to PostgreSQL 127.0.0.1');
    expect(error).not.toContain('WrongPassword123456789');
  });

  it('a crash at any point of any page loses nothing and applies no page twice (8 seeds)', async () => {
    const points = ['afterFetch', 'beforeCheckpoint', 'afterSinkWrite'] as const;
    const accounts = sync.environment('crashy').table('account');
    for (let seed = 1; seed <= 8; seed += 1) {
      // A fresh schema per seed: the same source, an empty replica.
      const rt = await runtime({ SYNC_TABLES: 'account', POSTGRES_SCHEMA: `crash${String(seed)}` });
      const crashAt = { page: (seed * 5) % 9, point: points[seed % points.length] ?? 'afterFetch' };
      const crash = (sequence: number, point: string): void => {
        if (sequence === crashAt.page && point === crashAt.point) {
          throw new Error(`simulated crash at ${point} of page ${String(sequence)}`);
        }
      };
      const hooks = {
        afterFetch: ({ sequence }: { sequence: number }) => {
          crash(sequence, 'afterFetch');
        },
        afterSinkWrite: ({ sequence }: { sequence: number }) => {
          crash(sequence, 'afterSinkWrite');
        },
        beforeCheckpoint: (checkpoint: { round?: { pagesDone: number } }) => {
          crash((checkpoint.round?.pagesDone ?? 9) - 1, 'beforeCheckpoint');
        },
      };
      const crashed = await rt.sync.runJob({
        environment: 'crashy',
        table: 'account',
        logger: sync.logger,
        hooks,
      });
      expect(crashed.outcome, `seed ${String(seed)}`).toBe('failed');
      const resumed = await rt.sync.runJob({
        environment: 'crashy',
        table: 'account',
        logger: sync.logger,
      });
      expect(resumed.outcome).toBe('synced');
      // Exactly once: every row created once over both runs, none replayed (skipped).
      expect(crashed.created + resumed.created, `seed ${String(seed)}`).toBe(accounts.count());
      expect(crashed.skipped + resumed.skipped + crashed.updated + resumed.updated).toBe(0);
      const { rows } = await db.query<{ id: string; v: string }>(
        `select accountid::text as id, versionnumber::text as v from crash${String(seed)}.account`,
      );
      const expected = new Map(
        [...accounts.rows()].map((row) => [String(row.accountid), String(row.versionnumber)]),
      );
      expect(new Map(rows.map((row) => [row.id, row.v]))).toEqual(expected);
    }
  });

  it('survives a server restart in the middle of a full load: resumed, nothing lost or doubled', async () => {
    const rt = await runtime({ SYNC_TABLES: 'account', POSTGRES_SCHEMA: 'restarted' });
    const accounts = sync.environment('crashy').table('account');
    const job = { environment: 'crashy', table: 'account', logger: sync.logger };
    const first = await rt.sync.runJob({
      ...job,
      hooks: {
        afterFetch: async ({ sequence }) => {
          if (sequence === 3) await server.restart();
        },
      },
    });
    // Whether the page after the restart went through on a new connection or failed, a second
    // run finishes the round from the checkpoint.
    const second = first.outcome === 'synced' ? first : await rt.sync.runJob(job);
    expect(second.outcome).toBe('synced');
    const created = first === second ? first.created : first.created + second.created;
    expect(created).toBe(accounts.count());
    const { rows } = await db.query<{ n: number }>(
      'select count(*)::int as n from restarted.account',
    );
    expect(rows).toEqual([{ n: accounts.count() }]);
  });

  it('leaks no secret (the database password included) into logs or results', () => {
    expect(sync.leaks()).toEqual([]);
  });
});
