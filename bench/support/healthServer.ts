import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { healthResponse } from '../../src/lib/health';
import { createRuntime, memoizeRuntime } from '../../src/lib/runtime';
import type { SettingsSource } from '../../src/lib/settings';
import { silentLogger } from '../../src/lib/util';

/** A running health endpoint: the HTTP trigger's code path behind a bare node:http server. */
export interface HealthServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Serves GET /api/health with the same healthResponse the Function uses, on a runtime from
 * createRuntime (warmed once, so the storm measures the health cache, not app start-up).
 */
export async function startHealthServer(source: SettingsSource): Promise<HealthServer> {
  const runtime = memoizeRuntime(() => createRuntime({ source, logger: silentLogger }));
  await runtime.get();
  const server = createServer((_request, response) => {
    void healthResponse(async () => (await runtime.get()).health, silentLogger, {
      detailedErrors: false,
    }).then(
      (answer) => {
        response.writeHead(answer.status, answer.headers).end(answer.body);
      },
      () => {
        response.writeHead(500).end();
      },
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/api/health`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
