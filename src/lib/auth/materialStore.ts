import { describeError } from '../errors';
import type { Logger } from '../util';
import { type CredentialMaterial, materialId, summarizeMaterial } from './credentialMaterial';

/** Result of re-checking the source after Entra rejected `rejected`. */
export interface RecheckOutcome {
  /** True when the source now holds different material (a new Key Vault version). */
  readonly changed: boolean;
  readonly material: CredentialMaterial;
}

export interface MaterialStoreOptions {
  /** Reads the source once. Key Vault reads go through the managed identity. */
  readonly load: () => Promise<CredentialMaterial>;
  /** True when the source can change while the process runs (Key Vault). */
  readonly canChange: boolean;
  /** Re-read a changeable source when the material is older than this. */
  readonly refreshIntervalInMs: number;
  /** After a failed background-free refresh, keep the old material this long before trying again. */
  readonly refreshRetryInMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

interface Read {
  /** Increasing number; a read whose sequence is above a caller's snapshot started after it. */
  readonly sequence: number;
  readonly promise: Promise<CredentialMaterial>;
}

/**
 * Holds the credential material and decides when to read the source again: on first use, when
 * it is older than the refresh interval, and once after Entra rejected it. Concurrent callers
 * share one read (the promise is cached and dropped again if it rejects), so N simultaneous
 * rejections cost one Key Vault read.
 */
export class MaterialStore {
  private current: { material: CredentialMaterial; refreshDueAtMs: number } | undefined;
  private inFlight: Read | undefined;
  private lastCompleted: { sequence: number; material: CredentialMaterial } | undefined;
  private readsStarted = 0;

  constructor(private readonly options: MaterialStoreOptions) {}

  /** Snapshot for {@link recheckAfterRejection}: reads started after this count as fresh. */
  get readSequence(): number {
    return this.readsStarted;
  }

  /** The material to use now; reads the source on first use and when the refresh is due. */
  async get(): Promise<CredentialMaterial> {
    const current = this.current;
    if (current === undefined) return await this.read().promise;
    if (!this.options.canChange || this.options.now() < current.refreshDueAtMs)
      return current.material;
    try {
      return await this.read().promise;
    } catch (error) {
      // A vault blip must not take down a credential that still works: keep the old material
      // and try again a little later.
      this.options.logger.warn(
        `Refreshing the credential from Key Vault failed; still using the ${summarizeMaterial(current.material)}. ${describeError(error)}`,
      );
      current.refreshDueAtMs = this.options.now() + this.options.refreshRetryInMs;
      return current.material;
    }
  }

  /**
   * Called after Entra rejected `rejected`. Returns the newer material if the source already
   * changed or changes on one re-read; reuses a read that started after `sinceSequence` (or one
   * in flight) instead of reading again. Throws when the re-read itself fails.
   */
  async recheckAfterRejection(
    rejected: CredentialMaterial,
    sinceSequence: number,
  ): Promise<RecheckOutcome> {
    const rejectedId = materialId(rejected);
    const compare = (material: CredentialMaterial): RecheckOutcome => ({
      changed: materialId(material) !== rejectedId,
      material,
    });
    if (!this.options.canChange) return { changed: false, material: rejected };
    if (this.current !== undefined && materialId(this.current.material) !== rejectedId) {
      return compare(this.current.material);
    }
    if (this.inFlight !== undefined) return compare(await this.inFlight.promise);
    if (this.lastCompleted !== undefined && this.lastCompleted.sequence > sinceSequence) {
      return compare(this.lastCompleted.material);
    }
    return compare(await this.read().promise);
  }

  private read(): Read {
    if (this.inFlight !== undefined) return this.inFlight;
    this.readsStarted += 1;
    const sequence = this.readsStarted;
    const promise = this.options.load().then(
      (material) => {
        this.accept(material, sequence);
        return material;
      },
      (error: unknown) => {
        this.inFlight = undefined;
        throw error;
      },
    );
    const read = { sequence, promise };
    this.inFlight = read;
    return read;
  }

  private accept(material: CredentialMaterial, sequence: number): void {
    const previous = this.current?.material;
    if (previous === undefined || materialId(previous) !== materialId(material)) {
      this.options.logger.info(`Loaded the ${summarizeMaterial(material)}`);
    }
    this.current = {
      material,
      refreshDueAtMs: this.options.now() + this.options.refreshIntervalInMs,
    };
    this.lastCompleted = { sequence, material };
    this.inFlight = undefined;
  }
}
