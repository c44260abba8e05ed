import { ConfigurationError } from '../errors';

/** One queue message: run one table of one environment. */
export interface SyncJobMessage {
  readonly environment: string;
  /** The table's logical name. */
  readonly table: string;
  /** Start a full round (the CLI's --full); continuations never set it. */
  readonly full?: boolean;
  /**
   * How many times this job has continued itself after reaching its time budget (0 or absent
   * for a dispatched job): shows in logs how long a full load has been moving along.
   */
  readonly continuation?: number;
}

/**
 * The message body as the queue carries it: base64 of the JSON, the queue extension's default
 * `messageEncoding` (host.json), which decodes it before the function sees it.
 */
export function encodeJobMessage(message: SyncJobMessage): string {
  return Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
}

function invalid(what: string): ConfigurationError {
  return new ConfigurationError(`The sync job message is not a job: ${what}`, {
    step: 'read job message',
    code: 'InvalidJobMessage',
    hint: 'Messages on the dataverse-sync-jobs queue are written by the syncDispatch function; remove messages written by anything else (this one goes to the poison queue after its retries).',
  });
}

/**
 * The job a message names. The Node worker hands the trigger a parsed object when the body is
 * JSON and the raw string otherwise; both are accepted. Throws for anything else, naming what
 * is wrong (never the whole body, which could be anything).
 */
export function parseJobMessage(body: unknown): SyncJobMessage {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw invalid('the body is not JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('the body is not a JSON object');
  const { environment, table, full, continuation } = value as Record<string, unknown>;
  if (typeof environment !== 'string' || environment === '')
    throw invalid('"environment" is missing');
  if (typeof table !== 'string' || table === '') throw invalid('"table" is missing');
  if (full !== undefined && typeof full !== 'boolean') throw invalid('"full" is not a boolean');
  if (continuation !== undefined && !(Number.isInteger(continuation) && Number(continuation) >= 0))
    throw invalid('"continuation" is not a whole number');
  return {
    environment,
    table,
    ...(full === true ? { full } : {}),
    ...(typeof continuation === 'number' && continuation > 0 ? { continuation } : {}),
  };
}
