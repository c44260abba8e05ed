import { type RunningPostgres, startPostgres } from '@dataverse-s2s/testbed';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describeError } from '../../../src/lib/errors';
import { PostgresTarget } from '../../../src/lib/postgres';
import type { SinkPage, SyncCheckpoint, SyncRow } from '../../../src/lib/sync';
import { projectTable } from './projectTable';

/** The sink against a real PostgreSQL: types, the version guard, deletes, sweep, DDL, commits. */
let server: RunningPostgres;
let url: string;
const pools: pg.Pool[] = [];
const never = new AbortController().signal;

function pool(): pg.Pool {
  const created = new pg.Pool({ connectionString: url, max: 5 });
  pools.push(created);
  return created;
}

function target(
  schema: string,
  beforeCommit?: (client: pg.PoolClient) => Promise<void>,
): PostgresTarget {
  return new PostgresTarget({
    pool: pool(),
    server: 'PostgreSQL test',
    schema,
    secrets: [server.password],
    ...(beforeCommit === undefined ? {} : { beforeCommit }),
  });
}

async function query<T extends pg.QueryResultRow>(
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  return (await pools[0]!.query<T>(sql, values)).rows;
}

const ID = '5e7a0001-0000-4000-8000-00000000a001';
const OTHER = '5e7a0002-0000-4000-8000-00000000a002';

function row(id: string, version: string, fields: Record<string, SyncRow[string]> = {}): SyncRow {
  return {
    new_projectid: id,
    new_name: `project ${id.slice(-3)}`,
    versionnumber: version,
    ...fields,
  };
}

function page(
  upserts: SyncRow[],
  options: {
    deletes?: string[];
    generation?: number;
    environment?: string;
    without?: string[];
  } = {},
): SinkPage {
  return {
    environment: options.environment ?? 'contoso',
    table: projectTable(options.without),
    upserts,
    deletes: options.deletes ?? [],
    generation: options.generation ?? 1,
    roundKind: 'delta',
    sequence: 0,
  };
}

function checkpoint(deltaLink: string): SyncCheckpoint {
  return { version: 2, generation: 1, deltaLink, lastRunAt: '2026-01-01T00:00:00.000Z' };
}

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('sink');
  pool(); // pools[0]: the test's own view of the database
}, 120_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await server.stop();
});

describe('PostgresSink types', () => {
  it('creates a typed table and stores every column kind with its SQL type and literal value', async () => {
    const sink = target('types').sinkFor(projectTable());
    const result = await sink.applyPage(
      page([
        row(ID, '1001', {
          new_notes: 'line 1\nline 2 ✓',
          new_priority: 4,
          new_bigcount: '6000000123',
          new_budget: 1234.56,
          new_rate: 0.1234,
          new_score: 87.25,
          new_active: true,
          new_due: '2026-03-15T08:30:00Z',
          new_startdate: '2026-03-15',
          new_phase: 100000001,
          new_phase_label: 'Build',
          new_tags: '1,3',
          new_tags_label: 'Red; Blue',
          new_accountid: '0a1b2c3d-0000-4000-8000-000000000001',
          new_accountid_table: 'account',
        }),
        row(OTHER, '1002'),
      ]),
      never,
    );
    expect(result).toEqual({ created: 2, updated: 0, deleted: 0, skipped: 0 });
    const types = await query<{ name: string; type: string }>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
        where a.attrelid = 'types.new_project'::regclass and a.attnum > 0 order by a.attnum`,
    );
    expect(Object.fromEntries(types.map((t) => [t.name, t.type]))).toEqual({
      environment: 'text',
      new_projectid: 'uuid',
      new_name: 'text',
      new_notes: 'text',
      new_priority: 'integer',
      new_bigcount: 'bigint',
      new_budget: 'numeric(38,2)',
      new_rate: 'numeric(38,4)',
      new_score: 'double precision',
      new_active: 'boolean',
      new_due: 'timestamp with time zone',
      new_startdate: 'date',
      new_phase: 'integer',
      new_phase_label: 'text',
      new_tags: 'integer[]',
      new_tags_label: 'text',
      new_accountid: 'uuid',
      new_accountid_table: 'text',
      versionnumber: 'bigint',
      sync_generation: 'bigint',
      synced_at: 'timestamp with time zone',
    });
    const [stored] = await query(
      `select new_projectid::text, new_notes, new_priority, new_bigcount::text, new_budget::text,
              new_rate::text, new_score, new_active, to_char(new_due at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as due,
              new_startdate::text, new_phase, new_phase_label, new_tags, new_tags_label,
              new_accountid::text, new_accountid_table, versionnumber::text, sync_generation::int
         from types.new_project where new_projectid = $1`,
      [ID],
    );
    expect(stored).toEqual({
      new_projectid: ID,
      new_notes: 'line 1\nline 2 ✓',
      new_priority: 4,
      new_bigcount: '6000000123',
      new_budget: '1234.56',
      new_rate: '0.1234',
      new_score: 87.25,
      new_active: true,
      due: '2026-03-15 08:30',
      new_startdate: '2026-03-15',
      new_phase: 100000001,
      new_phase_label: 'Build',
      new_tags: [1, 3],
      new_tags_label: 'Red; Blue',
      new_accountid: '0a1b2c3d-0000-4000-8000-000000000001',
      new_accountid_table: 'account',
      versionnumber: '1001',
      sync_generation: 1,
    });
    const [empty] = await query(
      `select new_tags, new_active, new_budget from types.new_project where new_projectid = $1`,
      [OTHER],
    );
    expect(empty).toEqual({ new_tags: null, new_active: null, new_budget: null });
  });

  it('refreshes the label table from metadata per environment', async () => {
    const labels = await query(
      `select environment, table_name, column_name, value, language, label from types._labels order by column_name, value`,
    );
    expect(labels).toEqual([
      {
        environment: 'contoso',
        table_name: 'new_project',
        column_name: 'new_phase',
        value: 100000000,
        language: 1033,
        label: 'Plan',
      },
      {
        environment: 'contoso',
        table_name: 'new_project',
        column_name: 'new_phase',
        value: 100000001,
        language: 1033,
        label: 'Build',
      },
      {
        environment: 'contoso',
        table_name: 'new_project',
        column_name: 'new_tags',
        value: 1,
        language: 1033,
        label: 'Red',
      },
      {
        environment: 'contoso',
        table_name: 'new_project',
        column_name: 'new_tags',
        value: 2,
        language: 1033,
        label: 'Green',
      },
      {
        environment: 'contoso',
        table_name: 'new_project',
        column_name: 'new_tags',
        value: 3,
        language: 1033,
        label: 'Blue',
      },
    ]);
  });
});

describe('PostgresSink version guard', () => {
  const names = async (): Promise<unknown[]> =>
    await query(
      `select new_name, versionnumber::text as v, sync_generation::int as g from guard.new_project order by new_projectid`,
    );

  it('writes only newer versions; a replay is skipped and never moves a row back', async () => {
    const t = target('guard');
    const first = await t
      .sinkFor(projectTable())
      .applyPage(page([row(ID, '10', { new_name: 'A' })]), never);
    expect(first).toEqual({ created: 1, updated: 0, deleted: 0, skipped: 0 });
    const newer = await t
      .sinkFor(projectTable())
      .applyPage(page([row(ID, '12', { new_name: 'B' })]), never);
    expect(newer).toEqual({ created: 0, updated: 1, deleted: 0, skipped: 0 });
    const replay = await t
      .sinkFor(projectTable())
      .applyPage(page([row(ID, '10', { new_name: 'A' })]), never);
    expect(replay).toEqual({ created: 0, updated: 0, deleted: 0, skipped: 1 });
    const same = await t
      .sinkFor(projectTable())
      .applyPage(page([row(ID, '12', { new_name: 'B' })]), never);
    expect(same).toEqual({ created: 0, updated: 0, deleted: 0, skipped: 1 });
    expect(await names()).toEqual([{ new_name: 'B', v: '12', g: 1 }]);
  });

  it('a newer full round re-marks an older version and refreshes an equal one', async () => {
    const t = target('guard');
    const older = await t
      .sinkFor(projectTable())
      .applyPage(page([row(ID, '11', { new_name: 'stale' })], { generation: 5 }), never);
    expect(older).toEqual({ created: 0, updated: 0, deleted: 0, skipped: 1 });
    expect(await names()).toEqual([{ new_name: 'B', v: '12', g: 5 }]);
    const equal = await t
      .sinkFor(projectTable())
      .applyPage(page([row(ID, '12', { new_name: 'B again' })], { generation: 6 }), never);
    expect(equal).toEqual({ created: 0, updated: 0, deleted: 0, skipped: 1 });
    expect(await names()).toEqual([{ new_name: 'B again', v: '12', g: 6 }]);
  });

  it('keeps the newest of repeated ids in one page and lets a delete win', async () => {
    const t = target('guard');
    const result = await t
      .sinkFor(projectTable())
      .applyPage(
        page(
          [row(OTHER, '20', { new_name: 'x' }), row(OTHER, '21', { new_name: 'y' }), row(ID, '30')],
          { deletes: [ID], generation: 6 },
        ),
        never,
      );
    expect(result).toEqual({ created: 1, updated: 0, deleted: 1, skipped: 2 });
    expect(await names()).toEqual([{ new_name: 'y', v: '21', g: 6 }]);
  });
});

describe('PostgresSink deletes and sweep', () => {
  it('deletes by id, counts absent ids as skipped, and sweeps older generations per environment', async () => {
    const t = target('sweep');
    const rows = Array.from({ length: 5 }, (_, i) =>
      row(`5e7a0000-0000-4000-8000-00000000000${String(i)}`, String(100 + i)),
    );
    await t.sinkFor(projectTable()).applyPage(page(rows, { generation: 1 }), never);
    await t
      .sinkFor(projectTable())
      .applyPage(page(rows, { generation: 1, environment: 'fabrikam' }), never);
    const deleted = await t
      .sinkFor(projectTable())
      .applyPage(page([], { deletes: [rows[0]!.new_projectid as string, OTHER] }), never);
    expect(deleted).toEqual({ created: 0, updated: 0, deleted: 1, skipped: 1 });
    // A full round of generation 2 sees three of the four left; the fourth was deleted meanwhile.
    await t.sinkFor(projectTable()).applyPage(page(rows.slice(1, 4), { generation: 2 }), never);
    expect(await t.sinkFor(projectTable()).sweep('contoso', 2, never)).toBe(1);
    const left = await query<{ environment: string; n: number }>(
      `select environment, count(*)::int as n from sweep.new_project group by environment order by environment`,
    );
    expect(left).toEqual([
      { environment: 'contoso', n: 3 },
      { environment: 'fabrikam', n: 5 },
    ]);
  });
});

describe('PostgresSink migrations', () => {
  it('two instances creating the schema and table at once both succeed', async () => {
    const [a, b] = [target('racing'), target('racing')];
    const results = await Promise.all([
      a.sinkFor(projectTable()).applyPage(page([row(ID, '1')]), never),
      b
        .sinkFor(projectTable())
        .applyPage(page([row(OTHER, '1')], { environment: 'fabrikam' }), never),
    ]);
    expect(results.map((r) => r.created)).toEqual([1, 1]);
    expect(await query(`select count(*)::int as n from racing.new_project`)).toEqual([{ n: 2 }]);
  });

  it('adds a column that appears later and never drops one that is no longer copied', async () => {
    const t = target('evolve');
    await t
      .sinkFor(projectTable(['new_score']))
      .applyPage(page([row(ID, '1')], { without: ['new_score'] }), never);
    const columns = async (): Promise<string[]> =>
      (
        await query<{ c: string }>(
          `select column_name as c from information_schema.columns where table_schema = 'evolve' and table_name = 'new_project'`,
        )
      ).map((r) => r.c);
    expect(await columns()).not.toContain('new_score');
    await target('evolve')
      .sinkFor(projectTable())
      .applyPage(
        page([row(ID, '2', { new_score: 1.5, new_notes: 'kept' })], { generation: 2 }),
        never,
      );
    expect(await columns()).toContain('new_score');
    await target('evolve')
      .sinkFor(projectTable(['new_notes']))
      .applyPage(
        page([row(ID, '3', { new_score: 2.5 })], { without: ['new_notes'], generation: 3 }),
        never,
      );
    expect(await columns()).toContain('new_notes');
    expect(
      await query(`select new_score, new_notes, versionnumber::int as v from evolve.new_project`),
    ).toEqual([{ new_score: 2.5, new_notes: 'kept', v: 3 }]);
  });

  it('fails naming the column, its types and the fix when a column changed type', async () => {
    await pools[0]!.query(
      `create schema retyped; create table retyped.new_project (environment text not null, new_projectid uuid not null, new_priority text, primary key (environment, new_projectid))`,
    );
    const failure = await target('retyped')
      .sinkFor(projectTable())
      .applyPage(page([row(ID, '1')]), never)
      .catch((e: unknown) => e);
    expect(describeError(failure)).toMatch(
      /new_priority of retyped\.new_project is text, but the Dataverse metadata now needs integer.*\[ColumnTypeChanged\].*Fix: Columns are never converted or dropped/,
    );
  });
});

describe('PostgresSink exactly-once pages', () => {
  it('commits the page and the checkpoint together, or neither when the connection dies before COMMIT', async () => {
    let kill = true;
    const t = target('once', async (client) => {
      if (!kill) return;
      const pid = (client as unknown as { processID: number }).processID;
      await pools[0]!.query('select pg_terminate_backend($1)', [pid]);
    });
    const first = await t.checkpoints.write(
      'contoso/new_project',
      checkpoint('https://x/delta?token=1'),
      undefined,
    );
    const commit = {
      job: 'contoso/new_project',
      checkpoint: checkpoint('https://x/delta?token=2'),
      expectedEtag: first,
    };
    const attempt = await t
      .sinkFor(projectTable())
      .applyPageAndCommit(page([row(ID, '1'), row(OTHER, '1')]), commit, never)
      .catch((e: unknown) => e);
    expect(describeError(attempt)).toMatch(/PostgreSQL apply page/);
    expect(describeError(attempt)).not.toContain(server.password);
    expect(await query(`select count(*)::int as n from once.new_project`)).toEqual([{ n: 0 }]);
    const stored = await t.checkpoints.read('contoso/new_project');
    expect(stored?.etag).toBe(first);
    expect(stored?.checkpoint.deltaLink).toBe('https://x/delta?token=1');

    kill = false;
    const committed = await t
      .sinkFor(projectTable())
      .applyPageAndCommit(page([row(ID, '1'), row(OTHER, '1')]), commit, never);
    expect(committed.result).toEqual({ created: 2, updated: 0, deleted: 0, skipped: 0 });
    const after = await t.checkpoints.read('contoso/new_project');
    expect(after).toEqual({ checkpoint: commit.checkpoint, etag: committed.etag });
    expect(await query(`select count(*)::int as n from once.new_project`)).toEqual([{ n: 2 }]);
  });

  it('a stale checkpoint ETag rolls the whole page back (a second writer never half-applies)', async () => {
    const t = target('once');
    const failure = await t
      .sinkFor(projectTable())
      .applyPageAndCommit(
        page([row('5e7a0003-0000-4000-8000-00000000a003', '1')]),
        {
          job: 'contoso/new_project',
          checkpoint: checkpoint('https://x/delta?token=3'),
          expectedEtag: 'stale',
        },
        never,
      )
      .catch((e: unknown) => e);
    expect(describeError(failure)).toMatch(/CheckpointConflict/);
    expect(await query(`select count(*)::int as n from once.new_project`)).toEqual([{ n: 2 }]);
  });

  it("sweeps inside the final page's transaction", async () => {
    const t = target('once');
    const stored = await t.checkpoints.read('contoso/new_project');
    const committed = await t.sinkFor(projectTable()).applyPageAndCommit(
      page([row(ID, '1')], { generation: 9 }),
      {
        job: 'contoso/new_project',
        checkpoint: checkpoint('https://x/delta?token=4'),
        expectedEtag: stored?.etag,
        sweepGeneration: 9,
      },
      never,
    );
    expect(committed.swept).toBe(1);
    expect(await query(`select new_projectid::text as id from once.new_project`)).toEqual([
      { id: ID },
    ]);
  });

  it('reads no checkpoint (and creates nothing) before the target ever ran', async () => {
    expect(await target('untouched').checkpoints.read('contoso/account')).toBeUndefined();
    expect(
      await query(`select count(*)::int as n from pg_namespace where nspname = 'untouched'`),
    ).toEqual([{ n: 0 }]);
  });
});
