import { redactSecrets, redactSecretShapes } from './sanitize';

/**
 * One error family for the whole app. Every failure an operator can see is an IntegrationError
 * (or a subclass callers branch on) that says which environment, which step, the service's
 * own code, and what to do about it. Messages and properties never hold secrets or tokens.
 */
export interface IntegrationErrorDetails {
  /** Which operation failed, e.g. "WhoAmI", "Key Vault read", "Entra token". */
  step: string;
  /** Environment name, when the failure belongs to one. */
  environment?: string;
  /** HTTP status from the service, when there was a response. */
  status?: number;
  /** Service error code: Dataverse `0x...`, Entra `AADSTS...`, Key Vault `Forbidden`, Node `ECONNRESET`. */
  code?: string;
  /** x-ms-service-request-id / x-ms-request-id of the failed response. */
  requestId?: string;
  /** x-ms-client-request-id we sent, to find the call in our own logs. */
  clientRequestId?: string;
  /** True when trying again later can succeed without anyone changing anything. */
  retryable?: boolean;
  /** What the operator should do, in one or two sentences. */
  hint?: string;
  cause?: unknown;
}

export class IntegrationError extends Error {
  override readonly name: string = 'IntegrationError';
  readonly step: string;
  readonly environment: string | undefined;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly clientRequestId: string | undefined;
  readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(message: string, details: IntegrationErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.step = details.step;
    this.environment = details.environment;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.clientRequestId = details.clientRequestId;
    this.retryable = details.retryable ?? false;
    this.hint = details.hint;
  }

  /**
   * One line for logs and health output: environment, step, code, message, fix, request id.
   * Sanitised: a message or hint that quotes a URL or a service's text cannot carry a key,
   * signature or token into a log line.
   */
  describe(): string {
    const where = [this.environment, this.step].filter(Boolean).join(' / ');
    const code = this.code === undefined ? '' : ` [${this.code}]`;
    const status = this.status === undefined ? '' : ` (HTTP ${this.status})`;
    const hint = this.hint === undefined ? '' : ` Fix: ${this.hint}`;
    const request = this.requestId === undefined ? '' : ` (service request id ${this.requestId})`;
    return redactSecretShapes(`${where}: ${this.message}${code}${status}.${hint}${request}`);
  }
}

/** A setting is missing or malformed. The message names the setting and a valid example. */
export class ConfigurationError extends IntegrationError {
  override readonly name: string = 'ConfigurationError';
  constructor(message: string, details: Partial<IntegrationErrorDetails> = {}) {
    super(message, { step: 'settings', ...details, retryable: false });
  }
}

/** Entra ID, managed identity or Key Vault refused to authenticate us. */
export class AuthenticationError extends IntegrationError {
  override readonly name: string = 'AuthenticationError';
}

/**
 * The operation was stopped on purpose (Ctrl-C, the host shutting down): not a failure of any
 * service, so it is reported as an interruption and never retried by itself.
 */
export class InterruptedError extends IntegrationError {
  override readonly name: string = 'InterruptedError';
  constructor(message: string, details: Partial<IntegrationErrorDetails> = {}) {
    super(message, { step: 'interrupted', code: 'Interrupted', ...details, retryable: false });
  }
}

export function isIntegrationError(value: unknown): value is IntegrationError {
  return (
    value instanceof IntegrationError ||
    (value instanceof Error &&
      typeof (value as { step?: unknown }).step === 'string' &&
      typeof (value as { describe?: unknown }).describe === 'function')
  );
}

/** Normalises anything thrown into an Error, so callers never deal with strings or objects. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}

/**
 * The text an operator should read for any failure: `describe()` for ours, the name and message
 * otherwise — always through the sanitiser, since a raw SDK message can quote a SAS URL or a
 * request body. Foreign messages are also capped in length.
 */
export function describeError(value: unknown): string {
  if (isIntegrationError(value)) return redactSecretShapes(value.describe());
  const error = ensureError(value);
  return redactSecrets(`${error.name}: ${error.message}`);
}
