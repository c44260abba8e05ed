import { errorBody, type SimHttpError } from './errors';

/** What a resource handler answers; the request handler adds the common headers. */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Rows returned or written: drives the latency model. */
  rows: number;
}

export const JSON_CONTENT_TYPE = 'application/json; odata.metadata=minimal; charset=utf-8';

export function jsonResponse(
  status: number,
  body: unknown,
  rows = 0,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
    rows,
  };
}

export function emptyResponse(
  status: number,
  headers: Record<string, string> = {},
  rows = 0,
): SimResponse {
  return { status, headers, body: '', rows };
}

export function errorResponse(error: SimHttpError): SimResponse {
  return {
    status: error.status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...error.headers },
    body: errorBody(error.code, error.message),
    rows: 0,
  };
}
