import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

import { type RunningServer, startServer } from '@dataverse-s2s/testbed';

import { createDataverseClient, type DataverseClientOptions } from '../../../src/lib/dataverse';
import type { ClosableDataverseClient } from '../../../src/lib/dataverse/client';
import type { Logger } from '../../../src/lib/util';

/** A request as the scripted server saw it. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query, e.g. /api/data/v9.2/accounts?$select=name */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

export type Responder = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTPS server on 127.0.0.1 that answers with the next scripted responder, recording what it saw. */
export interface ScriptedServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Highest number of requests in flight at once. */
  readonly peakConcurrency: () => number;
  /** Queues responders for the next requests, in order. */
  script(...responders: Responder[]): void;
  stop(): Promise<void>;
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Responder {
  return (_req, res) => {
    res.writeHead(status, {
      'content-type': 'application/json; odata.metadata=minimal',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
}

export function delayed(ms: number, responder: Responder): Responder {
  return (req, res) => {
    setTimeout(() => {
      responder(req, res);
    }, ms);
  };
}

export function dataverseError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Responder {
  return json(
    status,
    { error: { code, message } },
    { 'x-ms-service-request-id': `svc-${code}`, ...headers },
  );
}

/** Never answers: the client's timeout must end it. */
export const stall: Responder = () => undefined;

/** Sends headers and half a body, then stalls. */
export const stallMidBody: Responder = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"value":[');
};

/** Drops the TCP connection without answering. */
export const drop: Responder = (req) => {
  req.socket.destroy();
};

export async function startScriptedServer(
  fallback: Responder = json(200, { value: [] }),
): Promise<ScriptedServer> {
  const dir = process.env.TESTBED_CERT_DIR;
  if (dir === undefined)
    throw new Error('TESTBED_CERT_DIR is not set: run through vitest (test/globalSetup.ts)');
  const queue: Responder[] = [];
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  let peak = 0;
  const server: RunningServer = await startServer(
    (req, res) => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      res.on('close', () => {
        inFlight -= 1;
      });
      (queue.shift() ?? fallback)(req, res);
    },
    {
      tls: {
        cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
        key: readFileSync(join(dir, 'server-key.pem'), 'utf8'),
      },
    },
  );
  return {
    url: server.url,
    requests,
    peakConcurrency: () => peak,
    script: (...responders) => queue.push(...responders),
    stop: () => server.stop(),
  };
}

/** What a test client recorded: sleeps asked for, token requests, log lines. */
export interface Harness {
  readonly client: ClosableDataverseClient;
  readonly sleeps: number[];
  readonly tokenRequests: { forceRefresh: boolean }[];
  readonly logLines: string[];
}

/**
 * A client against `server` whose sleep only records the wait and advances a fake clock, so
 * retry waits are asserted exactly and take no time. Random is fixed at 0.5 (backoff = half the ceiling).
 */
export function harness(
  server: ScriptedServer,
  overrides: Partial<DataverseClientOptions> = {},
  tokens: readonly string[] = ['token-1', 'token-2', 'token-3'],
): Harness {
  const sleeps: number[] = [];
  const tokenRequests: { forceRefresh: boolean }[] = [];
  const logLines: string[] = [];
  let clock = Date.now();
  const logger: Logger = {
    info: (m) => logLines.push(`info ${m}`),
    warn: (m) => logLines.push(`warn ${m}`),
    error: (m) => logLines.push(`error ${m}`),
  };
  const client = createDataverseClient({
    environment: {
      name: 'contoso-test',
      url: server.url,
      tenantId: 'tenant',
      tables: [{ logicalName: 'account' }],
    },
    getToken: ({ forceRefresh }) => {
      tokenRequests.push({ forceRefresh });
      const refreshes = tokenRequests.filter((t) => t.forceRefresh).length;
      return Promise.resolve(tokens[Math.min(refreshes, tokens.length - 1)] ?? 'token');
    },
    logger,
    applicationClientId: '00000000-0000-0000-0000-0000000000aa',
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => clock,
    random: () => 0.5,
    ...overrides,
  });
  return { client, sleeps, tokenRequests, logLines };
}
