import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CliBed, doctorSteps } from './cliHarness';

const ENVIRONMENT_STEPS = [
  'contoso / Entra token',
  'contoso / WhoAmI',
  'contoso / account / table definition',
  'contoso / account / first page',
];
const ALL_STEPS = [
  'settings',
  'managed identity token',
  'Key Vault read',
  ...ENVIRONMENT_STEPS,
  'contoso / account / sync state',
  'credential version',
  'credential expiry',
];

let cli: CliBed;
beforeAll(async () => {
  cli = await CliBed.start();
});
afterAll(async () => {
  await cli.stop();
});

describe('dataverse-s2s doctor', () => {
  it('passes every step against a healthy bed, reading ./local.settings.json', async () => {
    const run = await cli.run(['doctor']);

    const steps = doctorSteps(run.stdout);
    expect([...steps.keys()]).toEqual(ALL_STEPS);
    for (const [step, { status }] of steps)
      expect({ step, status }).toEqual({ step, status: 'PASS' });
    expect(run.code).toBe(0);
    const contoso = cli.bed.dataverse.environment('contoso');
    expect(steps.get('settings')?.detail).toContain('local.settings.json');
    expect(steps.get('managed identity token')?.detail).toContain(
      cli.bed.ids.managedIdentityObjectId,
    );
    expect(steps.get('Key Vault read')?.detail).toContain(`'${cli.bed.ids.credentialName}'`);
    expect(steps.get('contoso / WhoAmI')?.detail).toContain(
      `OrganizationId ${contoso.organizationId}`,
    );
    expect(steps.get('contoso / account / first page')?.detail).toMatch(
      /^5 rows on the first page/,
    );
    expect(run.stdout).toMatch(/doctor: 10 passed, 0 warned, 0 failed, 0 skipped/);
  });

  it('fails at WhoAmI with the Application users fix when the application user is missing', async () => {
    const contoso = cli.bed.dataverse.environment('contoso');
    contoso.removeApplicationUser(cli.bed.ids.clientId);
    try {
      const run = await cli.run(['doctor']);

      const steps = doctorSteps(run.stdout);
      expect(steps.get('contoso / Entra token')?.status).toBe('PASS');
      expect(steps.get('contoso / WhoAmI')?.status).toBe('FAIL');
      expect(steps.get('contoso / account / table definition')?.status).toBe('SKIP');
      expect(steps.get('contoso / account / first page')?.status).toBe('SKIP');
      const fix = /contoso \/ WhoAmI: .*\n\s+fix: (.*)/.exec(run.stdout)?.[1] ?? '';
      expect(fix).toContain('Application users');
      expect(fix).toContain(cli.bed.ids.clientId);
      expect(run.code).toBe(1);
    } finally {
      contoso.setApplicationUser(cli.bed.ids.clientId, { enabled: true });
    }
  });

  it('fails at the Key Vault read with the role assignment fix when the identity lost access', async () => {
    cli.bed.keyVault.revoke(cli.bed.ids.managedIdentityObjectId);
    try {
      const run = await cli.run(['doctor']);

      const steps = doctorSteps(run.stdout);
      expect(steps.get('managed identity token')?.status).toBe('PASS');
      expect(steps.get('Key Vault read')?.status).toBe('FAIL');
      expect(steps.get('credential expiry')?.status).toBe('SKIP');
      for (const step of ENVIRONMENT_STEPS) expect(steps.get(step)?.status).toBe('SKIP');
      const fix = /Key Vault read: .*\n\s+fix: (.*)/.exec(run.stdout)?.[1] ?? '';
      expect(fix).toContain("'Key Vault Secrets User'");
      expect(fix).toContain(`--assignee-object-id ${cli.bed.ids.managedIdentityObjectId}`);
      expect(run.code).toBe(1);
    } finally {
      cli.bed.keyVault.grant(cli.bed.ids.managedIdentityObjectId);
    }
  });

  it('warns at credential version with the fix while a new Key Vault secret is not on the app registration yet', async () => {
    const before = await cli.run(['doctor']);
    const olderVersion = /the current version ([0-9a-f]{32}) is in use/.exec(
      doctorSteps(before.stdout).get('credential version')?.detail ?? '',
    )?.[1];
    expect(olderVersion).toBeDefined();
    const newVersion = cli.bed.rotateSecret({ removeOld: false, addToEntra: false });
    try {
      const run = await cli.run(['doctor']);

      const steps = doctorSteps(run.stdout);
      for (const step of ENVIRONMENT_STEPS) expect(steps.get(step)?.status).toBe('PASS');
      expect(steps.get('credential version')?.status).toBe('WARN');
      expect(steps.get('credential version')?.detail).toContain(
        `Entra ID rejects the current version ${newVersion} of Key Vault secret '${cli.bed.ids.credentialName}' (AADSTS7000215`,
      );
      expect(steps.get('credential version')?.detail).toContain(
        `the app uses the older version ${olderVersion ?? ''}`,
      );
      const fix = /credential version: .*\n\s+fix: (.*)/.exec(run.stdout)?.[1] ?? '';
      expect(fix).toContain(`az ad app credential reset --id ${cli.bed.ids.clientId} --append`);
      expect(fix).toContain(`--version ${olderVersion ?? ''} --query value -o tsv`);
      // The expiry judged is the older version's, the one in use.
      expect(steps.get('credential expiry')?.status).toBe('PASS');
      expect(run.stdout).toMatch(/doctor: 9 passed, 1 warned, 0 failed, 0 skipped/);
      expect(run.code).toBe(0);
    } finally {
      cli.bed.entra.addSecret(cli.bed.ids.clientId, {
        value: cli.bed.clientSecret,
        expiresOn: new Date(Date.now() + 90 * 24 * 3600 * 1000),
      });
    }
  });

  it('fails at settings naming the setting and an example; the environment variable wins over the file', async () => {
    const run = await cli.run(['doctor'], { env: { ...process.env, DATAVERSE_CLIENT_ID: 'nope' } });

    const steps = doctorSteps(run.stdout);
    expect(steps.get('settings')?.status).toBe('FAIL');
    expect(run.stdout).toMatch(
      /DATAVERSE_CLIENT_ID: .*Example: DATAVERSE_CLIENT_ID=00000000-0000-0000-0000-000000000000/,
    );
    expect(run.stdout).toMatch(/fix: Fix the listed app settings/);
    expect(steps.get('managed identity token')?.status).toBe('SKIP');
    expect(steps.get('environments')?.status).toBe('SKIP');
    expect(run.code).toBe(1);
  });

  it('fails at settings when --settings names a file that does not exist', async () => {
    const run = await cli.run(['doctor', '--settings', 'missing.json']);

    expect(doctorSteps(run.stdout).get('settings')).toMatchObject({ status: 'FAIL' });
    expect(run.stdout).toContain('missing.json: file not found');
    expect(run.stdout).toContain('fix: Copy local.settings.sample.json to local.settings.json');
    expect(run.code).toBe(1);
  });

  it('without KEY_VAULT_URL skips the managed identity and uses the local client secret', async () => {
    const run = await cli.run(['doctor'], {
      // Empty values count as unset, so they blank the file's Key Vault settings.
      env: {
        ...process.env,
        KEY_VAULT_URL: '',
        DATAVERSE_CREDENTIAL_NAME: '',
        DATAVERSE_CLIENT_SECRET: cli.bed.clientSecret,
      },
    });

    const steps = doctorSteps(run.stdout);
    expect(steps.get('managed identity token')).toEqual({
      status: 'SKIP',
      detail: 'not needed: KEY_VAULT_URL is not set, the credential comes from local settings',
    });
    expect(steps.get('credential read')).toEqual({
      status: 'PASS',
      detail: 'client secret DATAVERSE_CLIENT_SECRET',
    });
    for (const step of ENVIRONMENT_STEPS) expect(steps.get(step)?.status).toBe('PASS');
    expect(run.code).toBe(0);
  });

  it('never prints a planted secret or an issued token', () => {
    expect(cli.outputs.length).toBeGreaterThan(0);
    expect(cli.bed.entra.tokens.issued.length).toBeGreaterThan(0);
    expect(cli.leakedSecrets()).toEqual([]);
  });
});
