import http from 'node:http';
import https from 'node:https';

import axios, { type AxiosResponse } from 'axios';

import { type PipelineResponse, type SendRequest, TransportError } from './types';

/** The transport plus the agents behind it, so a client can close idle sockets. */
export interface Transport {
  readonly send: SendRequest;
  close(): void;
}

function flattenHeaders(response: AxiosResponse<unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
    else if (typeof value === 'number') headers[name.toLowerCase()] = String(value);
    else if (Array.isArray(value)) headers[name.toLowerCase()] = value.map(String).join(', ');
  }
  return headers;
}

/**
 * Keeps only a code and a short message from an axios/Node error. The original is dropped on
 * purpose: AxiosError holds config.headers (the bearer token) and the request object.
 */
function toTransportError(error: unknown): TransportError {
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  const causeCode = (cause as { code?: unknown } | undefined)?.code;
  let safeCode =
    typeof code === 'string' ? code : typeof causeCode === 'string' ? causeCode : 'UNKNOWN';
  const text = typeof message === 'string' ? message.slice(0, 200) : 'request failed';
  // axios reports a connection dropped mid-body as ERR_BAD_RESPONSE "stream has been aborted".
  if (safeCode === 'ERR_BAD_RESPONSE' && /aborted/i.test(text)) safeCode = 'ECONNRESET';
  return new TransportError(safeCode, `${text} (${safeCode})`);
}

/**
 * axios over keep-alive agents, one per client (per environment, per webhook). Every status is
 * returned as a response (the pipeline decides), bodies stay text (we parse JSON ourselves),
 * redirects are never followed by any client (a redirect must not carry a token or a page of
 * rows elsewhere, nor turn a login page into a delivery: the typed-error step makes a 3xx a
 * failure naming its Location), no proxy from the environment, and no cookie jar, so the
 * ARRAffinity cookie is never sent back.
 */
export function createAxiosTransport(): Transport {
  // Above the 52-request service limit, so the semaphore, not the agent, is what queues.
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });
  // Plain http only reaches loopback test beds (settings refuse http elsewhere).
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });
  const instance = axios.create({
    httpsAgent,
    httpAgent,
    proxy: false,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxContentLength: 256 * 1024 * 1024,
  });

  const send: SendRequest = async (request): Promise<PipelineResponse> => {
    try {
      const response = await instance.request<unknown>({
        method: request.method,
        url: request.url,
        headers: request.headers,
        ...(request.body === undefined ? {} : { data: request.body }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      return {
        status: response.status,
        headers: flattenHeaders(response),
        bodyText: typeof response.data === 'string' ? response.data : '',
      };
    } catch (error) {
      if (request.signal?.aborted === true) throw request.signal.reason;
      throw toTransportError(error);
    }
  };

  return {
    send,
    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
}
