/**
 * The request and response shapes that flow through pipeline steps. They are our own plain
 * objects: nothing from axios (whose errors and responses carry config.headers, i.e. the bearer
 * token) ever leaves the transport.
 */
import { REQUEST_TIMEOUT_CODE } from '../util';

export { REQUEST_TIMEOUT_CODE };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** State of one logical call across all its attempts (retries, token refresh). */
export interface CallContext {
  /** Operation name for errors and logs, e.g. "WhoAmI", "query page", "deliver to webhook". */
  readonly step: string;
  /** The environment whose data the call carries, when the client serves several (the webhook). */
  readonly environment: string | undefined;
  /** x-ms-client-request-id sent on every attempt of this call. */
  clientRequestId: string;
  /**
   * Clock time (ms) after which no further attempt or wait starts. A caller may set it (a
   * health check's short deadline); the deadline step only ever brings it closer.
   */
  deadlineAt: number;
  /** True when the caller's deadline is the binding one (set by the deadline step). */
  deadlineFromCaller: boolean;
  attempts: number;
  /** Set once the bearer step forced a token refresh after a 401 (at most once per call). */
  tokenRefreshed: boolean;
  /** Why the retry loop stopped retrying, for the final error's message. */
  gaveUp: 'deadline' | 'maxRetries' | undefined;
  throttledWaitInMs: number;
}

/** A fresh call context; without `deadlineAt` the client's own deadline applies. */
export function newCall(
  step: string,
  options: { readonly environment?: string; readonly deadlineAt?: number } = {},
): CallContext {
  return {
    step,
    environment: options.environment,
    deadlineAt: options.deadlineAt ?? Number.POSITIVE_INFINITY,
    deadlineFromCaller: false,
    clientRequestId: '',
    attempts: 0,
    tokenRefreshed: false,
    gaveUp: undefined,
    throttledWaitInMs: 0,
  };
}

export interface PipelineRequest {
  readonly method: HttpMethod;
  /** Absolute URL. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The caller's signal, or the per-attempt signal once the timeout step has run. */
  readonly signal: AbortSignal | undefined;
  readonly call: CallContext;
}

export interface PipelineResponse {
  readonly status: number;
  /** Lower-cased header names; multi-valued headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText: string;
}

export type SendRequest = (request: PipelineRequest) => Promise<PipelineResponse>;

/** One cross-cutting concern: looks at or changes the request, calls `next`, looks at the result. */
export interface PipelineStep {
  readonly name: string;
  send(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse>;
}

/**
 * A request that got no HTTP response: network failure or our own per-attempt timeout.
 * Carries only a Node/axios error code and a message we composed: never the axios error.
 * It never leaves the pipeline: the typed-error step turns it into the client's own error.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the retry loop hands up when it stops: the last response, or the last network failure. */
export type FailedOutcome =
  { readonly response: PipelineResponse } | { readonly error: TransportError };

/** Method and path for messages and logs: no query (skip tokens are long; function keys hide there). */
export function describeTarget(request: Pick<PipelineRequest, 'method' | 'url'>): string {
  let path = request.url;
  try {
    path = new URL(request.url).pathname;
  } catch {
    // Keep the raw value: it was built by us, not supplied by a user.
  }
  return `${request.method} ${path}`;
}

/** The service's own id of a response (Dataverse: x-ms-service-request-id; Azure: x-ms-request-id). */
export function serviceRequestIdOf(response: PipelineResponse): string | undefined {
  return response.headers['x-ms-service-request-id'] ?? response.headers['x-ms-request-id'];
}

/**
 * What a refused redirect says: where it pointed (origin and path only: a Location may carry a
 * token or a key in its query). No client follows redirects (see transport.ts).
 */
export function redirectText(response: PipelineResponse): string {
  const location = response.headers.location;
  let target = 'no Location header';
  if (location !== undefined) {
    try {
      const url = new URL(location, 'http://relative.invalid');
      target =
        url.origin === 'http://relative.invalid'
          ? `Location ${url.pathname}`
          : `Location ${url.origin}${url.pathname}`;
    } catch {
      target = 'an unparsable Location';
    }
  }
  return `redirect refused (${target}): the app never follows redirects`;
}
