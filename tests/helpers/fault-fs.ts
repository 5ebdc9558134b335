// An AofFs for fault injection: it wraps the real file layer (nodeAofFs) and lets a test
// switch, at runtime, how writes, ftruncate and fdatasync behave on the AOF files it targets
// (by default the INCR files: `*.incr.aof`, and Redis's `temp-<name>.incr`). Every other file
// (BASE, manifest, temp files) always goes straight to the disk. Calls are counted, and every
// fdatasync is recorded with the size the file had when it was asked for.
//
//   const ffs = new FaultFs();
//   const srv = await startTestServer({ appendonly: 'yes' }, { aofFs: ffs });
//   ffs.failWrites('ENOSPC');            // every write(2) throws
//   ffs.partialWrites(7, 'ENOSPC');      // a full disk: the file may grow by 7 more bytes
//   ffs.shortWrites(3);                  // each call writes at most 3 bytes (no error)
//   ffs.failFtruncate('EIO');
//   ffs.holdFsyncs();  ...  ffs.releaseFsyncs();          // fdatasync waits for the test
//   ffs.failFsyncs('EIO', 1);            // the next fdatasync fails (then they pass again)
//   ffs.delayFsyncs(20);                 // each fdatasync takes >= 20 ms
//   ffs.failRenames('EIO', 1);           // the next rename(2) of a targeted file fails
//   ffs.clear();                         // back to the real disk behaviour
//
// `target` picks the files: e.g. `ffs.target = (p) => /temp-rewriteaof-bg-/.test(p)` for the
// temp BASE of a background rewrite, or /temp-appendonly\.aof\.manifest$/ for the manifest's
// temp file. A rename is faulted when its source path is targeted.

import fs from 'node:fs';
import { type AofFs, type AofStat, fsError, nodeAofFs } from '../../src/aof/fs.js';

type WriteMode =
  | { readonly kind: 'ok' }
  | { readonly kind: 'error'; readonly code: string }
  | { readonly kind: 'partial'; readonly bytes: number; readonly code: string; readonly limits: Map<number, number> }
  | { readonly kind: 'short'; readonly max: number };

type FsyncMode =
  | { readonly kind: 'ok' }
  | { readonly kind: 'hold' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'fail'; readonly code: string; remaining: number };

export interface FsyncRecord {
  /** Date.now() when the fdatasync was asked for. */
  readonly at: number;
  readonly fd: number;
  readonly path: string;
  /** The file's size at that moment (what this fdatasync covers). */
  readonly size: number;
}

interface HeldFsync {
  readonly fd: number;
  readonly done: (err: NodeJS.ErrnoException | null) => void;
}

export class FaultFs implements AofFs {
  /** Calls per operation on targeted files (open counts every file). */
  readonly calls = { open: 0, write: 0, fsync: 0, fdatasyncAsync: 0, ftruncate: 0, failedWrites: 0, rename: 0, failedRenames: 0 };
  readonly fsyncLog: FsyncRecord[] = [];
  /** Which files the faults (and counters) apply to. */
  target: (path: string) => boolean = (p) => /\.incr\.aof$|\.incr$/.test(p);

  private writeMode: WriteMode = { kind: 'ok' };
  private ftruncateCode: string | null = null;
  private fsyncMode: FsyncMode = { kind: 'ok' };
  private renameFault: { readonly code: string; remaining: number } | null = null;
  private readonly held: HeldFsync[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly paths = new Map<number, string>();

  constructor(private readonly real: AofFs = nodeAofFs) {}

  // ---- switches --------------------------------------------------------------------------

  /** Every write(2) on a targeted file throws `code` (nothing is written). */
  failWrites(code = 'ENOSPC'): void {
    this.writeMode = { kind: 'error', code };
  }

  /**
   * A disk that fills up: a targeted file may grow by `bytes` more bytes than its size at its
   * first write after this call. A write that does not fit writes what fits (a short write,
   * returned as such); a call with no room left throws `code`. Space given back by
   * ftruncate can be written again, as on a real disk.
   */
  partialWrites(bytes: number, code = 'ENOSPC'): void {
    this.writeMode = { kind: 'partial', bytes, code, limits: new Map() };
  }

  /** Every write(2) writes at most `max` bytes and returns that (a legal short write). */
  shortWrites(max: number): void {
    this.writeMode = { kind: 'short', max };
  }

  /** ftruncate(2) on a targeted file throws `code`; null: it works. */
  failFtruncate(code: string | null = 'EIO'): void {
    this.ftruncateCode = code;
  }

  /** fdatasync calls wait until releaseFsyncs()/failHeldFsyncs(). */
  holdFsyncs(): void {
    this.fsyncMode = { kind: 'hold' };
  }

  /** Every fdatasync completes no sooner than `ms` after it was asked for. */
  delayFsyncs(ms: number): void {
    this.fsyncMode = { kind: 'delay', ms };
  }

  /** The next `times` fdatasync calls fail with `code` (Infinity: until cleared). */
  failFsyncs(code = 'EIO', times = Infinity): void {
    this.fsyncMode = { kind: 'fail', code, remaining: times };
  }

  /** The next `times` rename(2) calls whose source is a targeted file fail with `code` (nothing renamed). */
  failRenames(code = 'EIO', times = Infinity): void {
    this.renameFault = { code, remaining: times };
  }

  /** Writes, ftruncate, fdatasync and rename behave normally again (held fsyncs stay held). */
  clear(): void {
    this.writeMode = { kind: 'ok' };
    this.ftruncateCode = null;
    this.fsyncMode = { kind: 'ok' };
    this.renameFault = null;
  }

  /** fdatasync calls currently held. */
  get heldFsyncs(): number {
    return this.held.length;
  }

  /** Completes every held fdatasync (for real), in order; new calls follow the current mode. */
  releaseFsyncs(): void {
    for (const h of this.held.splice(0)) this.real.fdatasyncAsync(h.fd, h.done);
  }

  /** Completes every held fdatasync with an error. */
  failHeldFsyncs(code = 'EIO'): void {
    for (const h of this.held.splice(0)) setImmediate(() => h.done(fsError(code, 'fdatasync')));
  }

  /** Test teardown: back to normal and nothing left pending. */
  dispose(): void {
    this.clear();
    this.releaseFsyncs();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** fdatasync calls on targeted files whose Date.now() was in [from, to). */
  fsyncsBetween(from: number, to = Infinity): number {
    return this.fsyncLog.filter((r) => r.at >= from && r.at < to).length;
  }

  private targeted(fd: number): boolean {
    const p = this.paths.get(fd);
    return p !== undefined && this.target(p);
  }

  // ---- AofFs -----------------------------------------------------------------------------

  open(path: string, flags: number, mode?: number): number {
    this.calls.open++;
    const fd = this.real.open(path, flags, mode);
    this.paths.set(fd, path);
    return fd;
  }

  write(fd: number, buf: Buffer, offset: number, length: number): number {
    if (!this.targeted(fd)) return this.real.write(fd, buf, offset, length);
    this.calls.write++;
    const m = this.writeMode;
    switch (m.kind) {
      case 'ok':
        return this.real.write(fd, buf, offset, length);
      case 'error':
        this.calls.failedWrites++;
        throw fsError(m.code, 'write');
      case 'partial': {
        const size = fs.fstatSync(fd).size;
        let limit = m.limits.get(fd);
        if (limit === undefined) m.limits.set(fd, (limit = size + m.bytes));
        const room = limit - size;
        if (room <= 0) {
          this.calls.failedWrites++;
          throw fsError(m.code, 'write');
        }
        return this.real.write(fd, buf, offset, Math.min(room, length));
      }
      case 'short':
        return this.real.write(fd, buf, offset, Math.max(1, Math.min(m.max, length)));
    }
  }

  /** open() reported asynchronously (a new INCR at a rewrite's start). */
  openAsync(path: string, flags: number, mode: number, done: (err: NodeJS.ErrnoException | null, fd: number) => void): void {
    let fd = -1;
    let error: NodeJS.ErrnoException | null = null;
    try {
      fd = this.open(path, flags, mode);
    } catch (err) {
      error = err as NodeJS.ErrnoException;
    }
    setImmediate(() => done(error, fd));
  }

  /** The background rewrite's write: the same faults as write(), reported asynchronously. */
  writeAsync(fd: number, buf: Buffer, offset: number, length: number, done: (err: NodeJS.ErrnoException | null, n: number) => void): void {
    let n = 0;
    let error: NodeJS.ErrnoException | null = null;
    try {
      n = this.write(fd, buf, offset, length);
    } catch (err) {
      error = err as NodeJS.ErrnoException;
    }
    setImmediate(() => done(error, n));
  }

  fsync(fd: number): void {
    if (this.targeted(fd)) this.calls.fsync++;
    this.real.fsync(fd);
  }

  fdatasyncAsync(fd: number, done: (err: NodeJS.ErrnoException | null) => void): void {
    if (!this.targeted(fd)) return this.real.fdatasyncAsync(fd, done);
    this.calls.fdatasyncAsync++;
    let size = -1;
    try {
      size = fs.fstatSync(fd).size;
    } catch {
      // A closed fd: the real call reports it.
    }
    this.fsyncLog.push({ at: Date.now(), fd, path: this.paths.get(fd) ?? '', size });
    const m = this.fsyncMode;
    switch (m.kind) {
      case 'ok':
        return this.real.fdatasyncAsync(fd, done);
      case 'hold':
        this.held.push({ fd, done });
        return;
      case 'delay': {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.real.fdatasyncAsync(fd, done);
        }, m.ms);
        this.timers.add(t);
        return;
      }
      case 'fail':
        if (m.remaining <= 0) return this.real.fdatasyncAsync(fd, done);
        m.remaining--;
        setImmediate(() => done(fsError(m.code, 'fdatasync')));
        return;
    }
  }

  ftruncate(fd: number, length: number): void {
    if (this.targeted(fd)) {
      this.calls.ftruncate++;
      if (this.ftruncateCode !== null) throw fsError(this.ftruncateCode, 'ftruncate');
    }
    this.real.ftruncate(fd, length);
  }

  truncate(path: string, length: number): void {
    this.real.truncate(path, length);
  }

  close(fd: number): void {
    this.paths.delete(fd);
    this.real.close(fd);
  }

  rename(from: string, to: string): void {
    if (this.target(from)) {
      this.calls.rename++;
      const f = this.renameFault;
      if (f !== null && f.remaining > 0) {
        f.remaining--;
        this.calls.failedRenames++;
        throw fsError(f.code, 'rename');
      }
    }
    this.real.rename(from, to);
  }

  unlink(path: string): void {
    this.real.unlink(path);
  }

  mkdir(path: string): void {
    this.real.mkdir(path);
  }

  readFile(path: string): Buffer {
    return this.real.readFile(path);
  }

  stat(path: string): AofStat | null {
    return this.real.stat(path);
  }

  fsyncDir(path: string): void {
    this.real.fsyncDir(path);
  }
}
