import type { TokenCredential } from '@azure/identity';

import {
  createDefaultManagedIdentityCredential,
  createTokenProvider,
  type DataverseTokenProvider,
} from '../auth';
import {
  type ClosableDataverseClient,
  createDataverseClient,
  type DataverseClient,
} from '../dataverse';
import { IntegrationError } from '../errors';
import { createHealthService, runHealthCheck } from '../health';
import { createPostgresTarget } from '../postgres';
import { createJobQueue, createJobsService, type JobsService } from '../queue';
import { type EnvironmentSettings, loadSettings, type Settings } from '../settings';
import { createSyncService, type SyncService } from '../sync';
import type { Logger } from '../util';
import type { Runtime, RuntimeOptions } from './types';

const DEFAULT_HEALTH_TIMEOUT_IN_MS = 20_000;
/** Kept back from a poll's deadline to assemble and send the answer. */
const ANSWER_MARGIN_IN_MS = 250;

/** The check's budget: its own, or what is left of the poll's deadline when that is sooner. */
function healthBudget(configured: number | undefined, deadlineAt: number | undefined): number {
  const own = configured ?? DEFAULT_HEALTH_TIMEOUT_IN_MS;
  if (deadlineAt === undefined) return own;
  return Math.max(1, Math.min(own, deadlineAt - Date.now() - ANSWER_MARGIN_IN_MS));
}

/**
 * The token provider as the runtime builds it. Exported so that `doctor` (src/cli) checks the
 * very same pieces one step at a time instead of a look-alike.
 */
export function createRuntimeTokenProvider(
  settings: Settings,
  logger: Logger,
  keyVaultRefreshIntervalInMs?: number,
): DataverseTokenProvider {
  return createTokenProvider({
    settings,
    logger,
    managedIdentityAvailable: settings.managedIdentityEndpointAvailable,
    ...(keyVaultRefreshIntervalInMs === undefined ? {} : { keyVaultRefreshIntervalInMs }),
  });
}

/**
 * One Dataverse client per environment (keyed by name), each taking its tokens from
 * `tokenProvider`, as the runtime builds them. Closable so a short-lived caller (the CLI)
 * can drop its keep-alive sockets.
 */
export function createRuntimeDataverseClients(
  settings: Settings,
  tokenProvider: DataverseTokenProvider,
  logger: Logger,
): Map<string, ClosableDataverseClient> {
  return new Map(
    settings.environments.map((environment) => [
      environment.name,
      createDataverseClient({
        environment,
        logger,
        applicationClientId: settings.clientId,
        getToken: async (request) => (await tokenProvider.getToken(environment, request)).token,
      }),
    ]),
  );
}

/**
 * The sync service as the runtime builds it (checkpoints, leases and targets in the sync
 * storage, one managed-identity credential per identity). Exported for `doctor`, which reads
 * the same checkpoints.
 */
export function createRuntimeSyncService(
  settings: Settings,
  clients: readonly DataverseClient[],
  managedIdentity: ManagedIdentities = createManagedIdentities(settings),
): SyncService {
  return createSyncService({ settings, clients, managedIdentity, createPostgresTarget });
}

/** The managed-identity credential of an identity (AZURE_CLIENT_ID's by default). */
export type ManagedIdentities = (clientId?: string) => TokenCredential;

/**
 * One credential (and token cache) per identity: AZURE_CLIENT_ID's, and a storage connection's
 * own __clientId when it names another.
 */
export function createManagedIdentities(settings: Settings): ManagedIdentities {
  const identities = new Map<string | undefined, TokenCredential>();
  return (clientId = settings.managedIdentityClientId): TokenCredential => {
    let identity = identities.get(clientId);
    if (identity === undefined) {
      identity = createDefaultManagedIdentityCredential({
        managedIdentityAvailable: settings.managedIdentityEndpointAvailable,
        clientId,
      });
      identities.set(clientId, identity);
    }
    return identity;
  };
}

/**
 * The job queue in AzureWebJobsStorage and the dispatcher and handler around it. Like the
 * Functions host, an identity-based connection's own __clientId wins.
 */
export function createRuntimeJobs(
  settings: Settings,
  sync: SyncService,
  managedIdentity: ManagedIdentities = createManagedIdentities(settings),
): JobsService {
  const connection = settings.sync.jobsStorage;
  const queue = createJobQueue(
    connection,
    connection.connectionString === undefined
      ? { credential: managedIdentity(connection.clientId) }
      : {},
  );
  return createJobsService(sync, queue);
}

/**
 * Builds the process-wide runtime: settings, token provider, one Dataverse client per
 * environment, the health service and the sync service. Reads the credential once (Key Vault
 * through the managed identity) so that a broken credential fails initialisation with a
 * precise error — and, the promise being dropped, is retried by the next invocation.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const settings = loadSettings(options.source);
  const logger = options.logger;
  const tokenProvider = createRuntimeTokenProvider(
    settings,
    logger,
    options.keyVaultRefreshIntervalInMs,
  );
  await tokenProvider.describeCredential();

  const clients: ReadonlyMap<string, DataverseClient> = createRuntimeDataverseClients(
    settings,
    tokenProvider,
    logger,
  );
  const clientFor = (environment: EnvironmentSettings): DataverseClient => {
    const client = clients.get(environment.name);
    if (client === undefined) {
      throw new IntegrationError(`No Dataverse client for environment ${environment.name}`, {
        step: 'runtime',
        environment: environment.name,
        hint: 'Only environments listed in DATAVERSE_URL / DATAVERSE_ENVIRONMENTS can be used.',
      });
    }
    return client;
  };

  const managedIdentity = createManagedIdentities(settings);
  const sync = createRuntimeSyncService(settings, [...clients.values()], managedIdentity);
  const jobs = createRuntimeJobs(settings, sync, managedIdentity);

  const health = createHealthService({
    cacheSeconds: settings.healthCacheSeconds,
    nowInMs: Date.now,
    check: (deadlineAt) =>
      runHealthCheck({
        environments: settings.environments,
        tokenProvider,
        clientFor,
        lastSync: (environment, table) => sync.lastSync({ environment: environment.name, table }),
        poisonCount: (signal) => jobs.poisonCount(signal),
        syncSchedule: settings.sync.schedule,
        credentialExpiryWarningDays: settings.credentialExpiryWarningDays,
        timeoutInMs: healthBudget(options.healthTimeoutInMs, deadlineAt),
        now: () => new Date(),
        detailedErrors: options.detailedHealthErrors ?? settings.healthDetailedErrors,
        logger,
      }),
  });

  logger.info(
    `Dataverse runtime ready: ${settings.environments.map((e) => `${e.name} (${e.url})`).join(', ')}; credential ${settings.credentialType} from ${settings.credentialSource.kind}`,
  );
  return { settings, tokenProvider, clientFor, health, sync, jobs };
}
