import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

/** A server started by {@link startServer}. */
export interface RunningServer {
  /** Base URL without trailing slash, e.g. `https://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Stops listening and destroys every open socket (keep-alive included), then resolves. */
  stop(): Promise<void>;
  server: http.Server | https.Server;
}

export interface StartServerOptions {
  /** PEM certificate and key: serve HTTPS instead of plain HTTP. */
  tls?: { cert: string; key: string };
}

/**
 * Starts an http or https server on 127.0.0.1 with an OS-chosen port. Stand-ins use this so
 * that parallel test runs never collide on ports, and so that `stop()` does not hang on the
 * keep-alive connections the Azure SDK and axios hold open.
 */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const server: http.Server | https.Server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : http.createServer(handler);
  const sockets = new Set<Socket>();
  // 'connection' fires for the raw TCP socket with both http and https; destroying it also
  // tears down the TLS session layered on top.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('startServer: server has no TCP address');
  }
  const port = address.port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${String(port)}`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    });
    return stopping;
  };

  return { url, port, stop, server };
}

/** Reads a request body as UTF-8, refusing bodies above `limitInBytes` (stand-ins only take small forms). */
export async function readBody(req: IncomingMessage, limitInBytes = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitInBytes)
      throw new Error(`request body larger than ${String(limitInBytes)} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a JSON response with the given status and extra headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** A failure a test asks a stand-in to answer with instead of its normal response. */
export interface InjectedFailure {
  status: number;
  /** JSON body; a generic `{ error }` body when omitted. */
  body?: unknown;
  /** Sent as a Retry-After header (seconds). */
  retryAfterInSeconds?: number;
  /** How many requests fail before normal service resumes; every request when omitted. */
  times?: number;
}

/**
 * Holds at most one scripted failure and hands it out request by request, so tests can make a
 * stand-in answer 429/5xx a given number of times (retry and outage scenarios).
 */
export class FailureScript {
  private current: InjectedFailure | undefined;
  private remaining = Number.POSITIVE_INFINITY;

  set(failure: InjectedFailure | undefined): void {
    this.current = failure;
    this.remaining = failure?.times ?? Number.POSITIVE_INFINITY;
  }

  /** Returns the failure to answer this request with, consuming one use, or undefined. */
  take(): InjectedFailure | undefined {
    if (this.current === undefined || this.remaining <= 0) return undefined;
    this.remaining -= 1;
    const failure = this.current;
    if (this.remaining <= 0) this.current = undefined;
    return failure;
  }

  /** Answers `res` with the failure. */
  static send(res: ServerResponse, failure: InjectedFailure): void {
    const headers: Record<string, string> = {};
    if (failure.retryAfterInSeconds !== undefined) {
      headers['retry-after'] = String(failure.retryAfterInSeconds);
    }
    sendJson(res, failure.status, failure.body ?? { error: 'injected_failure' }, headers);
  }
}
