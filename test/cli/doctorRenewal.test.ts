import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CliBed, doctorSteps } from './cliHarness';

/**
 * `doctor` after Key Vault renewed the certificate and before anyone uploaded it: every
 * environment step passes on the older certificate, and the credential version step warns with
 * the exact upload command. A bed of its own: the certificate credential type.
 */
let cli: CliBed;
beforeAll(async () => {
  cli = await CliBed.start({
    credentialType: 'certificate',
    environments: [{ name: 'contoso', accounts: { count: 5, seed: 1 } }],
  });
});
afterAll(async () => {
  await cli.stop();
});

describe('dataverse-s2s doctor after a certificate renewal', () => {
  it('warns at credential version with az ad app credential reset --append, and passes once uploaded', async () => {
    const { version, certificate } = cli.bed.renewCertificate();

    const run = await cli.run(['doctor']);

    const steps = doctorSteps(run.stdout);
    expect(steps.get('contoso / Entra token')?.status).toBe('PASS');
    expect(steps.get('contoso / WhoAmI')?.status).toBe('PASS');
    expect(steps.get('credential version')?.status).toBe('WARN');
    expect(steps.get('credential version')?.detail).toContain(
      `Entra ID rejects the current version ${version} of Key Vault secret '${cli.bed.ids.credentialName}' (AADSTS700027: its certificate (SHA-1 thumbprint ${certificate.thumbprintSha1Hex.toUpperCase()}) is not registered on app registration ${cli.bed.ids.clientId})`,
    );
    const fix = /credential version: .*\n\s+fix: (.*)/.exec(run.stdout)?.[1] ?? '';
    expect(fix).toMatch(
      new RegExp(
        `az ad app credential reset --id ${cli.bed.ids.clientId} --keyvault .+ --cert ${cli.bed.ids.credentialName} --append$`,
      ),
    );
    expect(run.stdout).toMatch(/1 warned, 0 failed/);
    expect(run.code).toBe(0);

    cli.bed.entra.addCertificate(cli.bed.ids.clientId, certificate.certPem);
    const uploaded = await cli.run(['doctor']);
    expect(doctorSteps(uploaded.stdout).get('credential version')).toEqual({
      status: 'PASS',
      detail: `the current version ${version} is in use`,
    });
  });

  it('never prints key material or an issued token', () => {
    expect(cli.outputs.length).toBeGreaterThan(0);
    expect(cli.leakedSecrets()).toEqual([]);
  });
});
