import type { CredentialDescription } from '../auth';
import type { HealthCheckResult } from './types';

const DAY_IN_MS = 24 * 3600 * 1000;

/**
 * Judges the client secret or certificate expiry: fail once expired, warn within
 * `warningDays`, pass otherwise. An unknown expiry (a secret from a local setting, or a Key
 * Vault secret without `exp`) passes with an output saying how to make it known.
 */
export function credentialExpiryCheck(
  credential: CredentialDescription,
  warningDays: number,
  now: Date,
): HealthCheckResult {
  const base = {
    componentId: credential.type === 'certificate' ? 'client certificate' : 'client secret',
    componentType: 'credential',
    time: now.toISOString(),
    source: credential.source,
    ...(credential.version === undefined ? {} : { version: credential.version }),
  };
  if (credential.expiresOn === undefined) {
    const output =
      credential.source === 'keyVault'
        ? 'Expiry unknown: set an expiration date on the Key Vault secret (its expires attribute) so it can be warned about.'
        : 'Expiry unknown for a credential read from local settings.';
    return { ...base, status: 'pass', output };
  }
  const daysLeft = Math.floor((credential.expiresOn.getTime() - now.getTime()) / DAY_IN_MS);
  const what = credential.type === 'certificate' ? 'certificate' : 'secret';
  const expiry = {
    ...base,
    observedValue: daysLeft,
    observedUnit: 'days',
    expiresOn: credential.expiresOn.toISOString(),
  };
  if (credential.expiresOn.getTime() <= now.getTime()) {
    return {
      ...expiry,
      status: 'fail',
      output: `The client ${what} expired on ${credential.expiresOn.toISOString()}: create a new one on the app registration and store it as a new version in Key Vault.`,
    };
  }
  if (daysLeft < warningDays) {
    return {
      ...expiry,
      status: 'warn',
      output: `The client ${what} expires in ${daysLeft} days (${credential.expiresOn.toISOString()}): rotate it — add a new one to the app registration and store it as a new version in Key Vault; the app picks it up without a restart.`,
    };
  }
  return { ...expiry, status: 'pass' };
}
