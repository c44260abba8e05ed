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

/** Service protection limits: requests, execution time, concurrent requests. */
export const SERVICE_PROTECTION_CODES: ReadonlyMap<string, string> = new Map([
  ['0x80072322', 'number of requests'],
  ['0x80072321', 'combined execution time'],
  ['0x80072326', 'concurrent requests'],
]);

/** ExpiredVersionStamp: the change-tracking delta token is older than the retention. */
export const EXPIRED_CHANGE_TOKEN_CODE = '0x80044352';
/** The application user is not a member of the organization (does not exist in the environment). */
export const USER_NOT_IN_ORG_CODE = '0x80072560';

/** The `{"error":{"code","message"}}` body of a failed response, when it has one. */
export interface ServiceErrorBody {
  readonly code: string | undefined;
  readonly message: string | undefined;
}

export function parseErrorBody(bodyText: string): ServiceErrorBody {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (typeof parsed !== 'object' || parsed === null)
      return { code: undefined, message: undefined };
    const error = (parsed as { error?: unknown }).error;
    if (typeof error !== 'object' || error === null) return { code: undefined, message: undefined };
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' && code.trim() !== '' ? normaliseErrorCode(code) : undefined,
      message: typeof message === 'string' && message !== '' ? message.slice(0, 1000) : undefined,
    };
  } catch {
    return { code: undefined, message: undefined };
  }
}
