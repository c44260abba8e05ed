import type { TableClient } from '@azure/data-tables';
import type { ContainerClient } from '@azure/storage-blob';
import {
  type SimEnvironment,
  startTestBed,
  type TestBed,
  type TestBedOptions,
} from '@dataverse-s2s/testbed';

import {
  type ClosableDataverseClient,
  createDataverseClient,
  type DataverseClient,
} from '../../../src/lib/dataverse';
import { createRuntime, type Runtime } from '../../../src/lib/runtime';
import {
  BlobCheckpointStore,
  BlobLeaseProvider,
  createSyncStorageClients,
  type SyncCheckpoint,
  type SyncEnvironmentDeps,
  type SyncSink,
  TableSink,
} from '../../../src/lib/sync';
import type { Logger } from '../../../src/lib/util';
import { findLeaks, findSecretShapes, type Leak, VisibleOutput } from '../support/leakScan';
import { expectedMirror, type MirrorDiff, mirrorDiff, readTableMirror } from './mirror';

/** The columns the runtime syncs by default (ACCOUNT_SYNC_COLUMNS unset), as settings resolve them. */
export const DEFAULT_SYNC_COLUMNS = [
  'accountid',
  'name',
  'accountnumber',
  'telephone1',
  'emailaddress1',
  'address1_city',
  'revenue',
  'statecode',
  'versionnumber',
] as const;

const PROCESS_VARIABLES = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER'] as const;

/** The sync's blob container and one mirror table of the bed's Azurite. */
export interface TableStorage {
  readonly container: ContainerClient;
  readonly table: TableClient;
}

/** One test bed (with Azurite) per test file, plus the sync's storage and a leak collector. */
export interface SyncBed {
  readonly bed: TestBed;
  readonly visible: VisibleOutput;
  /** Every line it logs is kept and scanned for secrets at the end. */
  readonly logger: Logger;
  environment(name: string): SimEnvironment;
  /** The bed's app settings and process environment with `overrides` on top. */
  settings(overrides?: Record<string, string>): Record<string, string>;
  /** A fresh runtime built exactly as the Functions app builds it, from `settings(overrides)`. */
  runtime(overrides?: Record<string, string>): Promise<Runtime>;
  /** Storage clients of the mirror table `tableName` and the checkpoint container. */
  storage(tableName: string): TableStorage;
  /** The persisted checkpoint of an environment, read through the engine's own store. */
  checkpoint(environment: string): Promise<SyncCheckpoint | undefined>;
  /** The table mirror of `environment` in `tableName` against the simulator's rows. */
  tableDiff(
    environment: string,
    tableName: string,
    columns?: readonly string[],
  ): Promise<MirrorDiff>;
  /**
   * A real Dataverse client for one environment, with tokens from `runtime` and short backoff
   * (tests that exhaust retries must fail in milliseconds, not the default half minute).
   */
  fastRetryClient(
    runtime: Runtime,
    environment: string,
    maxRetries: number,
  ): ClosableDataverseClient;
  /** Engine dependencies against the bed's storage, for tests that call syncEnvironment. */
  engineDeps(
    client: DataverseClient,
    sink: SyncSink,
    tableName: string,
    overrides?: Partial<SyncEnvironmentDeps>,
  ): SyncEnvironmentDeps;
  /** A table sink over `tableName`. */
  tableSink(tableName: string): TableSink;
  /** Planted or issued secrets found in everything collected, plus secret-shaped text. */
  leaks(): Leak[];
  stop(): Promise<void>;
}

/**
 * Starts the bed with Azurite and points the managed identity variables at it. One per test
 * file: MSAL caches managed identity tokens process-wide, so a second bed (new signing keys)
 * in the same process would meet tokens signed by the first.
 */
export async function startSyncBed(options: TestBedOptions = {}): Promise<SyncBed> {
  const saved = PROCESS_VARIABLES.map((name) => [name, process.env[name]] as const);
  const bed = await startTestBed({ ...options, azurite: true });
  const azurite = bed.azurite;
  if (azurite === undefined) throw new Error('the sync bed needs Azurite');
  const processEnvironment = bed.processEnvironment();
  for (const name of PROCESS_VARIABLES) process.env[name] = processEnvironment[name];
  const visible = new VisibleOutput();
  const logger = visible.logger();
  const clients: ClosableDataverseClient[] = [];

  const settings = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...bed.appSettings(),
    ...processEnvironment,
    ...overrides,
  });
  const storageClients = createSyncStorageClients({
    settingName: 'AzureWebJobsStorage',
    connectionString: azurite.connectionString,
  });
  const storage = (tableName: string): TableStorage => ({
    container: storageClients.container,
    table: storageClients.table(tableName),
  });

  return {
    bed,
    visible,
    logger,
    environment: (name) => bed.dataverse.environment(name),
    settings,
    runtime: (overrides) => createRuntime({ source: settings(overrides), logger }),
    storage,
    async checkpoint(environment) {
      const stored = await new BlobCheckpointStore(storage('accounts').container).read(environment);
      return stored?.checkpoint;
    },
    async tableDiff(environment, tableName, columns = DEFAULT_SYNC_COLUMNS) {
      const expected = expectedMirror(bed.dataverse.environment(environment), columns, 'omit');
      const actual = await readTableMirror(storage(tableName).table, environment);
      return mirrorDiff(expected, actual);
    },
    fastRetryClient(runtime, environment, maxRetries) {
      const settingsOfEnvironment = runtime.settings.environments.find(
        (e) => e.name === environment,
      );
      if (settingsOfEnvironment === undefined) throw new Error(`no environment ${environment}`);
      const client = createDataverseClient({
        environment: settingsOfEnvironment,
        logger,
        applicationClientId: runtime.settings.clientId,
        maxRetries,
        retryDelayInMs: 5,
        maxRetryDelayInMs: 20,
        getToken: async (request) =>
          (await runtime.tokenProvider.getToken(settingsOfEnvironment, request)).token,
      });
      clients.push(client);
      return client;
    },
    engineDeps(client, sink, tableName, overrides = {}) {
      const { container } = storage(tableName);
      return {
        client,
        sink,
        checkpoints: new BlobCheckpointStore(container),
        leases: new BlobLeaseProvider(container, { logger }),
        logger,
        options: { columns: [...DEFAULT_SYNC_COLUMNS] },
        ...overrides,
      };
    },
    tableSink: (tableName) => new TableSink(storage(tableName).table),
    leaks() {
      const shapes = findSecretShapes(visible.texts).map(({ source }) => ({
        secret: 'Authorization header or PEM private key',
        source,
        before: '',
      }));
      return [...findLeaks(visible.texts, bed.plantedSecrets()), ...shapes];
    },
    async stop() {
      for (const client of clients) client.close();
      for (const [name, value] of saved) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
      await bed.stop();
    },
  };
}
