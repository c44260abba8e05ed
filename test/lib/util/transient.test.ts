import { describe, expect, it } from 'vitest';

import {
  isTransientNetworkCode,
  isTransientStatus,
  REQUEST_TIMEOUT_CODE,
} from '../../../src/lib/util';

const dataverse = { retryUnresolvedHost: false };
const webhook = { retryUnresolvedHost: true };

describe('the transient table', () => {
  it.each([408, 429, 500, 502, 503, 504, 507, 599])('HTTP %i is transient', (status) => {
    expect(isTransientStatus(status)).toBe(true);
  });

  it.each([200, 301, 302, 307, 400, 401, 403, 404, 409, 412, 413, 501, 505])(
    'HTTP %i is not',
    (status) => {
      expect(isTransientStatus(status)).toBe(false);
    },
  );

  it.each([
    'ECONNRESET',
    'ETIMEDOUT',
    'ECONNREFUSED',
    'EPIPE',
    'ECONNABORTED',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'ENETDOWN',
    REQUEST_TIMEOUT_CODE,
  ])('network code %s is transient for every client', (code) => {
    expect(isTransientNetworkCode(code, dataverse)).toBe(true);
    expect(isTransientNetworkCode(code, webhook)).toBe(true);
  });

  it.each(['CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNKNOWN', 'ERR_BAD_REQUEST'])(
    'network code %s is never transient',
    (code) => {
      expect(isTransientNetworkCode(code, dataverse)).toBe(false);
      expect(isTransientNetworkCode(code, webhook)).toBe(false);
    },
  );

  it('ENOTFOUND is a per-client choice', () => {
    expect(isTransientNetworkCode('ENOTFOUND', dataverse)).toBe(false);
    expect(isTransientNetworkCode('ENOTFOUND', webhook)).toBe(true);
  });
});
