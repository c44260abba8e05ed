import { describe, expect, it } from 'vitest';

import { resolveClientOptions } from '../../../src/lib/dataverse/options';
import { throttlingStrategy } from '../../../src/lib/dataverse/throttlingStrategy';
import { normaliseErrorCode } from '../../../src/lib/errors';
import type { CallContext, PipelineResponse, RetryState } from '../../../src/lib/http';
import { silentLogger } from '../../../src/lib/util';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const options = resolveClientOptions({
  environment: {
    name: 'contoso',
    url: 'https://contoso.crm.dynamics.com',
    tenantId: 't',
    tables: [{ logicalName: 'account' }],
  },
  getToken: () => Promise.resolve('t'),
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

describe('throttlingStrategy', () => {
  const strategy = throttlingStrategy(options);
  it.each(['0x80072322', '0x80072321', '0x80072326', '-2147015902', '-2147015903', '-2147015898'])(
    'waits exactly Retry-After for service-protection code %s, without jitter',
    (code) => {
      expect(strategy.retry(state({ response: response(429, code, '7') }))).toEqual({
        retryAfterInMs: 7_000,
        throttled: true,
        reason: normaliseErrorCode(code),
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
      reason: '0x80072322',
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
      reason: '0x80072322',
    });
    expect(strategy.retry(state({ response: response(429, '0x80072322') }))).toEqual({
      retryAfterInMs: 500,
      throttled: true,
      reason: '0x80072322',
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
      reason: '0x80072326',
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
