import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DataverseError,
  ExpiredChangeTokenError,
  isExpiredChangeTokenError,
} from '../../../src/lib/dataverse';
import type { ChangePage, QueryPage } from '../../../src/lib/dataverse/types';
import {
  dataverseError,
  harness,
  json,
  type ScriptedServer,
  startScriptedServer,
} from './scriptedServer';

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.stop();
});

const ROOT = (): string => `${server.url}/api/data/v9.2/`;

describe('queryPages / queryRows', () => {
  it('follows nextLink as given, resends Prefer on every page, stops without nextLink', async () => {
    const h = harness(server);
    const next1 = `${ROOT()}accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20/%3E`;
    const next2 = `${ROOT()}accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%223%22%20/%3E`;
    server.script(
      json(200, { value: [{ name: 'a' }, { name: 'b' }], '@odata.nextLink': next1 }),
      json(200, { value: [{ name: 'c' }, { name: 'd' }], '@odata.nextLink': next2 }),
      json(200, { value: [{ name: 'e' }] }),
    );
    const rows: unknown[] = [];
    for await (const row of h.client.queryRows('accounts?$select=name', { pageSize: 2 }))
      rows.push(row);
    expect(rows).toEqual([
      { name: 'a' },
      { name: 'b' },
      { name: 'c' },
      { name: 'd' },
      { name: 'e' },
    ]);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/data/v9.2/accounts?$select=name',
      next1.slice(server.url.length),
      next2.slice(server.url.length),
    ]);
    expect(server.requests.map((r) => r.headers.prefer)).toEqual(
      Array(3).fill('odata.maxpagesize=2'),
    );
    h.client.close();
  });

  it('fetches the next page only when asked', async () => {
    const h = harness(server);
    server.script(
      json(200, { value: [{ n: 1 }], '@odata.nextLink': `${ROOT()}accounts?$skiptoken=2` }),
      json(200, { value: [{ n: 2 }] }),
    );
    const iterator = h.client.queryPages('accounts')[Symbol.asyncIterator]();
    const first: IteratorResult<QueryPage> = await iterator.next();
    expect(first.done).toBe(false);
    expect((first.value as QueryPage).rows).toEqual([{ n: 1 }]);
    expect(server.requests).toHaveLength(1);
    await iterator.return?.();
    expect(server.requests).toHaveLength(1);
    h.client.close();
  });

  it('refuses a nextLink to another origin instead of sending the token there', async () => {
    const h = harness(server);
    server.script(
      json(200, {
        value: [],
        '@odata.nextLink': 'https://127.0.0.1:1/api/data/v9.2/accounts?$skiptoken=x',
      }),
    );
    const pages: QueryPage[] = [];
    const error = await (async () => {
      for await (const page of h.client.queryPages('accounts')) pages.push(page);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataverseError);
    expect((error as DataverseError).code).toBe('ForeignLink');
    expect(pages).toHaveLength(0);
    h.client.close();
  });

  it('refuses a redirect: names its Location, sends neither the token nor a second request there', async () => {
    const h = harness(server);
    server.script((_req, res) => {
      res.writeHead(302, { Location: 'https://login.example.com/signin?session=abc' }).end();
    });
    const error = await h.client.whoAmI().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataverseError);
    expect((error as DataverseError).message).toMatch(
      /HTTP 302: redirect refused \(Location https:\/\/login\.example\.com\/signin\)/,
    );
    expect((error as DataverseError).message).not.toContain('session=abc');
    expect(server.requests).toHaveLength(1);
    h.client.close();
  });

  it('rejects a non-JSON success body with a clear error', async () => {
    const h = harness(server);
    server.script((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>'),
    );
    await expect(h.client.getJson('accounts')).rejects.toThrow('with a body that is not JSON');
    h.client.close();
  });
});

describe('changePages', () => {
  it('runs a full round: track-changes Prefer on every page, nextLink then deltaLink', async () => {
    const h = harness(server);
    const delta = `${ROOT()}accounts?$select=accountid,name&$deltatoken=919042%2108%2f22%2f2017`;
    server.script(
      json(
        200,
        {
          value: [{ accountid: '1', name: 'A' }],
          '@odata.nextLink': `${ROOT()}accounts?$skiptoken=2`,
        },
        { 'preference-applied': 'odata.track-changes' },
      ),
      json(200, { value: [{ accountid: '2', name: 'B' }], '@odata.deltaLink': delta }),
    );
    const pages: ChangePage[] = [];
    for await (const page of h.client.changePages(
      { kind: 'full', entitySet: 'accounts', select: ['accountid', 'name'] },
      { pageSize: 1 },
    )) {
      pages.push(page);
    }
    expect(server.requests[0]?.url).toBe('/api/data/v9.2/accounts?$select=accountid,name');
    expect(server.requests.map((r) => r.headers.prefer)).toEqual([
      'odata.track-changes,odata.maxpagesize=1',
      'odata.track-changes,odata.maxpagesize=1',
    ]);
    expect(pages).toEqual([
      {
        upserts: [{ accountid: '1', name: 'A' }],
        deletes: [],
        nextLink: `${ROOT()}accounts?$skiptoken=2`,
        deltaLink: undefined,
      },
      {
        upserts: [{ accountid: '2', name: 'B' }],
        deletes: [],
        nextLink: undefined,
        deltaLink: delta,
      },
    ]);
    h.client.close();
  });

  it('reads a delta round with changes and deletions', async () => {
    const h = harness(server);
    const delta = `${ROOT()}accounts?$select=name&$deltatoken=1%212`;
    server.script(
      json(200, {
        '@odata.context': `${ROOT()}$metadata#accounts(name)/$delta`,
        value: [
          { '@odata.etag': 'W/"5"', accountid: '3', name: 'C' },
          {
            '@odata.context': `${ROOT()}$metadata#accounts/$deletedEntity`,
            id: '1',
            reason: 'deleted',
          },
        ],
        '@odata.deltaLink': `${delta}3`,
      }),
    );
    const pages: ChangePage[] = [];
    for await (const page of h.client.changePages({ kind: 'link', url: delta })) pages.push(page);
    expect(server.requests[0]?.url).toBe(delta.slice(server.url.length));
    expect(pages).toEqual([
      {
        upserts: [{ '@odata.etag': 'W/"5"', accountid: '3', name: 'C' }],
        deletes: ['1'],
        nextLink: undefined,
        deltaLink: `${delta}3`,
      },
    ]);
    h.client.close();
  });

  it.each(['0x80044352', '-2147204270'])('throws ExpiredChangeTokenError on %s', async (code) => {
    const h = harness(server);
    server.script(
      dataverseError(
        400,
        code,
        'Version stamp associated with the client has expired. Please perform a full sync.',
      ),
    );
    const error = await (async () => {
      for await (const _page of h.client.changePages({
        kind: 'link',
        url: `${ROOT()}accounts?$deltatoken=old`,
      })) {
        // no page expected
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpiredChangeTokenError);
    expect(isExpiredChangeTokenError(error)).toBe(true);
    expect((error as ExpiredChangeTokenError).code).toBe('0x80044352');
    expect(h.sleeps).toEqual([]);
    h.client.close();
  });

  it('refuses a deltaLink to another origin: it would carry the token there on the next run', async () => {
    const h = harness(server);
    server.script(
      json(200, {
        value: [{ accountid: 'a1' }],
        '@odata.deltaLink': 'https://attacker.example.com/api/data/v9.2/accounts?$deltatoken=1',
      }),
    );
    const pages: ChangePage[] = [];
    const error = await (async () => {
      for await (const page of h.client.changePages({
        kind: 'full',
        entitySet: 'accounts',
        select: ['accountid'],
      }))
        pages.push(page);
    })().catch((e: unknown) => e);
    expect((error as DataverseError).code).toBe('ForeignLink');
    expect(pages).toHaveLength(0);
    h.client.close();
  });

  it('fails clearly when a round ends without a deltaLink (change tracking off)', async () => {
    const h = harness(server);
    server.script(json(200, { value: [{ accountid: '1' }] }));
    const error = await (async () => {
      for await (const _page of h.client.changePages({
        kind: 'full',
        entitySet: 'accounts',
        select: ['accountid'],
      })) {
        // no page expected
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NoDeltaLink' });
    expect((error as DataverseError).hint).toContain('enable change tracking');
    h.client.close();
  });
});
