// The background AOF rewrite's lifecycle, as Redis 7.0 runs it around its forked child
// (aof.c: rewriteAppendOnlyFileBackground, backgroundRewriteDoneHandler, aofRewriteLimited),
// with the child replaced by an in-process walk of a point-in-time view (rewrite.ts):
//
//   start    flush the AOF; with AOF on, open a new INCR and persist the manifest (new writes
//            go there from now on); with AOF being enabled (WAIT_REWRITE), append to the temp
//            INCR instead; take the view; walk it into temp-rewriteaof-bg-<pid>.aof in `dir`.
//   success  rename the temp file to the next BASE, the temp INCR (if any) to the next INCR;
//            mark the old BASE and the rewritten INCRs as history; persist the manifest (the
//            atomic switch point); delete history in the background.
//   failure  status err, consecutive failures + 1, temp files removed; the INCR opened for
//            the attempt stays in the manifest. Automatic and scheduled rewrites back off for
//            1, 2, 4 ... 60 minutes after 3 consecutive failures.
//   cancel   CONFIG SET appendonly no, SHUTDOWN, a restart for appendonly yes: the walk stops,
//            the view is released, the temp file removed.

import type { RewriteReply } from '../server/persistence.js';
import type { Server } from '../server/server.js';
import type { Aof } from './aof.js';
import { makePath, strerror } from './fs.js';
import { tempRewriteBgFileName } from './manifest.js';
import { RewriteBody, type RewriteBodyResult } from './rewrite.js';

/** AOF_REWRITE_LIMITE_THRESHOLD: consecutive failures before automatic rewrites back off. */
const LIMIT_THRESHOLD = 3;
/** AOF_REWRITE_LIMITE_MAX_MINUTES. */
const LIMIT_MAX_MINUTES = 60;

/** What a rewrite needs from the AOF's file layout (multipart.ts, classic.ts). */
export interface RewriteTarget {
  /**
   * Before the view is taken: false (logged) if the rewrite cannot start. Otherwise ready(ok)
   * follows, possibly later (a manifest being made durable; ready(false): it could not start,
   * logged): the view must be taken inside ready(true), the moment from which new writes go
   * where the rewrite expects them.
   */
  prepare(ready: (ok: boolean) => void): boolean;
  /** The temp BASE at `tmpPath` is complete and fsynced: put it in place, then done(ok). */
  install(tmpPath: string, done: (ok: boolean) => void): void;
  /** The rewrite failed (`killed` false) or was stopped: drop what prepare() set up for it. */
  abandon(killed: boolean): void;
}



const STARTED: RewriteReply = { ok: 'Background append only file rewriting started' };
const CANT_START: RewriteReply = { error: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information." };

interface RunningRewrite {
  readonly body: RewriteBody;
  /** Until the start is decided (the new INCR listed durably): who waits for the outcome. */
  starting: ((ok: boolean) => void) | null;
  /** ms timestamp of the start (aof_rewrite_time_start). */
  readonly startedAt: number;
  readonly tmpPath: string;
}

export class AofRewriter {
  private job: RunningRewrite | null = null;
  /** aof_rewrite_scheduled. */
  scheduled = false;
  /** aof_rewrite_time_last (s), -1 if none. */
  private lastTimeSec = -1;
  /** aof_lastbgrewrite_status. */
  private lastStatus: 'ok' | 'err' = 'ok';
  /** stat_aof_rewrites. */
  private rewrites = 0;
  /** stat_aofrw_consecutive_failures. */
  private consecutiveFailures = 0;
  private nextDelayMinutes = 0;
  /** Unix seconds before which limited rewrites wait (0: not waiting). */
  private nextRewriteTime = 0;

  constructor(
    private readonly server: Server,
    private readonly aof: Aof,
  ) {}

  get inProgress(): boolean {
    return this.job !== null;
  }

  // ---- commands and triggers -------------------------------------------------------------

  /**
   * BGREWRITEAOF. `reply` is called once, maybe later: the reply waits, as Redis's does, until
   * the rewrite has started (the manifest listing the new INCR is durable), which nodis does
   * off the event loop.
   */
  bgrewriteaof(reply: (r: RewriteReply) => void): void {
    if (this.job !== null) return reply({ error: 'ERR Background append only file rewriting already in progress' });
    if (this.server.inExec) {
      // A rewrite does not start inside a transaction; a manual request resets the limiter.
      this.scheduled = true;
      this.consecutiveFailures = 0;
      return reply({ ok: 'Background append only file rewriting scheduled' });
    }
    if (!this.start((ok) => reply(ok ? STARTED : CANT_START))) reply(CANT_START);
  }

  /** serverCron's part: a scheduled rewrite, then the automatic trigger. */
  cron(): void {
    if (this.job !== null) return;
    if (this.scheduled && !this.limited()) {
      this.start();
      return;
    }
    const aof = this.aof;
    const config = this.server.config;
    const perc = config.num('auto-aof-rewrite-percentage');
    if (aof.state !== 'on' || perc === 0) return;
    const current = aof.currentSize;
    if (current <= config.num('auto-aof-rewrite-min-size')) return;
    const base = aof.baseSize > 0 ? aof.baseSize : 1;
    const growth = Math.floor((current * 100) / base) - 100;
    if (growth >= perc && !this.limited()) {
      this.server.logger.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
      this.start();
    }
  }

  /** aofRewriteLimited: after repeated failures, wait 1, 2, 4 ... 60 minutes between tries. */
  private limited(): boolean {
    if (this.consecutiveFailures < LIMIT_THRESHOLD) {
      this.nextDelayMinutes = 0;
      this.nextRewriteTime = 0;
      return false;
    }
    const now = Math.floor(Date.now() / 1000);
    if (this.nextRewriteTime !== 0) {
      if (now < this.nextRewriteTime) return true;
      this.nextRewriteTime = 0;
      return false;
    }
    this.nextDelayMinutes = this.nextDelayMinutes === 0 ? 1 : Math.min(LIMIT_MAX_MINUTES, this.nextDelayMinutes * 2);
    this.nextRewriteTime = now + this.nextDelayMinutes * 60;
    this.server.logger.warning(`Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.nextDelayMinutes} minutes`);
    return true;
  }

  // ---- start -------------------------------------------------------------------------------

  /**
   * rewriteAppendOnlyFileBackground. False (logged) if it cannot start; otherwise `started`
   * hears, maybe later, whether it did (false: logged, nothing changed).
   */
  start(started: (ok: boolean) => void = () => {}): boolean {
    if (this.job !== null) return false;
    const aof = this.aof;
    const log = this.server.logger;
    const config = this.server.config;
    const tmpPath = makePath(config.str('dir'), tempRewriteBgFileName(process.pid));
    const timestamp = config.bool('aof-timestamp-enabled') ? Math.floor(Date.now() / 1000) : null;
    if (config.bool('aof-use-rdb-preamble')) aof.notePreamble();
    const body = new RewriteBody(
      aof.afs,
      tmpPath,
      { timestamp, incrementalFsync: config.bool('aof-rewrite-incremental-fsync'), keyDelayUs: () => config.num('rdb-key-save-delay'), activity: () => this.server.stats.commandsProcessed },
      (result) => this.done(result),
    );
    const job: RunningRewrite = { body, startedAt: Date.now(), tmpPath, starting: started };
    this.job = job;
    const fail = (lines: string[]): void => {
      // After the "started" line, as the lines of Redis's child come after its parent's.
      setImmediate(() => {
        if (this.job !== job) return;
        for (const l of lines) log.warning(l);
        log.warning('Background AOF rewrite terminated with error');
        body.cancel();
        this.finishJob(job);
        this.failed();
      });
    };
    const preparing = aof.target.prepare((ok) => {
      if (this.job !== job) return; // stopped meanwhile (kill() answered)
      job.starting = null;
      if (!ok) {
        this.job = null;
        this.lastStatus = 'err';
        started(false);
        return;
      }
      this.rewrites++;
      this.scheduled = false;
      log.notice(`Background append only file rewriting started by pid ${process.pid}`);
      let openError: unknown = null;
      try {
        // In Redis the child creates it: a failure is the rewrite's, not BGREWRITEAOF's.
        body.open();
      } catch (err) {
        openError = err;
      }
      // The fork's instant: from here on new writes go where the rewrite expects them. Taken
      // before anyone hears of the start (a parked client's next commands run right after).
      if (openError === null) body.begin(this.server.keyspace.snapshot());
      started(true);
      if (openError !== null) fail([`Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${strerror(openError)}`]);
    });
    if (!preparing) {
      this.job = null;
      this.lastStatus = 'err';
      return false;
    }
    return true;
  }

  // ---- completion --------------------------------------------------------------------------

  private done(result: RewriteBodyResult): void {
    const job = this.job;
    if (job === null) return;
    const log = this.server.logger;
    if (!result.ok) {
      log.warning(`Write error writing append only file on disk: ${strerror(result.error)}`);
      log.warning('Background AOF rewrite terminated with error');
      this.finishJob(job);
      this.failed();
      return;
    }
    log.notice(`Successfully created the temporary AOF base file ${tempRewriteBgFileName(process.pid)}`);
    log.notice('Background AOF rewrite terminated with success');
    this.aof.target.install(job.tmpPath, (ok) => {
      this.finishJob(job);
      if (!ok) {
        this.failed();
        return;
      }
      this.lastStatus = 'ok';
      this.consecutiveFailures = 0;
      log.notice('Background AOF rewrite finished successfully');
    });
  }

  private finishJob(job: RunningRewrite): void {
    this.lastTimeSec = Math.floor((Date.now() - job.startedAt) / 1000);
    this.job = null;
  }

  private failed(): void {
    this.lastStatus = 'err';
    this.consecutiveFailures++;
    this.aof.target.abandon(false);
    // An AOF being enabled tries again from cron (Redis: aof_rewrite_scheduled = 1).
    if (this.aof.state === 'wait-rewrite') this.scheduled = true;
  }

  /**
   * killAppendOnlyChild: stop a running rewrite (its temp file is removed). As in Redis, the
   * last rewrite's duration stays what it was, and a temp INCR stays on disk.
   */
  kill(): void {
    const job = this.job;
    if (job === null) return;
    const starting = job.starting;
    if (starting === null) this.server.logger.notice(`Killing running AOF rewrite child: ${process.pid}`);
    job.body.cancel();
    this.job = null;
    this.aof.target.abandon(true);
    // Stopped before it started: whoever waits for the start hears it did not.
    if (starting !== null) starting(false);
  }

  // ---- INFO --------------------------------------------------------------------------------

  info(): {
    inProgress: boolean;
    scheduled: boolean;
    lastTimeSec: number;
    currentTimeSec: number;
    lastStatus: 'ok' | 'err';
    rewrites: number;
    consecutiveFailures: number;
    keysProcessed: number;
    keysTotal: number;
  } {
    const job = this.job;
    return {
      // As Redis's child exists only once forked: a start still waiting for the disk is not shown.
      inProgress: job !== null && job.starting === null,
      scheduled: this.scheduled,
      lastTimeSec: this.lastTimeSec,
      currentTimeSec: job === null || job.starting !== null ? -1 : Math.floor((Date.now() - job.startedAt) / 1000),
      lastStatus: this.lastStatus,
      rewrites: this.rewrites,
      consecutiveFailures: this.consecutiveFailures,
      keysProcessed: job === null ? 0 : job.body.keysProcessed,
      keysTotal: job === null ? 0 : job.body.keysTotal,
    };
  }
}
