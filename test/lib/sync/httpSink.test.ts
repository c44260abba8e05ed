import type { IncomingMessage } from 'node:http';

import { type RunningServer, startServer } from '@dataverse-s2s/testbed';
import { afterEach, describe, expect, it } from 'vitest';

import type { SelectedAttribute } from '../../../src/lib/schema';
import { targetColumns } from '../../../src/lib/schema';
import { type WebhookPageBody, WebhookTarget } from '../../../src/lib/sync/httpSink';
import type { SinkPage, SinkTable } from '../../../src/lib/sync/types';
import { accountTable } from './accountTable';
import { webhookSink } from './harness';

const page: SinkPage = {
  environment: 'prod',
  table: accountTable(),
  upserts: [],
  deletes: ['x'],
  generation: 1,
  roundKind: 'delta' as const,
  sequence: 0,
};
const signal = new AbortController().signal;

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** Answers each request with the next status; records headers. */
async function scripted(statuses: { status: number; headers?: Record<string, string> }[]) {
  const seen: IncomingMessage['headers'][] = [];
  server = await startServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    const next = statuses.shift() ?? { status: 200 };
    res.writeHead(next.status, next.headers ?? {}).end();
  });
  return { url: `${server.url}/hook`, seen };
}

describe('HttpSink', () => {
  it('waits exactly the Retry-After the receiver asks for, and sends a bearer token for the scope', async () => {
    const { url, seen } = await scripted([
      { status: 429, headers: { 'Retry-After': '7' } },
      { status: 503 },
      { status: 204 },
    ]);
    const waits: number[] = [];
    const scopes: string[] = [];
    const sink = webhookSink({
      url,
      scope: 'api://receiver/.default',
      getToken: (scope) => {
        scopes.push(scope);
        return Promise.resolve('token-value');
      },
      retryDelayInMs: 100,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await sink.applyPage(page, signal);
    expect(waits[0]).toBe(7000);
    // Second retry: computed backoff with full jitter, in [0, 100 ms · 2^1).
    expect(waits[1]).toBeGreaterThanOrEqual(0);
    expect(waits[1]).toBeLessThan(200);
    expect(seen.map((h) => h.authorization)).toEqual([
      'Bearer token-value',
      'Bearer token-value',
      'Bearer token-value',
    ]);
    expect(new Set(seen.map((h) => h['idempotency-key'])).size).toBe(1);
    expect(scopes).toEqual([
      'api://receiver/.default',
      'api://receiver/.default',
      'api://receiver/.default',
    ]);
  });

  it('gives up when Retry-After would pass the call deadline, leaving the page for the next run', async () => {
    const { url, seen } = await scripted([{ status: 503, headers: { 'Retry-After': '3600' } }]);
    const sink = webhookSink({ url, sleep: () => Promise.resolve() });
    await expect(sink.applyPage(page, signal)).rejects.toThrow(/HTTP 503/);
    expect(seen).toHaveLength(1);
  });

  it('retries network errors and fails clearly after the last attempt', async () => {
    const { url } = await scripted([]);
    await server?.stop();
    server = undefined;
    let sleeps = 0;
    const sink = webhookSink({
      url,
      maxRetries: 2,
      sleep: () => Promise.resolve(void (sleeps += 1)),
    });
    await expect(sink.applyPage(page, signal)).rejects.toThrow(
      /Webhook request failed: ECONNREFUSED \(gave up after 3 attempts: retry limit 2 reached\)/,
    );
    expect(sleeps).toBe(2);
  });

  it.each([302, 303, 307, 308])(
    'never follows a %i redirect: the page is not delivered and the error names the Location',
    async (status) => {
      const hits: string[] = [];
      server = await startServer((req, res) => {
        hits.push(`${req.method ?? ''} ${req.url ?? ''}`);
        req.resume();
        if (req.url === '/hook') {
          res.writeHead(status, { Location: '/login?redirect=%2Fhook&code=secret-ish' }).end();
        } else {
          res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>sign in</html>');
        }
      });
      const sink = webhookSink({ url: `${server.url}/hook`, sleep: () => Promise.resolve() });
      const failure = sink.applyPage(page, signal);
      await expect(failure).rejects.toThrow(
        new RegExp(
          `Webhook answered HTTP ${String(status)}: redirect refused \\(Location /login\\)`,
        ),
      );
      await expect(failure).rejects.toMatchObject({ retryable: false });
      expect(hits).toEqual(['POST /hook']);
    },
  );

  it('never re-posts a page to another host on a 307', async () => {
    const elsewhere: string[] = [];
    const other = await startServer((req, res) => {
      elsewhere.push(`${req.method ?? ''} ${req.url ?? ''}`);
      req.resume();
      res.writeHead(204).end();
    });
    try {
      server = await startServer((req, res) => {
        req.resume();
        res.writeHead(307, { Location: `${other.url}/steal` }).end();
      });
      const sink = webhookSink({ url: `${server.url}/hook`, sleep: () => Promise.resolve() });
      await expect(sink.applyPage(page, signal)).rejects.toThrow(
        `redirect refused (Location ${new URL(other.url).origin}/steal)`,
      );
      expect(elsewhere).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it.each([
    ['an HTML sign-in page', 'text/html; charset=utf-8', '<html><body>Sign in</body></html>'],
    ['plain text', 'text/plain', 'OK'],
    ['JSON-looking text that is not JSON', 'application/json', '{"ok": tru'],
  ])('does not count a 2xx with %s as an acknowledgement', async (_label, type, body) => {
    server = await startServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': type }).end(body);
    });
    const sink = webhookSink({ url: `${server.url}/hook`, sleep: () => Promise.resolve() });
    await expect(sink.applyPage(page, signal)).rejects.toThrow(
      /Webhook answered HTTP 200 .*not an acknowledgement/,
    );
  });

  it.each([
    ['an empty body', undefined, ''],
    ['a JSON body', 'application/json', '{"applied":1}'],
    ['JSON without a content type', undefined, '{"applied":1}'],
  ])('counts a 2xx with %s as an acknowledgement', async (_label, type, body) => {
    server = await startServer((req, res) => {
      req.resume();
      res.writeHead(204, type === undefined ? {} : { 'Content-Type': type }).end(body);
    });
    const sink = webhookSink({ url: `${server.url}/hook`, sleep: () => Promise.resolve() });
    await expect(sink.applyPage(page, signal)).resolves.toMatchObject({ deleted: 1 });
  });

  it('refuses a scope without a token provider', () => {
    expect(
      () => new WebhookTarget({ url: 'https://example.invalid/hook', scope: 'api://x/.default' }),
    ).toThrow(/token provider/);
  });
});

describe('the webhook page and sweep bodies', () => {
  /** A receiver that acknowledges everything and keeps each body. */
  async function recordingReceiver(): Promise<{ url: string; bodies: unknown[] }> {
    const bodies: unknown[] = [];
    server = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"removed":2}');
      });
    });
    return { url: `${server.url}/hook`, bodies };
  }

  /** A contact-like table: another primary id, a lookup (with its _table column) and a choice. */
  const CONTACT_ATTRIBUTES: readonly SelectedAttribute[] = [
    {
      logicalName: 'contactid',
      wireName: 'contactid',
      kind: 'uniqueidentifier',
      typeName: 'UniqueidentifierType',
    },
    {
      logicalName: 'parentcustomerid',
      wireName: '_parentcustomerid_value',
      kind: 'lookup',
      typeName: 'CustomerType',
      targets: ['account', 'contact'],
    },
    { logicalName: 'gendercode', wireName: 'gendercode', kind: 'choice', typeName: 'PicklistType' },
  ];
  const contact: SinkTable = {
    logicalName: 'contact',
    primaryIdAttribute: 'contactid',
    columns: targetColumns('contact', CONTACT_ATTRIBUTES),
  };
  const contactPage = (sequence: number): SinkPage => ({
    environment: 'prod',
    table: contact,
    upserts: [
      {
        contactid: 'c1',
        parentcustomerid: 'a1',
        parentcustomerid_table: 'account',
        gendercode: 2,
        gendercode_label: 'Female',
        versionnumber: '7',
      },
    ],
    deletes: ['c2'],
    generation: 3,
    roundKind: 'full',
    sequence,
  });

  it('describes the columns on the first page of a round only; entity and idColumn on every page', async () => {
    const { url, bodies } = await recordingReceiver();
    const sink = new WebhookTarget({ url }).sinkFor(contact);
    await sink.applyPage(contactPage(0), signal);
    await sink.applyPage(contactPage(1), signal);
    const [first, second] = bodies as WebhookPageBody[];
    expect(first).toEqual({
      environment: 'prod',
      entity: 'contact',
      idColumn: 'contactid',
      generation: 3,
      round: 'full',
      sequence: 0,
      columns: [
        { name: 'contactid', type: 'guid', role: 'id', attribute: 'contactid' },
        { name: 'parentcustomerid', type: 'guid', role: 'value', attribute: 'parentcustomerid' },
        {
          name: 'parentcustomerid_table',
          type: 'text',
          role: 'lookupTable',
          attribute: 'parentcustomerid',
        },
        { name: 'gendercode', type: 'int32', role: 'value', attribute: 'gendercode' },
        { name: 'gendercode_label', type: 'text', role: 'label', attribute: 'gendercode' },
        { name: 'versionnumber', type: 'version', role: 'version', attribute: 'versionnumber' },
      ],
      upserts: contactPage(0).upserts,
      deletes: ['c2'],
    });
    expect(second).toMatchObject({ entity: 'contact', idColumn: 'contactid', sequence: 1 });
    expect(second).not.toHaveProperty('columns');
  });

  it("gives a decimal column its scale, and takes the sink's own table for entity and idColumn", async () => {
    const { url, bodies } = await recordingReceiver();
    await webhookSink({ url }).applyPage({ ...page, sequence: 0 }, signal);
    const [body] = bodies as WebhookPageBody[];
    expect(body).toMatchObject({ entity: 'account', idColumn: 'accountid', sequence: 0 });
    expect(body?.columns).toContainEqual({
      name: 'revenue',
      type: 'decimal',
      scale: 4,
      role: 'value',
      attribute: 'revenue',
    });
    expect(body?.columns?.find((column) => column.name === 'name')).not.toHaveProperty('scale');
  });

  it('sends the sweep for one table of one environment, and reads the count removed', async () => {
    const { url, bodies } = await recordingReceiver();
    const removed = await new WebhookTarget({ url }).sinkFor(contact).sweep('prod', 9, signal);
    expect(removed).toBe(2);
    expect(bodies).toEqual([
      { environment: 'prod', entity: 'contact', generation: 9, sweep: { generation: 9 } },
    ]);
  });

  it('keys the sweep of each table apart (a replayed sweep repeats its key)', async () => {
    const keys: string[] = [];
    server = await startServer((req, res) => {
      keys.push(String(req.headers['idempotency-key']));
      req.resume();
      res.writeHead(204).end();
    });
    const target = new WebhookTarget({ url: `${server.url}/hook` });
    await target.sinkFor(contact).sweep('prod', 9, signal);
    await target.sinkFor(contact).sweep('prod', 9, signal);
    await target.sinkFor(accountTable()).sweep('prod', 9, signal);
    expect(keys[0]).toMatch(/^dataverse-sync-sweep-[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });
});
