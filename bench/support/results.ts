import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Figure } from './figures';
import { commitInfo, machineInfo } from './machine';
import type { Profile } from './profile';
import { markdownTable } from './table';

export const RESULTS_DIRECTORY = join(__dirname, '..', 'results');

/** A scenario that could not finish: reported, never silently dropped. */
export interface ScenarioFailure {
  readonly scenario: string;
  readonly error: string;
}

/**
 * Writes bench/results/latest.json (machine-readable, one entry per figure) and latest.md
 * (the Markdown table docs/performance.md publishes).
 */
export function writeResults(input: {
  profile: Profile;
  command: string;
  startedAt: Date;
  figures: readonly Figure[];
  failures: readonly ScenarioFailure[];
}): string {
  const durationInSeconds = Math.round((Date.now() - input.startedAt.getTime()) / 1000);
  const { commit, dirty } = commitInfo();
  const machine = machineInfo();
  const document = {
    command: input.command,
    profile: input.profile.name,
    startedAt: input.startedAt.toISOString(),
    durationInSeconds,
    machine,
    commit,
    workingTreeDirty: dirty,
    results: input.figures,
    failures: input.failures,
  };
  mkdirSync(RESULTS_DIRECTORY, { recursive: true });
  const jsonPath = join(RESULTS_DIRECTORY, 'latest.json');
  writeFileSync(jsonPath, `${JSON.stringify(document, null, 2)}\n`);
  const markdown = [
    `\`${input.command}\` — ${input.startedAt.toISOString()}, ${String(durationInSeconds)} s, commit ${commit.slice(0, 12)}${dirty ? ' (+ uncommitted changes)' : ''}`,
    `${String(machine.cpus)} × ${machine.cpuModel}, ${String(machine.memoryInMb)} MB, Node ${machine.nodeVersion}, load average ${String(machine.loadAverageAtStart)} at start`,
    '',
    markdownTable(input.figures),
    ...input.failures.map((f) => `\n**${f.scenario} did not finish:** ${f.error}`),
    '',
  ].join('\n');
  writeFileSync(join(RESULTS_DIRECTORY, 'latest.md'), markdown);
  return jsonPath;
}
