// The body of a background rewrite: walk a point-in-time view of the keyspace and write it as
// a BASE into a temp file, without ever holding the event loop for long — what Redis's forked
// child does (rewriteAppendOnlyFile), done in-process.
//
// The walk runs in slices: each slice serialises keys (Redis 7.0's rewrite records,
// rewrite-records.ts) until SLICE_MS (2 ms) have passed or WRITE_CHUNK bytes are encoded,
// then hands the bytes to an asynchronous write. The next slice follows at once on an idle
// server, and after a BUSY_PAUSE_MS timer while commands are being served (so clients keep
// most of the loop, and its batching of requests). At most one write is in flight;
// while it runs the next chunk is encoded, and the walk waits when that chunk is full too
// (backpressure: memory stays at about two chunks whatever the disk speed). With
// aof-rewrite-incremental-fsync, an fdatasync runs every 4 MB written. At the end: the last
// write, fdatasync, close. `rdb-key-save-delay` (microseconds per key, as Redis honours in its
// child) turns the walk into one key per timer tick, so tests can act during a rewrite.

import fs from 'node:fs';
import type { KeyspaceView, SnapshotEntry } from '../keyspace/snapshot.js';
import { AofFeed } from './feed.js';
import { type AofFs, closeQuietly, fsError, unlinkQuietly } from './fs.js';
import { RecordWriter } from './rewrite-records.js';

/** REDIS_AUTOSYNC_BYTES: the incremental fsync interval of a rewrite (Redis 7.0). */
export const AUTOSYNC_BYTES = 4 * 1024 * 1024;
/** Encoded bytes handed to one write. */
export const WRITE_CHUNK = 1024 * 1024;
/** A slice yields the event loop after this long. */
const SLICE_MS = 2;
/**
 * While clients are being served, the walk pauses this long after each slice (a timer, so the
 * loop can wait for and batch requests as it does without a rewrite): the walk then takes at
 * most SLICE_MS / (SLICE_MS + BUSY_PAUSE_MS) of a busy loop. An idle server (no command since
 * the last slice) gets the next slice at once.
 */
const BUSY_PAUSE_MS = 10;
/** Keys serialised between two clock reads (a key may be a large collection). */
const KEYS_PER_CHECK = 8;

export interface RewriteBodyOptions {
  /** Unix seconds for the `#TS:` line at the top (aof-timestamp-enabled), or null. */
  readonly timestamp: number | null;
  readonly incrementalFsync: boolean;
  /** Reads rdb-key-save-delay (µs per key; 0 for none) at each key, so a test can change it. */
  readonly keyDelayUs: () => number;
  /** A counter that moves while clients are served (commands processed). */
  readonly activity: () => number;
}

/** Written, fsynced and closed: the temp file holds the whole view. */
export type RewriteBodyResult = { readonly ok: true; readonly size: number } | { readonly ok: false; readonly error: NodeJS.ErrnoException };

export class RewriteBody {
  private readonly enc = new AofFeed();
  private readonly records = new RecordWriter();
  private fd = -1;
  private writing = false;
  private walkDone = false;
  private cancelled = false;
  private finished = false;
  private size = 0;
  private sinceSync = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  /** Set by begin(): the point-in-time view being written. */
  private view: KeyspaceView | null = null;
  /** Set when the walk waits for a write to finish. */
  private waitingForWrite = false;
  /** The server's command count at the end of the previous slice. */
  private lastActivity = -1;

  constructor(
    private readonly afs: AofFs,
    private readonly tmpPath: string,
    private readonly opts: RewriteBodyOptions,
    private readonly done: (result: RewriteBodyResult) => void,
  ) {}

  get keysProcessed(): number {
    return this.view?.visited ?? 0;
  }

  get keysTotal(): number {
    return this.view?.totalKeys ?? 0;
  }

  /** Creates the temp file. Throws if it cannot be created. */
  open(): void {
    this.fd = this.afs.open(this.tmpPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o644);
  }

  /** Starts writing `view` (taken just now) into the temp file. */
  begin(view: KeyspaceView): void {
    this.view = view;
    this.schedule(0);
    // Redis's forced annotation at the very top of a RESP BASE.
    if (this.opts.timestamp !== null) this.writeChunk(Buffer.from(`#TS:${this.opts.timestamp}\r\n`, 'latin1'), 0);
  }

  /**
   * Stops the walk, releases the view, closes and removes the temp file (after a write or
   * fsync in flight completes). `done` is not called.
   */
  cancel(): void {
    if (this.finished) return;
    this.cancelled = true;
    this.finished = true;
    this.clearTimer();
    this.view?.release();
    this.unlinkTemp();
    if (!this.writing) this.closeFd();
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    if (delayMs > 0) this.timer = setTimeout(() => this.slice(), delayMs);
    else this.timer = setImmediate(() => this.slice());
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = null;
  }

  private readonly visit = (db: number, entry: SnapshotEntry): void => {
    this.records.writeKey(entry.key, entry, (argv) => this.enc.feedOp(db, argv, 0));
  };

  /** One slice of the walk. */
  private slice(): void {
    this.timer = null;
    if (this.cancelled) return;
    const view = this.view!;
    const delayUs = this.opts.keyDelayUs();
    if (delayUs > 0) {
      // One key per tick, as a child that sleeps after each key.
      if (view.step(1, this.visit)) {
        this.pump();
        if (!this.waitingForWrite) this.schedule(Math.max(1, Math.round(delayUs / 1000)));
        return;
      }
    } else {
      const deadline = performance.now() + SLICE_MS;
      let more = true;
      while (more && this.enc.pending < WRITE_CHUNK) {
        more = view.step(KEYS_PER_CHECK, this.visit);
        if (performance.now() >= deadline) break;
      }
      if (more) {
        this.pump();
        if (!this.waitingForWrite) this.schedule(this.busy() ? BUSY_PAUSE_MS : 0);
        return;
      }
    }
    this.walkDone = true;
    view.release();
    this.pump();
  }

  /** Were commands processed since the previous slice? */
  private busy(): boolean {
    const now = this.opts.activity();
    const busy = this.lastActivity >= 0 && now !== this.lastActivity;
    this.lastActivity = now;
    return busy;
  }

  /** Starts a write when none is running and a chunk is ready (or the walk ended). */
  private pump(): void {
    if (this.cancelled || this.writing) {
      // The walk must wait if a full chunk is encoded and the disk is still busy.
      this.waitingForWrite = this.writing && this.enc.pending >= WRITE_CHUNK;
      return;
    }
    this.waitingForWrite = false;
    if (this.enc.pending >= WRITE_CHUNK || (this.walkDone && this.enc.pending > 0)) {
      this.writeChunk(this.enc.take(), 0);
    } else if (this.walkDone) {
      this.finish();
    }
  }

  private writeChunk(buf: Buffer, off: number): void {
    this.writing = true;
    this.afs.writeAsync(this.fd, buf, off, buf.length - off, (err, n) => {
      if (this.cancelled) {
        this.writing = false;
        this.closeFd();
        return;
      }
      if (err === null && n <= 0) err = fsError('ENOSPC', 'write');
      if (err !== null) {
        this.writing = false;
        this.fail(err);
        return;
      }
      this.size += n;
      this.sinceSync += n;
      if (off + n < buf.length) {
        this.writeChunk(buf, off + n);
        return;
      }
      if (this.opts.incrementalFsync && this.sinceSync >= AUTOSYNC_BYTES) {
        this.sinceSync = 0;
        this.afs.fdatasyncAsync(this.fd, (syncErr) => this.afterWrite(syncErr));
        return;
      }
      this.afterWrite(null);
    });
  }

  /**
   * The end of an operation on the temp file: false if the body stopped there (cancelled: the
   * fd is closed now that nothing runs on it; failed: reported).
   */
  private settled(err: NodeJS.ErrnoException | null): boolean {
    this.writing = false;
    if (this.cancelled) {
      this.closeFd();
      return false;
    }
    if (err !== null) {
      this.fail(err);
      return false;
    }
    return true;
  }

  private afterWrite(err: NodeJS.ErrnoException | null): void {
    if (!this.settled(err)) return;
    const resume = this.waitingForWrite;
    this.pump();
    if (resume && !this.waitingForWrite && !this.walkDone && this.timer === null) this.schedule(this.busy() ? BUSY_PAUSE_MS : 0);
  }

  /** Everything written: fdatasync, close, report. */
  private finish(): void {
    this.writing = true;
    this.afs.fdatasyncAsync(this.fd, (err) => {
      if (!this.settled(err)) return;
      this.closeFd();
      this.finished = true;
      this.done({ ok: true, size: this.size });
    });
  }

  private fail(error: NodeJS.ErrnoException): void {
    this.finished = true;
    this.cancelled = true;
    this.clearTimer();
    this.view?.release();
    this.closeFd();
    this.unlinkTemp();
    this.done({ ok: false, error });
  }

  private closeFd(): void {
    if (this.fd < 0) return;
    closeQuietly(this.afs, this.fd);
    this.fd = -1;
  }

  private unlinkTemp(): void {
    unlinkQuietly(this.afs, this.tmpPath);
  }
}
