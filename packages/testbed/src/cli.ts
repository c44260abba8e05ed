/**
 * `npm run testbed`: starts every stand-in on free loopback ports (Dataverse with two seeded
 * environments in two tenants, Entra ID, Key Vault, the managed-identity endpoint, Azurite),
 * prints the `local.settings.json` block that points the app at them, and stops everything
 * on Ctrl-C. The block includes NODE_EXTRA_CA_CERTS: Core Tools passes `Values` to the Node
 * worker's environment at start, which is when Node reads it.
 */
import { startTestBed } from '.';

async function main(): Promise<void> {
  const bed = await startTestBed({
    azurite: true,
    environments: [
      { name: 'contoso', accounts: { count: 1000, seed: 1 } },
      { name: 'fabrikam', tenant: 'customer', accounts: { count: 500, seed: 2 } },
    ],
  });
  const values = { ...bed.appSettings(), ...bed.processEnvironment() };
  process.stdout.write(
    [
      'Test bed running. Paste into local.settings.json (or export as environment variables):',
      '',
      JSON.stringify({ IsEncrypted: false, Values: values }, null, 2),
      '',
      `CLI against the bed: NODE_EXTRA_CA_CERTS=${bed.certificates.caFile} with these values in local.settings.json, then \`npm run cli -- doctor\`.`,
      ...bed.dataverse.environments.map(
        (environment) =>
          `Dataverse ${environment.name}: ${environment.serviceRootUrl} (${environment.accountCount()} accounts)`,
      ),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the test bed...\n');
    bed
      .stop()
      .then(() => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      })
      .catch((error: unknown) => {
        process.stderr.write(`Test bed did not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Test bed failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
