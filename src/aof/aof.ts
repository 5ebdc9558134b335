// The AOF of one server: Redis 7.0's multi-part layout, its start-up sequence, runtime
// switching and the hooks the server calls (before sleep, cron, MISCONF gate, reply fences,
// shutdown, INFO). The mechanisms live beside it: feed.ts (records), writer.ts (write and
// fsync), loader.ts (replay), manifest.ts (the file list), base.ts (a BASE from the dataset).
//
// Start-up, as Redis 7.0's main(): read the manifest (always: a bad one is fatal even with
// appendonly no), then with appendonly yes: upgrade a legacy appendonly.aof, load BASE and
// INCRs, create the directory, write a BASE when there is none, open the last INCR (or a new
// one), persist the manifest, remove history files.

import fs from 'node:fs';
import type { PropagatedOp } from '../commands/propagation.js';
import type { Client } from '../server/client.js';
import { AOF_OFF, type PersistenceInfo } from '../server/info-persistence.js';
import type { Server } from '../server/server.js';
import type { PersistenceModule, RewriteReply } from '../server/persistence.js';
import { writeBaseFile } from './base.js';
import { AofRewriter, type RewriteTarget } from './bgrewrite.js';
import { MultiPartTarget } from './multipart.js';
import { ClassicTarget, checkClassicStart, classicLayout, classicManifest, openClassicOnStart } from './classic.js';
import { AofFeed } from './feed.js';
import { type AofFs, fsError, nodeAofFs, strerror, unlinkQuietly } from './fs.js';
import { AofFatalError, asFatal, type LoadingProgress, type LoadOutcome, loadAppendOnlyFiles, runLoadAsync, runLoadSync } from './loader.js';
import {
  type AofLayout,
  AofManifest,
  aofDirPath,
  aofFilePath,
  loadManifestFromDisk,
  persistManifest,
  upgradeLegacyAofIfNeeded,
} from './manifest.js';
import { AofWriter } from './writer.js';

/**
 * aof_state: off; on (appending to the last INCR of the manifest); wait-rewrite (being
 * enabled: appending to the temp INCR until the first rewrite completes).
 */
export type AofState = 'off' | 'on' | 'wait-rewrite';

export class Aof implements PersistenceModule {
  readonly feed = new AofFeed();
  readonly writer: AofWriter;
  readonly rewriter: AofRewriter;
  /** The layout's side of a rewrite: multi-part (Redis 7.0) or the classic single file. */
  readonly target: RewriteTarget;
  /** aof-multi-part no: one <dir>/<appendfilename>, as Redis 3.2-6.2 (classic.ts). */
  readonly classic: boolean;
  manifest = new AofManifest();
  state: AofState = 'off';
  private loading: LoadingProgress | null = null;
  /** aof_rewrite_base_size. */
  baseSize = 0;
  /** Bytes of the BASE and the INCRs before the one being appended to. */
  closedFilesSize = 0;
  private preambleNoticeLogged = false;
  /** While a classic rewrite runs: receives the bytes of every unit fed (the diff buffer). */
  feedTap: ((bytes: Buffer) => void) | null = null;
  private readonly listener = (ops: readonly PropagatedOp[]): void => {
    const feed = this.feed;
    feed.timestamps = this.timestamps;
    const tap = this.feedTap;
    if (tap === null) {
      feed.feed(ops, this.server.keyspace.time);
      return;
    }
    const before = feed.pending;
    feed.feed(ops, this.server.keyspace.time);
    tap(feed.peek().subarray(before));
  };
  /** aof-timestamp-enabled, kept current by applyConfig (read per unit otherwise). */
  private timestamps: boolean;

  constructor(
    readonly server: Server,
    readonly afs: AofFs = nodeAofFs,
  ) {
    this.writer = new AofWriter(server, this.feed, afs);
    this.rewriter = new AofRewriter(server, this);
    this.classic = !server.config.bool('aof-multi-part');
    this.target = this.classic ? new ClassicTarget(this) : new MultiPartTarget(this);
    this.writer.suppressFsync = () => this.rewriter.inProgress && server.config.bool('no-appendfsync-on-rewrite');
    this.timestamps = server.config.bool('aof-timestamp-enabled');
  }

  /** Appending to a file (on, or being enabled). */
  get on(): boolean {
    return this.state !== 'off';
  }

  get layout(): AofLayout {
    const config = this.server.config;
    return { dir: config.str('dir'), appenddirname: config.str('appenddirname'), appendfilename: config.str('appendfilename') };
  }

  // ---- start-up ----------------------------------------------------------------------------

  /**
   * loadDataFromDisk for the AOF. Throws AofFatalError (log its lines, exit 1) on anything
   * Redis exits on; the server listens meanwhile and answers -LOADING.
   */
  async loadAtStartup(): Promise<void> {
    if (this.classic) checkClassicStart(this.afs, this.layout, this.server.config.bool('appendonly'));
    else this.readManifest();
    if (!this.server.config.bool('appendonly')) {
      this.deleteHistory();
      return;
    }
    const start = performance.now();
    const outcome = await runLoadAsync(this.loadGenerator());
    this.loaded(outcome, start);
    this.openOnServerStart(outcome);
    this.deleteHistory();
  }

  /** aofLoadManifestFromDisk: a missing directory or manifest is no error. */
  private readManifest(): void {
    try {
      const loaded = loadManifestFromDisk(this.afs, this.layout);
      if (loaded.debug !== null) this.server.logger.debug(loaded.debug);
      this.manifest = loaded.manifest;
    } catch (err) {
      throw asFatal(err);
    }
  }

  private loadGenerator(): Generator<number, LoadOutcome> {
    if (this.classic) {
      const layout = this.layout;
      return loadAppendOnlyFiles(this.server, this.afs, classicLayout(layout), classicManifest(this.afs, layout), (p) => (this.loading = p), false);
    }
    try {
      const upgraded = upgradeLegacyAofIfNeeded(this.afs, this.layout, this.manifest);
      if (upgraded !== null) this.server.logger.notice(upgraded);
    } catch (err) {
      throw asFatal(err);
    }
    return loadAppendOnlyFiles(this.server, this.afs, this.layout, this.manifest, (p) => (this.loading = p));
  }

  private loaded(outcome: LoadOutcome, start: number): void {
    if (outcome.status !== 'not-exist') {
      this.server.logger.notice(`DB loaded from append only file: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
    }
    this.baseSize = outcome.baseSize;
  }

  /** aofOpenIfNeededOnServerStart. */
  private openOnServerStart(outcome: LoadOutcome): void {
    if (this.classic) {
      const { fd, size } = openClassicOnStart(this.afs, this.layout);
      this.closedFilesSize = 0;
      this.baseSize = size;
      this.startAppending(fd, size);
      return;
    }
    const layout = this.layout;
    const log = this.server.logger;
    this.createDir(true);
    if (this.manifest.isEmpty) {
      const name = this.manifest.newBase(layout.appendfilename, false);
      this.writeBase(name);
      log.notice(`Creating AOF base file ${name} on server start`);
    }
    const created = this.manifest.incrs.length === 0;
    const { name } = this.manifest.lastIncrOrNew(layout.appendfilename);
    const fd = this.openIncr(name, false);
    try {
      persistManifest(this.afs, layout, this.manifest);
    } catch (err) {
      throw asFatal(err);
    }
    const size = this.afs.stat(aofFilePath(layout, name))?.size ?? 0;
    log.notice(`${created ? 'Creating' : 'Opening'} AOF incr file ${name} on server start`);
    this.closedFilesSize = this.filesSize() - size;
    if (outcome.status === 'not-exist' || outcome.status === 'empty') this.baseSize = this.manifest.base ? this.fileSize(this.manifest.base.name) : 0;
    this.startAppending(fd, size);
  }

  createDir(fatal: boolean): boolean {
    const layout = this.layout;
    try {
      this.afs.mkdir(aofDirPath(layout));
    } catch (caught) {
      let err = caught;
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        // dirCreateIfMissing: something already there must be a directory.
        if (this.afs.stat(aofDirPath(layout))?.isDirectory === true) return true;
        err = fsError('ENOTDIR', 'mkdir');
      }
      const line = `Can't open or create append-only dir ${layout.appenddirname}: ${strerror(err)}`;
      if (fatal) throw new AofFatalError([line]);
      this.server.logger.warning(line);
      return false;
    }
    return true;
  }

  /** Opens an INCR for appending; `truncate` for a brand-new one. */
  openIncr(name: string, truncate: boolean): number {
    try {
      return this.afs.open(aofFilePath(this.layout, name), incrFlags(truncate), 0o644);
    } catch (err) {
      throw new AofFatalError([`Can't open the append-only file ${name}: ${strerror(err)}`]);
    }
  }

  /** openIncr off the event loop, for a brand-new INCR; done(lines) on failure (Redis's line). */
  openNewIncrAsync(name: string, done: (fd: number, lines: string[] | null) => void): void {
    this.afs.openAsync(aofFilePath(this.layout, name), incrFlags(true), 0o644, (err, fd) => {
      if (err !== null) done(-1, [`Can't open the append-only file ${name}: ${strerror(err)}`]);
      else done(fd, null);
    });
  }

  /** Says once that aof-use-rdb-preamble yes still gets a RESP BASE. */
  notePreamble(): void {
    if (this.preambleNoticeLogged) return;
    this.preambleNoticeLogged = true;
    this.server.logger.notice('aof-use-rdb-preamble is yes, but nodis does not write RDB yet: AOF base files are written in RESP, as with aof-use-rdb-preamble no.');
  }

  /** Writes a BASE named `name` from the current dataset; throws AofFatalError with Redis's lines. */
  private writeBase(name: string): void {
    const config = this.server.config;
    if (config.bool('aof-use-rdb-preamble')) this.notePreamble();
    const timestamp = config.bool('aof-timestamp-enabled') ? Math.floor(Date.now() / 1000) : null;
    const lines = writeBaseFile(this.afs, this.layout, name, this.server.keyspace.dbs, {
      timestamp,
      incrementalFsync: config.bool('aof-rewrite-incremental-fsync'),
    });
    if (lines !== null) throw new AofFatalError(lines);
    // Redis's forced annotation at the top of the BASE sets aof_cur_timestamp.
    if (timestamp !== null) this.feed.markTimestamp(timestamp);
  }

  startAppending(fd: number, size: number, state: AofState = 'on'): void {
    this.feed.reset();
    this.writer.attach(fd, size);
    this.listen();
    this.state = state;
  }

  /** Records reach the feed from now on (with no file attached, only a classic diff keeps them). */
  listen(): void {
    if (!this.listening) this.server.propagation.addListener(this.listener);
    this.listening = true;
  }

  /** The propagation listener is installed (records reach the feed). */
  private listening = false;

  /** aofDelHistoryFiles: unlink history files in the background, persist the manifest. */
  deleteHistory(): void {
    if (this.server.config.bool('aof-disable-auto-gc') || this.manifest.history.length === 0) return;
    this.removeHistoryFiles(this.manifest.removeHistory());
    try {
      persistManifest(this.afs, this.layout, this.manifest);
    } catch (err) {
      this.server.logger.warning(asFatal(err).logLines.join('\n'));
    }
  }

  /** Unlinks files the manifest no longer lists, off the loop, with Redis's line for each. */
  removeHistoryFiles(files: readonly { readonly name: string }[]): void {
    for (const f of files) {
      this.server.logger.notice(`Removing the history file ${f.name} in the background`);
      fs.unlink(Buffer.from(aofFilePath(this.layout, f.name), 'latin1'), () => {});
    }
  }

  fileSize(name: string): number {
    return this.afs.stat(aofFilePath(this.layout, name))?.size ?? 0;
  }

  /** BASE + every INCR, as on disk now. */
  private filesSize(): number {
    return this.manifest.filesToLoad().reduce((n, f) => n + this.fileSize(f.name), 0);
  }

  // ---- runtime switching -------------------------------------------------------------------

  /**
   * CONFIG SET appendonly yes (startAppendOnly): WAIT_REWRITE, then a background rewrite
   * writes the BASE while new writes go to the temp INCR; its success switches the AOF on.
   */
  enable(): string | null {
    if (this.on) return null;
    const log = this.server.logger;
    this.writer.clearErrors();
    this.state = 'wait-rewrite';
    if (this.server.inExec) {
      this.rewriter.scheduled = true;
      log.warning('AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
      return null;
    }
    if (this.rewriter.inProgress) {
      // That rewrite's view knows nothing of the temp INCR: start over.
      log.warning('AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.');
      this.rewriter.kill();
    }
    // While being enabled the start is synchronous (the temp INCR), so this is known at once.
    let failed = false;
    if (!this.rewriter.start((started) => (failed = !started)) || failed) {
      this.state = 'off';
      log.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
      return 'Unable to turn on AOF. Check server logs.';
    }
    return null;
  }

  /** Removes a file of the AOF directory, if it is there. */
  unlinkQuietly(name: string): void {
    unlinkQuietly(this.afs, aofFilePath(this.layout, name));
  }

  /** CONFIG SET appendonly no (stopAppendOnly): flush, fsync, close; stop a rewrite. */
  disable(): void {
    if (!this.on) return;
    if (this.writer.attached) this.writer.flush(true);
    this.stopAppending();
    this.rewriter.scheduled = false;
    // A temp INCR of an AOF being enabled stays on disk, unlisted, as in Redis.
    this.rewriter.kill();
  }

  /** After a forced flush: fsync and close the INCR, stop listening to propagation. */
  private stopAppending(): void {
    this.writer.detach(); // fsyncs, then closes
    if (this.listening) this.server.propagation.removeListener(this.listener);
    this.listening = false;
    // Whatever could not be written is dropped, as Redis empties aof_buf.
    if (this.feed.pending > 0) this.feed.consume(this.feed.pending);
    this.feed.reset();
    this.state = 'off';
    this.closedFilesSize = 0;
  }

  /**
   * Before a rewrite's view is taken: writes what the feed holds. False (logged) if a write
   * error keeps records back: their effects are in the dataset the view will see, so they must
   * not land after the new BASE as well; the rewrite waits until the error is solved. With no
   * file attached (being enabled), the records reach no file and are dropped.
   */
  flushBeforeView(): boolean {
    if (this.writer.attached) this.writer.flush(true);
    else if (this.feed.pending > 0) this.feed.consume(this.feed.pending);
    if (this.feed.pending === 0) return true;
    this.server.logger.warning("Can't rewrite the AOF while the AOF buffer can't be written (see the write error above).");
    return false;
  }

  /** aof_current_size: the BASE and every INCR, the one being written included. */
  get currentSize(): number {
    return this.on ? this.closedFilesSize + this.writer.incrSize : 0;
  }

  /**
   * DEBUG LOADAOF: flush, empty the dataset, re-read the manifest, remove history, load
   * synchronously. Anything but a clean or empty load exits, as in Redis 7.0.
   */
  debugLoadAof(): void {
    if (this.on) this.writer.flush(true);
    this.server.keyspace.flushAll();
    try {
      if (!this.classic) this.readManifest();
      this.deleteHistory();
      const outcome = runLoadSync(this.loadGenerator());
      if (outcome.status !== 'ok' && outcome.status !== 'empty') {
        throw new AofFatalError(outcome.status === 'not-exist' ? ['DEBUG LOADAOF: there is no AOF to load.'] : ['DEBUG LOADAOF: the AOF was truncated while loading.']);
      }
      this.baseSize = outcome.baseSize;
    } catch (err) {
      this.server.crash(asFatal(err).logLines);
      return;
    }
    this.server.keyspace.dirty = 0;
    this.server.logger.warning('Append Only File loaded by DEBUG LOADAOF');
  }

  // ---- server hooks ------------------------------------------------------------------------

  beforeSleep(): void {
    if (this.writer.attached) this.writer.flush(false);
    // Being enabled with no rewrite running: records reach no file (the next rewrite's view
    // holds their effects), as Redis appends to aof_buf only while its child runs.
    else if (this.feed.pending > 0) this.feed.consume(this.feed.pending);
  }

  cron(): void {
    // Retries a postponed or failed write, and starts the everysec fsync of bytes written
    // during a second that saw no later write.
    if (this.writer.attached) this.writer.flush(false);
    // A scheduled rewrite, or the automatic one on growth.
    this.rewriter.cron();
  }

  writeDeniedReason(): string | null {
    return this.on ? this.writer.deniedReason() : null;
  }

  holdReply(c: Client, out: Buffer | null, close: boolean): boolean {
    return this.writer.holdReply(c, out, close);
  }

  bgrewriteaof(reply: (r: RewriteReply) => void): void {
    this.rewriter.bgrewriteaof(reply);
  }

  /**
   * prepareForShutdown's AOF part: refuses while the AOF is being enabled and its first
   * rewrite runs (the dataset is on disk nowhere yet), unless forced.
   */
  mayShutdown(force: boolean): boolean {
    if (!this.rewriter.inProgress || this.state !== 'wait-rewrite') return true;
    if (force) {
      this.server.logger.warning('Writing initial AOF. Exit anyway.');
      return true;
    }
    this.server.logger.warning("Writing initial AOF, can't exit.");
    return false;
  }

  shutdown(): void {
    if (this.rewriter.inProgress) {
      // The AOF on disk is complete without it.
      this.server.logger.warning('There is a child rewriting the AOF. Killing it!');
      this.rewriter.kill();
    }
    if (!this.on) return;
    this.server.logger.notice('Calling fsync() on the AOF file.');
    if (this.writer.attached) this.writer.flush(true);
    this.stopAppending();
  }

  applyConfig(name: string, value: unknown): string | null {
    if (name === 'appendonly') {
      if (value === true) return this.enable();
      this.disable();
    } else if (name === 'aof-timestamp-enabled') {
      this.timestamps = value === true;
    } else if (name === 'aof-disable-auto-gc' && value === false) {
      // Switching garbage collection back on removes the kept history at once.
      this.deleteHistory();
    }
    return null;
  }

  info(): PersistenceInfo {
    const w = this.writer;
    const loading = this.loading;
    let loadingProgress: PersistenceInfo['loadingProgress'] = null;
    if (loading !== null) {
      const elapsed = Math.floor(Date.now() / 1000) - loading.startTime;
      const remaining = loading.totalBytes - loading.loadedBytes;
      loadingProgress = {
        startTime: loading.startTime,
        totalBytes: loading.totalBytes,
        loadedBytes: loading.loadedBytes,
        etaSeconds: elapsed === 0 ? 1 : Math.floor((elapsed * remaining) / (loading.loadedBytes + 1)),
      };
    }
    const rw = this.rewriter.info();
    return {
      ...AOF_OFF,
      aofEnabled: this.on,
      aofRewriteInProgress: rw.inProgress,
      aofRewriteScheduled: rw.scheduled,
      aofLastRewriteTimeSec: rw.lastTimeSec,
      aofCurrentRewriteTimeSec: rw.currentTimeSec,
      aofLastBgrewriteStatus: rw.lastStatus,
      aofRewrites: rw.rewrites,
      aofRewritesConsecutiveFailures: rw.consecutiveFailures,
      rewriteProgress: rw.inProgress ? { processed: rw.keysProcessed, total: rw.keysTotal } : null,
      aofLastWriteStatus: w.lastWriteStatus,
      aofFiles: this.server.config.bool('appendonly')
        ? {
            currentSize: this.currentSize,
            baseSize: this.baseSize,
            pendingRewrite: rw.scheduled,
            bufferLength: this.feed.pending,
            pendingBioFsync: w.pendingBioFsync,
            delayedFsync: w.delayedFsync,
          }
        : null,
      loadingProgress,
    };
  }
}

/** An INCR opened for appending; `truncate` for a brand-new one. */
function incrFlags(truncate: boolean): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_TRUNC } = fs.constants;
  return O_WRONLY | O_APPEND | O_CREAT | (truncate ? O_TRUNC : 0);
}
