import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

describe('test run CA', () => {
  it('is trusted by the worker process without per-client options', async () => {
    const dir = process.env.TESTBED_CERT_DIR!;
    const server = createServer(
      {
        cert: readFileSync(join(dir, 'server.pem')),
        key: readFileSync(join(dir, 'server-key.pem')),
      },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const res = await fetch(`https://127.0.0.1:${address.port}/`);
      expect(await res.text()).toBe('ok');
    } finally {
      server.close();
    }
  });
});
