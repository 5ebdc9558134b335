// persistAofManifest off the event loop, for the switch points of a background rewrite: the
// same steps and error texts as persistManifest (manifest.ts) — temp file, every byte, fsync,
// rename over the manifest, fsync of the directory — with the two fsyncs on libuv's pool, so
// the server keeps serving while the disk commits. The small writes, the rename and the opens
// stay synchronous (no waiting on the disk).

import fs from 'node:fs';
import { type AofFs, closeQuietly, dirname, makePath, strerror } from './fs.js';
import { type AofLayout, type AofManifest, aofFilePath, manifestFileName, tempManifestFileName, writeError } from './manifest.js';

/** Persists running per manifest path, and those waiting: they share the temp file, so one at a time. */
const queues = new Map<string, (() => void)[]>();

/**
 * Calls done(null) once `am` is durably the manifest, or done(error) (an AofManifestError with
 * Redis's line). Persists of the same manifest run one after the other, in call order.
 */
export function persistManifestAsync(afs: AofFs, l: AofLayout, am: AofManifest, done: (err: Error | null) => void): void {
  const key = aofFilePath(l, manifestFileName(l.appendfilename));
  const run = (): void =>
    persistNow(afs, l, am, (err) => {
      const queue = queues.get(key)!;
      queue.shift();
      if (queue.length === 0) queues.delete(key);
      else queue[0]!();
      done(err);
    });
  const queue = queues.get(key);
  if (queue !== undefined) {
    queue.push(run);
    return;
  }
  queues.set(key, [run]);
  run();
}

function persistNow(afs: AofFs, l: AofLayout, am: AofManifest, done: (err: Error | null) => void): void {
  if (!am.dirty) {
    done(null);
    return;
  }
  const name = manifestFileName(l.appendfilename);
  const tmpName = tempManifestFileName(l.appendfilename);
  const path = aofFilePath(l, name);
  const tmpPath = aofFilePath(l, tmpName);
  const buf = am.serialize();
  const { O_WRONLY, O_TRUNC, O_CREAT, O_RDONLY } = fs.constants;
  let fd: number;
  try {
    fd = afs.open(tmpPath, O_WRONLY | O_TRUNC | O_CREAT, 0o644);
  } catch (err) {
    done(writeError(`Can't open the AOF manifest file ${tmpName}: ${strerror(err)}`, err));
    return;
  }
  try {
    for (let off = 0; off < buf.length; ) {
      try {
        off += afs.write(fd, buf, off, buf.length - off);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EINTR') continue;
        throw writeError(`Error trying to write the temporary AOF manifest file ${tmpName}: ${strerror(err)}`, err);
      }
    }
  } catch (err) {
    closeQuietly(afs, fd);
    done(err as Error);
    return;
  }
  afs.fdatasyncAsync(fd, (syncErr) => {
    closeQuietly(afs, fd);
    if (syncErr !== null) {
      done(writeError(`Fail to fsync the temp AOF file ${tmpName}: ${strerror(syncErr)}.`, syncErr));
      return;
    }
    try {
      afs.rename(tmpPath, path);
    } catch (err) {
      done(writeError(`Error trying to rename the temporary AOF manifest file ${tmpName} into ${name}: ${strerror(err)}`, err));
      return;
    }
    // fsyncFileDir: a system that cannot open or fsync a directory is no error.
    let dirFd: number;
    try {
      dirFd = afs.open(dirname(path), O_RDONLY);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') {
        am.dirty = false;
        done(null);
      } else {
        done(writeError(`Fail to fsync AOF directory ${makePath(l.appenddirname, name)}: ${strerror(err)}.`, err));
      }
      return;
    }
    afs.fdatasyncAsync(dirFd, (dirErr) => {
      closeQuietly(afs, dirFd);
      if (dirErr !== null && dirErr.code !== 'EBADF' && dirErr.code !== 'EINVAL') {
        done(writeError(`Fail to fsync AOF directory ${makePath(l.appenddirname, name)}: ${strerror(dirErr)}.`, dirErr));
        return;
      }
      am.dirty = false;
      done(null);
    });
  });
}
