import { IntegrationError } from '../errors';
import type { Rejections } from './rejections';
import type { OutputShape, ResyncRecord, RoundInProgress, SyncCheckpoint } from './types';

/** Query parameters that would mean a credential sits in a link; never persisted. */
const CREDENTIAL_PARAMETERS = [
  'access_token',
  'id_token',
  'refresh_token',
  'client_secret',
  'client_assertion',
  'code',
  'sig',
  'password',
  'apikey',
  'api-key',
  'api_key',
];

/**
 * Throws if a link that is about to be persisted carries a credential (user info or a known
 * token parameter). Dataverse's `$deltatoken`/`$skiptoken` are change-tracking positions, not
 * credentials, and are allowed.
 */
export function assertLinkHoldsNoCredentials(link: string, environment: string): void {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw invalid(environment, 'a paging link is not an absolute URL');
  }
  const hasCredential =
    url.username !== '' ||
    url.password !== '' ||
    [...url.searchParams.keys()].some((key) => CREDENTIAL_PARAMETERS.includes(key.toLowerCase()));
  if (hasCredential) {
    throw new IntegrationError('A paging link carries a credential and will not be persisted', {
      step: 'write checkpoint',
      environment,
      hint: 'This is a bug in the Dataverse client or a proxy rewriting links; report it.',
    });
  }
}

/** Parses and validates a checkpoint blob; a damaged blob fails with what to do about it. */
export function parseCheckpoint(text: string, environment: string): SyncCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(environment, 'checkpoint blob is not JSON');
  }
  if (!isRecord(value) || (value.version !== 1 && value.version !== 2))
    throw invalid(environment, 'unknown checkpoint version');
  const generation = value.generation;
  if (typeof generation !== 'number' || !Number.isInteger(generation) || generation < 0) {
    throw invalid(environment, 'generation is not a non-negative integer');
  }
  const round = value.round === undefined ? undefined : parseRound(value.round, environment);
  return {
    version: value.version,
    // A job that failed before it read its table's metadata saved no shape (and no position).
    ...(value.version === 2 && value.shape !== undefined
      ? { shape: parseShape(value.shape, environment) }
      : {}),
    ...(value.lastResync === undefined
      ? {}
      : { lastResync: parseResync(value.lastResync, environment) }),
    ...(value.rejected === undefined
      ? {}
      : { rejected: parseRejections(value.rejected, environment) }),
    generation,
    deltaLink: optionalString(value.deltaLink, 'deltaLink', environment),
    round,
    lastSuccessAt: optionalString(value.lastSuccessAt, 'lastSuccessAt', environment),
    lastRunAt: optionalString(value.lastRunAt, 'lastRunAt', environment) ?? '',
    lastError: optionalString(value.lastError, 'lastError', environment),
  };
}

function parseShape(value: unknown, environment: string): OutputShape {
  if (!isRecord(value)) throw invalid(environment, 'shape is not an object');
  const { entitySet, columns, destination, labelLanguage } = value;
  if (typeof entitySet !== 'string' || typeof destination !== 'string')
    throw invalid(environment, 'shape.entitySet or shape.destination');
  if (!Array.isArray(columns) || !columns.every((c): c is string => typeof c === 'string'))
    throw invalid(environment, 'shape.columns');
  if (labelLanguage !== undefined && !Number.isInteger(labelLanguage))
    throw invalid(environment, 'shape.labelLanguage');
  const { labels } = value;
  if (
    labels !== undefined &&
    (!isRecord(labels) || !Object.values(labels).every((digest) => typeof digest === 'string'))
  )
    throw invalid(environment, 'shape.labels');
  return {
    entitySet,
    columns,
    destination,
    ...(typeof labelLanguage === 'number' ? { labelLanguage } : {}),
    ...(labels === undefined ? {} : { labels: labels as Record<string, string> }),
  };
}

function parseResync(value: unknown, environment: string): ResyncRecord {
  if (!isRecord(value) || typeof value.at !== 'string' || typeof value.reason !== 'string')
    throw invalid(environment, 'lastResync');
  return { at: value.at, reason: value.reason };
}

function parseRejections(value: unknown, environment: string): Rejections {
  if (!isRecord(value) || !isRecord(value.rows) || typeof value.more !== 'boolean')
    throw invalid(environment, 'rejected');
  const rows: Record<string, string> = {};
  for (const [id, reason] of Object.entries(value.rows)) {
    if (typeof reason !== 'string') throw invalid(environment, 'rejected.rows');
    rows[id] = reason;
  }
  return { rows, more: value.more };
}

function parseRound(value: unknown, environment: string): RoundInProgress {
  if (!isRecord(value)) throw invalid(environment, 'round is not an object');
  const { kind, nextLink, generation, pagesDone, rowsDone, startedAt } = value;
  if (kind !== 'full' && kind !== 'delta') throw invalid(environment, 'round.kind');
  if (nextLink !== undefined && typeof nextLink !== 'string')
    throw invalid(environment, 'round.nextLink');
  for (const [name, number] of Object.entries({ generation, pagesDone, rowsDone })) {
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) {
      throw invalid(environment, `round.${name}`);
    }
  }
  return {
    kind,
    ...(nextLink === undefined ? {} : { nextLink }),
    startLink: optionalString(value.startLink, 'round.startLink', environment),
    generation: generation as number,
    pagesDone: pagesDone as number,
    rowsDone: rowsDone as number,
    startedAt: typeof startedAt === 'string' ? startedAt : '',
  };
}

function optionalString(value: unknown, name: string, environment: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(environment, `${name} is not a string`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(environment: string, what: string): IntegrationError {
  return new IntegrationError(`Checkpoint is damaged: ${what}`, {
    step: 'read checkpoint',
    environment,
    code: 'CheckpointInvalid',
    hint: 'Nothing to do: the next run replaces it after a full resync of this environment (rows deleted meanwhile are swept).',
  });
}
