// The AOF writer: Redis's flushAppendOnlyFile and its fsync policies, on top of the feed.
//
// Once per event-loop turn (the server's before-sleep step, before any reply leaves) the
// feed's pending bytes are written to the open INCR file with one write. Then, by policy:
//   always    fdatasync on libuv's thread pool — a *group commit*: commands keep executing
//             while it runs, and every reply (reads included) is held until the file is
//             durable up to the feed offset that was current when its command ran; a write
//             or fsync error exits, as in Redis (the reply cannot be taken back);
//   everysec  a background fdatasync at most once per second; when one is still running a
//             write is postponed for up to 2 s, then done anyway (aof_delayed_fsync);
//   no        write only.
// A failed or short write (everysec/no) is undone with ftruncate, keeps the unwritten bytes
// in the feed, refuses writes and PING with -MISCONF, and is retried on every turn and once
// per second from cron until it succeeds ("AOF write error looks solved ...").
//
// Offsets: the feed counts every byte ever appended (`appended`); `written` is the part
// handed to write(2) successfully, `durable` the part a completed fdatasync covered. They
// are continuous across INCR files, so a file switch does not disturb the reply fences.

import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import type { AofFeed } from './feed.js';
import { type AofFs, closeQuietly, strerror } from './fs.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** AOF_WRITE_LOG_ERROR_RATE: write errors are logged at most once per 30 s. */
const WRITE_ERROR_LOG_INTERVAL_MS = 30_000;
/** Concurrent fdatasyncs under `always`: 2 measured best (1: batches wait for two fsyncs; 3+: more, smaller fsyncs). */
const ALWAYS_MAX_FSYNCS = 2;
/** A write waits at most this long for a running background fsync (everysec). */
const POSTPONE_LIMIT_MS = 2000;

interface HeldReply {
  readonly client: Client;
  readonly out: Buffer | null;
  readonly close: boolean;
  /** Released once `durable` reaches this feed offset. */
  readonly fence: number;
}

export class AofWriter {
  /** The INCR file being appended to, or -1. */
  private fd = -1;
  /** aof_last_incr_size: bytes in the current INCR file. */
  incrSize = 0;
  /** aof_last_incr_fsync_offset: bytes of the current INCR covered by a completed fsync. */
  private incrFsyncOffset = 0;
  /** Feed offset covered by a completed fsync. */
  private durable = 0;
  /** fdatasyncs running on the thread pool (at most one except under `always`). */
  private fsyncsInFlight = 0;
  /** Feed offset the most recently started fdatasync will cover. */
  private fsyncTarget = 0;
  /** Unix seconds of the last background fsync started (aof_last_fsync). */
  private lastFsyncSec = 0;
  /** ms timestamp of the first postponed write, 0 when none (aof_flush_postponed_start). */
  private postponedStart = 0;
  /** aof_delayed_fsync. */
  delayedFsync = 0;
  /** aof_last_write_status / errno. */
  private writeOk = true;
  private writeErr: unknown = null;
  /** aof_bio_fsync_status / errno: a background fsync failed (everysec). */
  private fsyncOk = true;
  private fsyncErr: unknown = null;
  private lastWriteErrorLog = -Infinity;
  private readonly held: HeldReply[] = [];
  /**
   * no-appendfsync-on-rewrite during a rewrite: everysec skips its fsyncs (as Redis while a
   * child exists). `always` keeps fsyncing: its replies wait for durability, so skipping would
   * either stall them for the whole rewrite or release them undurable.
   */
  suppressFsync: () => boolean = () => false;
  /** fdatasyncs running per fd: a file is closed only once none runs on it. */
  private readonly inflightByFd = new Map<number, number>();
  /** Former INCR fds waiting for their last fsync and close. */
  private readonly retiring = new Set<number>();
  private heldHead = 0;

  constructor(
    private readonly server: Server,
    private readonly feed: AofFeed,
    private readonly afs: AofFs,
  ) {}

  get policy(): FsyncPolicy {
    return this.server.config.str('appendfsync') as FsyncPolicy;
  }

  /** An INCR (or the temp INCR) is open for appending. */
  get attached(): boolean {
    return this.fd >= 0;
  }

  /** Feed offset handed to write(2) successfully. */
  private get written(): number {
    return this.feed.appended - this.feed.pending;
  }

  /** aof_last_write_status as INFO reports it (a failed background fsync counts). */
  get lastWriteStatus(): 'ok' | 'err' {
    return this.writeOk && this.fsyncOk ? 'ok' : 'err';
  }

  /** aof_pending_bio_fsync. */
  get pendingBioFsync(): number {
    return this.fsyncsInFlight;
  }

  /** The -MISCONF reason while writes must be refused, else null. */
  deniedReason(): string | null {
    if (this.writeOk && this.fsyncOk) return null;
    return `MISCONF Errors writing to the AOF file: ${strerror(this.writeOk ? this.fsyncErr : this.writeErr)}`;
  }

  /** Starts appending to `fd`, an INCR file of `size` bytes (all of it considered durable). */
  attach(fd: number, size: number): void {
    this.fd = fd;
    this.incrSize = size;
    this.incrFsyncOffset = size;
  }

  /**
   * Stops appending: the caller has flushed. fsyncs synchronously (Redis's stopAppendOnly
   * logs a failure and goes on) and releases every held reply — unless that fsync failed
   * while replies wait for it: those were never durable, so the server stops instead.
   */
  detach(): void {
    if (this.fd < 0) return;
    const err = this.fsyncNow();
    if (err !== null && this.heldCount > 0) {
      this.fsyncFailedUnderAlways(err);
      return;
    }
    // Closing cannot lose data here: the fsync above has run.
    closeQuietly(this.afs, this.fd);
    this.fd = -1;
    this.incrSize = 0;
    this.incrFsyncOffset = 0;
    this.postponedStart = 0;
    // AOF off: nothing more to wait for.
    this.durable = this.feed.appended;
    this.releaseHeld();
  }

  /**
   * Appends to `fd` from now on (a new INCR at the start of a rewrite, the rewritten classic
   * file at its end). The caller has flushed
   * and nothing is pending. The old file is fsynced and closed off the loop (Redis's
   * bioCreateCloseJob(fd, need_fsync)), except that while replies wait for durability (under
   * `always`) its unsynced tail is fsynced here, so that `durable` — which a later fsync of
   * the new file advances — never claims bytes of the old file that are not on disk. Returns
   * false if that fsync failed (the server is stopping).
   */
  switchFile(fd: number, size = 0): boolean {
    const old = this.fd;
    if (old >= 0 && this.incrFsyncOffset < this.incrSize && (this.policy === 'always' || this.heldCount > 0)) {
      const err = this.fsyncNow();
      if (err !== null) {
        this.fsyncFailedUnderAlways(err);
        return false;
      }
    }
    this.fd = fd;
    // A new file's `size` bytes (the classic rewrite's fsynced file) are durable already.
    this.incrSize = size;
    this.incrFsyncOffset = size;
    this.postponedStart = 0;
    if (old >= 0) this.retire(old);
    return true;
  }

  /** fsync then close an INCR no longer appended to, once no fsync of it is running. */
  private retire(fd: number): void {
    this.retiring.add(fd);
    if ((this.inflightByFd.get(fd) ?? 0) === 0) this.startRetireFsync(fd);
  }

  private startRetireFsync(fd: number): void {
    this.inflightByFd.set(fd, 1);
    this.afs.fdatasyncAsync(fd, (err) => {
      this.inflightByFd.delete(fd);
      this.retiring.delete(fd);
      if (err && err.code !== 'EBADF' && err.code !== 'EINVAL') this.server.logger.warning(`Fail to fsync the AOF file: ${strerror(err)}`);
      closeQuietly(this.afs, fd);
    });
  }

  /** Forgets an earlier write error (CONFIG SET appendonly yes: "AOF reopen ..."). */
  clearErrors(): void {
    if (!this.writeOk) this.server.logger.warning('AOF reopen, just ignore the last error.');
    if (!this.fsyncOk) this.server.logger.warning('AOF reopen, just ignore the AOF fsync error in bio job');
    this.writeOk = this.fsyncOk = true;
    this.writeErr = this.fsyncErr = null;
  }

  /**
   * A synchronous fsync (shutdown, appendonly no): afterwards everything written is durable.
   * Returns the error (logged as Redis does) or null.
   */
  fsyncNow(): unknown {
    if (this.fd < 0) return null;
    try {
      this.afs.fsync(this.fd);
    } catch (err) {
      this.server.logger.warning(`Fail to fsync the AOF file: ${strerror(err)}`);
      return err;
    }
    this.incrFsyncOffset = this.incrSize;
    this.durable = this.written;
    this.releaseHeld();
    return null;
  }

  /**
   * flushAppendOnlyFile: writes the feed's pending bytes, then fsyncs by policy. `force`
   * writes even while a background fsync runs (shutdown, appendonly no).
   */
  flush(force: boolean): void {
    if (this.fd < 0) return;
    const policy = this.policy;
    const now = Date.now();
    if (this.feed.pending === 0) {
      // Nothing new, but bytes written earlier may still need their fsync (writes stopped
      // within the second, the policy became always, or replies wait for one).
      if (this.fsyncInFlight) return;
      if (policy === 'always' && (this.incrFsyncOffset !== this.incrSize || this.durable < this.written)) this.startFsync();
      else if (policy === 'everysec' && this.incrFsyncOffset !== this.incrSize && Math.floor(now / 1000) > this.lastFsyncSec && !this.suppressFsync()) this.startBackgroundFsync(now);
      else if (this.heldCount > 0) this.startFsync();
      return;
    }
    if (policy === 'everysec' && !force && this.fsyncInFlight) {
      if (this.postponedStart === 0) {
        this.postponedStart = now;
        return;
      }
      if (now - this.postponedStart < POSTPONE_LIMIT_MS) return;
      // Two seconds waiting for the disk: write anyway, as Redis does.
      this.delayedFsync++;
      this.server.logger.notice(
        'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.',
      );
    }
    this.postponedStart = 0;
    if (!this.write(now, policy)) return;
    if (policy === 'always') {
      this.startFsync();
    } else if (policy === 'everysec') {
      if (!this.fsyncInFlight && Math.floor(now / 1000) > this.lastFsyncSec && !this.suppressFsync()) this.startBackgroundFsync(now);
    } else if (this.heldCount > 0 && !this.fsyncInFlight) {
      this.startFsync();
    }
  }

  /** One write of everything pending; false (after Redis's error handling) if it failed. */
  private write(now: number, policy: FsyncPolicy): boolean {
    const buf = this.feed.peek();
    const expected = buf.length;
    let nwritten = 0;
    let error: unknown = null;
    // aofWrite(): retry short writes and EINTR until everything is written or an error.
    while (nwritten < expected) {
      let n: number;
      try {
        n = this.afs.write(this.fd, buf, nwritten, expected - nwritten);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EINTR') continue;
        error = err;
        break;
      }
      if (n <= 0) break;
      nwritten += n;
    }
    if (nwritten === expected) {
      this.feed.consume(nwritten);
      this.incrSize += nwritten;
      if (!this.writeOk) {
        this.server.logger.warning('AOF write error looks solved, Redis can write again.');
        this.writeOk = true;
        this.writeErr = null;
      }
      return true;
    }

    const log = this.server.logger;
    const canLog = now - this.lastWriteErrorLog > WRITE_ERROR_LOG_INTERVAL_MS;
    if (canLog) this.lastWriteErrorLog = now;
    if (nwritten === 0) {
      if (canLog) log.warning(`Error writing to the AOF file: ${strerror(error)}`);
      this.writeErr = error;
    } else {
      if (canLog) log.warning(`Short write while writing to the AOF file: (nwritten=${nwritten}, expected=${expected})`);
      try {
        this.afs.ftruncate(this.fd, this.incrSize);
        // Nothing of this write is left in the file.
        nwritten = 0;
      } catch (err) {
        if (canLog) {
          log.warning(
            `Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: ${strerror(err)}`,
          );
        }
      }
      this.writeErr = enospc();
    }
    if (policy === 'always') {
      // The replies of this turn's commands exist already: the server cannot go on.
      this.server.crash(["Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..."]);
      return false;
    }
    this.writeOk = false;
    if (nwritten > 0) {
      // Written and impossible to undo: it stays in the file, and leaves the buffer.
      this.feed.consume(nwritten);
      this.incrSize += nwritten;
    }
    return false;
  }

  private startBackgroundFsync(now: number): void {
    this.lastFsyncSec = Math.floor(now / 1000);
    this.startFsync();
  }

  private get fsyncInFlight(): boolean {
    return this.fsyncsInFlight > 0;
  }

  /**
   * fdatasync off the event loop; on completion advances `durable` and releases replies.
   * Under `always` a new one starts as soon as bytes were written that no running fsync
   * covers (up to ALWAYS_MAX_FSYNCS at once): fdatasync makes everything written before it
   * durable, so a later one may complete first and cover more; waiting for the running one
   * would make the commands that just arrived wait for two.
   */
  private startFsync(): void {
    if (this.fd < 0) return;
    const target = this.written;
    if (this.fsyncsInFlight > 0) {
      const max = this.policy === 'always' ? ALWAYS_MAX_FSYNCS : 1;
      if (this.fsyncsInFlight >= max || target <= this.fsyncTarget) return;
    }
    this.fsyncsInFlight++;
    this.fsyncTarget = target;
    const fd = this.fd;
    const fileTarget = this.incrSize;
    this.inflightByFd.set(fd, (this.inflightByFd.get(fd) ?? 0) + 1);
    this.afs.fdatasyncAsync(fd, (err) => {
      this.fsyncsInFlight--;
      const left = (this.inflightByFd.get(fd) ?? 1) - 1;
      if (left > 0) this.inflightByFd.set(fd, left);
      else this.inflightByFd.delete(fd);
      if (left === 0 && this.retiring.has(fd)) this.startRetireFsync(fd);
      const code = err?.code;
      if (err && code !== 'EBADF' && code !== 'EINVAL') {
        if (this.policy === 'always' || this.heldCount > 0) {
          this.fsyncFailedUnderAlways(err);
          return;
        }
        if (this.fsyncOk) this.server.logger.warning(`Fail to fsync the AOF file: ${strerror(err)}`);
        this.fsyncOk = false;
        this.fsyncErr = err;
        return;
      }
      this.fsyncOk = true;
      this.fsyncErr = null;
      if (fd === this.fd && fileTarget > this.incrFsyncOffset) this.incrFsyncOffset = fileTarget;
      if (target > this.durable) this.durable = target;
      this.releaseHeld();
      // Group commit: whatever was written while this fsync ran goes in the next one.
      if (this.fd >= 0 && (this.heldCount > 0 || (this.policy === 'always' && this.durable < this.written))) this.startFsync();
    });
  }

  /** Redis exits here: replies already exist for writes that may not be on disk. */
  private fsyncFailedUnderAlways(err: unknown): void {
    this.server.crash([`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${strerror(err)}. Exiting...`]);
  }

  // ---- reply fences (appendfsync always) -------------------------------------------------

  private get heldCount(): number {
    return this.held.length - this.heldHead;
  }

  /**
   * Called by the before-sleep step for each client's released reply, after this turn's
   * write. Under `always`, a reply must wait until the fsync covering every write made so far
   * completes; returns true if it was taken to be sent later. Replies are released in the
   * order they were held, so one client's replies never overtake each other.
   */
  holdReply(client: Client, out: Buffer | null, close: boolean): boolean {
    if (this.heldCount === 0 && (this.fd < 0 || this.policy !== 'always' || this.durable >= this.written)) return false;
    this.held.push({ client, out, close, fence: this.written });
    return true;
  }

  private releaseHeld(): void {
    const held = this.held;
    let i = this.heldHead;
    while (i < held.length && held[i]!.fence <= this.durable) {
      const h = held[i]!;
      this.server.sendReply(h.client, h.out, h.close);
      i++;
    }
    if (i === held.length) {
      held.length = 0;
      this.heldHead = 0;
    } else if (i > 1024 && i * 2 > held.length) {
      held.splice(0, i);
      this.heldHead = 0;
    } else {
      this.heldHead = i;
    }
  }
}

function enospc(): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error('ENOSPC');
  err.code = 'ENOSPC';
  return err;
}
