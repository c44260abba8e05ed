/**
 * What the tables of one environment share: the version counter (Dataverse's rowversion is
 * database-wide) and the undo log of the open change set, which may touch several tables.
 */

/** The environment's rowversion: moves on every change of any table. */
export class VersionClock {
  private value = 0;

  get current(): number {
    return this.value;
  }

  next(): number {
    this.value += 1;
    return this.value;
  }

  /** Seeding: base rows carry versions 1..count, so the clock must be at least there. */
  raiseTo(version: number): void {
    this.value = Math.max(this.value, version);
  }
}

/** Undo steps of the open transaction (a $batch change set), newest last. */
export class UndoLog {
  private steps: (() => void)[] | undefined;

  /** Records how to undo a step; a no-op outside a transaction. */
  push(step: () => void): void {
    this.steps?.push(step);
  }

  /** Runs `work` atomically: if it throws, every change it made in any table is undone. */
  transaction<T>(work: () => T): T {
    if (this.steps !== undefined) return work();
    const steps: (() => void)[] = [];
    this.steps = steps;
    try {
      return work();
    } catch (error) {
      for (let index = steps.length - 1; index >= 0; index--) steps[index]?.();
      throw error;
    } finally {
      this.steps = undefined;
    }
  }
}

/** The shared parts a table store is built with. */
export interface StoreContext {
  readonly clock: VersionClock;
  readonly undo: UndoLog;
  /** The simulator clock (createdon / modifiedon of new changes). */
  readonly nowInMs: () => number;
}

export function newStoreContext(nowInMs: () => number): StoreContext {
  return { clock: new VersionClock(), undo: new UndoLog(), nowInMs };
}
