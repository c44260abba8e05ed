import { randomUUID } from 'node:crypto';

import { queryError } from './errors';
import type { SimResponse } from './response';

/**
 * The multipart/mixed wire format of OData `$batch` (CRLF line endings; a bare LF is tolerated
 * on input): parsing a request body into parts and change sets, and writing the response.
 */
export interface BatchPartRequest {
  method: string;
  /** The request target as written: absolute URL, absolute path, relative path or `$n`. */
  target: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
  contentId: string | undefined;
}

export type BatchItem =
  | { kind: 'request'; request: BatchPartRequest }
  | { kind: 'changeset'; requests: BatchPartRequest[] };

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^multipart\/mixed\b/i.test(contentType.trim()))
    return undefined;
  return /boundary\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1];
}

/** Splits a multipart body into its parts' raw text (headers + content). */
export function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const find = (from: number): number => {
    let index = body.indexOf(delimiter, from);
    while (index !== -1) {
      const atLineStart = index === 0 || body[index - 1] === '\n';
      const after = body[index + delimiter.length];
      if (
        atLineStart &&
        (after === undefined ||
          after === '-' ||
          after === '\r' ||
          after === '\n' ||
          after === ' ' ||
          after === '\t')
      ) {
        return index;
      }
      index = body.indexOf(delimiter, index + 1);
    }
    return -1;
  };
  const parts: string[] = [];
  let index = find(0);
  if (index === -1)
    throw queryError(
      'The batch request body contains no part with the boundary of its Content-Type.',
    );
  for (;;) {
    const afterDelimiter = index + delimiter.length;
    if (body.startsWith('--', afterDelimiter)) return parts;
    const lineEnd = body.indexOf('\n', afterDelimiter);
    if (lineEnd === -1) break;
    const next = find(lineEnd + 1);
    if (next === -1) break;
    let end = next;
    if (body[end - 1] === '\n') end -= 1;
    if (body[end - 1] === '\r') end -= 1;
    parts.push(body.slice(lineEnd + 1, Math.max(lineEnd + 1, end)));
    index = next;
  }
  throw queryError('The batch request body is not terminated by its closing boundary.');
}

/** Splits at the first blank line into lower-cased headers and the rest. */
function headersAndRest(text: string): { headers: Record<string, string>; rest: string } {
  const blank = /\r?\n\r?\n/.exec(text);
  const head = blank === null ? text : text.slice(0, blank.index);
  const rest = blank === null ? '' : text.slice(blank.index + blank[0].length);
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, rest };
}

function parseHttpPart(text: string): BatchPartRequest {
  const mime = headersAndRest(text);
  if (!/^application\/http/i.test(mime.headers['content-type'] ?? '')) {
    throw queryError('Each batch part must have Content-Type: application/http.');
  }
  const http = mime.rest.replace(/^(\r?\n)+/, '');
  const lineEnd = http.search(/\r?\n/);
  const requestLine = lineEnd === -1 ? http : http.slice(0, lineEnd);
  const match = /^([A-Z]+) (\S+) HTTP\/1\.1$/.exec(requestLine.trim());
  if (match === null) throw queryError(`Invalid request line in batch part: '${requestLine}'.`);
  const inner = headersAndRest(lineEnd === -1 ? '' : http.slice(lineEnd).replace(/^\r?\n/, ''));
  return {
    method: match[1] ?? 'GET',
    target: match[2] ?? '',
    headers: inner.headers,
    body: inner.rest.trim(),
    contentId: mime.headers['content-id'],
  };
}

/** Parses a `$batch` body into top-level requests and change sets. */
export function parseBatch(body: string, boundary: string): BatchItem[] {
  return splitMultipart(body, boundary).map((part): BatchItem => {
    const { headers, rest } = headersAndRest(part);
    const changesetBoundary = boundaryOf(headers['content-type']);
    if (changesetBoundary === undefined) return { kind: 'request', request: parseHttpPart(part) };
    return {
      kind: 'changeset',
      requests: splitMultipart(rest, changesetBoundary).map(parseHttpPart),
    };
  });
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** One answered part; `contentId` is echoed inside change sets. */
export interface BatchPartResponse {
  response: SimResponse;
  contentId: string | undefined;
}

export type BatchResultItem =
  { kind: 'response'; part: BatchPartResponse } | { kind: 'changeset'; parts: BatchPartResponse[] };

function writeHttpPart(part: BatchPartResponse, inChangeSet: boolean): string {
  const { response } = part;
  const mime = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (inChangeSet && part.contentId !== undefined) mime.push(`Content-ID: ${part.contentId}`);
  const lines = [
    `HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? ''}`.trimEnd(),
    'OData-Version: 4.0',
  ];
  for (const [name, value] of Object.entries(response.headers)) lines.push(`${name}: ${value}`);
  return `${mime.join('\r\n')}\r\n\r\n${lines.join('\r\n')}\r\n\r\n${response.body}`;
}

/** Writes a multipart/mixed batch response; returns its Content-Type and body. */
export function writeBatchResponse(items: BatchResultItem[]): {
  contentType: string;
  body: string;
} {
  const boundary = `batchresponse_${randomUUID()}`;
  let body = '';
  for (const item of items) {
    body += `--${boundary}\r\n`;
    if (item.kind === 'response') {
      body += `${writeHttpPart(item.part, false)}\r\n`;
      continue;
    }
    const changeset = `changesetresponse_${randomUUID()}`;
    body += `Content-Type: multipart/mixed; boundary=${changeset}\r\n\r\n`;
    for (const part of item.parts) body += `--${changeset}\r\n${writeHttpPart(part, true)}\r\n`;
    body += `--${changeset}--\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { contentType: `multipart/mixed; boundary=${boundary}`, body };
}
