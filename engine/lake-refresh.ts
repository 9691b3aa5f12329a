import { basename } from 'node:path';
import type { SourceRequest } from '../dsl/index.js';
import { LakeUnreachable, type LakeAccess } from './lake-access.js';
import { UserError } from './user-error.js';

/**
 * An HDFS lake's cache kept fresh for a long-running server (`kohort serve`): before a notebook is
 * compiled against its data, the datasets of its lake sources are synced, each at most once per
 * `minIntervalMs`, and requests arriving during a sync share it. A dataset that cannot be synced
 * (HDFS down) is an error of the sources reading it, not of the whole notebook.
 */
export class LakeRefresher {
  private readonly datasets = new Map<string, { at: number; running: Promise<UserError | undefined> | undefined; error: UserError | undefined }>();
  private lastSyncAt: number | undefined;
  private lastError: { at: number; message: string } | undefined;

  constructor(
    private readonly access: LakeAccess,
    private readonly minIntervalMs = 1000,
  ) {}

  /** Syncs the lake sources' datasets; answers the sources that cannot be read, with why. */
  async refresh(sources: readonly SourceRequest[]): Promise<Map<string, UserError>> {
    const errors = new Map<string, UserError>();
    if (this.access.remote === undefined) return errors;
    await Promise.all(
      sources
        .filter((s) => s.location.kind === 'lake')
        .map(async (s) => {
          const error = await this.syncDataset(s);
          if (error) errors.set(s.name, error);
        }),
    );
    return errors;
  }

  /** When a dataset last synced, and the last error while it is newer than that. */
  status(): { lastSyncAt: string | null; error: string | null } {
    const ok = this.lastSyncAt ?? 0;
    return {
      lastSyncAt: this.lastSyncAt === undefined ? null : new Date(this.lastSyncAt).toISOString(),
      error: this.lastError && this.lastError.at >= ok ? this.lastError.message : null,
    };
  }

  private syncDataset(source: SourceRequest): Promise<UserError | undefined> {
    const name = basename(source.location.path);
    let entry = this.datasets.get(name);
    if (!entry) this.datasets.set(name, (entry = { at: 0, running: undefined, error: undefined }));
    if (entry.running) return entry.running;
    if (Date.now() - entry.at < this.minIntervalMs) return Promise.resolve(entry.error);
    const current = entry;
    current.running = (async () => {
      try {
        await this.access.sync([source]);
        this.lastSyncAt = Date.now();
        return undefined;
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        if (e instanceof LakeUnreachable) this.lastError = { at: Date.now(), message: e.message };
        else this.lastSyncAt = Date.now();
        return e;
      }
    })().then(
      (error) => {
        current.error = error;
        current.at = Date.now();
        current.running = undefined;
        return error;
      },
      (e: unknown) => {
        current.running = undefined;
        throw e;
      },
    );
    return current.running;
  }
}
