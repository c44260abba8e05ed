import { RestError } from '@azure/core-rest-pipeline';
import type { ContainerClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';

import { BlobLeaseProvider } from '../../../src/lib/sync/blobLease';

const SIG = 'u8c3bK9fWm1xZ2%2BqLr7T0yPv4sN6jH5dQe3Ai8oBgC0%3D';
const SAS_URL = `https://contosostore.blob.core.windows.net/account-sync/locks/contoso?comp=lease&sv=2022-11-02&sp=rw&sig=${SIG}`;

/** A storage error as the SDK raises it: the request (a SAS in its URL) and a message quoting it. */
function storageFailure(): RestError {
  return new RestError(`Server failed to authenticate the request. Request URL: ${SAS_URL}`, {
    statusCode: 403,
    code: 'AuthenticationFailed',
    request: { url: SAS_URL, headers: { get: () => undefined } } as never,
  });
}

/**
 * A container whose lock blob uploads and leases fine, but whose renewals and releases fail
 * with {@link storageFailure}: the one storage answer this test needs, which Azurite would not
 * phrase with the SAS in its message.
 */
function failingRenewals(): ContainerClient {
  const leaseClient = {
    acquireLease: () => Promise.resolve({}),
    renewLease: () => Promise.reject(storageFailure()),
    releaseLease: () => Promise.reject(storageFailure()),
  };
  const blob = { upload: () => Promise.resolve({}), getBlobLeaseClient: () => leaseClient };
  return {
    createIfNotExists: () => Promise.resolve({}),
    getBlockBlobClient: () => blob,
  } as unknown as ContainerClient;
}

describe('BlobLeaseProvider logs storage errors through the sanitiser', () => {
  it('a failed renewal and a failed release log the step and status but no SAS signature', async () => {
    const lines: string[] = [];
    const logger = {
      info: (m: string) => lines.push(`info: ${m}`),
      warn: (m: string) => lines.push(`warn: ${m}`),
      error: (m: string) => lines.push(`error: ${m}`),
    };
    const leases = new BlobLeaseProvider(failingRenewals(), { logger, renewEveryInMs: 5 });

    const lease = await leases.tryAcquire('contoso');
    if (lease === undefined) throw new Error('expected the lease');
    await new Promise<void>((resolve) => {
      if (lease.lost.aborted) resolve();
      lease.lost.addEventListener('abort', () => {
        resolve();
      });
    });
    await lease.release();
    const reason: unknown = lease.lost.reason;

    expect(lines.join('\n')).not.toContain(SIG);
    expect(lines[0]).toMatch(
      /^error: sync contoso: lease renewal failed, stopping the run: contoso \/ renew lease: The job lease could not be renewed: Storage request failed: .*sig=\[redacted\].*\[AuthenticationFailed\] \(HTTP 403\)/,
    );
    expect(JSON.stringify(reason)).not.toContain(SIG);
    expect(String((reason as Error).cause)).not.toContain(SIG);
  });

  it('a failed release after a renewal in flight is logged sanitised too', async () => {
    const lines: string[] = [];
    const logger = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
    };
    const leases = new BlobLeaseProvider(failingRenewals(), { logger, renewEveryInMs: 60_000 });

    const lease = await leases.tryAcquire('contoso');
    await lease?.release();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'could not release lease (it expires by itself): contoso / release lease',
    );
    expect(lines[0]).not.toContain(SIG);
  });
});
