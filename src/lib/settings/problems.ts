import { ConfigurationError } from '../errors';
import { isQuotable, shapeOf } from './valueShape';

/** One invalid or missing setting: which, what is wrong, and a value that would be valid. */
export interface SettingProblem {
  readonly setting: string;
  readonly problem: string;
  readonly example: string;
  /** The setting the example sets, when not `setting` itself (a renamed setting). */
  readonly exampleSetting: string;
}

/**
 * Collects every problem first, so an operator fixes all settings in one round instead of
 * redeploying once per error. Problem texts must never contain a secret value: callers pass
 * only descriptions, and the offending value only through {@link shown}.
 */
export class ProblemList {
  private readonly problems: SettingProblem[] = [];

  add(setting: string, problem: string, example: string, exampleSetting = setting): void {
    this.problems.push({ setting, problem, example, exampleSetting });
  }

  get count(): number {
    return this.problems.length;
  }

  /** Throws one ConfigurationError listing every problem, one per line. */
  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const lines = this.problems.map(
      (p) => `- ${p.setting}: ${p.problem}. Example: ${p.exampleSetting}=${p.example}`,
    );
    const noun = this.problems.length === 1 ? 'setting is' : 'settings are';
    throw new ConfigurationError(
      `${String(this.problems.length)} app ${noun} missing or invalid:\n${lines.join('\n')}`,
      {
        code: 'InvalidSettings',
        hint: 'Fix the listed app settings (Function App → Settings → Environment variables, or local.settings.json) and restart.',
      },
    );
  }
}

/**
 * The offending value for a problem text: quoted when it cannot be a secret, otherwise only its
 * shape. Any setting can receive a pasted key by mistake, and a settings error reaches the log
 * and the health endpoint, so no caller has to judge whether its setting is "non-secret".
 */
export function shown(value: string): string {
  return isQuotable(value)
    ? JSON.stringify(value)
    : `a value that is not repeated here (${shapeOf(value)})`;
}
