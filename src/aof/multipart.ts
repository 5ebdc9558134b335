// The multi-part layout's side of a background rewrite (Redis 7.0): the INCR switch before
// the view is taken, and the installation of the new BASE afterwards. Both switch points
// persist the manifest off the event loop (manifest-async.ts), so the server keeps serving
// while the disk commits; BGREWRITEAOF's reply waits for the first, as Redis's does.

import type { Aof } from './aof.js';
import type { RewriteTarget } from './bgrewrite.js';
import { closeQuietly, makePath, strerror, unlinkQuietly } from './fs.js';
import { aofFilePath, tempIncrFileName, tempRewriteBgFileName } from './manifest.js';
import { persistManifestAsync } from './manifest-async.js';
import { asFatal } from './loader.js';

export class MultiPartTarget implements RewriteTarget {
  /** Bumped by abandon(): a switch still waiting for the disk is then given up. */
  private generation = 0;

  constructor(private readonly aof: Aof) {}

  /**
   * openNewIncrAofForAppend, at the start of a rewrite: with AOF on, a new INCR is listed in
   * the manifest (persisted before the view is taken) and appended to from now on; while
   * being enabled, the temp INCR is (re)created; with AOF off, nothing. False (logged) if the
   * rewrite cannot start; else ready() is called once new writes go to the new file.
   */
  prepare(ready: (ok: boolean) => void): boolean {
    if (!this.aof.createDir(false)) return false;
    if (this.aof.state === 'off') {
      ready(true);
      return true;
    }
    const log = this.aof.server.logger;
    const layout = this.aof.layout;
    if (!this.aof.flushBeforeView()) return false;
    if (this.aof.state === 'wait-rewrite') {
      let fd: number;
      try {
        fd = this.aof.openIncr(tempIncrFileName(layout.appendfilename), true);
      } catch (err) {
        for (const l of asFatal(err).logLines) log.warning(l);
        return false;
      }
      if (this.aof.writer.attached) this.aof.writer.detach();
      this.aof.startAppending(fd, 0, 'wait-rewrite');
      log.notice(`Creating AOF incr file ${tempIncrFileName(layout.appendfilename)} on background rewrite`);
      ready(true);
      return true;
    }
    const manifest = this.aof.manifest.clone();
    const name = manifest.newIncr(layout.appendfilename);
    // Creating the file and persisting the manifest wait for the disk: both run off the loop;
    // the rewrite starts (and BGREWRITEAOF replies) once the manifest listing it is durable.
    const generation = this.generation;
    const stale = (): boolean => generation !== this.generation || this.aof.state !== 'on';
    this.aof.openNewIncrAsync(name, (fd, lines) => {
      if (lines !== null) {
        for (const l of lines) log.warning(l);
        if (!stale()) ready(false);
        return;
      }
      if (stale()) {
        closeQuietly(this.aof.afs, fd);
        this.aof.unlinkQuietly(name);
        return;
      }
      persistManifestAsync(this.aof.afs, layout, manifest, (err) => {
        if (err !== null) {
          for (const l of asFatal(err).logLines) log.warning(l);
          closeQuietly(this.aof.afs, fd);
          this.aof.unlinkQuietly(name);
          if (!stale()) ready(false);
          return;
        }
        // From here the manifest on disk lists the new INCR, whatever happens next.
        this.aof.manifest = manifest;
        if (stale()) {
          closeQuietly(this.aof.afs, fd);
          return;
        }
        // Records logged meanwhile belong to the old INCR (the view will include them). On a
        // write error, appending goes on in the old one; the new INCR stays listed, empty.
        if (!this.aof.flushBeforeView()) {
          closeQuietly(this.aof.afs, fd);
          ready(false);
          return;
        }
        const oldSize = this.aof.writer.incrSize;
        if (!this.aof.writer.switchFile(fd)) return;
        this.aof.closedFilesSize += oldSize;
        // aof_selected_db = -1: the new INCR starts with a SELECT.
        this.aof.feed.reset();
        log.notice(`Creating AOF incr file ${name} on background rewrite`);
        ready(true);
      });
    });
    return true;
  }

  /**
   * backgroundRewriteDoneHandler after a complete temp BASE: rename it (and the temp INCR of
   * a WAIT_REWRITE) into place, mark the replaced files as history, persist the manifest —
   * the switch point — and delete the history. False (logged, files removed) on failure.
   */
  install(tmpPath: string, done: (ok: boolean) => void): void {
    const log = this.aof.server.logger;
    const layout = this.aof.layout;
    const tmpName = tempRewriteBgFileName(process.pid);
    const manifest = this.aof.manifest.clone();
    const baseName = manifest.newBase(layout.appendfilename, false);
    try {
      this.aof.afs.rename(tmpPath, aofFilePath(layout, baseName));
    } catch (err) {
      // Redis names the target by its path relative to `dir` here (and bare names on success).
      log.warning(`Error trying to rename the temporary AOF base file ${tmpName} into ${makePath(layout.appenddirname, baseName)}: ${strerror(err)}`);
      unlinkQuietly(this.aof.afs, tmpPath);
      done(false);
      return;
    }
    log.notice(`Successfully renamed the temporary AOF base file ${tmpName} into ${baseName}`);
    let incrName: string | null = null;
    if (this.aof.state === 'wait-rewrite') {
      const tempIncr = tempIncrFileName(layout.appendfilename);
      incrName = manifest.newIncr(layout.appendfilename);
      try {
        this.aof.afs.rename(aofFilePath(layout, tempIncr), aofFilePath(layout, incrName));
      } catch (err) {
        log.warning(
          `Error trying to rename the temporary AOF incr file ${makePath(layout.appenddirname, tempIncr)} into ${makePath(layout.appenddirname, incrName)}: ${strerror(err)}`,
        );
        this.aof.unlinkQuietly(baseName);
        done(false);
        return;
      }
      log.notice(`Successfully renamed the temporary AOF incr file ${tempIncr} into ${incrName}`);
    }
    const waiting = this.aof.state === 'wait-rewrite';
    manifest.markRewrittenIncrsAsHistory(this.aof.state !== 'off');
    // aofDelHistoryFiles folded into the same switch: the manifest goes straight to the state
    // without history (Redis persists it twice); the files are unlinked once it is durable.
    const history = this.aof.server.config.bool('aof-disable-auto-gc') ? [] : manifest.removeHistory();
    const generation = this.generation;
    persistManifestAsync(this.aof.afs, layout, manifest, (err) => {
      if (err !== null) {
        for (const l of asFatal(err).logLines) log.warning(l);
        this.aof.unlinkQuietly(baseName);
        if (incrName !== null) {
          // The temp INCR keeps receiving writes until the next attempt replaces it.
          this.aof.afs.rename(aofFilePath(layout, incrName), aofFilePath(layout, tempIncrFileName(layout.appendfilename)));
        }
        if (generation === this.generation) done(false);
        return;
      }
      // The manifest on disk is the new one, whatever happened meanwhile.
      this.aof.manifest = manifest;
      if (generation !== this.generation) return;
      if (waiting && this.aof.state === 'wait-rewrite') this.aof.state = 'on';
      const baseSize = this.aof.fileSize(baseName);
      this.aof.closedFilesSize = baseSize;
      // aof_rewrite_base_size = aof_current_size = BASE + the INCR being written.
      this.aof.baseSize = baseSize + (this.aof.on ? this.aof.writer.incrSize : 0);
      this.aof.removeHistoryFiles(history);
      done(true);
    });
  }

  /**
   * The rewrite failed or was stopped. While being enabled, a failure drops the temp INCR (the
   * next attempt makes a new one); a stopped rewrite (appendonly no, SHUTDOWN) leaves it on
   * disk, unlisted, as Redis does.
   */
  abandon(killed: boolean): void {
    this.generation++;
    if (!killed && this.aof.state === 'wait-rewrite' && this.aof.writer.attached) this.abandonTempIncr();
  }

  private abandonTempIncr(): void {
    const name = tempIncrFileName(this.aof.layout.appendfilename);
    this.aof.writer.flush(true);
    this.aof.writer.detach();
    if (this.aof.feed.pending > 0) this.aof.feed.consume(this.aof.feed.pending);
    this.aof.server.logger.notice(`Removing the temp incr aof file ${name} in the background`);
    this.aof.unlinkQuietly(name);
  }
}
