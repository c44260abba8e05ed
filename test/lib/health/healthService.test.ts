import { describe, expect, it } from 'vitest';

import { createHealthService } from '../../../src/lib/health/healthService';
import type { HealthReport } from '../../../src/lib/health/types';

function report(status: HealthReport['status'], n: number): HealthReport {
  return { status, description: `check ${n}`, time: new Date(0).toISOString(), checks: {} };
}

describe('createHealthService', () => {
  it('coalesces concurrent requests onto one check and caches it for the window', async () => {
    let clock = 0;
    let checks = 0;
    let release: () => void = () => undefined;
    const service = createHealthService({
      cacheSeconds: 60,
      nowInMs: () => clock,
      check: () => {
        checks += 1;
        const n = checks;
        return new Promise((resolve) => {
          release = () => {
            resolve(report('pass', n));
          };
        });
      },
    });
    const concurrent = Array.from({ length: 50 }, () => service.current());
    release();
    const results = await Promise.all(concurrent);
    expect(checks).toBe(1);
    expect(new Set(results.map((r) => r.description))).toEqual(new Set(['check 1']));

    clock = 59_999;
    expect((await service.current()).description).toBe('check 1');
    expect(checks).toBe(1);

    clock = 60_000;
    const next = service.current();
    release();
    expect((await next).description).toBe('check 2');
    expect(checks).toBe(2);
  });

  it('does not cache a check that threw, so the next poll tries again', async () => {
    let attempts = 0;
    const service = createHealthService({
      cacheSeconds: 60,
      nowInMs: () => 0,
      check: () => {
        attempts += 1;
        return attempts === 1
          ? Promise.reject(new Error('boom'))
          : Promise.resolve(report('pass', attempts));
      },
    });
    await expect(service.current()).rejects.toThrow('boom');
    expect((await service.current()).status).toBe('pass');
  });
});
