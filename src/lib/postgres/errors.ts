import { IntegrationError, sanitizeError } from '../errors';
import { isTransientNetworkCode } from '../util';

/** SQLSTATEs worth another attempt later without anyone changing anything. */
const TRANSIENT_STATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '55P03', // lock_not_available
  '57P01', // admin_shutdown (a restart, a failover)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
]);

/** What to do about a PostgreSQL failure, by SQLSTATE class or code. */
function hintFor(code: string | undefined, server: string): string {
  if (code === '28P01' || code === '28000') {
    return `Check the sign-in to ${server}: with POSTGRES_CONNECTION_STRING its user and password; with POSTGRES_HOST the managed identity must be a Microsoft Entra principal of the server (pgaadauth_create_principal) whose role is POSTGRES_USER.`;
  }
  if (code === '3D000')
    return `Create the database on ${server}, or fix POSTGRES_DATABASE / the database in POSTGRES_CONNECTION_STRING.`;
  if (code === '42501') {
    return 'Grant the sync role CREATE on the database (or on POSTGRES_SCHEMA) and ownership of the replica tables, or create them once as an administrator.';
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
    return `Check that ${server} is running and reachable from the app (host, port, firewall rules, private endpoint).`;
  }
  if (code !== undefined && TRANSIENT_STATES.has(code))
    return 'Transient; the next run retries from the checkpoint.';
  if (code === '53100' || code === '53200')
    return `The server ran out of disk or memory; scale ${server} up.`;
  return 'Nothing of the page was committed and the checkpoint did not move; the next run retries it. If it persists, look up the code in the PostgreSQL documentation (Appendix A, error codes).';
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A driver or server failure as an IntegrationError naming the job, the step, the SQLSTATE (or
 * network code) and the fix. The cause is sanitised with the password the app holds, so a
 * message quoting a connection string cannot leak it.
 */
export function postgresError(
  error: unknown,
  step: string,
  job: string | undefined,
  server: string,
  secrets: readonly string[],
): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const code = codeOf(error);
  const cause = sanitizeError(error, secrets);
  const retryable =
    code !== undefined &&
    (TRANSIENT_STATES.has(code) ||
      code.startsWith('08') ||
      isTransientNetworkCode(code, { retryUnresolvedHost: false }));
  return new IntegrationError(cause.message, {
    step: `PostgreSQL ${step}`,
    ...(job === undefined ? {} : { environment: job }),
    ...(code === undefined ? {} : { code }),
    retryable,
    hint: hintFor(code, server),
    cause,
  });
}
