import { summarizeError } from '../errors';
import type { Logger } from '../util';
import { type CredentialMaterial, materialId, secretStringsOf } from './credentialMaterial';
import { isCredentialRejection, parseEntraErrorCode } from './entraErrors';
import { type CandidateSelection, selectFallbackCandidates } from './fallbackCandidates';
import { fallbackFix, fallbackReason, type FallbackTextContext } from './fallbackText';
import type { KeyVaultVersionLike } from './keyVaultSource';
import type { AccessToken, CredentialFallback } from './types';

/** Where older versions come from: Key Vault's version list, and one version's material. */
export interface VersionSource {
  list(): Promise<readonly KeyVaultVersionLike[]>;
  read(version: string): Promise<CredentialMaterial>;
}

/** A token request with `material` (in the environment of the caller that asked). */
export type TokenAttempt = (material: CredentialMaterial) => Promise<AccessToken>;

export interface VersionFallbackOptions {
  readonly source: VersionSource;
  readonly text: FallbackTextContext;
  /** While an older version is in use, how often the current one is tried again. */
  readonly recheckIntervalInMs: number;
  /** After a search found no accepted version, how long before the next search for the same one. */
  readonly searchRetryInMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

/** The result of looking for an older version Entra ID accepts. */
export type SearchOutcome =
  | { readonly found: true; readonly material: CredentialMaterial }
  | { readonly found: false; readonly note: string };

interface Active {
  /** The older version in use. */
  readonly material: CredentialMaterial;
  /** The current version as last tried: rejected. */
  readonly current: CredentialMaterial;
  readonly code: string;
  readonly since: Date;
  readonly nextCheckAtMs: number;
}

function rejectionCode(error: unknown, material: CredentialMaterial): string | undefined {
  const code = parseEntraErrorCode(summarizeError(error, secretStringsOf(material)).message);
  return isCredentialRejection(code) ? code : undefined;
}

function versionOf(material: CredentialMaterial): string {
  return material.origin.kind === 'keyVault' ? material.origin.version : material.origin.kind;
}

/**
 * Keeps the app authenticating when Key Vault's current version is one Entra ID rejects (Key
 * Vault renewed the certificate; a secret was stored before it was added to the app
 * registration): finds the newest older version Entra accepts, uses it without retrying the
 * current one on every call, tries the current one again every recheck interval (or as soon as
 * the vault holds another one), and switches back once it is accepted. One warning per switch.
 * Per token provider, never module-level; concurrent callers share one search and one recheck.
 */
export class VersionFallback {
  private active: Active | undefined;
  private probing = false;
  private searching:
    { readonly currentId: string; readonly promise: Promise<SearchOutcome> } | undefined;
  private fruitless:
    { readonly currentId: string; readonly untilMs: number; readonly note: string } | undefined;

  constructor(private readonly options: VersionFallbackOptions) {}

  /** The older version in use instead of the current one, if any. */
  get material(): CredentialMaterial | undefined {
    return this.active?.material;
  }

  /** What health and doctor show while an older version is in use. */
  describe(): CredentialFallback | undefined {
    const active = this.active;
    if (active === undefined) return undefined;
    const { current } = active;
    return {
      currentVersion: versionOf(current),
      currentThumbprintSha256:
        current.type === 'certificate' ? current.certificate.thumbprintSha256 : undefined,
      code: active.code,
      reason: fallbackReason(this.options.text, current, active.material, active.code),
      fix: fallbackFix(this.options.text, current, active.material),
      since: active.since,
    };
  }

  /**
   * While an older version is in use, tries `current` once the recheck interval has passed or as
   * soon as the vault holds another current version. One caller tries; concurrent callers keep
   * using the older version meanwhile. Returns the token when Entra accepts `current` (the
   * fallback is then over), else undefined.
   */
  async tryCurrent(
    current: CredentialMaterial,
    attempt: () => Promise<AccessToken>,
  ): Promise<AccessToken | undefined> {
    const active = this.active;
    if (active === undefined || this.probing) return undefined;
    const changed = materialId(current) !== materialId(active.current);
    if (!changed && this.options.now() < active.nextCheckAtMs) return undefined;
    this.probing = true;
    try {
      const token = await attempt();
      if (this.active === active) {
        this.active = undefined;
        this.options.logger.warn(
          `Entra ID accepts the current version ${versionOf(current)} of Key Vault secret '${this.options.text.name}' now: switched back to it from the older version ${versionOf(active.material)}.`,
        );
      }
      return token;
    } catch (error) {
      // Still rejected, or Entra could not be asked: either way the older version stays in use,
      // and the current one is tried again an interval later (never on every call).
      if (this.active === active) {
        this.active = {
          ...active,
          current,
          code: rejectionCode(error, current) ?? active.code,
          nextCheckAtMs: this.options.now() + this.options.recheckIntervalInMs,
        };
      }
      return undefined;
    } finally {
      this.probing = false;
    }
  }

  /** Entra rejected the older version too (removed from the app registration): stop using it. */
  drop(material: CredentialMaterial): void {
    if (this.active?.material !== material) return;
    this.active = undefined;
    this.options.logger.warn(
      `Entra ID rejects the older version ${versionOf(material)} of Key Vault secret '${this.options.text.name}' as well; trying the current version again.`,
    );
  }

  /**
   * After Entra rejected `current` (with `code`) and Key Vault holds nothing newer: looks for the
   * newest older version Entra accepts and, when found, uses it from now on. Concurrent callers
   * share one search; a search that ended with every version refused is remembered for
   * `searchRetryInMs`, so a persistent failure costs no Entra request storm.
   */
  async search(
    current: CredentialMaterial,
    code: string,
    attempt: TokenAttempt,
  ): Promise<SearchOutcome> {
    const currentId = materialId(current);
    if (this.active !== undefined && materialId(this.active.current) === currentId) {
      return { found: true, material: this.active.material };
    }
    if (this.searching?.currentId === currentId) return await this.searching.promise;
    const fruitless = this.fruitless;
    if (fruitless?.currentId === currentId && this.options.now() < fruitless.untilMs) {
      return { found: false, note: fruitless.note };
    }
    const entry = { currentId, promise: this.runSearch(current, code, attempt) };
    this.searching = entry;
    try {
      return await entry.promise;
    } finally {
      if (this.searching === entry) this.searching = undefined;
    }
  }

  private async runSearch(
    current: CredentialMaterial,
    code: string,
    attempt: TokenAttempt,
  ): Promise<SearchOutcome> {
    const { source, now } = this.options;
    let versions: readonly KeyVaultVersionLike[];
    try {
      versions = await source.list();
    } catch (error) {
      return { found: false, note: `listing its versions failed: ${firstLine(error, current)}` };
    }
    const selection = selectFallbackCandidates(versions, versionOf(current), now());
    const refused: string[] = [];
    for (const version of selection.candidates) {
      let material: CredentialMaterial;
      try {
        material = await source.read(version);
      } catch (error) {
        refused.push(`${version}: unreadable (${firstLine(error, current)})`);
        continue;
      }
      // A certificate outlives its secret's `exp` only when imported without one.
      if (material.expiresOn !== undefined && material.expiresOn.getTime() <= now()) {
        refused.push(`${version}: expired`);
        continue;
      }
      try {
        await attempt(material);
      } catch (error) {
        const refusal = rejectionCode(error, material);
        if (refusal === undefined) {
          // Not an answer about the credential (network, throttling): nothing to remember.
          return {
            found: false,
            note: `trying the older version ${version} failed: ${firstLine(error, material)}`,
          };
        }
        refused.push(`${version}: ${refusal}`);
        continue;
      }
      this.activate(current, material, code);
      return { found: true, material };
    }
    const note = noteFor(selection, refused);
    this.fruitless = {
      currentId: materialId(current),
      untilMs: now() + this.options.searchRetryInMs,
      note,
    };
    return { found: false, note };
  }

  private activate(current: CredentialMaterial, material: CredentialMaterial, code: string): void {
    const nowInMs = this.options.now();
    this.active = {
      material,
      current,
      code,
      since: new Date(nowInMs),
      nextCheckAtMs: nowInMs + this.options.recheckIntervalInMs,
    };
    this.fruitless = undefined;
    const { text } = this.options;
    this.options.logger.warn(
      `${fallbackReason(text, current, material, code)} Fix: ${fallbackFix(text, current, material)}`,
    );
  }
}

function firstLine(error: unknown, material: CredentialMaterial): string {
  const { message } = summarizeError(error, secretStringsOf(material));
  return message.split('\n')[0]?.trim() ?? '';
}

/** Why no older version helped, for the token error the operator reads. */
function noteFor(selection: CandidateSelection, refused: readonly string[]): string {
  const unusable = selection.unusable.map(({ version, why }) => `${version}: ${why}`);
  const all = [...refused, ...unusable];
  if (all.length === 0) return 'it has no older version to fall back to';
  const untried =
    selection.skipped === 0 ? '' : `; ${String(selection.skipped)} older versions not tried`;
  return `no older version is usable either (${all.join(', ')}${untried})`;
}
