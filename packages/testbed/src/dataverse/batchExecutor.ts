import { randomUUID } from 'node:crypto';

import {
  type BatchItem,
  type BatchPartRequest,
  type BatchPartResponse,
  type BatchResultItem,
  boundaryOf,
  parseBatch,
  writeBatchResponse,
} from './batchMultipart';
import { isSimHttpError, queryError } from './errors';
import type { ResourceContext } from './resourceContext';
import { type CallerIdentity, handleResource } from './resources';
import { errorResponse, type SimResponse } from './response';

export const MAX_BATCH_REQUESTS = 1000;

/** Parses and checks a `$batch` request body (400 on a malformed body or > 1000 requests). */
export function readBatch(contentType: string | undefined, body: string): BatchItem[] {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) {
    throw queryError('The $batch request must have Content-Type multipart/mixed with a boundary.');
  }
  const items = parseBatch(body, boundary);
  const count = batchRequestCount(items);
  if (count > MAX_BATCH_REQUESTS) {
    throw queryError(
      `Number of requests in a batch (${count}) exceeds the limit of ${MAX_BATCH_REQUESTS}.`,
    );
  }
  return items;
}

export function batchRequestCount(items: BatchItem[]): number {
  return items.reduce((sum, item) => sum + (item.kind === 'request' ? 1 : item.requests.length), 0);
}

/** A failure inside a change set: carries the failing part's response out of the rollback. */
class ChangeSetFailure extends Error {
  constructor(readonly part: BatchPartResponse) {
    super('change set failed');
  }
}

/**
 * Runs a parsed batch. Top-level parts run one by one; a change set runs atomically (rolled
 * back on its first failure, answered by that failure alone). Without continue-on-error the
 * batch stops at the first failure and answers 400 with only that response; with it, 200 with
 * every response.
 */
export function executeBatch(
  context: ResourceContext,
  items: BatchItem[],
  caller: CallerIdentity,
  continueOnError: boolean,
): SimResponse {
  const results: BatchResultItem[] = [];
  let rows = 0;
  for (const item of items) {
    let failure: BatchPartResponse | undefined;
    if (item.kind === 'request') {
      const part = runPart(context, item.request, caller, new Map(), false);
      rows += part.response.rows;
      if (part.response.status >= 400) failure = part;
      else results.push({ kind: 'response', part });
    } else {
      try {
        const parts = context.shared.undo.transaction(() => {
          const entityUrls = new Map<string, string>();
          return item.requests.map((request) => {
            const part = runPart(context, request, caller, entityUrls, true);
            if (part.response.status >= 400) throw new ChangeSetFailure(part);
            const entityUrl = part.response.headers['OData-EntityId'];
            if (request.contentId !== undefined && entityUrl !== undefined)
              entityUrls.set(request.contentId, entityUrl);
            return part;
          });
        });
        rows += parts.reduce((sum, part) => sum + part.response.rows, 0);
        results.push({ kind: 'changeset', parts });
      } catch (error) {
        if (!(error instanceof ChangeSetFailure)) throw error;
        failure = error.part;
      }
    }
    if (failure !== undefined) {
      if (!continueOnError) {
        const written = writeBatchResponse([{ kind: 'response', part: failure }]);
        return {
          status: 400,
          headers: { 'Content-Type': written.contentType },
          body: written.body,
          rows,
        };
      }
      results.push({ kind: 'response', part: failure });
    }
  }
  const written = writeBatchResponse(results);
  const headers: Record<string, string> = { 'Content-Type': written.contentType };
  if (continueOnError) headers['Preference-Applied'] = 'odata.continue-on-error';
  return { status: 200, headers, body: written.body, rows };
}

function runPart(
  context: ResourceContext,
  request: BatchPartRequest,
  caller: CallerIdentity,
  entityUrls: Map<string, string>,
  inChangeSet: boolean,
): BatchPartResponse {
  try {
    if (inChangeSet && request.method === 'GET') {
      throw queryError('GET requests are not allowed inside a change set.');
    }
    const url = resolveTarget(context, request.target, entityUrls);
    const response = handleResource(
      context,
      { method: request.method, url, headers: request.headers, body: request.body },
      caller,
    );
    return { response, contentId: request.contentId };
  } catch (error) {
    if (!isSimHttpError(error)) throw error;
    const response = errorResponse(error);
    response.headers.REQ_ID = randomUUID();
    return { response, contentId: request.contentId };
  }
}

/** Absolute URL, absolute path, path relative to the service root, or `$n` (Content-ID). */
function resolveTarget(
  context: ResourceContext,
  target: string,
  entityUrls: Map<string, string>,
): URL {
  const reference = /^\$(\w+)(.*)$/.exec(target);
  if (reference) {
    const base = entityUrls.get(reference[1] ?? '');
    if (base === undefined)
      throw queryError(
        `Content-ID reference '${target}' does not name an earlier request of the change set.`,
      );
    return new URL(`${base}${reference[2] ?? ''}`);
  }
  return new URL(target, context.serviceRoot);
}
