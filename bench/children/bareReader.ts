import { Agent, request } from 'node:https';

import type { ReadChildInput } from '../support/readRun';

/** GETs one page with node:https and returns the parsed body. */
function getPage(url: string, input: ReadChildInput, agent: Agent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        agent,
        headers: {
          authorization: `Bearer ${input.connection.token}`,
          accept: 'application/json',
          'odata-maxversion': '4.0',
          'odata-version': '4.0',
          prefer: `odata.maxpagesize=${String(input.pageSize)}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) {
            reject(new Error(`HTTP ${String(response.statusCode)}`));
            return;
          }
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** The least a page-at-a-time reader can do: GET, parse, count, follow @odata.nextLink. */
export async function readBare(input: ReadChildInput): Promise<number> {
  const agent = new Agent({ keepAlive: true });
  let url: string | undefined =
    `${input.connection.url}/api/data/v9.2/accounts?$select=${input.columns.join(',')}`;
  let rows = 0;
  while (url !== undefined) {
    const body = (await getPage(url, input, agent)) as {
      value?: unknown[];
      '@odata.nextLink'?: string;
    };
    rows += body.value?.length ?? 0;
    url = body['@odata.nextLink'];
  }
  agent.destroy();
  return rows;
}
