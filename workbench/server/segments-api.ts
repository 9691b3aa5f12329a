import { notebookId } from '../../dsl/index.js';
import { MembershipIndex, membershipFingerprint } from '../../engine/activation/index.js';
import { historyQueries } from '../../engine/history/index.js';
import { sqlIdentifier, sqlString } from '../../engine/index.js';
import { HttpError } from './http.js';
import type { Workbench } from './workbench.js';

/** How often a served index checks whether a run (here or in another process) published. */
const recheckMs = 1000;
/** Notebooks whose membership is held in memory at once. */
const maxIndexes = 8;

interface Entry {
  index?: MembershipIndex;
  loading?: Promise<MembershipIndex>;
  checking?: Promise<void>;
  checkedAt: number;
}

/**
 * The membership API's data: per notebook, a `MembershipIndex` of the latest run's members, kept
 * in memory and refreshed when the stays change (checked at most once a second, in the
 * background, so a lookup never waits on the disk) or at once when told a run published.
 */
export class SegmentsApi {
  private readonly entries = new Map<string, Entry>();
  private readonly notebookIds = new Map<string, string>();

  constructor(private readonly app: Workbench) {}

  /** The history id of the notebook at `path` (which must exist in the workspace); resolved once per path. */
  async notebookOf(path: string): Promise<string> {
    const known = this.notebookIds.get(path);
    if (known !== undefined) return known;
    const p = await this.app.notebooks.resolve(path, true);
    const id = notebookId(p.rel);
    if (this.notebookIds.size > 1000) this.notebookIds.clear();
    this.notebookIds.set(path, id);
    return id;
  }

  /** The notebook's current members, loading them when needed. */
  async index(notebook: string): Promise<MembershipIndex> {
    let entry = this.entries.get(notebook);
    if (!entry) {
      entry = { checkedAt: 0 };
      this.entries.set(notebook, entry);
      while (this.entries.size > maxIndexes) this.entries.delete(this.entries.keys().next().value!);
    }
    const e = entry;
    if (e.index) {
      this.recheckWhenDue(notebook, e);
      return e.index;
    }
    e.loading ??= this.load(notebook, e).finally(() => (e.loading = undefined));
    return e.loading;
  }

  /**
   * The notebook at `path` and its members when both are in memory already (nearly always), so
   * the busiest route answers without waiting a turn; undefined when either must be read first.
   */
  ready(path: string): { notebook: string; index: MembershipIndex } | undefined {
    const notebook = this.notebookIds.get(path);
    const e = notebook === undefined ? undefined : this.entries.get(notebook);
    if (!e?.index) return undefined;
    this.recheckWhenDue(notebook!, e);
    return { notebook: notebook!, index: e.index };
  }

  /** A run of `notebook` published: the next lookup reads its members. */
  invalidate(notebook: string): void {
    const e = this.entries.get(notebook);
    if (e) delete e.index;
  }

  private async load(notebook: string, e: Entry): Promise<MembershipIndex> {
    const index = await this.app.pool.use((db) => MembershipIndex.load(db.connection, this.app.options.lake, notebook));
    e.index = index;
    e.checkedAt = Date.now();
    return index;
  }

  private recheckWhenDue(notebook: string, e: Entry): void {
    if (Date.now() - e.checkedAt >= recheckMs && !e.checking) {
      e.checking = this.recheck(notebook, e).finally(() => (e.checking = undefined));
    }
  }

  private async recheck(notebook: string, e: Entry): Promise<void> {
    try {
      const now = await membershipFingerprint(this.app.options.lake, notebook);
      if (e.index && now !== e.index.fingerprint) await this.load(notebook, e);
    } finally {
      e.checkedAt = Date.now();
    }
  }

  /**
   * The segments `key` was a member of at the end of `day` (engine/history's `membersOn`, one
   * query over every segment's stays).
   */
  async segmentsOn(notebook: string, key: string, day: string): Promise<{ segment: string; since: string }[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) throw new HttpError(400, `\`date\` must be a date (YYYY-MM-DD), not \`${day}\``);
    const index = await this.index(notebook);
    const lake = this.app.options.lake;
    const parts = index.segmentNames.map((segment) => {
      const k = sqlIdentifier(index.keyColumn(segment)!);
      return `SELECT ${sqlString(segment)} AS segment, CAST(entered_at AS VARCHAR) AS since FROM (\n${historyQueries.membersOn({ lake, notebook, segment }, day)}\n) WHERE CAST(${k} AS VARCHAR) = $1`;
    });
    if (parts.length === 0) return [];
    const exact = /^-?\d+$/.test(key) && key.length < 40 ? BigInt(key).toString() : key;
    const rows = await this.app.pool.use(async (db) => (await db.connection.runAndReadAll(`${parts.join('\nUNION ALL\n')}\nORDER BY segment`, [exact])).getRows());
    return rows.map(([segment, since]) => ({ segment: String(segment), since: isoTime(String(since)) }));
  }
}

/** DuckDB's `2019-10-02 00:00:00` as ISO 8601 UTC. */
function isoTime(text: string): string {
  return new Date(`${text.replace(' ', 'T')}Z`).toISOString();
}

const apis = new WeakMap<Workbench, SegmentsApi>();

/** The server's one SegmentsApi. */
export function segmentsApi(app: Workbench): SegmentsApi {
  let api = apis.get(app);
  if (!api) {
    api = new SegmentsApi(app);
    apis.set(app, api);
  }
  return api;
}
