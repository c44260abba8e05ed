import { isIntegrationError } from '../errors';

/**
 * What a failing check says in the health body by default. Anyone with a function key reads the
 * body, and a full description can name the Key Vault, the secret, the identity's object id, the
 * tenant and the `az` command that fixes it: the body says what failed and where to read the
 * rest; the function's log (and `doctor`) have the detail. HEALTH_DETAILED_ERRORS=true puts the
 * full description in the body as well.
 */

/** Where the operator reads what the body leaves out: the log line written at `time`. */
export function whereToLook(time: string): string {
  return `Details and the fix: the function's log at ${time}, or run dataverse-s2s doctor.`;
}

// Service codes are short identifiers (0x80072560, AADSTS7000215, Forbidden, ECONNRESET);
// anything else is not repeated.
const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The failure in the body's words: environment and step, the service's code, the HTTP status,
 * and where to look. Never the message or the fix.
 */
export function failureSummary(error: unknown, componentId: string, time: string): string {
  if (!isIntegrationError(error)) return `${componentId}: failed. ${whereToLook(time)}`;
  const where = [error.environment, error.step].filter(Boolean).join(' / ');
  const code = error.code !== undefined && SAFE_CODE.test(error.code) ? ` [${error.code}]` : '';
  const status = error.status === undefined ? '' : ` (HTTP ${error.status})`;
  return `${where}: failed${code}${status}. ${whereToLook(time)}`;
}
