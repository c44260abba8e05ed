import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SimEnvironment } from '../../src/dataverse';
import {
  apiHeaders,
  environmentOptions,
  type ErrorBody,
  type SimulatorFixture,
  startSimulator,
} from './simulatorFixture';

interface DeltaPage {
  '@odata.context': string;
  value: Record<string, unknown>[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

describe('Dataverse simulator: change tracking', () => {
  let fixture: SimulatorFixture;
  let env: SimEnvironment;

  beforeAll(async () => {
    fixture = await startSimulator([environmentOptions({ accounts: { count: 9, seed: 5 } })]);
    env = fixture.sim.environment('contoso');
  });
  afterAll(async () => {
    await fixture.sim.stop();
  });

  const PREFER = 'odata.track-changes,odata.maxpagesize=4';
  const get = async (url: string): Promise<{ response: Response; page: DeltaPage }> => {
    const response = await fetch(url, {
      headers: apiHeaders(fixture.tokenFor(env.url), { Prefer: PREFER }),
    });
    return { response, page: (await response.json()) as DeltaPage };
  };
  /** Follows nextLinks to the end of a round; returns every row and the deltaLink. */
  const round = async (
    start: string,
    onPage?: (index: number) => void,
  ): Promise<{ rows: Record<string, unknown>[]; deltaLink: string }> => {
    const rows: Record<string, unknown>[] = [];
    let url: string | undefined = start;
    for (let index = 0; url !== undefined; index++) {
      const { response, page } = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('preference-applied')).toContain('odata.track-changes');
      rows.push(...page.value);
      onPage?.(index);
      if (page['@odata.deltaLink'] !== undefined)
        return { rows, deltaLink: page['@odata.deltaLink'] };
      url = page['@odata.nextLink'];
    }
    throw new Error('round ended without a deltaLink');
  };

  it('redelivers changes made during a full round in the next delta (deltaLink = version at round start)', async () => {
    const ids = [...env.allAccounts()].map((row) => row.accountid);
    const { rows, deltaLink } = await round(
      `${env.serviceRootUrl}accounts?$select=name`,
      (index) => {
        // After the first page: change a row already delivered and one still to come.
        if (index === 0) {
          env.updateAccount(ids[0]!, { name: 'changed mid-round (early)' });
          env.updateAccount(ids[8]!, { name: 'changed mid-round (late)' });
        }
      },
    );
    expect(rows).toHaveLength(9);
    expect(deltaLink).toMatch(
      new RegExp(
        `^${env.serviceRootUrl.replace(/[.$?]/g, '\\$&')}accounts\\?\\$select=name&\\$deltatoken=\\d+%21\\d\\d%2f\\d\\d%2f\\d{4}%20\\d\\d%3a\\d\\d%3a\\d\\d$`,
      ),
    );
    const delta = await round(deltaLink);
    expect(delta.rows.map((row) => row.accountid).sort()).toEqual([ids[0], ids[8]].sort());
    expect(delta.rows[0]).toHaveProperty('name');
  });

  it('lists upserts first, then deletions; a row created and deleted between polls is only a deletion', async () => {
    const start = await round(`${env.serviceRootUrl}accounts?$select=name`);
    const before = (await round(start.deltaLink)).deltaLink;
    const ephemeral = env.createAccount({ name: 'ephemeral' });
    env.deleteAccount(ephemeral);
    const [victim, survivor] = [...env.allAccounts()];
    env.deleteAccount(victim!.accountid);
    env.updateAccount(survivor!.accountid, { name: 'survivor' });
    const created = env.createAccount({ name: 'new one' });

    const { page } = await get(before);
    expect(page['@odata.context']).toBe(`${env.serviceRootUrl}$metadata#accounts(name)/$delta`);
    expect(page.value.slice(0, 2).map((row) => row.accountid)).toEqual([
      survivor!.accountid,
      created,
    ]);
    expect(page.value.slice(2)).toEqual([
      {
        '@odata.context': `${env.serviceRootUrl}$metadata#accounts/$deletedEntity`,
        id: ephemeral,
        reason: 'deleted',
      },
      {
        '@odata.context': `${env.serviceRootUrl}$metadata#accounts/$deletedEntity`,
        id: victim!.accountid,
        reason: 'deleted',
      },
    ]);
  });

  it('pages a large delta with nextLink and answers an empty delta with a deltaLink', async () => {
    const { deltaLink } = await round(`${env.serviceRootUrl}accounts?$select=name`);
    for (const row of [...env.allAccounts()])
      env.updateAccount(row.accountid, { description: 'bulk' });
    const delta = await round(deltaLink);
    expect(delta.rows).toHaveLength(env.accountCount());
    const empty = await get(delta.deltaLink);
    expect(empty.page.value).toEqual([]);
    expect(empty.page['@odata.deltaLink']).toBeDefined();
  });

  it('fails an expired delta token with 400 0x80044352, by age and when forced', async () => {
    const { deltaLink } = await round(`${env.serviceRootUrl}accounts?$select=name`);
    env.expireChangeTokens();
    const forced = await get(deltaLink);
    expect(forced.response.status).toBe(400);
    expect((forced.page as unknown as ErrorBody).error).toEqual({
      code: '0x80044352',
      message: 'Version stamp associated with the client has expired. Please perform a full sync.',
    });

    const fresh = await round(`${env.serviceRootUrl}accounts?$select=name`);
    expect((await get(fresh.deltaLink)).response.status).toBe(200);
    env.advanceClock(8 * 86_400_000);
    expect((await get(fresh.deltaLink)).response.status).toBe(400);
  });
});
