import { ConfigurationError } from '../errors';
import {
  createAxiosTransport,
  newCall,
  type PipelineResponse,
  type SendRequest,
  StatsRecorder,
} from '../http';
import { DataverseError } from './errors';
import { checkLink, resolveServicePath, serviceRootOf } from './links';
import {
  type DataverseClientOptions,
  resolveClientOptions,
  type ResolvedClientOptions,
} from './options';
import { parseChangePage, parseQueryPage } from './pages';
import { dataversePipeline } from './pipeline';
import { ResizableSemaphore } from './semaphore';
import { parseDopHint } from './steps/concurrencyStep';
import type {
  CallOptions,
  ChangePage,
  ChangeRoundStart,
  DataverseClient,
  DataverseRow,
  PageOptions,
  QueryPage,
  WhoAmIResult,
} from './types';

const BASE_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/json',
  'odata-maxversion': '4.0',
  'odata-version': '4.0',
  'user-agent': 'dataverse-s2s-functions',
};

/** A client plus `close()`, which destroys its idle keep-alive sockets (CLI exit, tests). */
export type ClosableDataverseClient = DataverseClient & { close(): void };

function pageSizePreference(options: PageOptions | undefined): string | undefined {
  const size = options?.pageSize;
  if (size === undefined) return undefined;
  if (!Number.isInteger(size) || size < 1 || size > 5000) {
    throw new ConfigurationError(
      `pageSize must be a whole number from 1 to 5000, got ${String(size)}`,
      { step: 'Dataverse client options' },
    );
  }
  return `odata.maxpagesize=${String(size)}`;
}

function annotationsPreference(options: PageOptions | undefined): string | undefined {
  const names = options?.annotations ?? [];
  return names.length === 0 ? undefined : `odata.include-annotations="${names.join(',')}"`;
}

class Client implements ClosableDataverseClient {
  readonly environment;
  private readonly serviceRoot: string;
  private readonly stats_: StatsRecorder;
  private readonly send: SendRequest;
  private readonly closeTransport: () => void;

  constructor(private readonly options: ResolvedClientOptions) {
    this.environment = options.environment;
    this.serviceRoot = serviceRootOf(options.environment.url);
    this.stats_ = new StatsRecorder(options.now);
    const transport = createAxiosTransport();
    this.closeTransport = () => {
      transport.close();
    };
    this.send = dataversePipeline(
      options,
      new ResizableSemaphore(options.initialConcurrency),
      this.stats_,
      transport.send,
    );
  }

  private invalid(step: string, message: string, code: string): DataverseError {
    return new DataverseError(message, {
      step,
      environment: this.environment.name,
      code,
      retryable: false,
    });
  }

  /** GETs an absolute URL on this environment; resolves with a 2xx response or throws DataverseError. */
  private async get(
    step: string,
    url: string,
    prefer: string | undefined,
    signal: AbortSignal | undefined,
    deadlineAt?: number,
  ): Promise<PipelineResponse> {
    return await this.send({
      method: 'GET',
      url,
      headers: prefer === undefined ? BASE_HEADERS : { ...BASE_HEADERS, prefer },
      signal,
      call: newCall(step, deadlineAt === undefined ? {} : { deadlineAt }),
    });
  }

  private parseJson(step: string, response: PipelineResponse): unknown {
    try {
      return JSON.parse(response.bodyText);
    } catch {
      throw this.invalid(
        step,
        `Dataverse answered HTTP ${String(response.status)} with a body that is not JSON`,
        'InvalidResponse',
      );
    }
  }

  private link(step: string, link: string): string {
    try {
      return checkLink(this.environment.url, link);
    } catch (error) {
      throw this.invalid(step, (error as Error).message, 'ForeignLink');
    }
  }

  async whoAmI(signal?: AbortSignal, options?: CallOptions): Promise<WhoAmIResult> {
    const started = this.options.now();
    const response = await this.get(
      'WhoAmI',
      resolveServicePath(this.serviceRoot, 'WhoAmI'),
      undefined,
      signal,
      options?.deadlineAt,
    );
    const latencyInMs = this.options.now() - started;
    const body = this.parseJson('WhoAmI', response) as Record<string, unknown> | null;
    const { UserId, BusinessUnitId, OrganizationId } = body ?? {};
    if (
      typeof UserId !== 'string' ||
      typeof BusinessUnitId !== 'string' ||
      typeof OrganizationId !== 'string'
    ) {
      throw this.invalid(
        'WhoAmI',
        'WhoAmI response lacks UserId, BusinessUnitId or OrganizationId',
        'InvalidResponse',
      );
    }
    return {
      UserId,
      BusinessUnitId,
      OrganizationId,
      dopHint: parseDopHint(response.headers['x-ms-dop-hint']),
      latencyInMs,
    };
  }

  async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await this.get(
      'GET',
      resolveServicePath(this.serviceRoot, path),
      undefined,
      signal,
    );
    // The caller names the shape; the body is not validated against it.
    return this.parseJson('GET', response) as T;
  }

  async *queryPages(path: string, options?: PageOptions): AsyncIterable<QueryPage> {
    const prefer = pageSizePreference(options);
    let url: string | undefined = resolveServicePath(this.serviceRoot, path);
    while (url !== undefined) {
      // The same Prefer on every page: Dataverse forgets the page size otherwise.
      const response = await this.get('query page', url, prefer, options?.signal);
      const page = this.parsePage('query page', response, parseQueryPage);
      url = page.nextLink === undefined ? undefined : this.link('query page', page.nextLink);
      yield page;
    }
  }

  async *queryRows(path: string, options?: PageOptions): AsyncIterable<DataverseRow> {
    for await (const page of this.queryPages(path, options)) yield* page.rows;
  }

  async *changePages(start: ChangeRoundStart, options?: PageOptions): AsyncIterable<ChangePage> {
    const step = start.kind === 'full' ? 'change tracking (full)' : 'change tracking';
    const prefer = [
      'odata.track-changes',
      pageSizePreference(options),
      annotationsPreference(options),
    ]
      .filter((p) => p !== undefined)
      .join(',');
    let url: string | undefined =
      start.kind === 'full'
        ? resolveServicePath(
            this.serviceRoot,
            `${start.entitySet}?$select=${start.select.join(',')}`,
          )
        : this.link(step, start.url);
    while (url !== undefined) {
      const response = await this.get(step, url, prefer, options?.signal);
      const page = this.parsePage(step, response, parseChangePage);
      if (page.nextLink === undefined && page.deltaLink === undefined) {
        throw new DataverseError(
          'a change-tracking page carried neither @odata.nextLink nor @odata.deltaLink',
          {
            step,
            environment: this.environment.name,
            code: 'NoDeltaLink',
            hint: 'enable change tracking on the table (Power Apps → Tables → the table → Properties → Advanced options → Track changes)',
          },
        );
      }
      url = page.nextLink === undefined ? undefined : this.link(step, page.nextLink);
      if (page.deltaLink !== undefined) this.link(step, page.deltaLink);
      yield page;
    }
  }

  private parsePage<T>(step: string, response: PipelineResponse, parse: (json: unknown) => T): T {
    const json = this.parseJson(step, response);
    try {
      return parse(json);
    } catch (error) {
      throw this.invalid(
        step,
        `Dataverse answered with ${(error as Error).message}`,
        'InvalidResponse',
      );
    }
  }

  stats() {
    return this.stats_.snapshot();
  }

  close(): void {
    this.closeTransport();
  }
}

/**
 * Creates the Dataverse Web API client for one environment. Create one per environment per
 * process and share it: its concurrency limit (x-ms-dop-hint), keep-alive sockets and stats
 * are per application user and environment.
 */
export function createDataverseClient(options: DataverseClientOptions): ClosableDataverseClient {
  return new Client(resolveClientOptions(options));
}
