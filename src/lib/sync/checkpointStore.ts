import type { ContainerClient } from '@azure/storage-blob';

import { IntegrationError, isIntegrationError, sanitizeError, statusOf } from '../errors';
import { parseCheckpoint } from './checkpointFormat';
import { CheckpointConflictError } from './errors';
import { emptyCheckpoint } from './roundPlan';
import { storageError } from './storageErrors';
import type { CheckpointStore, StoredCheckpoint, SyncCheckpoint } from './types';

/** Default container for checkpoints and lock blobs. */
export const SYNC_CONTAINER_NAME = 'dataverse-sync';

/** Blob name of a job's checkpoint (`<environment>/<table>`): checkpoints/contoso/account.json. */
export function checkpointBlobName(job: string): string {
  return `checkpoints/${job.split('/').map(encodeURIComponent).join('/')}.json`;
}

/**
 * Checkpoints as one JSON blob per job (an environment's table). Every write is conditional on
 * the ETag read (or on the blob not existing yet), so a stale writer fails loudly instead of
 * overwriting a newer position.
 */
export class BlobCheckpointStore implements CheckpointStore {
  private containerReady: Promise<void> | undefined;

  constructor(private readonly container: ContainerClient) {}

  async read(job: string): Promise<StoredCheckpoint | undefined> {
    // No container yet means no checkpoint yet (404 below): reading never creates anything, so
    // the health check's read stays read-only.
    const blob = this.container.getBlobClient(checkpointBlobName(job));
    let buffer: Buffer;
    let etag: string | undefined;
    try {
      const response = await blob.download();
      etag = response.etag;
      buffer = await streamToBuffer(response.readableStreamBody);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw storageError('read checkpoint', job, error);
    }
    if (etag === undefined) throw storageError('read checkpoint', job, 'no ETag');
    try {
      return { checkpoint: parseCheckpoint(buffer.toString('utf8'), job), etag };
    } catch (error) {
      // A damaged blob is not a reason to stop syncing for good: the engine resyncs in full
      // (a new generation, so the sweep removes what was deleted meanwhile) and replaces it.
      if (!isIntegrationError(error) || error.code !== 'CheckpointInvalid') throw error;
      return { checkpoint: emptyCheckpoint(''), etag, damaged: error.message };
    }
  }

  async write(
    job: string,
    checkpoint: SyncCheckpoint,
    expectedEtag: string | undefined,
  ): Promise<string> {
    await this.ensureContainer();
    const body = JSON.stringify(checkpoint, null, 2);
    const blob = this.container.getBlockBlobClient(checkpointBlobName(job));
    try {
      const response = await blob.upload(body, Buffer.byteLength(body), {
        conditions: expectedEtag === undefined ? { ifNoneMatch: '*' } : { ifMatch: expectedEtag },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      if (response.etag === undefined) {
        throw new IntegrationError('Storage accepted the checkpoint but returned no ETag', {
          step: 'write checkpoint',
          environment: job,
          retryable: true,
          hint: 'Storage answered outside its contract; the next run re-reads the checkpoint.',
        });
      }
      return response.etag;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409) {
        // The SDK retries an upload whose response was lost; the retry then meets the ETag our
        // own first attempt produced. Our exact bytes in the blob mean the write happened.
        const ownWrite = await this.etagIfHolds(job, body);
        if (ownWrite !== undefined) return ownWrite;
        throw new CheckpointConflictError('Checkpoint was changed by another writer', {
          step: 'write checkpoint',
          environment: job,
          status,
          code: 'CheckpointConflict',
          retryable: true,
          hint: 'Another sync run wrote this checkpoint at the same time; this run stopped without overwriting it.',
          cause: sanitizeError(error),
        });
      }
      throw storageError('write checkpoint', job, error);
    }
  }

  /** The blob's ETag when it holds exactly `body`; undefined otherwise (or when unreadable). */
  private async etagIfHolds(job: string, body: string): Promise<string | undefined> {
    try {
      const response = await this.container.getBlobClient(checkpointBlobName(job)).download();
      const stored = await streamToBuffer(response.readableStreamBody);
      return stored.toString('utf8') === body ? response.etag : undefined;
    } catch {
      // Unreadable now: report the conflict as it was answered; the next run re-reads.
      return undefined;
    }
  }

  private async ensureContainer(): Promise<void> {
    this.containerReady ??= this.container.createIfNotExists().then(
      () => undefined,
      (error: unknown) => {
        this.containerReady = undefined; // let the next call try again
        throw error;
      },
    );
    try {
      await this.containerReady;
    } catch (error) {
      throw storageError('create checkpoint container', undefined, error);
    }
  }
}

async function streamToBuffer(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (stream === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}
