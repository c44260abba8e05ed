import { describe, expect, it } from 'vitest';

import { checkLink } from '../../../src/lib/dataverse/links';
import { isDeletedEntity, parseChangePage, parseQueryPage } from '../../../src/lib/dataverse/pages';
import { ResizableSemaphore } from '../../../src/lib/dataverse/semaphore';

const ROOT = 'https://org.crm.dynamics.com/api/data/v9.2/';

describe('parseChangePage', () => {
  it('splits rows into upserts and $deletedEntity ids and keeps the deltaLink', () => {
    const page = parseChangePage({
      '@odata.context': `${ROOT}$metadata#accounts(name,accountid)/$delta`,
      value: [
        { '@odata.etag': 'W/"1"', accountid: 'a1', name: 'A' },
        {
          '@odata.context': `${ROOT}$metadata#accounts/$deletedEntity`,
          id: 'd1',
          reason: 'deleted',
        },
        { id: 'd2', reason: 'deleted' },
      ],
      '@odata.deltaLink': `${ROOT}accounts?$select=name&$deltatoken=9%2108`,
    });
    expect(page).toEqual({
      upserts: [{ '@odata.etag': 'W/"1"', accountid: 'a1', name: 'A' }],
      deletes: ['d1', 'd2'],
      nextLink: undefined,
      deltaLink: `${ROOT}accounts?$select=name&$deltatoken=9%2108`,
    });
  });

  it('keeps a row that merely has id and reason columns among others', () => {
    expect(isDeletedEntity({ accountid: 'x', id: 'y', reason: 'z' })).toBe(false);
  });

  it.each([
    ['a string', 'oops', /value\[1\] is a string, not a row/],
    ['null', null, /value\[1\] is null, not a row/],
    ['an array', [1, 2], /value\[1\] is an array, not a row/],
  ])(
    'refuses a page whose value holds %s instead of a row, naming its position',
    (_l, entry, error) => {
      expect(() =>
        parseChangePage({
          value: [{ accountid: 'a1' }, entry],
          '@odata.deltaLink': `${ROOT}accounts?$deltatoken=1`,
        }),
      ).toThrow(error);
    },
  );

  it('refuses a deletion whose id is not a string', () => {
    expect(() =>
      parseChangePage({
        value: [
          {
            '@odata.context': `${ROOT}$metadata#accounts/$deletedEntity`,
            id: 42,
            reason: 'deleted',
          },
        ],
        '@odata.deltaLink': `${ROOT}accounts?$deltatoken=1`,
      }),
    ).toThrow(/value\[0\] is a \$deletedEntity without a string id/);
  });

  it('refuses a page that carries both a nextLink and a deltaLink', () => {
    expect(() =>
      parseChangePage({
        value: [],
        '@odata.nextLink': `${ROOT}accounts?$skiptoken=1`,
        '@odata.deltaLink': `${ROOT}accounts?$deltatoken=1`,
      }),
    ).toThrow(/both @odata.nextLink and @odata.deltaLink/);
  });

  it('rejects a body without a value array', () => {
    expect(() => parseChangePage({ error: {} })).toThrow('no "value" array');
    expect(() => parseQueryPage('text')).toThrow('no "value" array');
  });

  it('parses a query page with nextLink', () => {
    expect(
      parseQueryPage({ value: [{ a: 1 }], '@odata.nextLink': `${ROOT}accounts?$skiptoken=x` }),
    ).toEqual({
      rows: [{ a: 1 }],
      nextLink: `${ROOT}accounts?$skiptoken=x`,
    });
  });
});

describe('checkLink', () => {
  it.each([
    ['https://org.crm.dynamics.com', `${ROOT}accounts?$skiptoken=1`],
    ['https://org.crm.dynamics.com', 'https://org.api.crm.dynamics.com/api/data/v9.2/accounts'],
    ['https://127.0.0.1:8443', 'https://127.0.0.1:8443/api/data/v9.2/accounts'],
  ])('accepts a link of %s', (org, link) => {
    expect(checkLink(org, link)).toBe(link);
  });

  it.each([
    ['https://org.crm.dynamics.com', 'https://evil.example.com/api/data/v9.2/accounts'],
    ['https://org.crm.dynamics.com', 'http://org.crm.dynamics.com/api/data/v9.2/accounts'],
    ['https://127.0.0.1:8443', 'https://127.0.0.1:9999/api/data/v9.2/accounts'],
    ['https://org.crm.dynamics.com', '/api/data/v9.2/accounts'],
  ])('refuses a link that would send the token elsewhere (%s, %s)', (org, link) => {
    expect(() => checkLink(org, link)).toThrow();
  });
});

describe('ResizableSemaphore', () => {
  it('queues beyond the limit and admits waiters when the limit grows', async () => {
    const semaphore = new ResizableSemaphore(1);
    const first = await semaphore.acquire();
    let secondGranted = false;
    const second = semaphore.acquire().then((release) => {
      secondGranted = true;
      return release;
    });
    await Promise.resolve();
    expect(secondGranted).toBe(false);
    semaphore.resize(2);
    (await second)();
    expect(secondGranted).toBe(true);
    first();
    expect(semaphore.inUse).toBe(0);
  });

  it('rejects a waiter whose signal aborts and forgets it', async () => {
    const semaphore = new ResizableSemaphore(1);
    const held = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    held();
    expect(semaphore.inUse).toBe(0);
  });
});
