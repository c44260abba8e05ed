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
import { readTableDefinition } from '../../../src/lib/schema';
import {
  BlobCheckpointStore,
  BlobLeaseProvider,
  createSyncStorageClients,
  type SyncCheckpoint,
  type SyncSink,
  type SyncTableDeps,
  type SyncTarget,
  TableSink,
} from '../../../src/lib/sync';
import type { Logger } from '../../../src/lib/util';
import { findLeaks, findSecretShapes, type Leak, VisibleOutput } from '../support/leakScan';
import { expectedMirror, type MirrorDiff, mirrorDiff, readTableMirror } from './mirror';

/**
 * The account columns the account-centred tests sync (SYNC_TABLES in {@link SyncBed.settings}):
 * text, money and a choice, so the mirror also carries `statecode_label`. Tests of every column
 * type use new_project (tablesEndToEnd.test.ts).
 */
export const DEFAULT_SYNC_COLUMNS = [
  'name',
  'accountnumber',
  'telephone1',
  'emailaddress1',
  'address1_city',
  'revenue',
  'statecode',
] as const;

/** SYNC_TABLES for {@link DEFAULT_SYNC_COLUMNS}. */
export const DEFAULT_SYNC_TABLES = `account(${DEFAULT_SYNC_COLUMNS.join(',')})`;

/** The mirror table of account under a SYNC_TABLE_PREFIX. */
export function accountMirror(prefix: string): string {
  return `${prefix}account`;
}

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
  /**
   * The bed's app settings and process environment (SYNC_TABLES = {@link DEFAULT_SYNC_TABLES})
   * with `overrides` on top.
   */
  settings(overrides?: Record<string, string>): Record<string, string>;
  /** A fresh runtime built exactly as the Functions app builds it, from `settings(overrides)`. */
  runtime(overrides?: Record<string, string>): Promise<Runtime>;
  /** Storage clients of the account mirror under SYNC_TABLE_PREFIX `prefix`, and the checkpoints. */
  storage(prefix: string): TableStorage;
  /** A table of the bed's storage account by its full name (a mirror of any table). */
  table(name: string): TableClient;
  /** The persisted checkpoint of a table of an environment, through the engine's own store. */
  checkpoint(environment: string, table?: string): Promise<SyncCheckpoint | undefined>;
  /** The account mirror of `environment` under `prefix` against the simulator's rows. */
  tableDiff(environment: string, prefix: string, columns?: readonly string[]): Promise<MirrorDiff>;
  /**
   * A real Dataverse client for one environment, with tokens from `runtime` and short backoff
   * (tests that exhaust retries must fail in milliseconds, not the default half minute).
   */
  fastRetryClient(
    runtime: Runtime,
    environment: string,
    maxRetries: number,
  ): ClosableDataverseClient;
  /**
   * Engine dependencies of the account table (DEFAULT_SYNC_COLUMNS, metadata read from the
   * simulator) against the bed's storage, for tests that call syncTable.
   */
  engineDeps(
    client: DataverseClient,
    sink: SyncSink | SyncTarget,
    overrides?: Partial<SyncTableDeps>,
  ): SyncTableDeps;
  /** A table sink over the account mirror under `prefix`. */
  tableSink(prefix: string): TableSink;
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
    SYNC_TABLES: DEFAULT_SYNC_TABLES,
    ...processEnvironment,
    ...overrides,
  });
  const storageClients = createSyncStorageClients({
    settingName: 'AzureWebJobsStorage',
    connectionString: azurite.connectionString,
  });
  const storage = (prefix: string): TableStorage => ({
    container: storageClients.container,
    table: storageClients.table(accountMirror(prefix)),
  });

  return {
    bed,
    visible,
    logger,
    environment: (name) => bed.dataverse.environment(name),
    settings,
    runtime: (overrides) => createRuntime({ source: settings(overrides), logger }),
    storage,
    table: (name) => storageClients.table(name),
    async checkpoint(environment, table = 'account') {
      const stored = await new BlobCheckpointStore(storageClients.container).read(
        `${environment}/${table}`,
      );
      return stored?.checkpoint;
    },
    async tableDiff(environment, prefix, columns = DEFAULT_SYNC_COLUMNS) {
      const expected = expectedMirror(bed.dataverse.environment(environment), columns, 'omit');
      const actual = await readTableMirror(storage(prefix).table, environment);
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
    engineDeps(client, sink, overrides = {}) {
      const { container } = storageClients;
      return {
        client,
        table: 'account',
        describeTable: (signal) =>
          readTableDefinition(
            client,
            { logicalName: 'account', columns: DEFAULT_SYNC_COLUMNS },
            { setting: 'SYNC_TABLES', signal },
          ),
        target: 'sinkFor' in sink ? sink : { sinkFor: () => sink },
        checkpoints: new BlobCheckpointStore(container),
        leases: new BlobLeaseProvider(container, { logger }),
        logger,
        options: {},
        ...overrides,
      };
    },
    tableSink: (prefix) => new TableSink(storage(prefix).table),
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
