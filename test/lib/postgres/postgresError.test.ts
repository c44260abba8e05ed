import { describe, expect, it } from 'vitest';

import { describeError, redactSecretShapes } from '../../../src/lib/errors';
import { postgresError } from '../../../src/lib/postgres/errors';

const SERVER = 'PostgreSQL db.example.com:5432/replica';

function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

describe('postgresError', () => {
  it('names the job, the step, the SQLSTATE and the fix', () => {
    const error = postgresError(
      pgError('42501', 'permission denied for schema dataverse'),
      'migration',
      'contoso/account',
      SERVER,
      [],
    );
    expect(error.describe()).toBe(
      'contoso/account / PostgreSQL migration: permission denied for schema dataverse [42501]. Fix: Grant the sync role CREATE on the database (or on POSTGRES_SCHEMA) and ownership of the replica tables, or create them once as an administrator.',
    );
    expect(error.retryable).toBe(false);
  });

  it.each([
    ['40P01', true],
    ['57P01', true],
    ['08006', true],
    ['ECONNRESET', true],
    ['ENOTFOUND', false],
    ['23505', false],
  ])('%s is retryable: %s', (code, retryable) => {
    expect(postgresError(pgError(code, 'x'), 'apply page', 'j', SERVER, []).retryable).toBe(
      retryable,
    );
  });

  it('never shows the password, whether known or in a connection string', () => {
    const secret = 'Pg~Secret.Value_7f3a9c2e41d8';
    const error = postgresError(
      pgError('XX000', `could not use postgres://sync:${secret}@db/replica nor ${secret}`),
      'apply page',
      'j',
      SERVER,
      [secret],
    );
    expect(describeError(error)).not.toContain(secret);
    expect(redactSecretShapes(`postgres://sync:${secret}@db:5432/r`)).toBe(
      'postgres://sync:[redacted]@db:5432/r',
    );
  });
});
