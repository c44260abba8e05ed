import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  type DataverseSimulator,
  type SimEnvironment,
  startDataverse,
  TokenAuthority,
} from '@dataverse-s2s/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type ClosableDataverseClient,
  createDataverseClient,
  DataverseAuthorizationError,
  type DataverseError,
  ExpiredChangeTokenError,
} from '../../../src/lib/dataverse';
import type { ChangePage } from '../../../src/lib/dataverse/types';
import { silentLogger } from '../../../src/lib/util';

const TENANT_ID = '7b7f2a0e-1111-4c3b-9a55-0a1b2c3d4e5f';
const APP_ID = 'c0ffee00-2222-4d4d-8e8e-123456789abc';
const SELECT = ['accountid', 'name', 'versionnumber'];

let sim: DataverseSimulator;
let env: SimEnvironment;
let client: ClosableDataverseClient;
const sleeps: number[] = [];

beforeAll(async () => {
  const dir = process.env.TESTBED_CERT_DIR!;
  const tokens = new TokenAuthority('https://127.0.0.1:1');
  sim = await startDataverse({
    tls: {
      cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
      key: readFileSync(join(dir, 'server-key.pem'), 'utf8'),
    },
    tokens,
    environments: [
      {
        name: 'contoso',
        tenantId: TENANT_ID,
        applicationUsers: [{ appId: APP_ID }],
        accounts: { count: 25, seed: 3 },
        dopHint: 3,
        latency: { perRequestMs: 20, perRowMs: 0 },
      },
    ],
  });
  env = sim.environment('contoso');
  let clock = Date.now();
  client = createDataverseClient({
    environment: {
      name: 'contoso',
      url: env.url,
      tenantId: TENANT_ID,
      tables: [{ logicalName: 'account' }],
    },
    getToken: () =>
      Promise.resolve(
        tokens.issue({
          tenantId: TENANT_ID,
          audience: env.url,
          appId: APP_ID,
          objectId: 'obj',
          lifetimeSeconds: 3600,
        }).token,
      ),
    logger: silentLogger,
    applicationClientId: APP_ID,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => clock,
  });
});

afterAll(async () => {
  client.close();
  await sim.stop();
});

async function round(
  start: Parameters<ClosableDataverseClient['changePages']>[0],
): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of client.changePages(start, { pageSize: 10 })) pages.push(page);
  return pages;
}

describe('Dataverse client against the test bed simulator', () => {
  it('WhoAmI returns the ids and the dop hint', async () => {
    const who = await client.whoAmI();
    expect(who.OrganizationId).toBe(env.organizationId);
    expect(who.dopHint).toBe(3);
  });

  it('runs a full change round, then a delta round with an update, a create and a delete', async () => {
    const full = await round({ kind: 'full', entitySet: 'accounts', select: SELECT });
    expect(full.map((p) => p.upserts.length)).toEqual([10, 10, 5]);
    const deltaLink = full.at(-1)?.deltaLink;
    expect(deltaLink).toBeDefined();
    const [first, second] = full[0]!.upserts.map((row) => row.accountid as string);
    env.updateAccount(first!, { name: 'Renamed' });
    env.deleteAccount(second!);
    const created = env.createAccount({ name: 'New' });
    const delta = await round({ kind: 'link', url: deltaLink! });
    const upserts = delta.flatMap((p) => p.upserts);
    expect(upserts.map((r) => r.accountid).sort()).toEqual([first, created].sort());
    expect(delta.flatMap((p) => p.deletes)).toEqual([second]);
    expect(delta.at(-1)?.deltaLink).toBeDefined();
  });

  it('waits out a throttle exactly and keeps concurrency at the dop hint', async () => {
    env.resetStats();
    env.injectFault({
      kind: 'throttle',
      code: 'concurrency',
      retryAfterSeconds: 2,
      count: 1,
      route: 'accounts',
    });
    sleeps.length = 0;
    await Promise.all(
      Array.from({ length: 9 }, () => client.getJson('accounts?$select=name&$top=1')),
    );
    expect(sleeps).toEqual([2000]);
    expect(env.peakConcurrency).toBeLessThanOrEqual(3);
  });

  it('turns an expired delta token into ExpiredChangeTokenError', async () => {
    const full = await round({ kind: 'full', entitySet: 'accounts', select: SELECT });
    env.expireChangeTokens();
    await expect(round({ kind: 'link', url: full.at(-1)!.deltaLink! })).rejects.toBeInstanceOf(
      ExpiredChangeTokenError,
    );
  });

  it('explains a missing application user', async () => {
    env.removeApplicationUser(APP_ID);
    const error = (await client.whoAmI().catch((e: unknown) => e)) as DataverseError;
    expect(error).toBeInstanceOf(DataverseAuthorizationError);
    expect(error.code).toBe('0x80072560');
    expect(error.hint).toContain(
      `the application user for client id ${APP_ID} does not exist in environment contoso`,
    );
  });
});
