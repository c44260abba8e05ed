import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { assertLinkHoldsNoCredentials } from '../../../src/lib/sync/checkpointFormat';
import { BlobCheckpointStore, checkpointBlobName } from '../../../src/lib/sync/checkpointStore';
import { CheckpointConflictError } from '../../../src/lib/sync/errors';
import type { SyncCheckpoint } from '../../../src/lib/sync/types';
import { newEnvironment, startStorageHarness, type StorageHarness } from './harness';

let harness: StorageHarness;
beforeAll(async () => {
  harness = await startStorageHarness();
});
afterAll(async () => {
  await harness.dispose();
});

const checkpoint = (generation: number): SyncCheckpoint => ({
  version: 1,
  generation,
  deltaLink:
    'https://org.crm.dynamics.com/api/data/v9.2/accounts?$select=name&$deltatoken=919042%2108%2f22%2f2017',
  lastRunAt: '2024-05-01T00:00:00.000Z',
});

describe('BlobCheckpointStore', () => {
  it('round-trips a checkpoint and reports none for a new environment', async () => {
    const environment = newEnvironment('cp');
    expect(await harness.checkpoints.read(environment)).toBeUndefined();
    await harness.checkpoints.write(environment, checkpoint(1), undefined);
    expect((await harness.checkpoints.read(environment))?.checkpoint).toEqual(checkpoint(1));
  });

  it('reads "none" from a container that does not exist yet, without creating it', async () => {
    const missing = BlobServiceClient.fromConnectionString(
      harness.azurite.connectionString,
    ).getContainerClient(`missing-${String(Date.now())}`);
    const store = new BlobCheckpointStore(missing);
    expect(await store.read('contoso')).toBeUndefined();
    expect(await missing.exists()).toBe(false);
  });

  it('recognises its own write when a retried upload that had already succeeded answers 412', async () => {
    const environment = newEnvironment('cp-retried');
    const container = harness.storage.container;
    // The SDK's retry of an upload whose response was lost: the blob already holds our bytes,
    // so the retried conditional request meets a new ETag and answers 412.
    const lostResponse = new Proxy(container, {
      get(target, key, receiver) {
        if (key !== 'getBlockBlobClient') return Reflect.get(target, key, receiver) as unknown;
        return (name: string) => {
          const blob = target.getBlockBlobClient(name);
          return new Proxy(blob, {
            get(inner, innerKey, innerReceiver) {
              if (innerKey !== 'upload')
                return Reflect.get(inner, innerKey, innerReceiver) as unknown;
              return async (...args: Parameters<typeof blob.upload>) => {
                await blob.upload(...args);
                throw Object.assign(
                  new Error('The condition specified using HTTP conditional header(s) is not met.'),
                  {
                    statusCode: 412,
                    code: 'ConditionNotMet',
                  },
                );
              };
            },
          });
        };
      },
    });
    const store = new BlobCheckpointStore(lostResponse);
    const first = await harness.checkpoints.write(environment, checkpoint(1), undefined);
    const etag = await store.write(environment, checkpoint(2), first);
    const stored = await harness.checkpoints.read(environment);
    expect(stored?.checkpoint.generation).toBe(2);
    expect(etag).toBe(stored?.etag);
  });

  it('refuses a stale writer instead of overwriting', async () => {
    const environment = newEnvironment('cp-stale');
    const first = await harness.checkpoints.write(environment, checkpoint(1), undefined);
    await harness.checkpoints.write(environment, checkpoint(2), first);
    await expect(
      harness.checkpoints.write(environment, checkpoint(3), first),
    ).rejects.toBeInstanceOf(CheckpointConflictError);
    await expect(
      harness.checkpoints.write(environment, checkpoint(3), undefined),
    ).rejects.toBeInstanceOf(CheckpointConflictError);
    expect((await harness.checkpoints.read(environment))?.checkpoint.generation).toBe(2);
  });

  it('reads a damaged blob as damaged (with what is wrong and its ETag), so the engine can replace it', async () => {
    const environment = newEnvironment('cp-bad');
    await harness.storage.container
      .getBlockBlobClient(checkpointBlobName(environment))
      .upload('{"version":1}', 13);
    const stored = await harness.checkpoints.read(environment);
    expect(stored?.damaged).toMatch(/Checkpoint is damaged: generation/);
    expect(stored?.checkpoint.generation).toBe(0);
    expect(stored?.checkpoint.deltaLink).toBeUndefined();
    await harness.checkpoints.write(environment, checkpoint(5), stored?.etag);
    expect((await harness.checkpoints.read(environment))?.checkpoint.generation).toBe(5);
  });

  it('round-trips a version 2 checkpoint with its shape and last resync', async () => {
    const environment = newEnvironment('cp-v2');
    const v2: SyncCheckpoint = {
      ...checkpoint(7),
      version: 2,
      shape: { entitySet: 'accounts', columns: ['accountid', 'name'], destination: 'table:a' },
      lastResync: { at: '2026-01-01T00:00:00.000Z', reason: 'the columns changed (added name)' },
    };
    await harness.checkpoints.write(environment, v2, undefined);
    expect((await harness.checkpoints.read(environment))?.checkpoint).toEqual(v2);
  });
});

describe('assertLinkHoldsNoCredentials', () => {
  it('accepts Dataverse delta and skip tokens', () => {
    expect(() => {
      assertLinkHoldsNoCredentials(checkpoint(1).deltaLink!, 'e');
    }).not.toThrow();
    expect(() => {
      assertLinkHoldsNoCredentials(
        'https://org.crm.dynamics.com/api/data/v9.2/accounts?$skiptoken=%3Ccookie%3E',
        'e',
      );
    }).not.toThrow();
  });

  it('refuses links that carry credentials', () => {
    for (const link of [
      'https://user:pass@org.crm.dynamics.com/api/data/v9.2/accounts',
      'https://org.crm.dynamics.com/api/data/v9.2/accounts?access_token=eyJ',
      'https://store.blob.core.windows.net/x?sv=2020&sig=abc',
    ]) {
      expect(() => {
        assertLinkHoldsNoCredentials(link, 'e');
      }).toThrow(/carries a credential/);
    }
  });
});
