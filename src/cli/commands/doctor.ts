import type { DataverseTokenProvider } from '../../lib/auth';
import { describeError } from '../../lib/errors';
import { loadComposition } from '../../lib/runtime';
import { loadSettings, type Settings } from '../../lib/settings';
import { type Logger, silentLogger } from '../../lib/util';
import type { CommonOptions } from '../args';
import {
  checkCredentialExpiry,
  checkCredentialRead,
  checkCredentialVersion,
  checkManagedIdentityToken,
} from '../doctor/credentialSteps';
import { DoctorReport } from '../doctor/doctorReport';
import { checkEnvironment, skipEnvironment } from '../doctor/environmentSteps';
import { syncStateOutcome } from '../doctor/syncStateStep';
import { type CliIo, ExitCode } from '../io';
import { resolveSettingsSource } from '../settingsSource';
import { TerminalLogger } from '../terminalLogger';

/** One step never waits longer than this, whatever retries the library would do. */
const STEP_TIMEOUT_IN_MS = 60_000;

function settingsSummary(settings: Settings, origin: string): string {
  const environments = settings.environments.map((e) => `${e.name} (${e.url})`).join(', ');
  const source = settings.credentialSource;
  const credential =
    source.kind === 'keyVault'
      ? `from Key Vault ${source.vaultUrl}`
      : source.kind === 'secretValue'
        ? 'from DATAVERSE_CLIENT_SECRET'
        : 'from DATAVERSE_CLIENT_CERTIFICATE_PATH';
  const count = settings.environments.length;
  return `${count} environment${count === 1 ? '' : 's'}: ${environments}; ${settings.credentialType} ${credential}; read from ${origin}`;
}

/**
 * `doctor`: walks the path every operation takes — settings, managed identity, Key Vault, then
 * per environment Entra token and WhoAmI, and per table its definition (exists, change tracking
 * on, columns readable), a first page and its sync state, then the
 * credential version in use and its expiry (known once Entra has answered) — using the
 * runtime's own factories, and prints each failure's fix.
 */
export async function runDoctorCommand(options: CommonOptions, io: CliIo): Promise<number> {
  const report = new DoctorReport(io.stdout);
  // The report carries every failure with its fix; the library's own log lines would repeat
  // them, so they are shown only on request.
  const logger: Logger = options.verbose
    ? new TerminalLogger({ stdout: io.stderr, stderr: io.stderr, showInfo: true, progress: false })
    : silentLogger;
  const stepSignal = (): AbortSignal =>
    io.signal === undefined
      ? AbortSignal.timeout(STEP_TIMEOUT_IN_MS)
      : AbortSignal.any([AbortSignal.timeout(STEP_TIMEOUT_IN_MS), io.signal]);

  let settings: Settings | undefined;
  await report.run('settings', () => {
    const { source, origin } = resolveSettingsSource(options.settingsPath, io);
    const loaded = loadSettings(source);
    settings = loaded;
    return Promise.resolve({ status: 'PASS', detail: settingsSummary(loaded, origin) });
  });
  if (settings === undefined) {
    for (const step of ['managed identity token', 'Key Vault read', 'environments']) {
      report.skip(step, 'skipped: settings failed');
    }
    for (const step of CREDENTIAL_STEPS) report.skip(step, 'skipped: settings failed');
    return finish(report, io);
  }
  const valid = settings;
  const { createRuntimeDataverseClients, createRuntimeSyncService, createRuntimeTokenProvider } =
    await loadComposition();
  const tokenProvider = createRuntimeTokenProvider(valid, logger);
  const credentialReady = await checkCredentialChain(valid, tokenProvider, report, stepSignal);

  const clients = createRuntimeDataverseClients(valid, tokenProvider, logger);
  const sync = createRuntimeSyncService(valid, [...clients.values()]);
  try {
    for (const environment of valid.environments) {
      const client = clients.get(environment.name);
      if (!credentialReady || client === undefined) {
        skipEnvironment(report, environment, 'skipped: no credential to authenticate with');
        continue;
      }
      const { labelLanguage } = valid.sync;
      await checkEnvironment({
        environment,
        tokenProvider,
        client,
        report,
        stepSignal,
        nowInMs: Date.now,
        ...(labelLanguage === undefined ? {} : { labelLanguage }),
      });
      for (const { logicalName: table } of environment.tables) {
        await report.run(`${environment.name} / ${table} / sync state`, async () => {
          try {
            const status = await sync.lastSync({ environment: environment.name, table });
            return syncStateOutcome(status, Date.now());
          } catch (error) {
            // The checkpoint lives in the sync storage: reading it may need a role the app has
            // and the operator running doctor does not. Not a reason the app cannot work.
            return {
              status: 'WARN',
              detail: `the checkpoint could not be read: ${describeError(error)}`,
              fix: 'grant yourself Storage Blob Data Reader on the sync storage account to see it here',
            };
          }
        });
      }
    }
  } finally {
    for (const client of clients.values()) client.close();
  }
  await checkCredentialInUse(valid, tokenProvider, report, stepSignal, credentialReady);
  return finish(report, io);
}

/** The steps judged after the environments: which version Entra accepted, and its expiry. */
const CREDENTIAL_STEPS = ['credential version', 'credential expiry'] as const;

async function checkCredentialInUse(
  settings: Settings,
  tokenProvider: DataverseTokenProvider,
  report: DoctorReport,
  stepSignal: () => AbortSignal,
  credentialReady: boolean,
): Promise<void> {
  if (!credentialReady) {
    for (const step of CREDENTIAL_STEPS) report.skip(step, 'skipped: no credential was read');
    return;
  }
  if (settings.credentialSource.kind === 'keyVault') {
    await report.run('credential version', () =>
      checkCredentialVersion(tokenProvider, stepSignal()),
    );
  } else {
    report.skip('credential version', 'not applicable: local settings have no Key Vault versions');
  }
  // An expired credential is a FAIL; the environment steps above already showed Entra's answer
  // and which environments are affected.
  await report.run('credential expiry', () =>
    checkCredentialExpiry(settings, tokenProvider, stepSignal(), new Date()),
  );
}

/** Managed identity (Key Vault only) → credential read. True when a credential was read. */
async function checkCredentialChain(
  settings: Settings,
  tokenProvider: DataverseTokenProvider,
  report: DoctorReport,
  stepSignal: () => AbortSignal,
): Promise<boolean> {
  const source = settings.credentialSource;
  const readStep = source.kind === 'keyVault' ? 'Key Vault read' : 'credential read';
  if (source.kind === 'keyVault') {
    const identityOk = await report.run('managed identity token', () =>
      checkManagedIdentityToken(settings, source.vaultUrl, stepSignal()),
    );
    if (!identityOk) {
      report.skip(readStep, 'skipped: managed identity token failed');
      return false;
    }
  } else {
    report.skip(
      'managed identity token',
      'not needed: KEY_VAULT_URL is not set, the credential comes from local settings',
    );
  }
  return await report.run(readStep, () =>
    checkCredentialRead(settings, tokenProvider, stepSignal()),
  );
}

function finish(report: DoctorReport, io: CliIo): number {
  io.stdout.write(`${report.summary()}\n`);
  return report.anyFailed ? ExitCode.failed : ExitCode.ok;
}
