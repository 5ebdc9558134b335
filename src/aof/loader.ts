// Loading: replays the BASE and INCR files named by the manifest through the same dispatcher
// that runs live commands (Redis 7.0's loadAppendOnlyFiles / loadSingleAppendOnlyFile).
//
// The replaying client has no socket: its replies are discarded, it never blocks, it is not
// counted in commandstats, the slow log or MONITOR, and nothing it does is propagated. While
// loading, `keyspace.loading` is set: no key expires (past TTLs stay until first access after
// the load) and socket clients get -LOADING for anything not flagged `loading`.
//
// The replay is a generator that yields every 1024 commands: at start-up an asynchronous
// driver gives the event loop a turn there (clients connect, INFO shows the progress); DEBUG
// LOADAOF drives the same generator synchronously, as Redis does it inside the command.
//
// Outcomes and log lines follow Redis 7.0: an unfinished last file is truncated to its last
// complete command with `aof-load-truncated yes` (an unfinished MULTI reverted to before it),
// anything else (format error, unknown command, a truncated file that is not the last, a
// missing file) is fatal: AofFatalError carries the lines to log before exiting.

import fs from 'node:fs';
import { processCommand } from '../commands/dispatch.js';
import type { Server } from '../server/server.js';
import { type AofFs, strerror } from './fs.js';
import { type AofLayout, type AofManifest, AofManifestError, aofFilePath } from './manifest.js';
import { type AofLoadEnd, AofFdScanner } from './scan.js';

/** A condition Redis logs and then exits on; `logLines` are the WARNING lines, in order. */
export class AofFatalError extends Error {
  constructor(readonly logLines: readonly string[]) {
    super(logLines[logLines.length - 1] ?? 'AOF fatal error');
    this.name = 'AofFatalError';
  }
}

/** loadAppendOnlyFiles' results that do not exit. */
export type AofLoadStatus = 'ok' | 'not-exist' | 'empty' | 'truncated';

/** How often the replay yields to its driver (Redis: processEventsWhileBlocked every 1024). */
const YIELD_EVERY = 1024;

/** Progress for INFO's loading_* fields. */
export interface LoadingProgress {
  /** Unix seconds. */
  readonly startTime: number;
  readonly totalBytes: number;
  loadedBytes: number;
}

export interface LoadOutcome {
  readonly status: AofLoadStatus;
  /** The BASE's size (aof_rewrite_base_size at start-up). */
  readonly baseSize: number;
}

/**
 * The replay of every file of `manifest`. Yields a number of milliseconds to wait (0: just
 * give the event loop a turn); returns the outcome or throws AofFatalError.
 */
export function* loadAppendOnlyFiles(
  server: Server,
  afs: AofFs,
  layout: AofLayout,
  manifest: AofManifest,
  onProgress: (p: LoadingProgress | null) => void,
  /** Log "DB loaded from base|incr file ..." per file (multi-part); the classic file has none. */
  perFileLines = true,
): Generator<number, LoadOutcome> {
  if (manifest.isEmpty) return { status: 'not-exist', baseSize: 0 };
  const files = manifest.filesToLoad();
  const sizes: number[] = [];
  for (const f of files) {
    let size: number;
    try {
      const st = afs.stat(aofFilePath(layout, f.name));
      if (st === null) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      size = st.size;
    } catch (err) {
      // A file named by the manifest but missing on disk is fatal.
      throw new AofFatalError([`Unable to obtain the AOF file ${f.name} length. stat: ${strerror(err)}`]);
    }
    sizes.push(size);
  }
  const totalSize = sizes.reduce((a, b) => a + b, 0);
  if (totalSize === 0) return { status: 'empty', baseSize: 0 };

  const progress: LoadingProgress = { startTime: Math.floor(Date.now() / 1000), totalBytes: totalSize, loadedBytes: 0 };
  server.keyspace.loading = true;
  onProgress(progress);
  let status: AofLoadStatus = 'ok';
  try {
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      const last = i === files.length - 1;
      if (sizes[i] === 0) continue; // an empty file loads nothing (and is no error)
      const start = performance.now();
      const before = progress.loadedBytes;
      const result = yield* loadSingleFile(server, afs, layout, f.name, progress);
      const kind = f.type === 'b' ? 'base' : 'incr';
      if (result.status === 'truncated' && !last) {
        throw new AofFatalError([...result.lines, 'Fatal error: the truncated file is not the last file']);
      }
      for (const line of result.lines) server.logger.warning(line);
      if (result.status === 'truncated') status = 'truncated';
      if (perFileLines) server.logger.notice(`DB loaded from ${kind} file ${f.name}: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
      progress.loadedBytes = before + sizes[i]!;
    }
  } finally {
    server.keyspace.loading = false;
    onProgress(null);
  }
  return { status, baseSize: manifest.base !== null ? sizes[0]! : 0 };
}

interface SingleFileResult {
  readonly status: 'ok' | 'truncated';
  /** WARNING lines to log (truncation), unless the caller turns them into a fatal error. */
  readonly lines: string[];
}

/** loadSingleAppendOnlyFile for a non-empty file. */
function* loadSingleFile(
  server: Server,
  afs: AofFs,
  layout: AofLayout,
  name: string,
  progress: LoadingProgress,
): Generator<number, SingleFileResult> {
  const path = aofFilePath(layout, name);
  let fd: number;
  try {
    fd = afs.open(path, fs.constants.O_RDONLY);
  } catch (err) {
    throw new AofFatalError([`Fatal error: can't open the append log file ${name} for reading: ${strerror(err)}`]);
  }
  const base = progress.loadedBytes;
  let end: AofLoadEnd;
  const client = server.createInternalClient();
  try {
    const head = Buffer.alloc(5);
    const got = fs.readSync(fd, head, 0, 5, 0);
    if (got === 5 && head.toString('latin1') === 'REDIS') {
      const oldStyle = name === layout.appendfilename;
      server.logger.notice(oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
      throw new AofFatalError([
        'nodis cannot read RDB data yet: rewrite this AOF with aof-use-rdb-preamble no in Redis to load it here.',
        oldStyle
          ? `Error reading the RDB preamble of the AOF file ${name}, AOF loading aborted`
          : `Error reading the RDB base file ${name}, AOF loading aborted`,
      ]);
    }
    const delayUs = server.config.num('key-load-delay');
    let pendingDelayUs = 0;
    let n = 0;
    const scan = new AofFdScanner(fd);
    for (let argv = scan.nextArgv(); argv !== null; argv = scan.nextArgv()) {
      if (server.commands.resolve(argv) === undefined) {
        const shown = argv[0]!.split('\0')[0]!;
        throw new AofFatalError([`Unknown command '${shown}' reading the append only file ${name}`]);
      }
      // The clock is read once per batch of records, as per socket read for live commands.
      if (n % YIELD_EVERY === 0) server.startBatch();
      processCommand(server, client, argv);
      if (delayUs > 0) pendingDelayUs += delayUs;
      if (++n % YIELD_EVERY === 0 || pendingDelayUs >= 1000) {
        progress.loadedBytes = base + scan.recordEnd;
        yield Math.floor(pendingDelayUs / 1000);
        pendingDelayUs %= 1000;
      }
    }
    end = scan.result;
  } catch (err) {
    if (err instanceof AofFatalError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string') throw new AofFatalError([`Unrecoverable error reading the append only file ${name}: ${strerror(err)}`]);
    throw err;
  } finally {
    afs.close(fd);
    client.discardTransaction();
  }

  switch (end.kind) {
    case 'ok':
      return { status: 'ok', lines: [] };
    case 'format':
      throw new AofFatalError([
        `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
      ]);
    case 'read-error':
      throw new AofFatalError([`Unrecoverable error reading the append only file ${name}: Success`]);
    case 'eof':
      break;
  }
  const lines: string[] = [];
  // A cut inside MULTI is reverted to before the MULTI, whether the file ends cleanly after
  // queued commands (as Redis) or inside one (Redis keeps the queued part there, leaving an
  // open MULTI in the file that would swallow whatever the next start appends).
  const validUpTo = end.openMultiAt ?? end.validUpTo;
  if (end.revertedMulti || end.openMultiAt !== undefined) lines.push(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
  const uxeof = `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`;
  if (!server.config.bool('aof-load-truncated')) throw new AofFatalError([...lines, uxeof]);
  lines.push(`!!! Warning: short read while loading the AOF file ${name}!!!`);
  lines.push(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
  try {
    afs.truncate(path, validUpTo);
  } catch (err) {
    throw new AofFatalError([...lines, `Error truncating the AOF file ${name}: ${strerror(err)}`, uxeof]);
  }
  lines.push(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
  return { status: 'truncated', lines };
}

/** Runs a load to completion without yielding (DEBUG LOADAOF). */
export function runLoadSync(gen: Generator<number, LoadOutcome>): LoadOutcome {
  for (;;) {
    const r = gen.next();
    if (r.done === true) return r.value;
  }
}

/** Runs a load giving the event loop a turn at every yield (start-up). */
export async function runLoadAsync(gen: Generator<number, LoadOutcome>): Promise<LoadOutcome> {
  for (;;) {
    const r = gen.next();
    if (r.done === true) return r.value;
    await new Promise<void>((resolve) => (r.value > 0 ? setTimeout(resolve, r.value) : setImmediate(resolve)));
  }
}

/** A manifest or file error as the fatal lines Redis logs. */
export function asFatal(err: unknown): AofFatalError {
  if (err instanceof AofFatalError) return err;
  if (err instanceof AofManifestError) return new AofFatalError(err.logLines);
  if (typeof (err as NodeJS.ErrnoException | null)?.code === 'string') return new AofFatalError([strerror(err)]);
  throw err;
}
