import type {
  CheckpointStore,
  HeldLease,
  LeaseProvider,
  StoredCheckpoint,
  SyncCheckpoint,
} from '../../src/lib/sync';

/**
 * Checkpoints in memory with the same ETag contract as the blob store, for scenarios that
 * measure the engine and the source rather than storage (the table scenario uses blobs).
 */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly stored = new Map<string, StoredCheckpoint>();
  private version = 0;
  writes = 0;

  read(environment: string): Promise<StoredCheckpoint | undefined> {
    return Promise.resolve(this.stored.get(environment));
  }

  write(
    environment: string,
    checkpoint: SyncCheckpoint,
    expectedEtag: string | undefined,
  ): Promise<string> {
    const current = this.stored.get(environment);
    if (current?.etag !== expectedEtag) {
      return Promise.reject(new Error(`checkpoint of ${environment} changed meanwhile`));
    }
    this.version += 1;
    const etag = `"${String(this.version)}"`;
    this.stored.set(environment, { checkpoint, etag });
    this.writes += 1;
    return Promise.resolve(etag);
  }
}

/** A lease that is always free and never assertHeld: () => Promise.resolve(),
      lost: one run per environment in a benchmark. */
export class FreeLeaseProvider implements LeaseProvider {
  tryAcquire(): Promise<HeldLease> {
    return Promise.resolve({
      assertHeld: () => Promise.resolve(),
      lost: new AbortController().signal,
      release: () => Promise.resolve(),
    });
  }
}
