import { describe, expect, it } from 'vitest';

import { operatorHint } from '../../../src/lib/dataverse/hints';

const base = {
  environmentName: 'contoso-prod',
  environmentUrl: 'https://contoso.crm.dynamics.com',
  applicationClientId: undefined,
  step: 'query page',
  status: undefined,
  code: undefined,
  message: undefined,
};

describe('operatorHint', () => {
  it.each([
    [{ code: 'ENOTFOUND' }, 'does not resolve: check the environment URL for contoso-prod'],
    [
      { code: 'CERT_HAS_EXPIRED' },
      'TLS certificate of https://contoso.crm.dynamics.com could not be verified',
    ],
    [{ code: 'ECONNREFUSED' }, 'did not answer'],
    [{ status: 403, code: '0x80040220' }, 'lacks a privilege'],
    [
      { status: 403, code: '0x80072560' },
      'the application user for this app registration does not exist in environment contoso-prod',
    ],
    [{ status: 400, code: '0x80044352' }, 'a full resync is required'],
    [{ status: 503 }, 'returned server errors'],
  ])('%o', (input, expected) => {
    expect(operatorHint({ ...base, ...input })).toContain(expected);
  });

  it('has no hint for an ordinary 400', () => {
    expect(operatorHint({ ...base, status: 400, code: '0x80060888' })).toBeUndefined();
  });
});
