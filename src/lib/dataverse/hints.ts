import {
  EXPIRED_CHANGE_TOKEN_CODE,
  SERVICE_PROTECTION_CODES,
  USER_NOT_IN_ORG_CODE,
} from '../errors';

export interface HintInput {
  readonly environmentName: string;
  readonly environmentUrl: string;
  readonly applicationClientId: string | undefined;
  readonly step: string;
  readonly status: number | undefined;
  /** Normalised Dataverse code or Node network code. */
  readonly code: string | undefined;
  readonly message: string | undefined;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function userPath(name: string): string {
  return `Power Platform admin center → Environments → ${name} → Settings → Users + permissions → Application users`;
}

/** What an operator should do about a failure, for the failures we know; undefined otherwise. */
export function operatorHint(input: HintInput): string | undefined {
  const { environmentName: env, environmentUrl: url, status, code, message } = input;
  const client =
    input.applicationClientId === undefined
      ? 'this app registration'
      : `client id ${input.applicationClientId}`;
  if (code === USER_NOT_IN_ORG_CODE) {
    return `the application user for ${client} does not exist in environment ${env}: create it (${userPath(env)}) and give it a custom security role with read access to the synced tables`;
  }
  if (message !== undefined && /\bis disabled\b/i.test(message)) {
    return `the application user for ${client} is disabled in environment ${env}: activate it (${userPath(env)})`;
  }
  if (code === EXPIRED_CHANGE_TOKEN_CODE) {
    return 'the saved change-tracking token is older than the environment keeps changes (Organization.ExpireChangeTrackingInDays): a full resync is required; the sync starts one automatically';
  }
  if (status === 401) {
    return `check the environment URL (${url}): the token audience must equal it (scope ${url}/.default), and the tenant must be the environment's tenant`;
  }
  if (status === 403) {
    return `the application user for ${client} in ${env} lacks a privilege: add it to its security role (${userPath(env)} → Manage roles)`;
  }
  if (status === 429 && code !== undefined && SERVICE_PROTECTION_CODES.has(code)) {
    return `Dataverse service protection limits (${SERVICE_PROTECTION_CODES.get(code) ?? code}) throttled the application user in ${env}: lower parallelism or spread schedules; the sync resumes where it stopped`;
  }
  if (status === 404 && input.step === 'WhoAmI') {
    return `${url} does not serve the Dataverse Web API: check the environment URL (Power Platform admin center → Environments → ${env} → Environment URL)`;
  }
  if (code === 'ENOTFOUND') {
    return `the host of ${url} does not resolve: check the environment URL for ${env} (a typo, or a deleted or renamed environment)`;
  }
  if (code !== undefined && TLS_CODES.has(code)) {
    return `the TLS certificate of ${url} could not be verified: check for a TLS-inspecting proxy, or (local test bed) NODE_EXTRA_CA_CERTS`;
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'ETIMEDOUT' ||
    code === 'REQUEST_TIMEOUT' ||
    code === 'EHOSTUNREACH'
  ) {
    return `${url} did not answer: usually a transient outage (the next run retries); if it persists check outbound network rules (firewall, NSG, private endpoint DNS)`;
  }
  if (status !== undefined && status >= 500) {
    return `Dataverse in ${env} returned server errors: usually transient, the next run retries; if it persists check the Power Platform service health`;
  }
  return undefined;
}
