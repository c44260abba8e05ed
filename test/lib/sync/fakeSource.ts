import {
  type ChangePage,
  type ChangeRoundStart,
  type ClientStats,
  type DataverseClient,
  type DataverseRow,
  ExpiredChangeTokenError,
  type PageOptions,
  type QueryPage,
  type WhoAmIResult,
} from '../../../src/lib/dataverse';

/** Account columns the fake knows, with the kinds of values the sync must carry. */
export const ACCOUNT_COLUMNS = [
  'name',
  'accountnumber',
  'revenue',
  'numberofemployees',
  'creditonhold',
  'description',
  'address1_city',
] as const;

const ROOT = 'https://fake.crm.dynamics.com/api/data/v9.2/';

interface StoredAccount {
  readonly fields: Record<string, string | number | boolean | null>;
  readonly version: number;
}

interface Cursor {
  /** Changes after this version (0 = full round). */
  readonly since: number;
  /** Version when the round started: the deltaLink the round ends with carries it. */
  readonly roundStart: number;
  readonly phase: 'upserts' | 'deletes';
  /** Last id already delivered in this phase (Dataverse pages by primary key). */
  readonly after: string;
  readonly select: readonly string[];
}

/** Small deterministic PRNG (mulberry32) so every seed replays the same scenario. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An in-memory account table with Dataverse change tracking: a full round, then deltas
 * (changed rows first, then deletions) from the version a round STARTED at, so changes made
 * during a round are delivered again next round. Links are self-contained (they stay valid
 * across runs, as Dataverse's do); delta positions older than `expireTokens()` fail with
 * 0x80044352 and deletions before it are forgotten. It is a seam, not the system under test.
 */
export class FakeAccountSource {
  private version = 1000;
  private readonly live = new Map<string, StoredAccount>();
  private readonly tombstones = new Map<string, number>();
  private oldestValidVersion = 0;
  private expireFullRoundLinks = false;
  private nextId = 1;
  requests = 0;

  constructor(private readonly random: () => number = seededRandom(1)) {}

  /** Creates `count` accounts with generated values; returns their ids. */
  seed(count: number): string[] {
    return Array.from({ length: count }, () => this.create());
  }

  create(fields: Record<string, string | number | boolean | null> = this.randomFields()): string {
    const id = `00000000-0000-4000-8000-${(this.nextId++).toString(16).padStart(12, '0')}`;
    this.live.set(id, { fields, version: ++this.version });
    this.tombstones.delete(id);
    return id;
  }

  update(
    id: string,
    fields: Record<string, string | number | boolean | null> = this.randomFields(),
  ): void {
    const current = this.live.get(id);
    if (current === undefined) throw new Error(`no account ${id}`);
    this.live.set(id, { fields: { ...current.fields, ...fields }, version: ++this.version });
  }

  delete(id: string): void {
    if (!this.live.delete(id)) throw new Error(`no account ${id}`);
    this.tombstones.set(id, ++this.version);
  }

  ids(): string[] {
    return [...this.live.keys()];
  }

  /** Random creates, updates and deletes, e.g. between runs or during one. */
  mutate(changes: number): void {
    for (let i = 0; i < changes; i += 1) {
      const ids = this.ids();
      const roll = this.random();
      const pick = ids[Math.floor(this.random() * ids.length)];
      if (roll < 0.3 || pick === undefined) this.create();
      else if (roll < 0.75) this.update(pick);
      else this.delete(pick);
    }
  }

  /**
   * Every delta position issued so far becomes expired; deletion history is lost. With
   * `fullRoundLinks`, the nextLinks of full rounds started before now expire too (a full load
   * paused for longer than the org keeps changes).
   */
  expireTokens(options: { fullRoundLinks?: boolean } = {}): void {
    this.expireFullRoundLinks = options.fullRoundLinks ?? false;
    this.version += 1;
    this.oldestValidVersion = this.version; // rounds starting from now on are valid again
    this.tombstones.clear();
  }

  /** What a faithful mirror holds: id → selected columns, versionnumber as a string. */
  snapshot(): Map<string, Record<string, string | number | boolean | null>> {
    const rows = new Map<string, Record<string, string | number | boolean | null>>();
    for (const [id, account] of this.live) {
      rows.set(id, { ...account.fields, accountid: id, versionnumber: String(account.version) });
    }
    return rows;
  }

  /** A DataverseClient whose changePages reads this source. */
  client(environment: string): DataverseClient {
    const unsupported = (): never => {
      throw new Error('not modelled by the fake source');
    };
    const stats: ClientStats = {
      requests: 0,
      throttledResponses: 0,
      throttledWaitInMs: 0,
      retries: 0,
      lastThrottledAt: undefined,
    };
    return {
      environment: {
        name: environment,
        url: 'https://fake.crm.dynamics.com',
        tenantId: 'tenant',
        tables: [{ logicalName: 'account' }],
      },
      whoAmI: (): Promise<WhoAmIResult> => unsupported(),
      queryPages: (): AsyncIterable<QueryPage> => unsupported(),
      queryRows: (): AsyncIterable<DataverseRow> => unsupported(),
      getJson: <T>(): Promise<T> => unsupported(),
      changePages: (start, options) => this.changePages(environment, start, options),
      stats: () => ({ ...stats, requests: this.requests }),
    };
  }

  private async *changePages(
    environment: string,
    start: ChangeRoundStart,
    options: PageOptions = {},
  ): AsyncGenerator<ChangePage> {
    const pageSize = options.pageSize ?? 5000;
    let link: string | undefined = start.kind === 'link' ? start.url : undefined;
    let cursor: Cursor | undefined =
      start.kind === 'full'
        ? { since: 0, roundStart: this.version, phase: 'upserts', after: '', select: start.select }
        : undefined;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve)); // a fetch is never synchronous
      options.signal?.throwIfAborted();
      this.requests += 1;
      cursor ??= this.parseLink(link ?? '');
      const page = this.readPage(environment, cursor, pageSize);
      yield page.page;
      if (page.next === undefined) return;
      cursor = page.next;
      link = undefined;
    }
  }

  private readPage(
    environment: string,
    cursor: Cursor,
    pageSize: number,
  ): { page: ChangePage; next: Cursor | undefined } {
    const expired =
      cursor.since > 0
        ? cursor.since < this.oldestValidVersion
        : this.expireFullRoundLinks && cursor.roundStart < this.oldestValidVersion;
    if (expired) {
      throw new ExpiredChangeTokenError(
        'Version stamp associated with the client has expired. Please perform a full sync.',
        {
          step: 'change tracking',
          environment,
          status: 400,
          code: '0x80044352',
        },
      );
    }
    const upserts: DataverseRow[] = [];
    const deletes: string[] = [];
    let position = cursor;
    if (position.phase === 'upserts') {
      const changed = [...this.live.entries()]
        .filter(([id, account]) => account.version > position.since && id > position.after)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .slice(0, pageSize);
      for (const [id, account] of changed) upserts.push(this.toRow(id, account, position.select));
      const last = changed.at(-1)?.[0];
      if (changed.length === pageSize && last !== undefined) {
        return {
          page: this.withLinks(upserts, deletes, { ...position, after: last }),
          next: { ...position, after: last },
        };
      }
      position = { ...position, phase: 'deletes', after: '' };
    }
    if (position.since > 0) {
      const room = pageSize - upserts.length;
      const deleted = [...this.tombstones.entries()]
        .filter(([id, version]) => version > position.since && id > position.after)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .slice(0, room);
      deletes.push(...deleted.map(([id]) => id));
      const last = deleted.at(-1)?.[0];
      if (room > 0 && deleted.length === room && last !== undefined) {
        return {
          page: this.withLinks(upserts, deletes, { ...position, after: last }),
          next: { ...position, after: last },
        };
      }
    }
    const deltaLink = `${ROOT}accounts?$select=${cursor.select.join(',')}&$deltatoken=${String(cursor.roundStart)}%2105%2f01%2f2024`;
    return { page: { upserts, deletes, nextLink: undefined, deltaLink }, next: undefined };
  }

  private withLinks(upserts: DataverseRow[], deletes: string[], next: Cursor): ChangePage {
    const token = Buffer.from(JSON.stringify(next)).toString('base64url');
    return {
      upserts,
      deletes,
      nextLink: `${ROOT}accounts?$skiptoken=${token}`,
      deltaLink: undefined,
    };
  }

  private parseLink(link: string): Cursor {
    const url = new URL(link);
    const skip = url.searchParams.get('$skiptoken');
    if (skip !== null) return JSON.parse(Buffer.from(skip, 'base64url').toString('utf8')) as Cursor;
    const delta = url.searchParams.get('$deltatoken');
    const select = (url.searchParams.get('$select') ?? '').split(',').filter((c) => c !== '');
    if (delta === null) throw new Error(`fake source: unknown link ${link}`);
    const since = Number(delta.split('!')[0]);
    return { since, roundStart: this.version, phase: 'upserts', after: '', select };
  }

  private toRow(id: string, account: StoredAccount, select: readonly string[]): DataverseRow {
    const row: DataverseRow = { '@odata.etag': `W/"${String(account.version)}"`, accountid: id };
    for (const column of select) {
      if (column === 'versionnumber') row.versionnumber = account.version;
      else if (column !== 'accountid') row[column] = account.fields[column] ?? null;
    }
    return row;
  }

  private randomFields(): Record<string, string | number | boolean | null> {
    const r = this.random;
    return {
      name: `Account ${Math.floor(r() * 1e6).toString(36)} "quoted" & 'single' ü`,
      accountnumber: `AC-${Math.floor(r() * 1e6)}`,
      revenue: r() < 0.2 ? null : Math.round(r() * 1e8) / 100,
      numberofemployees: r() < 0.2 ? null : Math.floor(r() * 5000),
      creditonhold: r() < 0.5,
      description: r() < 0.5 ? null : `Notes ${Math.floor(r() * 1e9)}`,
      address1_city: ['Seattle', 'Zürich', 'Paris', 'Osaka'][Math.floor(r() * 4)] ?? null,
    };
  }
}
