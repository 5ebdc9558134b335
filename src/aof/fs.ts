// The file operations the AOF layer performs, behind a small interface so tests can inject
// faults (ENOSPC, EIO, short writes, a "crash" between two steps) without touching the disk
// layer of the real server.
//
// Paths are latin1 strings (one char per byte, like every key and config value in nodis); the
// Node implementation hands them to the kernel as the exact bytes, so a file name with
// arbitrary bytes round-trips. Calls are synchronous, as Redis's are for the manifest and the
// legacy upgrade: these run at start-up and at rewrite switch points, never per command.

import fs from 'node:fs';
import { strerror as configStrerror } from '../server/config.js';

export interface AofStat {
  readonly size: number;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}

export interface AofFs {
  /** open(2): flags as in fs.constants (O_WRONLY|O_CREAT|O_TRUNC …). Returns an fd. */
  open(path: string, flags: number, mode?: number): number;
  /** write(2) of buf[offset, offset+length): may write fewer bytes; returns how many. */
  write(fd: number, buf: Buffer, offset: number, length: number): number;
  /** open(2) on libuv's thread pool (creating a file can wait for the journal). */
  openAsync(path: string, flags: number, mode: number, done: (err: NodeJS.ErrnoException | null, fd: number) => void): void;
  /** write(2) on libuv's thread pool (the background rewrite); `n` may be short. */
  writeAsync(fd: number, buf: Buffer, offset: number, length: number, done: (err: NodeJS.ErrnoException | null, n: number) => void): void;
  fsync(fd: number): void;
  /** fdatasync(2) on libuv's thread pool: the event loop keeps running meanwhile. */
  fdatasyncAsync(fd: number, done: (err: NodeJS.ErrnoException | null) => void): void;
  /** ftruncate(2). */
  ftruncate(fd: number, length: number): void;
  /** truncate(2) by path. */
  truncate(path: string, length: number): void;
  close(fd: number): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** mkdir(2) with mode 0755; EEXIST when something is already there. */
  mkdir(path: string): void;
  /** The whole file, or throws (ENOENT …). */
  readFile(path: string): Buffer;
  /** stat(2), or null when the path does not exist (ENOENT, ENOTDIR; other errors throw). */
  stat(path: string): AofStat | null;
  /**
   * Redis's fsyncFileDir(): fsync the directory holding `path`. Systems that cannot open or
   * fsync a directory (EISDIR on open, EBADF/EINVAL on fsync) are not an error.
   */
  fsyncDir(path: string): void;
}

const bytes = (p: string): Buffer => Buffer.from(p, 'latin1');

/** The real file system. */
export const nodeAofFs: AofFs = {
  open: (p, flags, mode = 0o644) => fs.openSync(bytes(p), flags, mode),
  write: (fd, buf, offset, length) => fs.writeSync(fd, buf, offset, length),
  openAsync: (p, flags, mode, done) => fs.open(bytes(p), flags, mode, (err, fd) => done(err, fd ?? -1)),
  writeAsync: (fd, buf, offset, length, done) => fs.write(fd, buf, offset, length, null, (err, n) => done(err, n)),
  fsync: (fd) => fs.fsyncSync(fd),
  fdatasyncAsync: (fd, done) => fs.fdatasync(fd, done),
  ftruncate: (fd, length) => fs.ftruncateSync(fd, length),
  truncate: (p, length) => fs.truncateSync(bytes(p), length),
  close: (fd) => fs.closeSync(fd),
  rename: (from, to) => fs.renameSync(bytes(from), bytes(to)),
  unlink: (p) => fs.unlinkSync(bytes(p)),
  mkdir: (p) => fs.mkdirSync(bytes(p), 0o755),
  readFile: (p) => fs.readFileSync(bytes(p)),
  stat(p) {
    try {
      const st = fs.statSync(bytes(p));
      return { size: st.size, isFile: st.isFile(), isDirectory: st.isDirectory() };
    } catch (err) {
      // A path through a regular file (ENOTDIR) does not exist either, as for Redis's stat().
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
  },
  fsyncDir(p) {
    let fd: number;
    try {
      fd = fs.openSync(bytes(dirname(p)), fs.constants.O_RDONLY);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') return;
      throw err;
    }
    try {
      fs.fsyncSync(fd);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EBADF' && code !== 'EINVAL') throw err;
    } finally {
      fs.closeSync(fd);
    }
  },
};

/** dirname(3) on a '/'-separated path: "a/b" → "a", "b" → ".", "/b" → "/". */
export function dirname(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return p.startsWith('/') ? '/' : '.';
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return '.';
  const head = trimmed.slice(0, slash).replace(/\/+$/, '');
  return head === '' ? '/' : head;
}

/** Redis's makePath(): "<path>/<filename>" (no normalisation). */
export function makePath(dir: string, filename: string): string {
  return `${dir}/${filename}`;
}

// glibc strerror() texts the AOF code can meet, beyond those config.ts already knows.
const MORE_ERRNO_TEXT: Record<string, string> = {
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EBADF: 'Bad file descriptor',
  EXDEV: 'Invalid cross-device link',
  EFBIG: 'File too large',
  ENOTEMPTY: 'Directory not empty',
  EBUSY: 'Device or resource busy',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  EINTR: 'Interrupted system call',
  EAGAIN: 'Resource temporarily unavailable',
};

/** strerror(errno) for a Node fs error, as Redis would print it. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code !== undefined && MORE_ERRNO_TEXT[code] !== undefined) return MORE_ERRNO_TEXT[code];
  return configStrerror(err);
}

/**
 * close(2) where a failure changes nothing: the file's data was fsynced already, or it is a
 * temp file being given up.
 */
export function closeQuietly(afs: AofFs, fd: number): void {
  try {
    afs.close(fd);
  } catch {
    // Nothing of value is left to lose in it.
  }
}

/** unlink(2) of a file that may never have been created, or be gone already. */
export function unlinkQuietly(afs: AofFs, path: string): void {
  try {
    afs.unlink(path);
  } catch {
    // Not there: nothing to clean.
  }
}

/** Builds an error shaped like Node's fs errors (for fault injection). */
export function fsError(code: string, syscall: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${syscall} failed`);
  err.code = code;
  err.syscall = syscall;
  return err;
}
