import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SimEnvironment } from '../../src/dataverse';
import {
  apiHeaders,
  environmentOptions,
  type SimulatorFixture,
  startSimulator,
} from './simulatorFixture';

interface Page {
  '@odata.context': string;
  '@odata.count'?: number;
  value: Record<string, unknown>[];
  '@odata.nextLink'?: string;
}

describe('Dataverse simulator: queries and paging', () => {
  let fixture: SimulatorFixture;
  let env: SimEnvironment;

  beforeAll(async () => {
    fixture = await startSimulator([environmentOptions({ accounts: { count: 12, seed: 3 } })]);
    env = fixture.sim.environment('contoso');
  });
  afterAll(async () => {
    await fixture.sim.stop();
  });

  const get = async (url: string, prefer?: string): Promise<{ response: Response; page: Page }> => {
    const response = await fetch(url, {
      headers: apiHeaders(
        fixture.tokenFor(env.url),
        prefer === undefined ? {} : { Prefer: prefer },
      ),
    });
    return { response, page: (await response.json()) as Page };
  };

  it('pages with odata.maxpagesize: Preference-Applied, nextLink after value with a cookie skiptoken', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${env.serviceRootUrl}accounts?$select=name,accountnumber`;
    let pages = 0;
    while (url !== undefined) {
      const { response, page } = await get(url, 'odata.maxpagesize=5');
      expect(response.headers.get('preference-applied')).toBe('odata.maxpagesize=5');
      expect(page['@odata.context']).toBe(
        `${env.serviceRootUrl}$metadata#accounts(name,accountnumber)`,
      );
      const keys = Object.keys(page);
      if (page['@odata.nextLink'] !== undefined) {
        expect(keys.indexOf('@odata.nextLink')).toBeGreaterThan(keys.indexOf('value'));
        const skipToken = new URL(page['@odata.nextLink']).searchParams.get('$skiptoken') ?? '';
        expect(skipToken).toMatch(
          new RegExp(
            `^<cookie pagenumber="${pages + 2}" pagingcookie="[^"]+" istracking="False" />$`,
          ),
        );
      }
      for (const row of page.value) {
        expect(Object.keys(row)).toEqual(['@odata.etag', 'name', 'accountnumber', 'accountid']);
        expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/);
        seen.push(String(row.accountid));
      }
      pages += 1;
      url = page['@odata.nextLink'];
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...env.allAccounts()].map((row) => row.accountid));
  });

  it('applies $filter, $orderby, $top and $count', async () => {
    const rows = [...env.allAccounts()];
    const city = rows[0]!.address1_city!;
    const expected = rows.filter((row) => row.address1_city === city);
    const filter = encodeURIComponent(
      `address1_city eq '${city.toUpperCase()}' and statecode ge 0`,
    );
    const filtered = await get(
      `${env.serviceRootUrl}accounts?$select=name&$filter=${filter}&$count=true`,
    );
    expect(filtered.page['@odata.count']).toBe(expected.length);
    expect(filtered.page.value.map((row) => row.accountid)).toEqual(
      expected.map((row) => row.accountid),
    );

    const sorted = await get(
      `${env.serviceRootUrl}accounts?$select=revenue&$orderby=revenue%20desc&$top=3`,
    );
    const topRevenue = rows
      .map((row) => row.revenue!)
      .sort((a, b) => b - a)
      .slice(0, 3);
    expect(sorted.page.value.map((row) => row.revenue)).toEqual(topRevenue);
    expect(sorted.page['@odata.nextLink']).toBeUndefined();
  });

  it('ignores $top when odata.maxpagesize is sent', async () => {
    const { page } = await get(
      `${env.serviceRootUrl}accounts?$select=name&$top=2`,
      'odata.maxpagesize=4',
    );
    expect(page.value).toHaveLength(4);
    expect(page['@odata.nextLink']).toBeDefined();
  });

  it('answers accounts/$count as text/plain and single rows with $select', async () => {
    const count = await fetch(`${env.serviceRootUrl}accounts/$count`, {
      headers: apiHeaders(fixture.tokenFor(env.url)),
    });
    expect(count.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await count.text()).toBe(String(env.accountCount()));

    const [first] = [...env.allAccounts()];
    const single = await get(`${env.serviceRootUrl}accounts(${first!.accountid})?$select=name`);
    expect(single.response.status).toBe(200);
    expect(single.page).toMatchObject({ name: first!.name, accountid: first!.accountid });
    const byKey = await get(
      `${env.serviceRootUrl}accounts(accountnumber='${first!.accountnumber}')?$select=name`,
    );
    expect(byKey.page).toMatchObject({ accountid: first!.accountid });
  });
});
