import { describe, expect, it } from 'vitest';

import {
  type CallContext,
  type PipelineOptions,
  type PipelineResponse,
  resolvePipelineOptions,
  type RetryState,
  transientStrategy,
  TransportError,
} from '../../../src/lib/http';
import { silentLogger } from '../../../src/lib/util';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const options: PipelineOptions = resolvePipelineOptions('test', {
  name: 'contoso',
  logger: silentLogger,
  now: () => NOW,
  random: () => 0.5,
});

function response(status: number, code?: string, retryAfter?: string): PipelineResponse {
  return {
    status,
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    bodyText: code === undefined ? '' : JSON.stringify({ error: { code, message: 'm' } }),
  };
}

function state(partial: Partial<RetryState>): RetryState {
  const call: CallContext = {
    step: 's',
    environment: undefined,
    clientRequestId: 'c',
    deadlineAt: 0,
    deadlineFromCaller: false,
    attempts: 1,
    tokenRefreshed: false,
    gaveUp: undefined,
    throttledWaitInMs: 0,
  };
  return {
    request: {
      method: 'GET',
      url: 'https://contoso.crm.dynamics.com/api/data/v9.2/x',
      headers: {},
      signal: undefined,
      call,
    },
    response: undefined,
    error: undefined,
    transientRetries: 0,
    throttledRetries: 0,
    ...partial,
  };
}

describe('transientStrategy', () => {
  const exhausted = new Error('exhausted');
  const strategy = transientStrategy(options, () => exhausted);

  it.each([408, 429, 500, 502, 503, 504, 507, 599])('retries HTTP %i', (status) => {
    expect(strategy.retry(state({ response: response(status) }))).toEqual({
      retryAfterInMs: 500,
      throttled: false,
    });
  });

  it.each([400, 401, 403, 404, 412, 413, 501, 505])('does not retry HTTP %i', (status) => {
    expect(strategy.retry(state({ response: response(status) }))).toEqual({ skip: true });
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'REQUEST_TIMEOUT'])(
    'retries network code %s',
    (code) => {
      expect(strategy.retry(state({ error: new TransportError(code, 'x') }))).toEqual({
        retryAfterInMs: 500,
        throttled: false,
      });
    },
  );

  it.each(['ENOTFOUND', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNKNOWN'])(
    'does not retry network code %s',
    (code) => {
      expect(strategy.retry(state({ error: new TransportError(code, 'x') }))).toEqual({
        skip: true,
      });
    },
  );

  it('honours a server Retry-After on a 503', () => {
    expect(strategy.retry(state({ response: response(503, undefined, '3') }))).toEqual({
      retryAfterInMs: 3_000,
      throttled: false,
    });
  });

  it('stops with errorToThrow once maxRetries transient retries were made', () => {
    expect(strategy.retry(state({ response: response(500), transientRetries: 4 }))).toEqual({
      retryAfterInMs: 8_000,
      throttled: false,
    });
    expect(strategy.retry(state({ response: response(500), transientRetries: 5 }))).toEqual({
      errorToThrow: exhausted,
    });
  });
});

describe('transientStrategy with retryUnresolvedHost (the webhook)', () => {
  const webhook = transientStrategy(
    { ...options, transient: { retryUnresolvedHost: true } },
    () => new Error('x'),
  );

  it('retries ENOTFOUND, which the Dataverse client does not', () => {
    expect(webhook.retry(state({ error: new TransportError('ENOTFOUND', 'x') }))).toEqual({
      retryAfterInMs: 500,
      throttled: false,
    });
  });
});
