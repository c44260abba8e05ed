/**
 * Child process: reads every account of one environment with dynamics-web-api's retrieveAll,
 * this project's page iterator (queryPages) or a bare node:https floor, with the same $select
 * and page size, and reports rows, wall time and the process's peak RSS. One reader per
 * process, so none inherits another's heap.
 */
import { DynamicsWebApi } from 'dynamics-web-api';

import { childInput, peakRssInMb, reportFromChild } from '../support/child';
import { projectClient } from '../support/connection';
import type { ReadChildInput, ReadChildOutput } from '../support/readRun';
import { readBare } from './bareReader';

async function readWithDynamicsWebApi(input: ReadChildInput): Promise<number> {
  const client = new DynamicsWebApi({
    serverUrl: input.connection.url,
    dataApi: { version: '9.2' },
    onTokenRefresh: () => Promise.resolve(input.connection.token),
  });
  // retrieveAll follows every nextLink and returns all rows in one array (its documented shape).
  const result = await client.retrieveAll<Record<string, unknown>>({
    collection: 'accounts',
    select: [...input.columns],
    maxPageSize: input.pageSize,
  });
  return result.value.length;
}

async function readWithProject(input: ReadChildInput): Promise<number> {
  const client = projectClient(input.connection);
  let rows = 0;
  for await (const page of client.queryPages(`accounts?$select=${input.columns.join(',')}`, {
    pageSize: input.pageSize,
  })) {
    rows += page.rows.length;
  }
  client.close();
  return rows;
}

reportFromChild('read', async (): Promise<ReadChildOutput> => {
  const input = childInput('read');
  const started = performance.now();
  const rows =
    input.reader === 'project'
      ? await readWithProject(input)
      : input.reader === 'bare'
        ? await readBare(input)
        : await readWithDynamicsWebApi(input);
  return { rows, elapsedInMs: performance.now() - started, peakRssInMb: peakRssInMb() };
});
