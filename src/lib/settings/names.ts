/**
 * Names of every app setting `loadSettings` reads. README, local.settings.sample.json and infra/
 * must use exactly these (a parity test checks them against `SETTING_NAMES`).
 */
export const DATAVERSE_URL = 'DATAVERSE_URL';
export const DATAVERSE_ENVIRONMENTS = 'DATAVERSE_ENVIRONMENTS';
export const DATAVERSE_TENANT_ID = 'DATAVERSE_TENANT_ID';
export const DATAVERSE_CLIENT_ID = 'DATAVERSE_CLIENT_ID';
export const DATAVERSE_CREDENTIAL_TYPE = 'DATAVERSE_CREDENTIAL_TYPE';
export const KEY_VAULT_URL = 'KEY_VAULT_URL';
export const DATAVERSE_CREDENTIAL_NAME = 'DATAVERSE_CREDENTIAL_NAME';
export const DATAVERSE_CLIENT_SECRET = 'DATAVERSE_CLIENT_SECRET';
export const DATAVERSE_CLIENT_CERTIFICATE_PATH = 'DATAVERSE_CLIENT_CERTIFICATE_PATH';
export const AZURE_CLIENT_ID = 'AZURE_CLIENT_ID';
export const AZURE_AUTHORITY_HOST = 'AZURE_AUTHORITY_HOST';
export const KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION =
  'KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION';
export const SYNC_SCHEDULE = 'SYNC_SCHEDULE';
export const SYNC_TABLES = 'SYNC_TABLES';
export const SYNC_TARGET = 'SYNC_TARGET';
export const SYNC_STORAGE = 'SYNC_STORAGE';
export const SYNC_TABLE_PREFIX = 'SYNC_TABLE_PREFIX';
export const SYNC_WEBHOOK_URL = 'SYNC_WEBHOOK_URL';
export const SYNC_WEBHOOK_SCOPE = 'SYNC_WEBHOOK_SCOPE';
export const SYNC_MAX_RUN_SECONDS = 'SYNC_MAX_RUN_SECONDS';
export const SYNC_PAGE_SIZE = 'SYNC_PAGE_SIZE';
export const SYNC_LABEL_LANGUAGE = 'SYNC_LABEL_LANGUAGE';
export const POSTGRES_CONNECTION_STRING = 'POSTGRES_CONNECTION_STRING';
export const POSTGRES_HOST = 'POSTGRES_HOST';
export const POSTGRES_DATABASE = 'POSTGRES_DATABASE';
export const POSTGRES_USER = 'POSTGRES_USER';
export const POSTGRES_SCHEMA = 'POSTGRES_SCHEMA';
export const HEALTH_CACHE_SECONDS = 'HEALTH_CACHE_SECONDS';
export const HEALTH_DETAILED_ERRORS = 'HEALTH_DETAILED_ERRORS';
export const CREDENTIAL_EXPIRY_WARNING_DAYS = 'CREDENTIAL_EXPIRY_WARNING_DAYS';

/**
 * The app's own settings. The storage connection setting they point at (default
 * `AzureWebJobsStorage`, plus its `__accountName`-style variants) is the Functions host's own
 * setting and is listed separately in {@link DEFAULT_STORAGE_SETTING} / {@link STORAGE_SUFFIXES}.
 */
export const SETTING_NAMES: readonly string[] = Object.freeze([
  DATAVERSE_URL,
  DATAVERSE_ENVIRONMENTS,
  DATAVERSE_TENANT_ID,
  DATAVERSE_CLIENT_ID,
  DATAVERSE_CREDENTIAL_TYPE,
  KEY_VAULT_URL,
  DATAVERSE_CREDENTIAL_NAME,
  DATAVERSE_CLIENT_SECRET,
  DATAVERSE_CLIENT_CERTIFICATE_PATH,
  AZURE_CLIENT_ID,
  AZURE_AUTHORITY_HOST,
  KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION,
  SYNC_SCHEDULE,
  SYNC_TABLES,
  SYNC_TARGET,
  SYNC_STORAGE,
  SYNC_TABLE_PREFIX,
  SYNC_WEBHOOK_URL,
  SYNC_WEBHOOK_SCOPE,
  SYNC_MAX_RUN_SECONDS,
  SYNC_PAGE_SIZE,
  SYNC_LABEL_LANGUAGE,
  POSTGRES_CONNECTION_STRING,
  POSTGRES_HOST,
  POSTGRES_DATABASE,
  POSTGRES_USER,
  POSTGRES_SCHEMA,
  HEALTH_CACHE_SECONDS,
  HEALTH_DETAILED_ERRORS,
  CREDENTIAL_EXPIRY_WARNING_DAYS,
]);

/** The storage connection setting used when SYNC_STORAGE is not set. */
export const DEFAULT_STORAGE_SETTING = 'AzureWebJobsStorage';

/** Suffixes of the identity-based storage connection form, e.g. `AzureWebJobsStorage__accountName`. */
export const STORAGE_SUFFIXES: readonly string[] = Object.freeze([
  '__accountName',
  '__blobServiceUri',
  '__tableServiceUri',
  '__queueServiceUri',
  '__clientId',
]);

/**
 * The queue in AzureWebJobsStorage that carries one message per (environment, table) job; the
 * Functions host moves a message that failed `maxDequeueCount` times to `<name>-poison`. Not a
 * setting: the queue trigger's binding and infra/ name it too.
 */
export const SYNC_QUEUE_NAME = 'dataverse-sync-jobs';
export const SYNC_POISON_QUEUE_NAME = `${SYNC_QUEUE_NAME}-poison`;
