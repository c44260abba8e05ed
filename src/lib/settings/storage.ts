import { DEFAULT_STORAGE_SETTING, SYNC_STORAGE } from './names';
import { type ProblemList, shown } from './problems';
import { readSetting, type SettingsSource } from './read';
import type { StorageConnection } from './types';
import { checkGuid, checkOriginUrl } from './values';
import { looksLikeConnectionString } from './valueShape';

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

function serviceUri(
  env: SettingsSource,
  setting: string,
  problems: ProblemList,
): string | undefined {
  const value = readSetting(env, setting);
  if (value === undefined) return undefined;
  // Azurite on 127.0.0.1 speaks http; real accounts are https only.
  const checked = checkOriginUrl(value, { allowLoopbackHttp: true });
  if (checked.ok) return checked.value;
  problems.add(setting, checked.problem, 'https://contosostorage.table.core.windows.net');
  return undefined;
}

type Service = 'blob' | 'table' | 'queue';
const SERVICE_URI_SETTING: Readonly<Record<Service, string>> = {
  blob: '__blobServiceUri',
  table: '__tableServiceUri',
  queue: '__queueServiceUri',
};

function parseIdentityBased(
  env: SettingsSource,
  name: string,
  services: readonly Service[],
  why: string,
  problems: ProblemList,
): StorageConnection | undefined {
  const accountSetting = `${name}__accountName`;
  const account = readSetting(env, accountSetting);
  if (account !== undefined && !ACCOUNT_NAME.test(account)) {
    problems.add(
      accountSetting,
      `must be a storage account name (3-24 lowercase letters or digits), got ${shown(account)}`,
      'contosostorage',
    );
  }
  const validAccount = account !== undefined && ACCOUNT_NAME.test(account) ? account : undefined;
  const clientIdSetting = `${name}__clientId`;
  const clientIdValue = readSetting(env, clientIdSetting);
  const clientId = clientIdValue === undefined ? undefined : checkGuid(clientIdValue);
  if (clientId?.ok === false)
    problems.add(clientIdSetting, clientId.problem, '00000000-0000-0000-0000-000000000000');

  const uris = new Map<Service, string>();
  for (const service of services) {
    const uri =
      serviceUri(env, `${name}${SERVICE_URI_SETTING[service]}`, problems) ??
      (validAccount === undefined
        ? undefined
        : `https://${validAccount}.${service}.core.windows.net`);
    if (uri !== undefined) uris.set(service, uri);
  }
  if (account === undefined && uris.size < services.length) {
    const listed = services.map((service) => `${name}${SERVICE_URI_SETTING[service]}`);
    problems.add(
      name,
      `is required: a storage connection string, or identity-based ${name}__accountName (or ${listed.join(', ')}); ${why}`,
      'UseDevelopmentStorage=true',
    );
    return undefined;
  }
  if (uris.size < services.length || clientId?.ok === false) return undefined;
  const blobServiceUri = uris.get('blob');
  const tableServiceUri = uris.get('table');
  const queueServiceUri = uris.get('queue');
  return {
    settingName: name,
    ...(blobServiceUri === undefined ? {} : { blobServiceUri }),
    ...(tableServiceUri === undefined ? {} : { tableServiceUri }),
    ...(queueServiceUri === undefined ? {} : { queueServiceUri }),
    ...(clientId?.ok === true ? { clientId: clientId.value } : {}),
  };
}

/** A connection setting: its connection string, or its identity-based form. */
function parseConnection(
  env: SettingsSource,
  name: string,
  services: readonly Service[],
  why: string,
  problems: ProblemList,
): StorageConnection | undefined {
  const connectionString = readSetting(env, name);
  if (connectionString === undefined) return parseIdentityBased(env, name, services, why, problems);
  if (!looksLikeConnectionString(connectionString)) {
    problems.add(
      name,
      'is not a storage connection string (expected Key=Value pairs such as AccountName=...;AccountKey=... or UseDevelopmentStorage=true)',
      'DefaultEndpointsProtocol=https;AccountName=contosostorage;AccountKey=<key>;EndpointSuffix=core.windows.net',
    );
    return undefined;
  }
  return { settingName: name, connectionString };
}

/**
 * AzureWebJobsStorage as the job queue needs it: the queue trigger's connection, where the
 * dispatcher enqueues jobs. When it is also the sync storage, blobs and tables too.
 */
export function parseJobsStorage(
  env: SettingsSource,
  syncStorage: StorageConnection | undefined,
  problems: ProblemList,
): StorageConnection | undefined {
  const name = DEFAULT_STORAGE_SETTING;
  if (syncStorage?.settingName === name) return syncStorage;
  // Reported once: when the sync storage is this setting, its own parse already said it.
  if (syncStorage === undefined && (readSetting(env, SYNC_STORAGE) ?? name) === name)
    return undefined;
  return parseConnection(env, name, ['queue'], 'the sync job queue lives there', problems);
}

/**
 * Resolves the storage connection named by SYNC_STORAGE (default AzureWebJobsStorage)
 * the way the Functions host does: the `<NAME>` connection string wins; otherwise the
 * identity-based `<NAME>__accountName` / `__blobServiceUri` / `__tableServiceUri` /
 * `__queueServiceUri` (AzureWebJobsStorage only: the job queue) / `__clientId`.
 * A connection string may hold an account key, so it is never quoted in a problem.
 */
export function parseStorage(
  env: SettingsSource,
  problems: ProblemList,
): StorageConnection | undefined {
  const name = readSetting(env, SYNC_STORAGE) ?? DEFAULT_STORAGE_SETTING;
  if (looksLikeConnectionString(name)) {
    // The likeliest mistake, and the costliest: the value holds an account key.
    problems.add(
      SYNC_STORAGE,
      `holds what looks like a storage connection string (not repeated here), but this setting takes the NAME of the app setting that holds one: put the connection string in ${DEFAULT_STORAGE_SETTING} (or another setting) and name that setting here`,
      DEFAULT_STORAGE_SETTING,
    );
    return undefined;
  }
  if (!SETTING_NAME.test(name)) {
    problems.add(
      SYNC_STORAGE,
      `must be the name of an app setting (letters, digits, underscores), got ${shown(name)}`,
      DEFAULT_STORAGE_SETTING,
    );
    return undefined;
  }
  const services: Service[] =
    name === DEFAULT_STORAGE_SETTING ? ['blob', 'table', 'queue'] : ['blob', 'table'];
  const why =
    name === DEFAULT_STORAGE_SETTING
      ? 'checkpoints live in blobs, mirrors in tables and the job queue in queues'
      : 'checkpoints live in blobs and mirrors in tables';
  return parseConnection(env, name, services, why, problems);
}
