/**
 * Every service error code the app branches on or explains, in one place: Dataverse Web API
 * codes and Entra ID (AADSTS) codes. Sources: shared/reference/dataverse-web-api.md and
 * azure-platform.md.
 */

/**
 * Dataverse error codes arrive as hex (`0x80072322`) in the Web API and as signed decimals
 * (`-2147015902`) from SDK-shaped sources. Both normalise to lower-case 8-digit hex.
 */
export function normaliseErrorCode(code: string): string {
  const trimmed = code.trim();
  if (/^-?\d{1,10}$/.test(trimmed)) {
    const unsigned = Number(trimmed) >>> 0;
    return `0x${unsigned.toString(16).padStart(8, '0')}`;
  }
  if (/^0x[0-9a-f]{1,8}$/i.test(trimmed))
    return `0x${trimmed.slice(2).toLowerCase().padStart(8, '0')}`;
  return trimmed;
}

/** Dataverse service protection limits (HTTP 429): requests, execution time, concurrent requests. */
export const SERVICE_PROTECTION_CODES: ReadonlyMap<string, string> = new Map([
  ['0x80072322', 'number of requests'],
  ['0x80072321', 'combined execution time'],
  ['0x80072326', 'concurrent requests'],
]);

/**
 * ExpiredVersionStamp (-2147204270): the change-tracking delta token is older than the
 * organisation keeps changes (ExpireChangeTrackingInDays). The sync answers with a full resync.
 */
export const EXPIRED_CHANGE_TOKEN_CODE = '0x80044352';

/** The application user is not a member of the organization (does not exist in the environment). */
export const USER_NOT_IN_ORG_CODE = '0x80072560';

/** True for ExpiredVersionStamp in any form Dataverse or an SDK gives it (hex or signed decimal). */
export function isExpiredChangeTokenCode(code: string | undefined): boolean {
  return code !== undefined && normaliseErrorCode(code) === EXPIRED_CHANGE_TOKEN_CODE;
}

/** Entra ID codes the app explains to an operator (AADSTS + number, as MSAL reports them). */
export const ENTRA_CODES = {
  invalidClientSecret: 'AADSTS7000215',
  expiredClientSecret: 'AADSTS7000222',
  appNotFoundInTenant: 'AADSTS700016',
  certificateNotRegistered: 'AADSTS700027',
  tenantNotFound: 'AADSTS90002',
  noServicePrincipal: 'AADSTS7000229',
} as const;

/** Entra codes that mean "this secret or certificate is not (or no longer) accepted". */
export const CREDENTIAL_REJECTION_CODES: ReadonlySet<string> = new Set([
  ENTRA_CODES.invalidClientSecret,
  ENTRA_CODES.expiredClientSecret,
  ENTRA_CODES.certificateNotRegistered,
]);
