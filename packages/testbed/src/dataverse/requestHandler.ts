import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

import { authenticate } from './auth';
import { batchRequestCount, executeBatch, readBatch } from './batchExecutor';
import type { SimEnvironmentState } from './environment';
import { ERROR_CODES, isSimHttpError, SimHttpError } from './errors';
import { modelledLatencyMs, sleep } from './latency';
import { parsePreferences } from './preferences';
import { classifyRoute, handleResource } from './resources';
import { errorResponse, type SimResponse } from './response';
import { throttleError } from './serviceProtection';
import type { SimRoute } from './types';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** 500 from the service; 502/503/504 come from the gateway in front of it, as HTML. */
function serverErrorResponse(status: 500 | 502 | 503 | 504, code: string | undefined): SimResponse {
  if (status === 500 || code !== undefined) {
    return errorResponse(
      new SimHttpError(status, code ?? ERROR_CODES.unexpected, 'An unexpected error occurred.'),
    );
  }
  const title = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status];
  return {
    status,
    headers: { 'Content-Type': 'text/html' },
    body: `<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>`,
    rows: 0,
  };
}

/**
 * The HTTP side of one environment: faults, authentication, service protection, the resource
 * (or $batch), the latency model, then the answer with Dataverse's common headers.
 */
export function createRequestHandler(
  environment: () => SimEnvironmentState | undefined,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const env = environment();
    if (env === undefined) {
      // Only possible in the moment between listen() and the environment's construction.
      res.writeHead(503).end();
      return;
    }
    void handle(env, req, res);
  };
}

async function handle(
  env: SimEnvironmentState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startedMs = performance.now();
  const url = new URL(req.url ?? '/', env.url);
  const route: SimRoute = classifyRoute(url.pathname);
  const method = req.method ?? 'GET';
  let appId: string | undefined;
  let recorded = false;
  const record = (status: number): void => {
    if (recorded) return;
    recorded = true;
    env.stats.end({ method, route, status, appId, atMs: Date.now() });
  };
  env.stats.begin();
  res.on('close', () => {
    record(res.headersSent ? res.statusCode : 0);
  });

  const send = (response: SimResponse, extraHeaders: Record<string, string> = {}): void => {
    const requestId = randomUUID();
    const body = Buffer.from(response.body, 'utf8');
    const headers = {
      'OData-Version': '4.0',
      'x-ms-service-request-id': requestId,
      REQ_ID: requestId,
      'x-ms-dop-hint': String(env.options.dopHint),
      ...extraHeaders,
      ...response.headers,
      'Content-Length': String(body.length),
    };
    if (res.destroyed) return;
    res.writeHead(response.status, headers);
    res.end(body);
    record(response.status);
  };

  try {
    const body = await readBody(req);
    const faults = env.faults.take(route);
    await sleep(faults.extraLatencyMs);
    const action = faults.action;
    if (action?.kind === 'dropConnection') {
      req.socket.destroy();
      return;
    }
    if (action?.kind === 'stall') {
      env.stalled.add(res);
      res.on('close', () => env.stalled.delete(res));
      return;
    }
    if (action?.kind === 'serverError') {
      send(serverErrorResponse(action.status, action.code));
      return;
    }
    if (action?.kind === 'throttle') {
      send(errorResponse(throttleError(action.code, env.options.limits, action.retryAfterSeconds)));
      return;
    }

    const headers = lowerCaseHeaders(req);
    const user = authenticate(headers.authorization, env.auth);
    appId = user.appId;
    const batch =
      route === 'batch' && method === 'POST' ? readBatch(headers['content-type'], body) : undefined;
    env.protection.admit(
      user.appId,
      batch === undefined ? 1 : Math.max(1, batchRequestCount(batch)),
    );
    let response: SimResponse;
    try {
      const caller = {
        userId: user.systemUserId,
        businessUnitId: env.options.businessUnitId,
        organizationId: env.organizationId,
      };
      try {
        response =
          batch === undefined
            ? handleResource(env.context, { method, url, headers, body }, caller)
            : executeBatch(
                env.context,
                batch,
                caller,
                parsePreferences(headers.prefer).continueOnError,
              );
      } catch (error) {
        if (!isSimHttpError(error)) throw error;
        response = errorResponse(error);
      }
      await sleep(modelledLatencyMs(env.options.latency, response.rows));
    } finally {
      env.protection.release(user.appId, performance.now() - startedMs);
    }
    send(response, env.protection.rateLimitHeaders(user.appId));
  } catch (error) {
    if (isSimHttpError(error)) {
      send(
        error.status === 401
          ? { status: 401, headers: error.headers, body: '', rows: 0 }
          : errorResponse(error),
      );
      return;
    }
    // A simulator bug: answer like the service's generic failure, but say what broke.
    const message = error instanceof Error ? error.message : String(error);
    send(
      errorResponse(new SimHttpError(500, ERROR_CODES.unexpected, `Simulator failure: ${message}`)),
    );
  }
}
