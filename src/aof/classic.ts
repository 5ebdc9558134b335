// Classic single-file mode (`aof-multi-part no`): one `<dir>/<appendfilename>` as Redis 3.2–6.2
// kept it, with the rewrite diff buffer of the seeds' design. Loading, nodis-check-aof and the
// write path are the multi-part ones; only the rewrite differs:
//
//   prepare  flush the AOF and start a diff buffer: from now on every record fed to the AOF
//            is also copied there (blocks of 10 MB; "Background AOF buffer size: N MB" is
//            logged every 10 blocks, as a warning every 100).
//   install  the temp BASE is complete: the diff is appended to it with asynchronous writes
//            while it keeps growing; once little is left and the temp file is fsynced, one
//            synchronous step writes the rest, fsyncs it, renames the temp file over
//            `<dir>/<appendfilename>` (the switch point) and appends to it from then on; the
//            old file is fsynced and closed off the loop. Redis ≤ 6.2 wrote its whole
//            residual diff synchronously, the well-known end-of-rewrite stall.
//   abandon  a failed or stopped rewrite drops the diff and the temp file.
//
// With the AOF off, BGREWRITEAOF just writes the file from the view (no diff).

import fs from 'node:fs';
import type { Aof } from './aof.js';
import type { RewriteTarget } from './bgrewrite.js';
import { type AofFs, closeQuietly, makePath, strerror, unlinkQuietly } from './fs.js';
import { AofFatalError } from './loader.js';
import { type AofLayout, AofManifest, aofFilePath, manifestFileName, tempRewriteBgFileName } from './manifest.js';

/** AOF_RW_BUF_BLOCK_SIZE. */
const BLOCK_SIZE = 10 * 1024 * 1024;
/** Diff bytes handed to one asynchronous write. */
const DRAIN_CHUNK = 1024 * 1024;
/** The final synchronous step starts once less than this is left to append. */
const FINAL_STEP_BYTES = 256 * 1024;

/** Where the classic file lives: the loader and writer see it as a one-file layout in `dir`. */
export function classicLayout(layout: AofLayout): AofLayout {
  return { ...layout, appenddirname: '.' };
}

export function classicFilePath(layout: AofLayout): string {
  return makePath(layout.dir, layout.appendfilename);
}

/** What to load: the one file as a BASE of classicLayout(), or nothing when it is absent. */
export function classicManifest(afs: AofFs, layout: AofLayout): AofManifest {
  const m = new AofManifest();
  if (afs.stat(classicFilePath(layout)) !== null) m.base = { name: layout.appendfilename, seq: 1, type: 'b' };
  return m;
}

/**
 * aof-multi-part no with a multi-part AOF on disk and no classic file: refuse rather than
 * start empty (nodis does not convert a multi-part AOF back into one file).
 */
export function checkClassicStart(afs: AofFs, layout: AofLayout, appendonly: boolean): void {
  if (!appendonly || afs.stat(classicFilePath(layout)) !== null) return;
  if (afs.stat(aofFilePath(layout, manifestFileName(layout.appendfilename))) === null) return;
  throw new AofFatalError([
    `aof-multi-part is no, but ${layout.appenddirname} holds a multi-part AOF and ${layout.appendfilename} does not exist. Start with aof-multi-part yes to load it (it is not converted back to a single file).`,
  ]);
}

/** Redis 6.2's initServer: open (create) the one file for appending. Fatal on failure. */
export function openClassicOnStart(afs: AofFs, layout: AofLayout): { fd: number; size: number } {
  const path = classicFilePath(layout);
  let fd: number;
  try {
    fd = afs.open(path, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
  } catch (err) {
    throw new AofFatalError([`Can't open the append-only file: ${strerror(err)}`]);
  }
  return { fd, size: afs.stat(path)?.size ?? 0 };
}

/** The rewrite diff buffer: appended records, read back in order. */
export class RewriteDiffBuffer {
  private readonly blocks: Buffer[] = [];
  /** Bytes used in the last block. */
  private lastUsed = 0;
  /** Read position: block index and offset in it. */
  private readBlock = 0;
  private readOffset = 0;
  /** Bytes ever appended (aofRewriteBufferSize). */
  size = 0;
  /** Bytes not yet read. */
  pending = 0;

  constructor(private readonly onNewBlock: (blocks: number, size: number) => void) {}

  append(bytes: Buffer): void {
    let off = 0;
    while (off < bytes.length) {
      let last = this.blocks[this.blocks.length - 1];
      if (last === undefined || this.lastUsed === last.length) {
        last = Buffer.allocUnsafe(BLOCK_SIZE);
        this.blocks.push(last);
        this.lastUsed = 0;
        this.onNewBlock(this.blocks.length, this.size);
      }
      const n = Math.min(bytes.length - off, last.length - this.lastUsed);
      bytes.copy(last, this.lastUsed, off, off + n);
      this.lastUsed += n;
      off += n;
    }
    this.size += bytes.length;
    this.pending += bytes.length;
  }

  /** The next unread bytes (at most `max`), without copying; null when all was read. */
  take(max: number): Buffer | null {
    if (this.pending === 0) return null;
    const block = this.blocks[this.readBlock]!;
    const end = this.readBlock === this.blocks.length - 1 ? this.lastUsed : block.length;
    const n = Math.min(max, end - this.readOffset);
    const out = block.subarray(this.readOffset, this.readOffset + n);
    this.readOffset += n;
    this.pending -= n;
    if (this.readOffset === block.length) {
      // A fully read block is not needed any more.
      this.blocks[this.readBlock] = EMPTY;
      this.readBlock++;
      this.readOffset = 0;
    }
    return out;
  }
}

const EMPTY = Buffer.alloc(0);

export class ClassicTarget implements RewriteTarget {
  private diff: RewriteDiffBuffer | null = null;
  /** The temp file being completed by install(), or -1. */
  private tmpFd = -1;
  private tmpPath = '';
  /** Bumped by abandon(): callbacks of an abandoned install do nothing. */
  private generation = 0;

  constructor(private readonly aof: Aof) {}

  /** Receives every record fed to the AOF (installed as the feed's tap while a diff runs). */
  private readonly tap = (bytes: Buffer): void => {
    this.diff?.append(bytes);
  };

  prepare(ready: (ok: boolean) => void): boolean {
    const aof = this.aof;
    if (aof.state === 'off') {
      ready(true);
      return true;
    }
    if (!aof.flushBeforeView()) return false;
    // aof_selected_db = -1: the diff (and the file) go on with a SELECT.
    aof.feed.reset();
    const log = aof.server.logger;
    this.diff = new RewriteDiffBuffer((blocks, size) => {
      if ((blocks + 1) % 10 !== 0) return;
      const line = `Background AOF buffer size: ${Math.floor(size / (1024 * 1024))} MB`;
      if ((blocks + 1) % 100 === 0) log.warning(line);
      else log.notice(line);
    });
    aof.feedTap = this.tap;
    // Being enabled: no file yet, the records are needed for the diff only.
    aof.listen();
    ready(true);
    return true;
  }

  install(tmpPath: string, done: (ok: boolean) => void): void {
    const aof = this.aof;
    const log = aof.server.logger;
    const target = classicFilePath(aof.layout);
    if (this.diff === null) {
      // The AOF is off: the file is just the dataset.
      try {
        aof.afs.rename(tmpPath, target);
        aof.afs.fsyncDir(target);
      } catch (err) {
        log.warning(`Error trying to rename the temporary AOF file ${tempRewriteBgFileName(process.pid)} into ${aof.layout.appendfilename}: ${strerror(err)}`);
        unlinkQuietly(aof.afs, tmpPath);
        done(false);
        return;
      }
      done(true);
      return;
    }
    try {
      this.tmpFd = aof.afs.open(tmpPath, fs.constants.O_WRONLY | fs.constants.O_APPEND, 0o644);
    } catch (err) {
      this.failFlush(err, done);
      return;
    }
    this.tmpPath = tmpPath;
    this.drain(this.generation, done);
  }

  /** Appends the diff with asynchronous writes until little is left, then the final step. */
  private drain(generation: number, done: (ok: boolean) => void): void {
    if (generation !== this.generation) return;
    const diff = this.diff!;
    if (diff.pending < FINAL_STEP_BYTES) {
      // fsync what is there off the loop, so that the final step's fsync has little to do.
      this.aof.afs.fdatasyncAsync(this.tmpFd, (err) => {
        if (generation !== this.generation) return;
        if (err !== null) this.failFlush(err, done);
        else if (this.diff!.pending >= FINAL_STEP_BYTES) this.drain(generation, done);
        else this.finalStep(done);
      });
      return;
    }
    const chunk = diff.take(DRAIN_CHUNK)!;
    this.writeAsync(chunk, 0, generation, done);
  }

  private writeAsync(chunk: Buffer, off: number, generation: number, done: (ok: boolean) => void): void {
    this.aof.afs.writeAsync(this.tmpFd, chunk, off, chunk.length - off, (err, n) => {
      if (generation !== this.generation) return;
      if (err !== null || n <= 0) {
        this.failFlush(err ?? new Error('short write'), done);
        return;
      }
      if (off + n < chunk.length) this.writeAsync(chunk, off + n, generation, done);
      else this.drain(generation, done);
    });
  }

  /** One synchronous step: the rest of the diff, fsync, rename, switch. */
  private finalStep(done: (ok: boolean) => void): void {
    const aof = this.aof;
    const afs = aof.afs;
    const log = aof.server.logger;
    const diff = this.diff!;
    // Every record fed so far is in the diff; write the AOF's own pending bytes too, so that
    // the old file and the new one hold the same records at the switch. Bytes a write error
    // kept back are in the diff already: the new file has them, they must not come twice.
    if (aof.writer.attached) aof.writer.flush(true);
    if (aof.feed.pending > 0) aof.feed.consume(aof.feed.pending);
    // Redis's "residual parent diff": what the final step writes.
    const residual = diff.pending;
    try {
      for (let chunk = diff.take(DRAIN_CHUNK); chunk !== null; chunk = diff.take(DRAIN_CHUNK)) {
        for (let off = 0; off < chunk.length; ) {
          const n = afs.write(this.tmpFd, chunk, off, chunk.length - off);
          if (n <= 0) throw new Error('short write');
          off += n;
        }
      }
      afs.fsync(this.tmpFd);
    } catch (err) {
      this.failFlush(err, done);
      return;
    }
    log.notice(`Residual parent diff successfully flushed to the rewritten AOF (${(residual / (1024 * 1024)).toFixed(2)} MB)`);
    const target = classicFilePath(aof.layout);
    try {
      afs.rename(this.tmpPath, target);
      afs.fsyncDir(target);
    } catch (err) {
      log.warning(`Error trying to rename the temporary AOF file ${tempRewriteBgFileName(process.pid)} into ${aof.layout.appendfilename}: ${strerror(err)}`);
      this.abandonFiles();
      done(false);
      return;
    }
    const fd = this.tmpFd;
    const size = afs.stat(target)?.size ?? 0;
    this.tmpFd = -1;
    this.stopDiff();
    if (aof.state === 'wait-rewrite') {
      aof.startAppending(fd, size);
    } else if (!aof.writer.switchFile(fd, size)) {
      return;
    }
    aof.closedFilesSize = 0;
    aof.baseSize = size;
    done(true);
  }

  private failFlush(err: unknown, done: (ok: boolean) => void): void {
    this.aof.server.logger.warning(`Error trying to flush the parent diff to the rewritten AOF: ${strerror(err)}`);
    this.abandonFiles();
    done(false);
  }

  abandon(_killed: boolean): void {
    this.abandonFiles();
  }

  private abandonFiles(): void {
    this.generation++;
    this.stopDiff();
    if (this.tmpFd >= 0) {
      closeQuietly(this.aof.afs, this.tmpFd);
      this.tmpFd = -1;
      unlinkQuietly(this.aof.afs, this.tmpPath);
    }
  }

  private stopDiff(): void {
    this.diff = null;
    if (this.aof.feedTap === this.tap) this.aof.feedTap = null;
  }
}
