import type { IncomingMessage } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import { HttpSink } from '../../../src/lib/sync/httpSink';
import { type RunningServer, startServer } from '../../testbed/httpServer';

const page = {
  environment: 'prod',
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
    const sink = new HttpSink({
      url,
      scope: 'api://receiver/.default',
      getToken: (scope) => {
        scopes.push(scope);
        return Promise.resolve('token-value');
      },
      baseDelayInMs: 100,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await sink.applyPage(page, signal);
    expect(waits[0]).toBe(7000);
    expect(waits[1]).toBeGreaterThanOrEqual(160); // second attempt: computed backoff with jitter
    expect(waits[1]).toBeLessThanOrEqual(240);
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

  it('gives up when Retry-After exceeds the cap, leaving the page for the next run', async () => {
    const { url, seen } = await scripted([{ status: 503, headers: { 'Retry-After': '3600' } }]);
    const sink = new HttpSink({ url, sleep: () => Promise.resolve() });
    await expect(sink.applyPage(page, signal)).rejects.toThrow(/HTTP 503/);
    expect(seen).toHaveLength(1);
  });

  it('retries network errors and fails clearly after the last attempt', async () => {
    const { url } = await scripted([]);
    await server?.stop();
    server = undefined;
    let sleeps = 0;
    const sink = new HttpSink({
      url,
      maxAttempts: 3,
      sleep: () => Promise.resolve(void (sleeps += 1)),
    });
    await expect(sink.applyPage(page, signal)).rejects.toThrow(
      /Webhook request failed: ECONNREFUSED/,
    );
    expect(sleeps).toBe(2);
  });

  it('refuses a scope without a token provider', () => {
    expect(
      () => new HttpSink({ url: 'https://example.invalid/hook', scope: 'api://x/.default' }),
    ).toThrow(/token provider/);
  });
});
