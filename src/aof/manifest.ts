// Redis 7.0's multi-part AOF manifest: which files make up the log, in which order.
//
//   <dir>/<appenddirname>/<appendfilename>.manifest
//     file appendonly.aof.2.base.aof seq 2 type b      the snapshot of the last rewrite (≤ 1)
//     file appendonly.aof.1.incr.aof seq 1 type h      former base/incr files awaiting deletion
//     file appendonly.aof.2.incr.aof seq 2 type i      writes since then, in increasing seq
//
// The model, its naming rules, a parser as strict as Redis's (same checks, same order, same
// texts), a serializer producing Redis's bytes, the atomic persist (temp file, fsync, rename,
// fsync directory) and the crash-safe upgrade of a legacy single `appendonly.aof`. Pure apart
// from the injected AofFs; logging is left to the caller, which gets Redis's lines.

import { splitArgs } from '../resp/decoder.js';
import { type AofFs, makePath, strerror } from './fs.js';
import fs from 'node:fs';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofInfo {
  /** File name inside the AOF directory (latin1: one char per byte). */
  readonly name: string;
  readonly seq: number;
  readonly type: AofFileType;
}

/** Where the AOF lives: `<dir>/<appenddirname>/`, file names prefixed by `appendfilename`. */
export interface AofLayout {
  /** The server's `dir` (absolute; latin1 like every config string). */
  readonly dir: string;
  readonly appenddirname: string;
  readonly appendfilename: string;
}

/**
 * A manifest error Redis reports and (at start-up) exits on. `logLines` are the exact strings
 * Redis passes to serverLog(LL_WARNING, …), one per call, embedded newlines included.
 */
export class AofManifestError extends Error {
  constructor(
    message: string,
    readonly logLines: readonly string[],
  ) {
    super(message);
    this.name = 'AofManifestError';
  }
}

// ---- naming ----------------------------------------------------------------------------------

export const manifestFileName = (appendfilename: string): string => `${appendfilename}.manifest`;
export const tempManifestFileName = (appendfilename: string): string => `temp-${appendfilename}.manifest`;
export const baseFileName = (appendfilename: string, seq: number, rdb: boolean): string =>
  `${appendfilename}.${seq}.base.${rdb ? 'rdb' : 'aof'}`;
export const incrFileName = (appendfilename: string, seq: number): string => `${appendfilename}.${seq}.incr.aof`;
/** The INCR written while AOF is being turned on (AOF_WAIT_REWRITE), in the AOF directory. */
export const tempIncrFileName = (appendfilename: string): string => `temp-${appendfilename}.incr`;
/** The rewrite's temp base, in `dir` (not the AOF directory). */
export const tempRewriteBgFileName = (pid: number): string => `temp-rewriteaof-bg-${pid}.aof`;
export const tempRewriteFileName = (pid: number): string => `temp-rewriteaof-${pid}.aof`;

export const aofDirPath = (l: AofLayout): string => makePath(l.dir, l.appenddirname);
export const aofFilePath = (l: AofLayout, name: string): string => makePath(aofDirPath(l), name);

export interface ParsedAofFileName {
  readonly kind: 'base' | 'incr';
  readonly seq: number;
  readonly format: 'rdb' | 'aof';
}

/** Recognises `<appendfilename>.<seq>.base.{rdb,aof}` and `<appendfilename>.<seq>.incr.aof`. */
export function parseAofFileName(appendfilename: string, name: string): ParsedAofFileName | null {
  if (!name.startsWith(`${appendfilename}.`)) return null;
  const m = /^([1-9][0-9]{0,15})\.(base\.rdb|base\.aof|incr\.aof)$/.exec(name.slice(appendfilename.length + 1));
  if (m === null) return null;
  const seq = Number(m[1]);
  if (!Number.isSafeInteger(seq)) return null;
  const [kind, format] = m[2]!.split('.') as ['base' | 'incr', 'rdb' | 'aof'];
  return { kind, seq, format };
}

// ---- model -----------------------------------------------------------------------------------

export class AofManifest {
  base: AofInfo | null = null;
  /** INCR files, seqs strictly increasing; the last one is the file being appended to. */
  incrs: AofInfo[] = [];
  /** Former files not yet deleted; newest first, as Redis pushes them on the head. */
  history: AofInfo[] = [];
  currBaseSeq = 0;
  currIncrSeq = 0;
  /** Changed since it was last persisted. */
  dirty = false;

  clone(): AofManifest {
    const m = new AofManifest();
    m.base = this.base;
    m.incrs = [...this.incrs];
    m.history = [...this.history];
    m.currBaseSeq = this.currBaseSeq;
    m.currIncrSeq = this.currIncrSeq;
    m.dirty = this.dirty;
    return m;
  }

  /** Neither a BASE nor an INCR: Redis's AOF_NOT_EXIST (an empty start). */
  get isEmpty(): boolean {
    return this.base === null && this.incrs.length === 0;
  }

  /** The files to replay, in order: the BASE, then every INCR. */
  filesToLoad(): AofInfo[] {
    return this.base === null ? [...this.incrs] : [this.base, ...this.incrs];
  }

  get lastIncr(): AofInfo | null {
    return this.incrs.length === 0 ? null : this.incrs[this.incrs.length - 1]!;
  }

  /** Seq the next INCR will get (Redis increments curr_incr_file_seq; gaps are allowed). */
  get nextIncrSeq(): number {
    return this.currIncrSeq + 1;
  }

  get nextBaseSeq(): number {
    return this.currBaseSeq + 1;
  }

  /**
   * A new BASE for a rewrite (getNewBaseFileNameAndMarkPreAsHistory): the current BASE, if
   * any, becomes the newest history entry. Returns the new file name.
   */
  newBase(appendfilename: string, rdb: boolean): string {
    if (this.base !== null) this.history.unshift({ ...this.base, type: 'h' });
    const seq = ++this.currBaseSeq;
    const name = baseFileName(appendfilename, seq, rdb);
    this.base = { name, seq, type: 'b' };
    this.dirty = true;
    return name;
  }

  /** A new INCR appended to the list (getNewIncrAofName). Returns its name. */
  newIncr(appendfilename: string): string {
    const seq = ++this.currIncrSeq;
    const name = incrFileName(appendfilename, seq);
    this.incrs.push({ name, seq, type: 'i' });
    this.dirty = true;
    return name;
  }

  /** The INCR to append to at start-up: the last one, or a new one (getLastIncrAofName). */
  lastIncrOrNew(appendfilename: string): { name: string; created: boolean } {
    const last = this.lastIncr;
    if (last !== null) return { name: last.name, created: false };
    return { name: this.newIncr(appendfilename), created: true };
  }

  /**
   * After a successful rewrite (markRewrittenIncrAsHistory): every INCR becomes history, except
   * the one being written when AOF is on (`keepLast`). Walked from the tail and each pushed on
   * the head, so history keeps increasing seq order among them.
   */
  markRewrittenIncrsAsHistory(keepLast: boolean): void {
    if (this.incrs.length === 0) return;
    const keep = keepLast ? this.incrs.slice(-1) : [];
    const moved = keepLast ? this.incrs.slice(0, -1) : this.incrs;
    for (let i = moved.length - 1; i >= 0; i--) this.history.unshift({ ...moved[i]!, type: 'h' });
    this.incrs = keep;
    this.dirty = true;
  }

  /**
   * Drops every history entry (aofDelHistoryFiles) and returns them, for the caller to log
   * `Removing the history file %s in the background` and unlink. Empty: nothing changes.
   */
  removeHistory(): AofInfo[] {
    const removed = this.history;
    if (removed.length === 0) return removed;
    this.history = [];
    this.dirty = true;
    return removed;
  }

  /** The manifest text, exactly the bytes Redis writes (getAofManifestAsString). */
  serialize(): Buffer {
    let out = '';
    if (this.base !== null) out += formatAofInfo(this.base);
    for (const ai of this.history) out += formatAofInfo(ai);
    for (const ai of this.incrs) out += formatAofInfo(ai);
    return Buffer.from(out, 'latin1');
  }
}

/** One manifest line: `file <name> seq <n> type <c>\n`, the name quoted when it needs it. */
export function formatAofInfo(ai: AofInfo): string {
  const name = needsRepr(ai.name) ? catRepr(ai.name) : ai.name;
  return `file ${name} seq ${ai.seq} type ${ai.type}\n`;
}

/** sdsneedsrepr(): quotes, backslash, whitespace or anything not printable ASCII. */
export function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || c <= 0x20 || c >= 0x7f) return true;
  }
  return false;
}

/** sdscatrepr(): a double-quoted form that sdssplitargs() reads back as the same bytes. */
export function catRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

// ---- parser ----------------------------------------------------------------------------------

/** fgets() buffer of aofLoadManifestFromFile: MANIFEST_MAX_LINE (1024) + 1. */
const MANIFEST_MAX_LINE = 1024;

const parseError = (reason: string, linenum: number, line: string | null): AofManifestError => {
  const logLines = ['\n*** FATAL AOF MANIFEST FILE ERROR ***\n'];
  if (line !== null) logLines.push(`Reading the manifest file, at line ${linenum}\n`, `>>> '${line}'\n`);
  logLines.push(`${reason}\n`);
  return new AofManifestError(reason, logLines);
};

/** A C string view: the text up to the first NUL byte. */
const cstr = (s: string): string => {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
};

const lowerAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));

/** atoll() as glibc does it (strtoll, saturating), as a JS number. */
function atoll(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]*)/.exec(s)!;
  if (m[2] === '') return 0;
  let v = BigInt(m[2]!);
  if (m[1] === '-') v = -v;
  const max = 9223372036854775807n;
  if (v > max) v = max;
  if (v < -max - 1n) v = -max - 1n;
  return Number(v);
}

/** sdstrim(s, " \t\r\n"). */
const trimLine = (s: string): string => s.replace(/^[ \t\r\n]+/, '').replace(/[ \t\r\n]+$/, '');

/**
 * Parses manifest bytes with Redis 7.0's aofLoadManifestFromFile() rules and messages. Lines are
 * consumed the way fgets() with a 1025-byte buffer consumes them, so a line of more than 1024
 * bytes, a last line without `\n` and a NUL byte all behave as in Redis.
 */
export function parseManifest(data: Buffer): AofManifest {
  const am = new AofManifest();
  let maxseq = 0;
  let linenum = 0;
  let pos = 0;
  for (;;) {
    if (pos >= data.length) {
      if (linenum === 0) throw parseError('Found an empty AOF manifest', linenum, null);
      break;
    }
    let end = Math.min(pos + MANIFEST_MAX_LINE, data.length);
    const nl = data.indexOf(10, pos);
    if (nl >= 0 && nl < end) end = nl + 1;
    const buf = cstr(data.toString('latin1', pos, end));
    pos = end;
    linenum++;

    if (buf[0] === '#') continue;
    if (!buf.includes('\n')) throw parseError('The AOF manifest file contains too long line', linenum, null);

    const line = trimLine(buf);
    if (line.length === 0) throw parseError('Invalid AOF manifest file format', linenum, line);

    const argv = splitArgs(line);
    // 'argc < 6' leaves room for more key/value pairs in later versions.
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) {
      throw parseError('Invalid AOF manifest file format', linenum, line);
    }

    let name: string | null = null;
    let seq = 0;
    let type = '';
    for (let i = 0; i < argv.length; i += 2) {
      const key = lowerAscii(cstr(argv[i]!));
      const value = cstr(argv[i + 1]!);
      if (key === 'file') {
        name = value;
        if (name.includes('/') || name.includes('\\')) {
          throw parseError("File can't be a path, just a filename", linenum, line);
        }
      } else if (key === 'seq') {
        seq = atoll(value);
      } else if (key === 'type') {
        type = value.slice(0, 1);
      }
    }
    if (name === null || seq === 0 || type === '') {
      throw parseError('Invalid AOF manifest file format', linenum, line);
    }

    if (type === 'b') {
      if (am.base !== null) throw parseError('Found duplicate base file information', linenum, line);
      am.base = { name, seq, type };
      am.currBaseSeq = seq;
    } else if (type === 'h') {
      am.history.push({ name, seq, type });
    } else if (type === 'i') {
      if (seq <= maxseq) throw parseError('Found a non-monotonic sequence number', linenum, line);
      am.incrs.push({ name, seq, type });
      am.currIncrSeq = seq;
      maxseq = seq;
    } else {
      throw parseError('Unknown AOF file type', linenum, line);
    }
  }
  return am;
}

// ---- disk ------------------------------------------------------------------------------------

export interface LoadedManifest {
  readonly manifest: AofManifest;
  /** Whether a manifest was read (false: no AOF directory or no manifest in it). */
  readonly found: boolean;
  /** Redis's LL_DEBUG line when nothing was found. */
  readonly debug: string | null;
}

const fileExists = (afs: AofFs, p: string): boolean => afs.stat(p)?.isFile === true;
const dirExists = (afs: AofFs, p: string): boolean => afs.stat(p)?.isDirectory === true;

/**
 * aofLoadManifestFromDisk(): a missing AOF directory or manifest is no error (an empty
 * manifest, "no MP-AOF yet"); anything unreadable or malformed throws AofManifestError, on which
 * the server logs `logLines` and exits 1.
 */
export function loadManifestFromDisk(afs: AofFs, l: AofLayout): LoadedManifest {
  if (!dirExists(afs, aofDirPath(l))) {
    return { manifest: new AofManifest(), found: false, debug: `The AOF directory ${l.appenddirname} doesn't exist` };
  }
  const name = manifestFileName(l.appendfilename);
  if (!fileExists(afs, aofFilePath(l, name))) {
    return { manifest: new AofManifest(), found: false, debug: `The AOF manifest file ${name} doesn't exist` };
  }
  let data: Buffer;
  try {
    data = afs.readFile(aofFilePath(l, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).syscall === 'open') {
      const text = `Fatal error: can't open the AOF manifest file ${makePath(l.appenddirname, name)} for reading: ${strerror(err)}`;
      throw new AofManifestError(text, [text]);
    }
    throw parseError('Read AOF manifest failed', 0, null);
  }
  return { manifest: parseManifest(data), found: true, debug: null };
}

/**
 * The AofManifestError for a failed file operation. Anything that is not an fs error (no errno
 * code: a bug, or a test's simulated crash) passes through unchanged.
 */
export const writeError = (text: string, cause?: unknown): Error => {
  if (cause !== undefined && typeof (cause as NodeJS.ErrnoException | null)?.code !== 'string') {
    return cause instanceof Error ? cause : new Error(String(cause));
  }
  return new AofManifestError(text, [text]);
};

/**
 * persistAofManifest(): when dirty, write the manifest atomically — temp file
 * (O_WRONLY|O_TRUNC|O_CREAT, 0644), every byte, fsync, rename over the manifest, fsync the
 * directory — then clear `dirty`. On failure throws AofManifestError with Redis's line; the
 * previous manifest is untouched (the temp file may stay behind, as in Redis).
 */
export function persistManifest(afs: AofFs, l: AofLayout, am: AofManifest): void {
  if (!am.dirty) return;
  const name = manifestFileName(l.appendfilename);
  const tmpName = tempManifestFileName(l.appendfilename);
  const path = aofFilePath(l, name);
  const tmpPath = aofFilePath(l, tmpName);
  const buf = am.serialize();
  const { O_WRONLY, O_TRUNC, O_CREAT } = fs.constants;

  let fd: number;
  try {
    fd = afs.open(tmpPath, O_WRONLY | O_TRUNC | O_CREAT, 0o644);
  } catch (err) {
    throw writeError(`Can't open the AOF manifest file ${tmpName}: ${strerror(err)}`, err);
  }
  try {
    let off = 0;
    while (off < buf.length) {
      let n: number;
      try {
        n = afs.write(fd, buf, off, buf.length - off);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EINTR') continue;
        throw writeError(`Error trying to write the temporary AOF manifest file ${tmpName}: ${strerror(err)}`, err);
      }
      off += n;
    }
    const step = (op: () => void, text: (reason: string) => string): void => {
      try {
        op();
      } catch (err) {
        throw writeError(text(strerror(err)), err);
      }
    };
    step(() => afs.fsync(fd), (e) => `Fail to fsync the temp AOF file ${tmpName}: ${e}.`);
    step(() => afs.rename(tmpPath, path), (e) => `Error trying to rename the temporary AOF manifest file ${tmpName} into ${name}: ${e}`);
    step(() => afs.fsyncDir(path), (e) => `Fail to fsync AOF directory ${makePath(l.appenddirname, name)}: ${e}.`);
  } finally {
    afs.close(fd);
  }
  am.dirty = false;
}

// ---- legacy upgrade --------------------------------------------------------------------------

export interface LegacyState {
  /** `<dir>/<appendfilename>` is a regular file. */
  readonly legacyFileExists: boolean;
  readonly aofDirExists: boolean;
  /** `<dir>/<appenddirname>/<appendfilename>` is a regular file. */
  readonly legacyFileInAofDir: boolean;
}

/**
 * The upgrade check of loadAppendOnlyFiles(): a legacy `<dir>/<appendfilename>` is moved into
 * the AOF directory when the directory is missing, or the manifest lists nothing, or it lists
 * only that file as BASE and the move had not happened yet (an interrupted upgrade).
 */
export function needsLegacyUpgrade(s: LegacyState, am: AofManifest, appendfilename: string): boolean {
  if (!s.legacyFileExists) return false;
  if (!s.aofDirExists) return true;
  if (am.base === null && am.incrs.length === 0) return true;
  return am.base !== null && am.incrs.length === 0 && am.base.name === appendfilename && !s.legacyFileInAofDir;
}

export function legacyState(afs: AofFs, l: AofLayout): LegacyState {
  return {
    legacyFileExists: fileExists(afs, makePath(l.dir, l.appendfilename)),
    aofDirExists: dirExists(afs, aofDirPath(l)),
    legacyFileInAofDir: fileExists(afs, aofFilePath(l, l.appendfilename)),
  };
}

/**
 * aofUpgradePrepare(): create the directory, persist a manifest naming the legacy file as
 * BASE seq 1, then move the file in. A crash between any two steps is safe: the next start
 * sees case (a), (b) or (c) of needsLegacyUpgrade() and redoes the rest. Returns the NOTICE
 * line; throws AofManifestError (Redis exits 1) on failure.
 */
export function upgradeLegacyAof(afs: AofFs, l: AofLayout, am: AofManifest): string {
  if (fileExists(afs, aofFilePath(l, l.appendfilename))) {
    // serverAssert(!aofFileExist(server.aof_filename)) in Redis: a crash, not a log line.
    throw new Error(`assertion failed: ${l.appendfilename} already exists in ${l.appenddirname}`);
  }
  try {
    afs.mkdir(aofDirPath(l));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw writeError(`Can't open or create append-only dir ${l.appenddirname}: ${strerror(err)}`, err);
    }
  }
  am.base = { name: l.appendfilename, seq: 1, type: 'b' };
  am.currBaseSeq = 1;
  am.dirty = true;
  persistManifest(afs, l, am);
  try {
    afs.rename(makePath(l.dir, l.appendfilename), aofFilePath(l, l.appendfilename));
  } catch (err) {
    throw writeError(
      `Error trying to move the old AOF file ${l.appendfilename} into dir ${l.appenddirname}: ${strerror(err)}`,
      err,
    );
  }
  return `Successfully migrated an old-style AOF file (${l.appendfilename}) into the AOF directory (${l.appenddirname}).`;
}

/** The check and the upgrade together; the NOTICE line when an upgrade happened, else null. */
export function upgradeLegacyAofIfNeeded(afs: AofFs, l: AofLayout, am: AofManifest): string | null {
  return needsLegacyUpgrade(legacyState(afs, l), am, l.appendfilename) ? upgradeLegacyAof(afs, l, am) : null;
}
