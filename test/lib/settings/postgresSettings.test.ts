import { describe, expect, it } from 'vitest';

import { ConfigurationError } from '../../../src/lib/errors';
import { loadSettings } from '../../../src/lib/settings';
import { base as sharedBase, problemsOf } from './settingsFixture';

const PASSWORD = 'Pg~Secret.Value_7f3a9c2e41d8';

/** The shared valid settings with the postgres target. */
function base(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return sharedBase({ SYNC_TARGET: 'postgres', ...overrides });
}

describe('loadSettings: SYNC_TARGET=postgres', () => {
  it('takes a connection string for local development, with the default schema', () => {
    const url = `postgres://sync:${PASSWORD}@localhost:5432/replica`;
    expect(loadSettings(base({ POSTGRES_CONNECTION_STRING: url })).sync.target).toEqual({
      kind: 'postgres',
      connection: { kind: 'connectionString', connectionString: url },
      schema: 'dataverse',
    });
  });

  it('takes host, database and user for Entra sign-in, with a port when given', () => {
    const settings = loadSettings(
      base({
        POSTGRES_HOST: 'PG-Contoso.postgres.database.azure.com',
        POSTGRES_DATABASE: 'replica',
        POSTGRES_USER: 'func-contoso-sync',
        POSTGRES_SCHEMA: 'crm',
      }),
    );
    expect(settings.sync.target).toEqual({
      kind: 'postgres',
      connection: {
        kind: 'entra',
        host: 'pg-contoso.postgres.database.azure.com',
        port: 5432,
        database: 'replica',
        user: 'func-contoso-sync',
      },
      schema: 'crm',
    });
    const local = loadSettings(
      base({ POSTGRES_HOST: '127.0.0.1:6543', POSTGRES_DATABASE: 'r', POSTGRES_USER: 'u' }),
    );
    expect(local.sync.target).toMatchObject({ connection: { host: '127.0.0.1', port: 6543 } });
  });

  it.each([
    [{}, 'POSTGRES_HOST, POSTGRES_DATABASE, POSTGRES_USER: are required when SYNC_TARGET=postgres'],
    [
      { POSTGRES_HOST: 'db.example.com', POSTGRES_USER: 'u' },
      'POSTGRES_DATABASE: is required with POSTGRES_HOST',
    ],
    [{ POSTGRES_HOST: 'db.example.com', POSTGRES_DATABASE: 'r' }, 'POSTGRES_USER: is required'],
    [
      { POSTGRES_HOST: 'db example', POSTGRES_DATABASE: 'r', POSTGRES_USER: 'u' },
      'POSTGRES_HOST: must be the server',
    ],
    [
      { POSTGRES_HOST: 'db.example.com', POSTGRES_DATABASE: 'Re-plica', POSTGRES_USER: 'u' },
      'POSTGRES_DATABASE: must be a database name',
    ],
    [
      { POSTGRES_CONNECTION_STRING: 'postgres://u:p@h/db', POSTGRES_SCHEMA: 'Bad-Schema' },
      'POSTGRES_SCHEMA: must be a schema name',
    ],
    [
      { POSTGRES_CONNECTION_STRING: 'Host=h;Password=p' },
      'POSTGRES_CONNECTION_STRING: must be a URL',
    ],
    [
      { POSTGRES_CONNECTION_STRING: 'https://h/db' },
      'POSTGRES_CONNECTION_STRING: must start with postgres://',
    ],
    [
      { POSTGRES_CONNECTION_STRING: 'postgres://u:p@h' },
      'POSTGRES_CONNECTION_STRING: must name the database',
    ],
    [
      { POSTGRES_CONNECTION_STRING: 'postgres://u:p@h/db', POSTGRES_HOST: 'h' },
      'POSTGRES_CONNECTION_STRING: is set together with',
    ],
  ])('%j is one problem naming the setting and an example', (overrides, expected) => {
    const message = problemsOf(base(overrides));
    expect(message).toContain(expected);
    expect(message.split('\n')).toHaveLength(2);
    expect(message).toContain('Example: POSTGRES_');
  });

  it('never quotes the connection string or its password', () => {
    for (const value of [
      `postgres://sync:${PASSWORD}@localhost`,
      `Host=localhost;Password=${PASSWORD}`,
      `postgresql://sync:${PASSWORD}@localhost/replica`,
    ]) {
      const env = base({ POSTGRES_CONNECTION_STRING: value, POSTGRES_SCHEMA: `x${PASSWORD}` });
      let text = '';
      try {
        const settings = loadSettings(env);
        text = JSON.stringify(settings.sync.target.kind);
      } catch (error) {
        text = (error as ConfigurationError).describe();
      }
      expect(text).not.toContain(PASSWORD);
    }
  });

  it('ignores the POSTGRES_* settings for the other targets', () => {
    expect(
      loadSettings(base({ SYNC_TARGET: 'table', POSTGRES_SCHEMA: 'Bad-Schema' })).sync.target.kind,
    ).toBe('table');
  });
});
