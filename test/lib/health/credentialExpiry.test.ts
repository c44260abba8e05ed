import { describe, expect, it } from 'vitest';

import type { CredentialDescription } from '../../../src/lib/auth';
import { credentialExpiryCheck } from '../../../src/lib/health/credentialExpiry';

const now = new Date('2026-11-23T12:00:00Z');
const day = 24 * 3600 * 1000;

function credential(
  expiresOn: Date | undefined,
  overrides: Partial<CredentialDescription> = {},
): CredentialDescription {
  return {
    type: 'secret',
    source: 'keyVault',
    version: 'v1',
    expiresOn,
    thumbprintSha256: undefined,
    ...overrides,
  };
}

describe('credentialExpiryCheck', () => {
  it('passes when expiry is beyond the warning window, reporting days left', () => {
    const result = credentialExpiryCheck(credential(new Date(now.getTime() + 45 * day)), 30, now);
    expect(result).toMatchObject({ status: 'pass', observedValue: 45, observedUnit: 'days' });
  });

  it('warns inside the warning window and says how to rotate', () => {
    const result = credentialExpiryCheck(
      credential(new Date(now.getTime() + 9 * day + 3600_000)),
      30,
      now,
    );
    expect(result.status).toBe('warn');
    expect(result.observedValue).toBe(9);
    expect(result.output).toContain('expires in 9 days');
    expect(result.output).toContain('new version in Key Vault');
  });

  it('fails once expired', () => {
    const result = credentialExpiryCheck(
      credential(new Date(now.getTime() - day), { type: 'certificate' }),
      30,
      now,
    );
    expect(result.status).toBe('fail');
    expect(result.componentId).toBe('client certificate');
    expect(result.output).toContain('certificate expired');
  });

  it('passes with an explanation when the expiry is unknown', () => {
    const result = credentialExpiryCheck(credential(undefined), 30, now);
    expect(result.status).toBe('pass');
    expect(result.output).toContain('set an expiration date on the Key Vault secret');
  });
});
