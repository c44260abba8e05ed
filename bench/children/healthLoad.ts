/**
 * Child process: the polling storm. Every second it fires `requestsPerSecond` concurrent GETs
 * at the health endpoint (plain HTTP on loopback, keep-alive), for `seconds` seconds, and
 * reports every answer's latency. Runs apart from the server so the load generator's own CPU
 * does not sit in the measured event loop.
 */
import { Agent, get } from 'node:http';

import { childInput, reportFromChild } from '../support/child';
import { percentile, type StormOutput } from '../support/stormRun';

function once(url: string, agent: Agent): Promise<{ status: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => {
        resolve({ status: String(response.statusCode), ms: performance.now() - started });
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ status: error.code ?? 'error', ms: performance.now() - started });
    });
  });
}

reportFromChild('healthLoad', async (): Promise<StormOutput> => {
  const input = childInput('healthLoad');
  const agent = new Agent({ keepAlive: true, maxSockets: input.requestsPerSecond });
  const answers: Promise<{ status: string; ms: number }>[] = [];
  const start = performance.now();
  for (let second = 0; second < input.seconds; second += 1) {
    const due = start + second * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    for (let i = 0; i < input.requestsPerSecond; i += 1) answers.push(once(input.url, agent));
  }
  const results = await Promise.all(answers);
  agent.destroy();
  const failures: Record<string, number> = {};
  const latencies: number[] = [];
  for (const result of results) {
    latencies.push(result.ms);
    if (result.status !== '200') failures[result.status] = (failures[result.status] ?? 0) + 1;
  }
  latencies.sort((a, b) => a - b);
  return {
    sent: results.length,
    ok: results.filter((r) => r.status === '200').length,
    failures,
    p50InMs: percentile(latencies, 0.5),
    p99InMs: percentile(latencies, 0.99),
    maxInMs: latencies[latencies.length - 1] ?? Number.NaN,
  };
});
