import { type RunningPostgres, startPostgres } from '@dataverse-s2s/testbed';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PostgresTarget } from '../../../src/lib/postgres';
import type { SyncRow } from '../../../src/lib/sync';
import { projectTable } from './projectTable';

/**
 * How fast pages go into PostgreSQL: 50,000 rows of every column kind in Dataverse-sized pages
 * of 5,000, printed (not asserted: machines differ). The floor is a plain unnest INSERT of the
 * same arrays without the version guard; the server runs with fsync off, as every test server.
 */
const ROWS = 50_000;
const PAGE = 5_000;
let server: RunningPostgres;
let pool: pg.Pool;
const never = new AbortController().signal;

function rows(version: number): SyncRow[] {
  return Array.from({ length: ROWS }, (_, i) => ({
    new_projectid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    new_name: `Project ${String(i)}`,
    new_notes: 'x'.repeat(200),
    new_priority: i % 10,
    new_bigcount: String(6_000_000_000 + i),
    new_budget: 1234.56 + i,
    new_rate: 0.1234,
    new_score: i / 7,
    new_active: i % 2 === 0,
    new_due: '2026-03-15T08:30:00Z',
    new_startdate: '2026-03-15',
    new_phase: 100000001,
    new_phase_label: 'Build',
    new_tags: '1,3',
    new_tags_label: 'Red; Blue',
    new_accountid: '0a1b2c3d-0000-4000-8000-000000000001',
    new_accountid_table: 'account',
    versionnumber: String(version * 1_000_000 + i),
  }));
}

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ connectionString: await server.createDatabase('bulk'), max: 5 });
}, 120_000);

afterAll(async () => {
  await pool.end();
  await server.stop();
});

async function timed(label: string, work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  const perSecond = Math.round(ROWS / ((performance.now() - started) / 1000));
  console.log(`bulk load: ${label}: ${String(perSecond)} rows/s (${String(ROWS)} rows)`);
  return perSecond;
}

describe('bulk load into PostgreSQL (measured, printed)', () => {
  it('upserts 50,000 rows page by page, then re-applies them, against a plain INSERT floor', async () => {
    const target = new PostgresTarget({
      pool,
      server: 'PostgreSQL bulk',
      schema: 'bulk',
      secrets: [],
    });
    const table = projectTable();
    const load = async (data: SyncRow[], generation: number): Promise<void> => {
      const sink = target.sinkFor(table);
      for (let start = 0; start < data.length; start += PAGE) {
        await sink.applyPage(
          {
            environment: 'contoso',
            table,
            upserts: data.slice(start, start + PAGE),
            deletes: [],
            generation,
            roundKind: 'full',
            sequence: start / PAGE,
          },
          never,
        );
      }
    };
    await timed('upsert into an empty table (a first full load)', () => load(rows(1), 1));
    await timed('upsert of newer versions (every row updated)', () => load(rows(2), 2));
    await timed('a full round of unchanged rows (re-mark only)', () => load(rows(2), 3));
    const floorData = rows(1);
    await pool.query('create table bulk.floor (like bulk.new_project including all)');
    await timed('floor: plain INSERT … SELECT FROM unnest, no guard', async () => {
      for (let start = 0; start < floorData.length; start += PAGE) {
        const page = floorData.slice(start, start + PAGE);
        const column = (name: string): unknown[] => page.map((row) => row[name] ?? null);
        await pool.query(
          `insert into bulk.floor (environment, new_projectid, new_name, new_notes, new_priority, new_bigcount, new_budget, new_rate, new_score, new_active, new_due, new_startdate, new_phase, new_phase_label, new_tags, new_tags_label, new_accountid, new_accountid_table, versionnumber, sync_generation, synced_at)
           select 'contoso', a, b, c, d, e, f, g, h, i, j, k, l, m, string_to_array(n, ',')::integer[], o, p, q, r, 1, now()
             from unnest($1::uuid[], $2::text[], $3::text[], $4::integer[], $5::bigint[], $6::numeric[], $7::numeric[], $8::float8[], $9::boolean[], $10::timestamptz[], $11::date[], $12::integer[], $13::text[], $14::text[], $15::text[], $16::uuid[], $17::text[], $18::bigint[])
               as u(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r)`,
          [
            'new_projectid',
            'new_name',
            'new_notes',
            'new_priority',
            'new_bigcount',
            'new_budget',
            'new_rate',
            'new_score',
            'new_active',
            'new_due',
            'new_startdate',
            'new_phase',
            'new_phase_label',
            'new_tags',
            'new_tags_label',
            'new_accountid',
            'new_accountid_table',
            'versionnumber',
          ].map(column),
        );
      }
    });
    const counts = await pool.query<{ n: number }>(
      'select count(*)::int as n from bulk.new_project',
    );
    expect(counts.rows).toEqual([{ n: ROWS }]);
  }, 300_000);
});
