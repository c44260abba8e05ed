import { describe, expect, it } from 'vitest';

import { parseRetryAfter } from '../../../src/lib/util/retryAfter';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const MAX = 300_000;

describe('parseRetryAfter', () => {
  it.each<[string, string | undefined, number | undefined]>([
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['blank', '   ', undefined],
    ['zero seconds', '0', 0],
    ['seconds', '5', 5_000],
    ['seconds with spaces', ' 17 ', 17_000],
    ['large seconds capped', '86400', MAX],
    ['absurd seconds capped', '99999999999999999999', MAX],
    ['negative seconds → now', '-3', 0],
    ['decimal seconds malformed', '1.5', undefined],
    ['unit suffix malformed', '5s', undefined],
    ['garbage', 'soon', undefined],
    ['HTTP date in the future', 'Wed, 01 Jan 2025 12:00:30 GMT', 30_000],
    ['HTTP date in the past → 0', 'Wed, 01 Jan 2025 11:59:00 GMT', 0],
    ['HTTP date far ahead capped', 'Thu, 02 Jan 2025 12:00:00 GMT', MAX],
    ['invalid date', 'Wed, 45 Foo 2025 12:00:00 GMT', undefined],
  ])('%s (%s)', (_label, header, expected) => {
    expect(parseRetryAfter(header, NOW, MAX)).toBe(expected);
  });

  it('honours a smaller cap', () => {
    expect(parseRetryAfter('10', NOW, 2_000)).toBe(2_000);
  });
});
