import type { DataverseClient } from '../dataverse';
import { describeError } from '../errors';
import { mapWithConcurrency } from '../util';
import { failedEnvironmentsMessage } from './runReport';
import { syncEnvironment, type SyncEnvironmentDeps } from './syncEnvironment';
import type { EnvironmentSyncResult, SyncRunReport } from './types';

export interface RunAccountSyncDeps extends Omit<SyncEnvironmentDeps, 'client'> {
  /** One Dataverse client per configured environment. */
  readonly clients: readonly DataverseClient[];
  /** Environments synced at once. Default 4. */
  readonly concurrency?: number;
}

/**
 * Syncs every environment, a bounded number at a time. One environment's failure never stops
 * the others; the report lists each outcome and the caller decides whether to throw.
 */
export async function runAccountSync(deps: RunAccountSyncDeps): Promise<SyncRunReport> {
  const { clients, concurrency, ...shared } = deps;
  const results = await mapWithConcurrency(
    clients,
    concurrency ?? 4,
    async (client): Promise<EnvironmentSyncResult> => {
      try {
        return await syncEnvironment({ ...shared, client });
      } catch (error) {
        // syncEnvironment reports failures itself; this only guards against a bug there.
        shared.logger.error(
          `account sync ${client.environment.name}: unexpected failure: ${describeError(error)}`,
        );
        return failedResult(client.environment.name, describeError(error));
      }
    },
  );
  const anyFailed = results.some((r) => r.outcome === 'failed' || r.outcome === 'aborted');
  return {
    results,
    anyFailed,
    failureSummary: anyFailed ? failedEnvironmentsMessage(results) : undefined,
  };
}

function failedResult(environment: string, error: string): EnvironmentSyncResult {
  return {
    environment,
    outcome: 'failed',
    roundKind: undefined,
    generation: undefined,
    pages: 0,
    rows: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    skipped: 0,
    swept: 0,
    rejected: 0,
    checkpointMoved: false,
    expiredTokenRecovered: false,
    throttledResponses: 0,
    throttledWaitInMs: 0,
    durationInMs: 0,
    error,
  };
}
