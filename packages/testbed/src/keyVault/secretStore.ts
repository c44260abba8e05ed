import { randomBytes } from 'node:crypto';

/** Options of one secret version, as `az keyvault secret set` takes them. */
export interface SecretVersionOptions {
  contentType?: string;
  /** Defaults to true. */
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  tags?: Record<string, string>;
}

/** One stored version of a secret. */
export interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  enabled: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  tags?: Record<string, string>;
  createdInSeconds: number;
  updatedInSeconds: number;
}

/**
 * The vault's secrets: every set adds a version (rotation), the newest version is what a
 * version-less read returns, and reads are counted per name for cache assertions.
 */
export class SecretStore {
  private readonly secrets = new Map<string, SecretVersion[]>();
  private readonly reads = new Map<string, number>();

  /** Adds a new version and returns its id (32 hex characters, like Key Vault's). */
  set(name: string, value: string, options: SecretVersionOptions = {}): string {
    const nowInSeconds = Math.floor(Date.now() / 1000);
    const version: SecretVersion = {
      version: randomBytes(16).toString('hex'),
      value,
      contentType: options.contentType,
      enabled: options.enabled ?? true,
      notBefore: options.notBefore,
      expiresOn: options.expiresOn,
      tags: options.tags,
      createdInSeconds: nowInSeconds,
      updatedInSeconds: nowInSeconds,
    };
    const versions = this.secrets.get(name) ?? [];
    versions.push(version);
    this.secrets.set(name, versions);
    return version.version;
  }

  /** The newest version when `version` is omitted; undefined when the secret or version is absent. */
  get(name: string, version?: string): SecretVersion | undefined {
    const versions = this.secrets.get(name);
    if (versions === undefined) return undefined;
    return version === undefined ? versions.at(-1) : versions.find((v) => v.version === version);
  }

  versions(name: string): readonly SecretVersion[] | undefined {
    return this.secrets.get(name);
  }

  names(): string[] {
    return [...this.secrets.keys()];
  }

  disableVersion(name: string, version: string): void {
    const found = this.get(name, version);
    if (found === undefined) throw new Error(`disableVersion: no version ${version} of ${name}`);
    found.enabled = false;
    found.updatedInSeconds = Math.floor(Date.now() / 1000);
  }

  delete(name: string): void {
    this.secrets.delete(name);
  }

  recordRead(name: string): void {
    this.reads.set(name, (this.reads.get(name) ?? 0) + 1);
  }

  readCount(name: string): number {
    return this.reads.get(name) ?? 0;
  }
}
