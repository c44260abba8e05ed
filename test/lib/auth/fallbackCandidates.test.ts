import { describe, expect, it } from 'vitest';

import {
  MAX_FALLBACK_CANDIDATES,
  selectFallbackCandidates,
} from '../../../src/lib/auth/fallbackCandidates';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY_IN_MS = 24 * 3600 * 1000;
const daysFromNow = (days: number): Date => new Date(NOW + days * DAY_IN_MS);

describe('selectFallbackCandidates', () => {
  it('offers the other versions newest first by created date, whatever order Key Vault lists them in', () => {
    const selection = selectFallbackCandidates(
      [
        { version: 'b-middle', enabled: true, createdOn: daysFromNow(-200) },
        { version: 'z-current', enabled: true, createdOn: daysFromNow(-1) },
        { version: 'a-newest-older', enabled: true, createdOn: daysFromNow(-20) },
        { version: 'c-oldest', enabled: true, createdOn: daysFromNow(-400) },
      ],
      'z-current',
      NOW,
    );
    expect(selection).toEqual({
      candidates: ['a-newest-older', 'b-middle', 'c-oldest'],
      skipped: 0,
      unusable: [],
    });
  });

  it('leaves out disabled, expired and not-yet-valid versions, and says why', () => {
    const selection = selectFallbackCandidates(
      [
        { version: 'current', enabled: true, createdOn: daysFromNow(-1) },
        { version: 'disabled', enabled: false, createdOn: daysFromNow(-10) },
        {
          version: 'expired',
          enabled: true,
          createdOn: daysFromNow(-400),
          expiresOn: new Date(NOW),
        },
        {
          version: 'future',
          enabled: true,
          createdOn: daysFromNow(-5),
          notBefore: daysFromNow(1),
        },
        {
          version: 'good',
          enabled: true,
          createdOn: daysFromNow(-300),
          notBefore: daysFromNow(-300),
          expiresOn: daysFromNow(65),
        },
      ],
      'current',
      NOW,
    );
    expect(selection.candidates).toEqual(['good']);
    expect(selection.unusable).toEqual([
      { version: 'disabled', why: 'disabled' },
      { version: 'expired', why: 'expired' },
      { version: 'future', why: 'not yet valid' },
    ]);
  });

  it(`tries at most ${String(MAX_FALLBACK_CANDIDATES)} and counts the rest`, () => {
    const versions = Array.from({ length: 9 }, (_, i) => ({
      version: `v${String(i)}`,
      enabled: true,
      createdOn: daysFromNow(-i),
    }));
    const selection = selectFallbackCandidates(versions, 'v0', NOW);
    expect(selection.candidates).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
    expect(selection.skipped).toBe(3);
  });

  it('offers nothing when the current version is the only one', () => {
    expect(
      selectFallbackCandidates([{ version: 'only', enabled: true }], 'only', NOW).candidates,
    ).toEqual([]);
  });
});
