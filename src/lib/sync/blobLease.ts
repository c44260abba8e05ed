import type { ContainerClient } from '@azure/storage-blob';

import { codeOf, statusOf } from '../errors';
import type { Logger } from '../util';
import { LeaseLostError } from './errors';
import { storageError } from './storageErrors';
import type { HeldLease, LeaseProvider } from './types';

export interface BlobLeaseOptions {
  /** Lease length; it expires on its own this long after a crash. 15..60, default 60. */
  readonly leaseDurationInSeconds?: number;
  /** Renewal period, default a third of the lease. */
  readonly renewEveryInMs?: number;
  readonly logger: Logger;
}

/** Blob name of an environment's lock. */
export function lockBlobName(environment: string): string {
  return `locks/${encodeURIComponent(environment)}`;
}

/**
 * One blob lease per environment, on an empty lock blob. The lease is renewed while the run
 * goes on; if a renewal fails the lease is treated as lost and `lost` aborts, so the run stops
 * before a second run could write concurrently. A crashed run's lease simply expires.
 */
export class BlobLeaseProvider implements LeaseProvider {
  private readonly durationInSeconds: number;
  private readonly renewEveryInMs: number;

  constructor(
    private readonly container: ContainerClient,
    private readonly options: BlobLeaseOptions,
  ) {
    this.durationInSeconds = options.leaseDurationInSeconds ?? 60;
    this.renewEveryInMs = options.renewEveryInMs ?? (this.durationInSeconds * 1000) / 3;
  }

  async tryAcquire(environment: string): Promise<HeldLease | undefined> {
    const blob = this.container.getBlockBlobClient(lockBlobName(environment));
    try {
      await this.container.createIfNotExists();
      await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } }).catch((error: unknown) => {
        // Already there (412/409, possibly leased by another run): exactly what we need.
        const status = statusOf(error);
        if (status !== 409 && status !== 412) throw error;
      });
    } catch (error) {
      throw storageError('create lock blob', environment, error);
    }
    const leaseClient = blob.getBlobLeaseClient();
    try {
      await leaseClient.acquireLease(this.durationInSeconds);
    } catch (error) {
      if (statusOf(error) === 409 && codeOf(error) === 'LeaseAlreadyPresent') return undefined;
      throw storageError('acquire lease', environment, error);
    }

    const lost = new AbortController();
    const logger = this.options.logger;
    let released = false;
    const timer = setInterval(() => {
      leaseClient.renewLease().catch((error: unknown) => {
        clearInterval(timer);
        // A renewal still in flight when the run released the lease: nothing left to stop.
        if (released) return;
        // The SDK's RestError carries the request (a SAS in its URL, the Authorization header):
        // only the sanitised storage error is logged and kept.
        const failure = storageError('renew lease', environment, error);
        logger.error(
          `account sync ${environment}: lease renewal failed, stopping the run: ${failure.describe()}`,
        );
        lost.abort(
          new LeaseLostError('The environment lease could not be renewed', {
            step: 'renew lease',
            environment,
            retryable: true,
            hint: 'Storage was unreachable or another run broke the lease; the next run resumes from the checkpoint.',
            cause: failure.cause,
          }),
        );
      });
    }, this.renewEveryInMs);
    timer.unref();

    return {
      lost: lost.signal,
      release: async () => {
        released = true;
        clearInterval(timer);
        if (lost.signal.aborted) return;
        try {
          await leaseClient.releaseLease();
        } catch (error) {
          // Not fatal: the lease expires on its own.
          const failure = storageError('release lease', environment, error);
          logger.warn(
            `account sync ${environment}: could not release lease (it expires by itself): ${failure.describe()}`,
          );
        }
      },
    };
  }
}
