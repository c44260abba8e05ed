import type { TestBed } from '@dataverse-s2s/testbed';

import type { Profile } from './profile';

/** What every scenario gets: the running bed, the profile, and a progress line writer. */
export interface BenchContext {
  readonly bed: TestBed;
  readonly profile: Profile;
  log(line: string): void;
}

/** Formats a count with thousands separators (200,000). */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}
