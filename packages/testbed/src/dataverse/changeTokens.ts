import type { VersionClock } from './database';
import { expiredVersionStamp, queryError } from './errors';

/**
 * Delta tokens: `<version>!<MM/dd/yyyy HH:mm:ss>` (UTC), as Dataverse writes them. A token
 * expires when it is older than the organization's change-tracking lifetime by the simulator
 * clock, or when the test bed forced expiry with {@link ChangeTokenPolicy.expireAll}.
 */
export class ChangeTokenPolicy {
  /** Tokens with a version at or below this are expired. */
  private floorVersion = -1;

  constructor(
    private readonly lifetimeDays: number,
    private readonly nowInMs: () => number,
  ) {}

  issue(version: number): string {
    return `${version}!${formatTimestamp(this.nowInMs())}`;
  }

  /** Expires every token issued so far; the version bump keeps later tokens valid. */
  expireAll(clock: VersionClock): void {
    this.floorVersion = clock.current;
    clock.next();
  }

  /** Returns the token's version, or throws 400 (malformed) / 400 0x80044352 (expired). */
  check(token: string, clock: VersionClock): number {
    const match = /^(\d+)!(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(token);
    if (match === null) throw queryError(`Invalid delta token '${token}'.`);
    const [, version, month, day, year, hour, minute, second] = match.map(Number);
    const issuedAtMs = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
    if (version === undefined || version > clock.current) {
      throw queryError(`Invalid delta token '${token}'.`);
    }
    const ageInMs = this.nowInMs() - issuedAtMs;
    if (version <= this.floorVersion || ageInMs > this.lifetimeDays * 86_400_000)
      throw expiredVersionStamp();
    return version;
  }
}

function formatTimestamp(ms: number): string {
  const date = new Date(ms);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${two(date.getUTCMonth() + 1)}/${two(date.getUTCDate())}/${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

/** `<root><set>?$select=...&$deltatoken=...`, encoded like Dataverse (`%21`, `%2f`, `%3a`). */
export function deltaLinkFor(
  serviceRoot: string,
  entitySet: string,
  select: readonly string[] | undefined,
  token: string,
): string {
  const encodedToken = encodeURIComponent(token)
    .replace(/!/g, '%21')
    .replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  const selectPart = select === undefined ? '' : `$select=${select.join(',')}&`;
  return `${serviceRoot}${entitySet}?${selectPart}$deltatoken=${encodedToken}`;
}
