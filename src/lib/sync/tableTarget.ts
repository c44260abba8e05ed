import { mirrorTableName } from '../settings';
import { type MirrorTable, TableSink, type TableSinkOptions } from './tableSink';
import type { SinkTable, SyncTarget } from './types';

/**
 * The Azure Table target: one mirror table per Dataverse table, named prefix + logical name
 * without underscores (`dv` + `new_project` → `dvnewproject`), created on first write.
 */
export class TableTarget implements SyncTarget {
  private readonly sinks = new Map<string, TableSink>();

  constructor(
    private readonly tableClient: (name: string) => MirrorTable,
    private readonly prefix: string,
    private readonly options: TableSinkOptions = {},
  ) {}

  /** The mirror table's name for a Dataverse table. */
  tableName(logicalName: string): string {
    return mirrorTableName(this.prefix, logicalName);
  }

  sinkFor(table: SinkTable): TableSink {
    const name = this.tableName(table.logicalName);
    let sink = this.sinks.get(name);
    if (sink === undefined) {
      sink = new TableSink(this.tableClient(name), this.options);
      this.sinks.set(name, sink);
    }
    return sink;
  }
}
