import type { DataverseTokenProvider } from '../../lib/auth';
import type { DataverseClient } from '../../lib/dataverse';
import type { EnvironmentSettings } from '../../lib/settings';
import type { DoctorReport, StepOutcome } from './doctorReport';

const TRACK_CHANGES_FIX =
  'enable Track changes on the Account table: Power Apps → Tables → Account → Properties → Advanced options → Track changes';

/** The checks of one environment, in order; each needs the previous one to have passed. */
const STEP_NAMES = ['Entra token', 'WhoAmI', 'change tracking', 'first page of accounts'] as const;

export interface EnvironmentCheckInput {
  readonly environment: EnvironmentSettings;
  readonly tokenProvider: DataverseTokenProvider;
  readonly client: DataverseClient;
  readonly report: DoctorReport;
  /** A fresh signal per step (its own timeout, plus Ctrl-C). */
  readonly stepSignal: () => AbortSignal;
  readonly nowInMs: () => number;
}

function stepLabel(environment: EnvironmentSettings, step: string): string {
  return `${environment.name} / ${step}`;
}

/** Marks every step of an environment SKIP (the credential could not be read). */
export function skipEnvironment(
  report: DoctorReport,
  environment: EnvironmentSettings,
  reason: string,
): void {
  for (const step of STEP_NAMES) report.skip(stepLabel(environment, step), reason);
}

/** Entra token → WhoAmI → change tracking on account → first page of accounts. */
export async function checkEnvironment(input: EnvironmentCheckInput): Promise<void> {
  const { environment, tokenProvider, client, stepSignal, nowInMs } = input;
  const checks: Record<(typeof STEP_NAMES)[number], () => Promise<StepOutcome>> = {
    'Entra token': async () => {
      const token = await tokenProvider.getToken(environment, { signal: stepSignal() });
      const minutes = Math.round((token.expiresOnTimestamp - nowInMs()) / 60_000);
      return {
        status: 'PASS',
        detail: `token for ${environment.url}/.default from tenant ${environment.tenantId}, valid for ${minutes} min`,
      };
    },
    WhoAmI: async () => {
      const who = await client.whoAmI(stepSignal());
      const dop = who.dopHint === undefined ? 'no dop hint' : `dop hint ${who.dopHint}`;
      return {
        status: 'PASS',
        detail: `UserId ${who.UserId}, OrganizationId ${who.OrganizationId}, ${dop}, ${who.latencyInMs} ms`,
      };
    },
    'change tracking': async () => {
      const definition = await client.getJson<{ ChangeTrackingEnabled?: unknown }>(
        "EntityDefinitions(LogicalName='account')?$select=ChangeTrackingEnabled",
        stepSignal(),
      );
      if (definition.ChangeTrackingEnabled === true) {
        return { status: 'PASS', detail: 'Track changes is enabled on the Account table' };
      }
      if (definition.ChangeTrackingEnabled === false) {
        return {
          status: 'FAIL',
          detail: 'Track changes is off on the Account table: the sync cannot fetch deltas',
          fix: TRACK_CHANGES_FIX,
        };
      }
      return {
        status: 'FAIL',
        detail: 'the Account table definition did not say whether Track changes is enabled',
        fix: `check that the application user can read table definitions; then ${TRACK_CHANGES_FIX}`,
      };
    },
    'first page of accounts': async () => {
      const pages = client.queryPages('accounts?$select=name,accountnumber', {
        pageSize: 5,
        signal: stepSignal(),
      });
      for await (const page of pages) {
        const more = page.nextLink === undefined ? '' : ' (more pages follow)';
        return { status: 'PASS', detail: `${page.rows.length} rows on the first page${more}` };
      }
      return { status: 'PASS', detail: 'no page returned' };
    },
  };

  let failedStep: string | undefined;
  for (const step of STEP_NAMES) {
    const label = stepLabel(environment, step);
    if (failedStep !== undefined) {
      input.report.skip(label, `skipped: ${failedStep} failed`);
      continue;
    }
    if (!(await input.report.run(label, checks[step]))) failedStep = step;
  }
}
