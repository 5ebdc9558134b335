// Writing a BASE file from the dataset, synchronously (Redis's rewriteAppendOnlyFile in the
// main process: the BASE created at start-up when there is none; every other BASE comes from
// the background rewrite, rewrite.ts). The records are Redis 7.0's rewrite format (rewrite-records.ts), encoded by an
// AofFeed (SELECT before each database's keys), written to `temp-rewriteaof-<pid>.aof` in
// `dir`, fsynced (every 4 MB too with aof-rewrite-incremental-fsync), then renamed into the
// AOF directory: a crash leaves either no BASE or a complete one.

import fs from 'node:fs';
import type { Database } from '../keyspace/database.js';
import { AofFeed } from './feed.js';
import { type AofFs, closeQuietly, fsError, makePath, strerror, unlinkQuietly } from './fs.js';
import { type AofLayout, aofFilePath, tempRewriteFileName } from './manifest.js';
import { rewriteDataset } from './rewrite-records.js';
import { AUTOSYNC_BYTES, WRITE_CHUNK } from './rewrite.js';

export interface BaseFileOptions {
  /** Unix seconds for the `#TS:` line at the top (aof-timestamp-enabled), or null. */
  readonly timestamp: number | null;
  readonly incrementalFsync: boolean;
}

/**
 * Writes the BASE `name` into the AOF directory. Returns null on success, or the WARNING lines
 * Redis logs for the failure (the temp file is removed).
 */
export function writeBaseFile(afs: AofFs, layout: AofLayout, name: string, dbs: readonly Database[], opts: BaseFileOptions): string[] | null {
  const tmpPath = makePath(layout.dir, tempRewriteFileName(process.pid));
  let fd: number;
  try {
    fd = afs.open(tmpPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o644);
  } catch (err) {
    return [`Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${strerror(err)}`];
  }
  const enc = new AofFeed();
  let sinceSync = 0;
  const writeAll = (buf: Buffer): void => {
    for (let off = 0; off < buf.length; ) {
      const n = afs.write(fd, buf, off, buf.length - off);
      if (n <= 0) throw fsError('ENOSPC', 'write');
      off += n;
    }
  };
  const drain = (): void => {
    const buf = enc.peek();
    writeAll(buf);
    enc.consume(buf.length);
    sinceSync += buf.length;
    if (opts.incrementalFsync && sinceSync >= AUTOSYNC_BYTES) {
      afs.fsync(fd);
      sinceSync = 0;
    }
  };
  try {
    if (opts.timestamp !== null) {
      writeAll(Buffer.from(`#TS:${opts.timestamp}\r\n`, 'latin1'));
    }
    rewriteDataset(dbs, (db, argv) => {
      enc.feedOp(db, argv, 0);
      if (enc.pending >= WRITE_CHUNK) drain();
    });
    drain();
    afs.fsync(fd);
  } catch (err) {
    closeQuietly(afs, fd);
    unlinkQuietly(afs, tmpPath);
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
    return [`Write error writing append only file on disk: ${strerror(err)}`];
  }
  closeQuietly(afs, fd);
  try {
    afs.rename(tmpPath, aofFilePath(layout, name));
  } catch (err) {
    unlinkQuietly(afs, tmpPath);
    return [`Error moving temp append only file on the final destination: ${strerror(err)}`];
  }
  return null;
}
