import { hostname } from 'node:os';

import type { ContainerClient } from '@azure/storage-blob';

import { codeOf, sanitizeError, statusOf } from '../errors';
import type { Logger } from '../util';
import { LeaseLostError } from './errors';
import { storageError } from './storageErrors';
import type { HeldLease, LeaseHolder, LeaseProvider } from './types';

export interface BlobLeaseOptions {
  /** Lease length; it expires on its own this long after a crash. 15..60, default 60. */
  readonly leaseDurationInSeconds?: number;
  /** Renewal period, default a third of the lease. */
  readonly renewEveryInMs?: number;
  readonly logger: Logger;
}

/** Blob name of a job's lock (`<environment>/<table>`): locks/contoso/account. */
export function lockBlobName(job: string): string {
  return `locks/${job.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * One blob lease per job (an environment's table), on an empty lock blob. The lease is renewed
 * while the run goes on; if a renewal fails the lease is treated as lost and `lost` aborts, so the run stops
 * before a second run could write concurrently. A crashed run's lease simply expires.
 */
export class BlobLeaseProvider implements LeaseProvider {
  /** Who holds a job's lease, as its holder stamped it; undefined when nobody does. */
  async describeHolder(job: string): Promise<LeaseHolder | undefined> {
    try {
      const properties = await this.container.getBlobClient(lockBlobName(job)).getProperties();
      if (properties.leaseState !== 'leased') return undefined;
      const { holder, acquiredat, renewedat } = properties.metadata ?? {};
      const renewed = renewedat === undefined ? Number.NaN : Date.parse(renewedat);
      return {
        holder: holder ?? 'an unknown run',
        since: acquiredat,
        expiresBy: Number.isNaN(renewed)
          ? undefined
          : new Date(renewed + this.durationInSeconds * 1000).toISOString(),
      };
    } catch {
      return undefined; // a description only: the caller says "another run holds it" anyway
    }
  }

  private readonly durationInSeconds: number;
  private readonly renewEveryInMs: number;

  constructor(
    private readonly container: ContainerClient,
    private readonly options: BlobLeaseOptions,
  ) {
    this.durationInSeconds = options.leaseDurationInSeconds ?? 60;
    this.renewEveryInMs = options.renewEveryInMs ?? (this.durationInSeconds * 1000) / 3;
  }

  async tryAcquire(job: string): Promise<HeldLease | undefined> {
    const blob = this.container.getBlockBlobClient(lockBlobName(job));
    try {
      await this.container.createIfNotExists();
      await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } }).catch((error: unknown) => {
        // Already there (412/409, possibly leased by another run): exactly what we need.
        const status = statusOf(error);
        if (status !== 409 && status !== 412) throw error;
      });
    } catch (error) {
      throw storageError('create lock blob', job, error);
    }
    const leaseClient = blob.getBlobLeaseClient();
    try {
      await leaseClient.acquireLease(this.durationInSeconds);
    } catch (error) {
      if (statusOf(error) === 409 && codeOf(error) === 'LeaseAlreadyPresent') return undefined;
      throw storageError('acquire lease', job, error);
    }
    // Who holds it and since when, for the run that finds it held ("expires by ...").
    const holder = `${hostname()} process ${String(process.pid)}`;
    const acquiredAt = new Date().toISOString();
    const stamp = async (): Promise<void> => {
      try {
        await blob.setMetadata(
          { holder, acquiredat: acquiredAt, renewedat: new Date().toISOString() },
          { conditions: { leaseId: leaseClient.leaseId } },
        );
      } catch {
        // Only a courtesy to the next run: never a reason to stop.
      }
    };
    await stamp();

    const lost = new AbortController();
    const logger = this.options.logger;
    let released = false;
    const loseLease = (error: unknown): LeaseLostError => {
      const status = statusOf(error);
      const cause = sanitizeError(error);
      // 409/412: storage answered that this lease id no longer holds the blob. Anything else:
      // storage could not confirm it, which must stop the run just the same.
      const takenAway = status === 409 || status === 412;
      const failure = new LeaseLostError(
        takenAway
          ? 'The job lease was lost: another run or an operator broke it, or it expired'
          : `The job lease could not be renewed: Storage request failed: ${cause.message.split('\n')[0] ?? ''}`,
        {
          step: 'renew lease',
          environment: job,
          status,
          code: codeOf(error),
          retryable: true,
          hint: takenAway
            ? 'Another run may be syncing this table now; this run stopped before writing again. The next run resumes from the checkpoint.'
            : 'Check that the sync storage account is reachable; the next run resumes from the checkpoint.',
          cause,
        },
      );
      if (!lost.signal.aborted) {
        logger.error(`sync ${job}: lease renewal failed, stopping the run: ${failure.describe()}`);
        lost.abort(failure);
      }
      return failure;
    };
    // One renewal at a time: the fence and the timer share it.
    let renewing: Promise<void> | undefined;
    const renew = (): Promise<void> => {
      renewing ??= leaseClient
        .renewLease()
        .then(
          () => undefined,
          (error: unknown) => {
            clearInterval(timer);
            // A renewal still in flight when the run released the lease: nothing left to stop.
            if (!released) throw loseLease(error);
          },
        )
        .finally(() => {
          renewing = undefined;
        });
      return renewing;
    };
    const timer = setInterval(() => {
      // A failure aborted `lost`: the run stops on it.
      renew().then(stamp, () => undefined);
    }, this.renewEveryInMs);
    timer.unref();

    return {
      lost: lost.signal,
      // The fence: a storage round trip that fails as soon as another run could hold the
      // lease (broken, expired), so no write of this run starts after that.
      assertHeld: async () => {
        if (lost.signal.aborted) throw lost.signal.reason;
        await renew();
      },
      release: async () => {
        released = true;
        clearInterval(timer);
        if (lost.signal.aborted) return;
        try {
          await leaseClient.releaseLease();
        } catch (error) {
          // Not fatal: the lease expires on its own.
          const failure = storageError('release lease', job, error);
          logger.warn(
            `sync ${job}: could not release lease (it expires by itself): ${failure.describe()}`,
          );
        }
      },
    };
  }
}
