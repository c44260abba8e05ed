/**
 * Reading Azure SDK errors (RestError from storage, tables, Key Vault) without touching what
 * they also carry: the request, its Authorization header, a SAS in its URL. Only these plain
 * fields are read; anything kept as a cause goes through the sanitiser first.
 */

/** HTTP status of an Azure SDK RestError, if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Service error code of an Azure SDK RestError (e.g. `LeaseAlreadyPresent`), if any. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
