import { describe, expect, it } from 'vitest';

import { normaliseErrorCode } from '../../../src/lib/dataverse/errorCodes';
import { resolveClientOptions } from '../../../src/lib/dataverse/options';
import type { CallContext, DataverseResponse } from '../../../src/lib/dataverse/request';
import { TransportError } from '../../../src/lib/dataverse/request';
import {
  exponentialDelayInMs,
  isTransientStatus,
  type RetryState,
  throttlingStrategy,
  transientStrategy,
} from '../../../src/lib/dataverse/retry/strategies';
import { silentLogger } from '../../../src/lib/logger';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const options = resolveClientOptions({
  environment: { name: 'contoso', url: 'https://contoso.crm.dynamics.com', tenantId: 't' },
  getToken: () => Promise.resolve('t'),
  logger: silentLogger,
  now: () => NOW,
  random: () => 0.5,
});

function response(status: number, code?: string, retryAfter?: string): DataverseResponse {
  return {
    status,
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    bodyText: code === undefined ? '' : JSON.stringify({ error: { code, message: 'm' } }),
  };
}

function state(partial: Partial<RetryState>): RetryState {
  const call: CallContext = {
    step: 's',
    clientRequestId: 'c',
    deadlineAt: 0,
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

describe('normaliseErrorCode', () => {
  it.each([
    ['0x80072322', '0x80072322'],
    ['0X80072322', '0x80072322'],
    ['-2147015902', '0x80072322'],
    ['-2147015903', '0x80072321'],
    ['-2147015898', '0x80072326'],
    ['-2147204270', '0x80044352'],
    ['0x80044352', '0x80044352'],
    ['AADSTS700016', 'AADSTS700016'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseErrorCode(input)).toBe(expected);
  });
});

describe('throttlingStrategy', () => {
  const strategy = throttlingStrategy(options);
  it.each(['0x80072322', '0x80072321', '0x80072326', '-2147015902', '-2147015903', '-2147015898'])(
    'waits exactly Retry-After for service-protection code %s, without jitter',
    (code) => {
      expect(strategy.retry(state({ response: response(429, code, '7') }))).toEqual({
        retryAfterInMs: 7_000,
        throttled: true,
      });
    },
  );

  it('accepts an HTTP-date Retry-After', () => {
    expect(
      strategy.retry(
        state({ response: response(429, '0x80072322', 'Wed, 01 Jan 2025 12:00:04 GMT') }),
      ),
    ).toEqual({
      retryAfterInMs: 4_000,
      throttled: true,
    });
  });

  it('falls back to computed backoff when Retry-After is malformed or missing', () => {
    expect(
      strategy.retry(
        state({ response: response(429, '0x80072322', 'later'), throttledRetries: 2 }),
      ),
    ).toEqual({
      retryAfterInMs: 2_000, // 0.5 * 1000 * 2^2
      throttled: true,
    });
    expect(strategy.retry(state({ response: response(429, '0x80072322') }))).toEqual({
      retryAfterInMs: 500,
      throttled: true,
    });
  });

  it('does not count against maxRetries: still retries after many waits', () => {
    expect(
      strategy.retry(
        state({
          response: response(429, '0x80072326', '1'),
          throttledRetries: 1000,
          transientRetries: 99,
        }),
      ),
    ).toEqual({
      retryAfterInMs: 1_000,
      throttled: true,
    });
  });

  it.each([
    ['429 without a code', response(429)],
    ['429 with another code', response(429, '0x80040216')],
    ['503', response(503, '0x80072322', '1')],
  ])('skips %s', (_label, r) => {
    expect(strategy.retry(state({ response: r }))).toEqual({ skip: true });
  });
});

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

describe('exponentialDelayInMs (full jitter)', () => {
  it.each([
    [0, 1, 1_000],
    [3, 1, 8_000],
    [10, 1, 30_000],
    [10, 0, 0],
    [2, 0.25, 1_000],
  ])('retry %i with random %f → %i ms', (retry, random, expected) => {
    expect(
      exponentialDelayInMs(retry, {
        retryDelayInMs: 1_000,
        maxRetryDelayInMs: 30_000,
        random: () => random,
      }),
    ).toBe(expected);
  });

  it('classifies statuses', () => {
    expect([408, 500, 501, 505, 429, 404].map(isTransientStatus)).toEqual([
      true,
      true,
      false,
      false,
      true,
      false,
    ]);
  });
});
