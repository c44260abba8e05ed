/**
 * The validated, frozen settings of the app. Produced only by `loadSettings` (settings.ts),
 * the one place that reads process.env. Names of the underlying app settings are in
 * design.md and `SETTING_NAMES`.
 */
export type CredentialType = 'secret' | 'certificate';
export type SyncTargetKind = 'table' | 'http' | 'postgres';

/** A table to sync, and optionally its columns (otherwise every copyable column). */
export interface TableSelection {
  /** Logical name, e.g. `account`, `new_project`. */
  readonly logicalName: string;
  /** Column logical names (or lookup wire names `_x_value`); absent: every copyable column. */
  readonly columns?: readonly string[];
}

export interface EnvironmentSettings {
  /** Short name used in logs, health output, checkpoints and the mirror's PartitionKey. */
  readonly name: string;
  /** Org URL without trailing slash, e.g. https://contoso.crm.dynamics.com */
  readonly url: string;
  /** Entra tenant whose token the environment accepts (multi-tenant: the customer's). */
  readonly tenantId: string;
  /** Tables synced from this environment: its own `"tables"` entry, or SYNC_TABLES. */
  readonly tables: readonly TableSelection[];
}

/** Where the client secret or certificate comes from. */
export type CredentialSource =
  | {
      readonly kind: 'keyVault';
      readonly vaultUrl: string;
      readonly name: string;
      readonly disableChallengeResourceVerification: boolean;
    }
  | { readonly kind: 'secretValue'; readonly secret: string }
  | { readonly kind: 'certificateFile'; readonly path: string };

export interface StorageConnection {
  /** Name of the connection setting, e.g. AzureWebJobsStorage. */
  readonly settingName: string;
  /** Either a connection string, or identity-based service URIs. */
  readonly connectionString?: string;
  readonly blobServiceUri?: string;
  readonly tableServiceUri?: string;
  /** Present for AzureWebJobsStorage, which holds the job queue. */
  readonly queueServiceUri?: string;
  /** `__clientId` of the identity-based form (user-assigned identity), when given. */
  readonly clientId?: string;
}

/** How the app signs in to PostgreSQL. */
export type PostgresConnection =
  | {
      readonly kind: 'connectionString';
      /** POSTGRES_CONNECTION_STRING (local development): holds a password, never logged. */
      readonly connectionString: string;
    }
  | {
      /** Entra sign-in: the managed identity's access token is the password; TLS required. */
      readonly kind: 'entra';
      /** POSTGRES_HOST, without the port. */
      readonly host: string;
      readonly port: number;
      /** POSTGRES_DATABASE */
      readonly database: string;
      /** POSTGRES_USER: the identity's PostgreSQL role. */
      readonly user: string;
    };

/** Where synced rows go: mirror tables in the sync storage, a webhook, or PostgreSQL tables. */
export type SyncTarget =
  | {
      readonly kind: 'table';
      /** SYNC_TABLE_PREFIX: each table's mirror is prefix + logical name without underscores. */
      readonly tablePrefix: string;
    }
  | {
      readonly kind: 'http';
      /** SYNC_WEBHOOK_URL (may carry a function key: never logged). */
      readonly url: string;
      /** SYNC_WEBHOOK_SCOPE: the Entra scope of the managed-identity token, if any. */
      readonly scope?: string;
    }
  | {
      readonly kind: 'postgres';
      readonly connection: PostgresConnection;
      /** POSTGRES_SCHEMA: where the replica's tables live. */
      readonly schema: string;
    };

export interface SyncSettings {
  /** When the dispatcher enqueues one job per (environment, table). */
  readonly schedule: string;
  readonly target: SyncTarget;
  /** Checkpoints and leases live here whatever the target (and the mirror, for `table`). */
  readonly storage: StorageConnection;
  /** AzureWebJobsStorage, where the job queue lives (the queue trigger's connection). */
  readonly jobsStorage: StorageConnection;
  /** SYNC_LABEL_LANGUAGE: LCID of choice labels; absent: each organisation's base language. */
  readonly labelLanguage?: number;
  readonly maxRunSeconds: number;
  /** Rows per Dataverse page (Prefer: odata.maxpagesize), 1..5000. */
  readonly pageSize: number;
}

export interface Settings {
  readonly environments: readonly EnvironmentSettings[];
  readonly defaultTenantId: string;
  readonly clientId: string;
  readonly credentialType: CredentialType;
  readonly credentialSource: CredentialSource;
  /** AZURE_CLIENT_ID: user-assigned managed identity, when set. */
  readonly managedIdentityClientId?: string;
  /** AZURE_AUTHORITY_HOST, default https://login.microsoftonline.com */
  readonly authorityHost: string;
  readonly sync: SyncSettings;
  readonly healthCacheSeconds: number;
  /**
   * HEALTH_DETAILED_ERRORS: the health body carries each failure's full description and fix
   * (vault, secret name, identity ids, tenants, `az` commands). Off by default: anyone with a
   * function key reads the body; the detail is always in the function's log.
   */
  readonly healthDetailedErrors: boolean;
  /**
   * True when the platform's managed-identity endpoint is present (IDENTITY_ENDPOINT): use
   * ManagedIdentityCredential; otherwise DefaultAzureCredential (a developer's own sign-in).
   */
  readonly managedIdentityEndpointAvailable: boolean;
  readonly credentialExpiryWarningDays: number;
}
