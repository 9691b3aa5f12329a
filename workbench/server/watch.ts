import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { hashOfVersion, readVersioned } from './notebooks.js';

/** What a watcher reports about a notebook file. */
export type FileEvent = { kind: 'changed'; version: string } | { kind: 'deleted' };

interface Subscriber {
  /** Content hash the subscriber last knew ('' = no file). */
  known: string;
  listener: (event: FileEvent) => void;
}

interface Watch {
  subscribers: Set<Subscriber>;
  folderWatcher?: FSWatcher;
  poll: NodeJS.Timeout;
  debounce?: NodeJS.Timeout;
  /** size and mtime at the last look, to skip reading an unchanged file. */
  seen: string;
  checking: Promise<void> | undefined;
  again: boolean;
}

/**
 * Reports edits made on disk to open notebooks. It watches the file's folder (editors and kohort
 * itself replace files by rename, which a watch on the file would lose) and polls every
 * `pollMillis` as a backstop for file systems without notifications. The server's own writes,
 * as `isOwnWrite` tells, are not reported.
 */
export class FileWatcher {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly own: { isOwnWrite(abs: string, hash: string): boolean; forgetOwnWrites(abs: string): void },
    private readonly pollMillis = 1000,
  ) {}

  /** Watches `abs` for `listener`, who knows its content as `knownHash`. Returns the unsubscribe. */
  subscribe(abs: string, knownHash: string, listener: (event: FileEvent) => void): () => void {
    let w = this.watches.get(abs);
    if (!w) {
      const entry: Watch = {
        subscribers: new Set(),
        poll: setInterval(() => this.check(abs), this.pollMillis).unref(),
        seen: '',
        checking: undefined,
        again: false,
      };
      try {
        entry.folderWatcher = watch(dirname(abs), { persistent: false }, (_event, name) => {
          if (name !== null && name !== basename(abs)) return;
          clearTimeout(entry.debounce);
          entry.debounce = setTimeout(() => this.check(abs), 30).unref();
        });
        entry.folderWatcher.on('error', () => entry.folderWatcher?.close());
      } catch {
        // No notifications here: the poll alone will do.
      }
      this.watches.set(abs, entry);
      w = entry;
    }
    const subscriber: Subscriber = { known: knownHash, listener };
    w.subscribers.add(subscriber);
    // The file may have changed between the client's read and its subscription.
    void this.check(abs, true);
    return () => {
      const entry = this.watches.get(abs);
      if (!entry) return;
      entry.subscribers.delete(subscriber);
      if (entry.subscribers.size === 0) this.stop(abs, entry);
    };
  }

  close(): void {
    for (const [abs, entry] of this.watches) this.stop(abs, entry);
  }

  private stop(abs: string, entry: Watch): void {
    clearInterval(entry.poll);
    clearTimeout(entry.debounce);
    entry.folderWatcher?.close();
    this.watches.delete(abs);
  }

  /** Looks at the file once; concurrent calls fold into one look plus one more. */
  private check(abs: string, force = false): Promise<void> {
    const entry = this.watches.get(abs);
    if (!entry) return Promise.resolve();
    if (entry.checking) {
      entry.again = true;
      return entry.checking;
    }
    entry.checking = this.look(abs, entry, force).finally(() => {
      entry.checking = undefined;
      if (entry.again) {
        entry.again = false;
        void this.check(abs, true);
      }
    });
    return entry.checking;
  }

  private async look(abs: string, entry: Watch, force: boolean): Promise<void> {
    let event: FileEvent;
    let hash: string;
    const info = await stat(abs).catch(() => undefined);
    if (!info) {
      if (entry.seen === 'gone' && !force) return;
      entry.seen = 'gone';
      event = { kind: 'deleted' };
      hash = '';
    } else {
      const seen = `${info.size}:${info.mtimeMs}:${info.ino}`;
      if (seen === entry.seen && !force) return;
      entry.seen = seen;
      const file = await readVersioned(abs).catch(() => undefined);
      if (!file) return;
      event = { kind: 'changed', version: file.version };
      hash = hashOfVersion(file.version);
    }
    const own = this.own.isOwnWrite(abs, hash);
    if (!own && [...entry.subscribers].some((s) => s.known !== hash)) this.own.forgetOwnWrites(abs);
    for (const s of entry.subscribers) {
      if (s.known === hash) continue;
      s.known = hash;
      if (!own) s.listener(event);
    }
  }
}
