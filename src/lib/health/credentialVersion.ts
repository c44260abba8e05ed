import type { CredentialDescription } from '../auth';
import type { HealthCheckResult } from './types';

/**
 * Judges which Key Vault version authenticates: pass while it is the current one; warn while an
 * older version stands in because Entra ID rejects the current one (a renewed certificate not yet
 * on the app registration, a secret stored before it was added there). A warning, not a failure:
 * tokens work, and the expiry check judges the version in use. Its own check, apart from expiry,
 * so monitoring can tell "renew soon" from "the renewal is not on the app registration yet".
 */
export function credentialVersionCheck(
  credential: CredentialDescription,
  now: Date,
): HealthCheckResult {
  const base = {
    componentId: credential.type === 'certificate' ? 'client certificate' : 'client secret',
    componentType: 'credential',
    time: now.toISOString(),
    observedValue: credential.version ?? 'unknown',
    observedUnit: 'Key Vault version in use',
  };
  const { fallback } = credential;
  if (fallback === undefined) return { ...base, status: 'pass' };
  return {
    ...base,
    status: 'warn',
    currentVersion: fallback.currentVersion,
    code: fallback.code,
    since: fallback.since.toISOString(),
    ...(fallback.currentThumbprintSha256 === undefined
      ? {}
      : { currentThumbprintSha256: fallback.currentThumbprintSha256 }),
    output: `${fallback.reason} Tokens work; the app switches back by itself once Entra ID accepts the current version. Fix: ${fallback.fix}`,
  };
}
