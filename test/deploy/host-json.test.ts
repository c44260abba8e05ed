import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

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
