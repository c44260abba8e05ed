import type { DataverseTokenProvider } from '../../lib/auth';
import type { DataverseClient } from '../../lib/dataverse';
import { readTableDefinition, type TableDefinition } from '../../lib/schema';
import type { EnvironmentSettings, TableSelection } from '../../lib/settings';
import type { DoctorReport, StepOutcome } from './doctorReport';

/** The checks of one environment, in order; each needs the previous one to have passed. */
const STEP_NAMES = ['Entra token', 'WhoAmI'] as const;
/** The checks of each table, after the environment's: each needs the previous one. */
const TABLE_STEP_NAMES = ['table definition', 'first page'] as const;

export interface EnvironmentCheckInput {
  readonly environment: EnvironmentSettings;
  readonly tokenProvider: DataverseTokenProvider;
  readonly client: DataverseClient;
  readonly report: DoctorReport;
  /** A fresh signal per step (its own timeout, plus Ctrl-C). */
  readonly stepSignal: () => AbortSignal;
  readonly nowInMs: () => number;
  /** SYNC_LABEL_LANGUAGE, when set. */
  readonly labelLanguage?: number;
}

function stepLabel(environment: EnvironmentSettings, step: string, table?: string): string {
  return table === undefined
    ? `${environment.name} / ${step}`
    : `${environment.name} / ${table} / ${step}`;
}

/** Marks every step of an environment SKIP (the credential could not be read). */
export function skipEnvironment(
  report: DoctorReport,
  environment: EnvironmentSettings,
  reason: string,
): void {
  for (const step of STEP_NAMES) report.skip(stepLabel(environment, step), reason);
  for (const { logicalName } of environment.tables) {
    for (const step of TABLE_STEP_NAMES)
      report.skip(stepLabel(environment, step, logicalName), reason);
  }
}

/**
 * Entra token → WhoAmI, then per table: its definition (exists, change tracking on, the
 * configured columns readable: exactly what the sync reads first) → a first page of the
 * columns the sync selects.
 */
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
  for (const table of environment.tables) {
    if (failedStep !== undefined) {
      for (const step of TABLE_STEP_NAMES)
        input.report.skip(
          stepLabel(environment, step, table.logicalName),
          `skipped: ${failedStep} failed`,
        );
      continue;
    }
    await checkTable(input, table);
  }
}

async function checkTable(input: EnvironmentCheckInput, selection: TableSelection): Promise<void> {
  const { environment, client, stepSignal, report } = input;
  const table = selection.logicalName;
  let definition: TableDefinition | undefined;
  const passed = await report.run(stepLabel(environment, 'table definition', table), async () => {
    definition = await readTableDefinition(client, selection, {
      setting: 'SYNC_TABLES',
      signal: stepSignal(),
      ...(input.labelLanguage === undefined ? {} : { labelLanguage: input.labelLanguage }),
    });
    const choices = definition.attributes.filter((a) => a.labels !== undefined).length;
    const lookups = definition.attributes.filter((a) => a.kind === 'lookup').length;
    return {
      status: 'PASS',
      detail: `change tracking on; ${String(definition.attributes.length)} columns (${String(choices)} choices with labels in ${String(definition.labelLanguage)}, ${String(lookups)} lookups) from ${definition.entitySet}`,
    };
  });
  const label = stepLabel(environment, 'first page', table);
  if (!passed || definition === undefined) {
    report.skip(label, 'skipped: table definition failed');
    return;
  }
  const read = definition;
  await report.run(label, async () => {
    const select = [...read.attributes.map((a) => a.wireName), 'versionnumber'].join(',');
    const pages = client.queryPages(`${read.entitySet}?$select=${select}`, {
      pageSize: 5,
      signal: stepSignal(),
    });
    for await (const page of pages) {
      const more = page.nextLink === undefined ? '' : ' (more pages follow)';
      return {
        status: 'PASS',
        detail: `${String(page.rows.length)} rows on the first page of the columns the sync reads${more}`,
      };
    }
    return { status: 'PASS', detail: 'no page returned' };
  });
}
