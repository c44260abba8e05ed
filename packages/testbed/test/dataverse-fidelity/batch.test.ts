import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SimEnvironment } from '../../src/dataverse';
import {
  apiHeaders,
  environmentOptions,
  type SimulatorFixture,
  startSimulator,
} from './simulatorFixture';

/** Builds a $batch body with CRLF line endings, as the reference describes. */
function batchBody(boundary: string, parts: string[]): string {
  return `${parts.map((part) => `--${boundary}\r\n${part}`).join('\r\n')}\r\n--${boundary}--\r\n`;
}

function httpPart(method: string, target: string, body?: unknown, contentId?: string): string {
  const mime = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) mime.push(`Content-ID: ${contentId}`);
  const request = [`${method} ${target} HTTP/1.1`, 'Content-Type: application/json; charset=utf-8'];
  return `${mime.join('\r\n')}\r\n\r\n${request.join('\r\n')}\r\n\r\n${body === undefined ? '' : JSON.stringify(body)}`;
}

function changeSet(boundary: string, parts: string[]): string {
  return `Content-Type: multipart/mixed; boundary=${boundary}\r\n\r\n${batchBody(boundary, parts)}`;
}

describe('Dataverse simulator: $batch', () => {
  let fixture: SimulatorFixture;
  let env: SimEnvironment;

  beforeAll(async () => {
    fixture = await startSimulator([environmentOptions({ accounts: { count: 3, seed: 1 } })]);
    env = fixture.sim.environment('contoso');
  });
  afterAll(async () => {
    await fixture.sim.stop();
  });

  const post = (body: string, boundary: string, prefer?: string): Promise<Response> =>
    fetch(`${env.serviceRootUrl}$batch`, {
      method: 'POST',
      headers: apiHeaders(fixture.tokenFor(env.url), {
        'Content-Type': `multipart/mixed; boundary="${boundary}"`,
        ...(prefer === undefined ? {} : { Prefer: prefer }),
      }),
      body,
    });

  it('runs a change set atomically with Content-ID echo and $n references, plus a GET', async () => {
    const root = new URL(env.serviceRootUrl).pathname;
    const body = batchBody('batch_1', [
      changeSet('changeset_1', [
        httpPart('POST', `${root}accounts`, { name: 'Batch parent', accountnumber: 'B-1' }, '1'),
        httpPart('PATCH', '$1', { description: 'patched via $1' }, '2'),
      ]),
      httpPart(
        'GET',
        `${env.serviceRootUrl}accounts?$select=name&$filter=accountnumber%20eq%20'B-1'`,
      ),
    ]);
    const response = await post(body, 'batch_1');
    expect(response.status).toBe(200);
    const contentType = response.headers.get('content-type') ?? '';
    expect(contentType).toMatch(/^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/);
    const text = await response.text();
    expect(text.match(/HTTP\/1\.1 204 No Content/g)).toHaveLength(2);
    expect(text).toMatch(/Content-ID: 1\r\n/);
    expect(text).toMatch(/Content-ID: 2\r\n/);
    expect(text).toContain('HTTP/1.1 200 OK');
    expect(text).toContain('"name":"Batch parent"');
    const created = [...env.allAccounts()].find((row) => row.accountnumber === 'B-1');
    expect(created?.description).toBe('patched via $1');
  });

  it('rolls a failing change set back and answers 400 with only the first failure', async () => {
    const before = env.accountCount();
    const body = batchBody('batch_2', [
      changeSet('changeset_2', [
        httpPart('POST', 'accounts', { name: 'rolled back' }, '1'),
        httpPart(
          'PATCH',
          'accounts(00000000-0000-4000-8000-000000000000)',
          { name: 'x' },
          '2',
        ).replace(
          'Content-Type: application/json; charset=utf-8',
          'Content-Type: application/json; charset=utf-8\r\nIf-Match: *',
        ),
      ]),
      httpPart('POST', 'accounts', { name: 'never runs' }),
    ]);
    const response = await post(body, 'batch_2');
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(text).toContain('HTTP/1.1 404 Not Found');
    expect(text).toMatch(/REQ_ID: [0-9a-f-]{36}/);
    expect(text).toContain('"code":"0x80040217"');
    expect(env.accountCount()).toBe(before);
  });

  it('with odata.continue-on-error answers 200 with every response', async () => {
    const before = env.accountCount();
    const body = batchBody('batch_3', [
      httpPart('PATCH', 'accounts(00000000-0000-4000-8000-000000000001)', { name: 'x' }).replace(
        'charset=utf-8',
        'charset=utf-8\r\nIf-Match: *',
      ),
      httpPart('POST', 'accounts', { name: 'still runs' }),
    ]);
    const response = await post(body, 'batch_3', 'odata.continue-on-error');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('HTTP/1.1 404 Not Found');
    expect(text).toContain('HTTP/1.1 204 No Content');
    expect(env.accountCount()).toBe(before + 1);
  });

  it('rejects more than 1000 requests', async () => {
    const parts = Array.from({ length: 1001 }, () => httpPart('POST', 'accounts', { name: 'x' }));
    const response = await post(batchBody('batch_4', parts), 'batch_4');
    expect(response.status).toBe(400);
  });
});
