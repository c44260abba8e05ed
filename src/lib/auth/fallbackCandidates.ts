import type { KeyVaultVersionLike } from './keyVaultSource';

/**
 * At most this many older versions are tried with Entra ID per search: each try is a token
 * request, and a secret rotated monthly for years has dozens of versions without an expiry.
 */
export const MAX_FALLBACK_CANDIDATES = 5;

/** Why a listed version is not worth a try, for the operator's note. */
export type Unusable = 'disabled' | 'expired' | 'not yet valid';

/** The versions worth trying instead of `currentVersion`, newest first, and why others are not. */
export interface CandidateSelection {
  readonly candidates: readonly string[];
  /** Usable versions beyond {@link MAX_FALLBACK_CANDIDATES}, not tried. */
  readonly skipped: number;
  readonly unusable: readonly { readonly version: string; readonly why: Unusable }[];
}

function unusable(version: KeyVaultVersionLike, nowInMs: number): Unusable | undefined {
  if (version.enabled === false) return 'disabled';
  if (version.expiresOn !== undefined && version.expiresOn.getTime() <= nowInMs) return 'expired';
  if (version.notBefore !== undefined && version.notBefore.getTime() > nowInMs)
    return 'not yet valid';
  return undefined;
}

/**
 * Picks the versions of a secret that may stand in for the current one: enabled, inside their
 * `nbf`–`exp` window, newest first by `attributes.created` (Key Vault lists versions in no
 * particular order).
 */
export function selectFallbackCandidates(
  versions: readonly KeyVaultVersionLike[],
  currentVersion: string,
  nowInMs: number,
): CandidateSelection {
  const older = versions.filter(
    (v): v is KeyVaultVersionLike & { version: string } =>
      v.version !== undefined && v.version !== currentVersion,
  );
  const usable: (KeyVaultVersionLike & { version: string })[] = [];
  const rejected: { version: string; why: Unusable }[] = [];
  for (const version of older) {
    const why = unusable(version, nowInMs);
    if (why === undefined) usable.push(version);
    else rejected.push({ version: version.version, why });
  }
  usable.sort((a, b) => (b.createdOn?.getTime() ?? 0) - (a.createdOn?.getTime() ?? 0));
  return {
    candidates: usable.slice(0, MAX_FALLBACK_CANDIDATES).map((v) => v.version),
    skipped: Math.max(0, usable.length - MAX_FALLBACK_CANDIDATES),
    unusable: rejected,
  };
}
