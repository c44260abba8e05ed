import type { ReadChildInput, ReadChildOutput } from './readRun';
import type { StormInput, StormOutput } from './stormRun';
import type {
  SyncChildInput,
  SyncChildOutput,
  TableWriteChildInput,
  TableWriteChildOutput,
} from './syncRun';

/** Every child script of bench/children: its name → [input, output]. */
export interface ChildTypes {
  sync: [SyncChildInput, SyncChildOutput];
  read: [ReadChildInput, ReadChildOutput];
  tableWrite: [TableWriteChildInput, TableWriteChildOutput];
  healthLoad: [StormInput, StormOutput];
}

export type ChildName = keyof ChildTypes;
