import { describe, expect, it } from 'vitest';

import { exponentialDelayInMs } from '../../../src/lib/util';

describe('exponentialDelayInMs (full jitter)', () => {
  it.each([
    [0, 1, 1_000],
    [3, 1, 8_000],
    [10, 1, 30_000],
    [10, 0, 0],
    [2, 0.25, 1_000],
  ])('retry %i with random %f → %i ms', (retry, random, expected) => {
    expect(
      exponentialDelayInMs(retry, {
        retryDelayInMs: 1_000,
        maxRetryDelayInMs: 30_000,
        random: () => random,
      }),
    ).toBe(expected);
  });
});
