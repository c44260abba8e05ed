import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  checkOf,
  closedPort,
  DETAILED,
  environmentsSetting,
  expectNoLeaks,
  expectNoOperatorDetail,
  type HealthBed,
  loggedDetailOf,
  startHealthBed,
  summaryOf,
  tokensIssuedFor,
} from './healthBed';

/**
 * "The token works, the API calls fail": the application user is missing or disabled in the
 * environment, or the configured org URL is wrong. Documented outcome: the token check passes
 * (Entra accepts the credential for whatever resource URL is configured), the WhoAmI check
 * fails with Dataverse's code and the environment, and the endpoint answers 503. The fix (the
 * client id, where to create or activate the user) is in the log, and in the body only with
 * HEALTH_DETAILED_ERRORS=true.
 */
let health: HealthBed;

beforeAll(async () => {
  health = await startHealthBed({
    environments: [{ name: 'contoso', accounts: { count: 2, seed: 1 } }],
  });
});

afterAll(async () => {
  await health.stop();
});

const contoso = () => health.bed.dataverse.environment('contoso');

describe('application user problems', () => {
  afterEach(() => {
    contoso().setApplicationUser(health.bed.ids.clientId, { enabled: true });
  });

  it('a missing application user fails WhoAmI with 0x80072560 and how to create it', async () => {
    contoso().removeApplicationUser(health.bed.ids.clientId);

    const call = await health.health(health.runtime());

    expect(call.status).toBe(503);
    expect(call.contentType).toBe('application/health+json');
    expect(call.report.status).toBe('fail');
    expect(checkOf(call.report, 'contoso:token').status).toBe('pass');
    const whoAmI = checkOf(call.report, 'contoso:whoAmI');
    expect(whoAmI.status).toBe('fail');
    expect(whoAmI.output).toBe(
      summaryOf('contoso / WhoAmI: failed [0x80072560] (HTTP 403)', whoAmI.time),
    );
    expectNoOperatorDetail(call, health.bed);
    expect(call.body).not.toContain(health.bed.ids.clientId);
    const logged = loggedDetailOf(health, call, 'contoso:whoAmI');
    expect(logged).toContain('contoso / WhoAmI');
    expect(logged).toContain('The user is not a member of the organization.');
    expect(logged).toContain('[0x80072560] (HTTP 403)');
    expect(logged).toContain(
      `the application user for client id ${health.bed.ids.clientId} does not exist in environment contoso: create it (Power Platform admin center → Environments → contoso → Settings → Users + permissions → Application users)`,
    );
    expect(logged).toMatch(/service request id [0-9a-f-]{36}/);
  });

  it('a disabled application user fails WhoAmI with the hint to activate it (detailed body)', async () => {
    contoso().setApplicationUser(health.bed.ids.clientId, { enabled: false });

    const call = await health.health(health.runtime({ overrides: DETAILED }));

    expect(call.status).toBe(503);
    expect(checkOf(call.report, 'contoso:token').status).toBe('pass');
    const whoAmI = checkOf(call.report, 'contoso:whoAmI');
    expect(whoAmI.status).toBe('fail');
    expect(whoAmI.output).toContain('is disabled');
    expect(whoAmI.output).toContain('(HTTP 403)');
    expect(whoAmI.output).toContain(
      `the application user for client id ${health.bed.ids.clientId} is disabled in environment contoso: activate it (Power Platform admin center → Environments → contoso → Settings → Users + permissions → Application users)`,
    );
  });

  it('recovers without a restart once the user exists again (next cache window)', async () => {
    contoso().removeApplicationUser(health.bed.ids.clientId);
    const getRuntime = health.runtime({ overrides: { HEALTH_CACHE_SECONDS: '0' } });
    expect((await health.health(getRuntime)).status).toBe(503);

    contoso().setApplicationUser(health.bed.ids.clientId, { enabled: true });
    const recovered = await health.health(getRuntime);

    expect(recovered.status).toBe(200);
    expect(checkOf(recovered.report, 'contoso:whoAmI').status).toBe('pass');
  });
});

describe('wrong environment URL', () => {
  it('a URL where nothing listens: token for that URL passes, WhoAmI fails naming the URL', async () => {
    const wrongUrl = `https://127.0.0.1:${String(await closedPort())}`;
    const getRuntime = health.runtime({
      overrides: {
        DATAVERSE_ENVIRONMENTS: environmentsSetting(health.bed, (e) => ({ ...e, url: wrongUrl })),
      },
      healthTimeoutInMs: 3000,
    });
    const logsBefore = health.visible.logLines().length;

    const call = await health.health(getRuntime);

    expect(call.status).toBe(503);
    // Entra issues a token for any resource URL it is asked for: the audience is the wrong URL.
    expect(checkOf(call.report, 'contoso:token').status).toBe('pass');
    expect(tokensIssuedFor(health.bed, wrongUrl)).toBe(1);
    const whoAmI = checkOf(call.report, 'contoso:whoAmI');
    expect(whoAmI.status).toBe('fail');
    // Connection refused is retried as transient until the client's deadline, which ends before
    // the health budget: the answer is the client's own error (the code, the URL, the fix), the
    // same every time, never "no answer within the budget".
    expect(whoAmI.output).toBe(summaryOf('contoso / WhoAmI: failed [ECONNREFUSED]', whoAmI.time));
    const detail = loggedDetailOf(health, call, 'contoso:whoAmI');
    expect(detail).toContain(wrongUrl);
    expect(detail).toMatch(/gave up after \d+ attempts: the caller's deadline would pass/);
    const logged = health.visible.logLines().slice(logsBefore);
    expect(
      logged.some((line) =>
        /contoso: GET \/api\/data\/v9\.2\/WhoAmI → ECONNREFUSED; retry 1\/5/.test(line),
      ),
    ).toBe(true);

    // A second runtime (a new process, a new poll): the same answer.
    const again = await health.health(
      health.runtime({
        overrides: {
          DATAVERSE_ENVIRONMENTS: environmentsSetting(health.bed, (e) => ({ ...e, url: wrongUrl })),
        },
        healthTimeoutInMs: 3000,
      }),
    );
    const second = checkOf(again.report, 'contoso:whoAmI');
    expect(second.output).toBe(summaryOf('contoso / WhoAmI: failed [ECONNREFUSED]', second.time));
  });

  it('another host name for the org: the token audience differs, Dataverse answers 401 twice (detailed body)', async () => {
    const realUrl = contoso().url;
    const otherName = realUrl.replace('127.0.0.1', 'localhost');
    const getRuntime = health.runtime({
      overrides: {
        ...DETAILED,
        DATAVERSE_ENVIRONMENTS: environmentsSetting(health.bed, (e) => ({ ...e, url: otherName })),
      },
    });
    contoso().resetStats();

    const call = await health.health(getRuntime);

    expect(call.status).toBe(503);
    expect(checkOf(call.report, 'contoso:token').status).toBe('pass');
    // One forced token refresh after the first 401, then the second 401 goes up.
    expect(contoso().requestCounts()).toEqual({ 'whoami 401': 2 });
    expect(tokensIssuedFor(health.bed, otherName)).toBe(2);
    const whoAmI = checkOf(call.report, 'contoso:whoAmI');
    expect(whoAmI.status).toBe('fail');
    expect(whoAmI.output).toContain('(HTTP 401)');
    expect(whoAmI.output).toContain(
      `check the environment URL (${otherName}): the token audience must equal it (scope ${otherName}/.default)`,
    );
  });

  it('leaks no secret, key or token into any log line or response body', () => {
    expectNoLeaks(health);
  });
});
