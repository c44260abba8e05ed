import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { encodeJobMessage, MAX_DEQUEUE_COUNT, parseJobMessage } from '../../src/lib/queue';
import { FUNCTION_TIMEOUT_IN_SECONDS, MAX_RUN_SECONDS_LIMIT } from '../../src/lib/settings';

const hostJson = JSON.parse(readFileSync(join(__dirname, '..', '..', 'host.json'), 'utf8')) as {
  functionTimeout?: string;
};

describe('host.json and the settings that depend on it', () => {
  it('has the functionTimeout the settings module validates SYNC_MAX_RUN_SECONDS against', () => {
    const [hours = 0, minutes = 0, seconds = 0] = (hostJson.functionTimeout ?? '')
      .split(':')
      .map(Number);
    expect(hours * 3600 + minutes * 60 + seconds).toBe(FUNCTION_TIMEOUT_IN_SECONDS);
    // A run needs time after its budget to save the checkpoint and release the lease.
    expect(MAX_RUN_SECONDS_LIMIT).toBeLessThanOrEqual(FUNCTION_TIMEOUT_IN_SECONDS - 60);
  });
});

describe('host.json queue settings and the job handler', () => {
  const queues = (hostJson as { extensions?: { queues?: Record<string, unknown> } }).extensions
    ?.queues;

  it('moves a message to poison after the attempts the handler counts with', () => {
    expect(queues?.maxDequeueCount).toBe(MAX_DEQUEUE_COUNT);
  });

  it('decodes messages as the dispatcher encodes them (base64 JSON)', () => {
    expect(queues?.messageEncoding).toBe('base64');
    const body = encodeJobMessage({ environment: 'contoso', table: 'account' });
    const decoded: unknown = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    expect(parseJobMessage(decoded)).toEqual({ environment: 'contoso', table: 'account' });
  });

  it('sets every concurrency knob explicitly (Flex reports its own CPU count)', () => {
    expect(queues).toMatchObject({
      batchSize: expect.any(Number) as number,
      newBatchThreshold: expect.any(Number) as number,
      visibilityTimeout: expect.stringMatching(/^\d\d:\d\d:\d\d$/) as string,
      maxPollingInterval: expect.stringMatching(/^\d\d:\d\d:\d\d$/) as string,
    });
  });
});
