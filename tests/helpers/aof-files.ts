// Reading a server's AOF directory in tests (nodis or redis-server: both use Redis 7.0's
// multi-part layout): the manifest, the files, the INCR bytes, and the records in them
// (parsed with the loader's own scanner, scanAofForLoad, which must see a clean end, or with
// an independent strict reader).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { scanAofForLoad } from '../../src/aof/scan.js';
import { encodeCommand } from './resp-client.js';

export const AOF_DIRNAME = 'appendonlydir';
export const MANIFEST_NAME = 'appendonly.aof.manifest';

export function aofDir(dir: string): string {
  return path.join(dir, AOF_DIRNAME);
}

/** The manifest text, or null when there is none. */
export function readManifest(dir: string): string | null {
  const p = path.join(aofDir(dir), MANIFEST_NAME);
  return fs.existsSync(p) ? fs.readFileSync(p, 'latin1') : null;
}

export interface ManifestEntry {
  readonly name: string;
  readonly seq: number;
  readonly type: 'b' | 'h' | 'i';
}

/** The manifest's lines (plain names only: the tests never use names that need quoting). */
export function manifestEntries(dir: string): ManifestEntry[] {
  const text = readManifest(dir);
  assert.ok(text !== null, `no manifest in ${aofDir(dir)}`);
  return parseManifestText(text);
}

/** The lines of a manifest's text. */
export function parseManifestText(text: string): ManifestEntry[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^file (\S+) seq (\d+) type ([bhi])$/.exec(l);
      assert.ok(m, `unexpected manifest line ${JSON.stringify(l)} in ${JSON.stringify(text)}`);
      return { name: m[1]!, seq: Number(m[2]), type: m[3] as ManifestEntry['type'] };
    });
}

/** Every file name in the AOF directory, sorted. */
export function listAofFiles(dir: string): string[] {
  const d = aofDir(dir);
  return fs.existsSync(d) ? fs.readdirSync(d).sort() : [];
}

export function readAofFile(dir: string, name: string): Buffer {
  return fs.readFileSync(path.join(aofDir(dir), name));
}

/** Path of the INCR being appended to (the manifest's last INCR). */
export function lastIncrPath(dir: string): string {
  const incrs = manifestEntries(dir).filter((e) => e.type === 'i');
  assert.ok(incrs.length > 0, 'the manifest lists no INCR');
  return path.join(aofDir(dir), incrs[incrs.length - 1]!.name);
}

/** All INCR files of the manifest, concatenated in manifest order. */
export function readIncrs(dir: string): Buffer {
  return Buffer.concat(manifestEntries(dir).filter((e) => e.type === 'i').map((e) => readAofFile(dir, e.name)));
}

/** The BASE named by the manifest, or null. */
export function readBase(dir: string): Buffer | null {
  const base = manifestEntries(dir).find((e) => e.type === 'b');
  return base === undefined ? null : readAofFile(dir, base.name);
}

export type AofItem = { readonly ts: number } | { readonly argv: string[] };

/** The records and `#TS:` annotations of AOF bytes, in order; the scan must end cleanly. */
export function aofItems(bytes: Buffer | string): AofItem[] {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const items: { at: number; item: AofItem }[] = [];
  const { records, end } = scanAofForLoad(buf, {
    onAnnotation: (a) => {
      assert.ok(a.timestamp !== null, `unexpected annotation ${JSON.stringify(a.text)}`);
      items.push({ at: a.offset, item: { ts: a.timestamp } });
    },
  });
  assert.equal(end.kind, 'ok', `AOF bytes do not end cleanly: ${JSON.stringify(end)}`);
  for (const r of records) items.push({ at: r.start, item: { argv: r.argv } });
  return items.sort((a, b) => a.at - b.at).map((x) => x.item);
}

/**
 * A strict reader of AOF bytes independent of the loader's scanner: `#TS:<n>` lines and
 * multibulk records with exact framing and nothing else, checked to be lossless.
 */
export function parseAofStrict(bytes: Buffer | string): AofItem[] {
  const s = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  const items: AofItem[] = [];
  let at = 0;
  const line = (): string => {
    const nl = s.indexOf('\r\n', at);
    assert.ok(nl >= 0, `unterminated line at ${at}`);
    const l = s.slice(at, nl);
    at = nl + 2;
    return l;
  };
  while (at < s.length) {
    if (s[at] === '#') {
      const l = line();
      assert.match(l, /^#TS:\d+$/);
      items.push({ ts: Number(l.slice(4)) });
      continue;
    }
    const head = line();
    assert.match(head, /^\*[1-9]\d*$/, `record header at ${at}`);
    const argv: string[] = [];
    for (let n = Number(head.slice(1)); n > 0; n--) {
      const h = line();
      assert.match(h, /^\$\d+$/);
      const len = Number(h.slice(1));
      argv.push(s.slice(at, at + len));
      assert.equal(s.slice(at + len, at + len + 2), '\r\n');
      at += len + 2;
    }
    items.push({ argv });
  }
  assert.equal(encodeItems(items), s, 'the reader is lossless');
  return items;
}

/** Only the records' argvs. */
export function aofRecords(bytes: Buffer | string): string[][] {
  return aofItems(bytes).flatMap((i) => ('argv' in i ? [i.argv] : []));
}

/** One RESP multibulk record as a latin1 string: `*<n>\r\n$<len>\r\n<arg>\r\n...`. */
export function resp(...args: (string | number | Buffer)[]): string {
  return encodeCommand(args).toString('latin1');
}

/** Encodes items back into AOF bytes (latin1). */
export function encodeItems(items: readonly AofItem[]): string {
  return items.map((i) => ('ts' in i ? `#TS:${i.ts}\r\n` : resp(...i.argv))).join('');
}

/**
 * Follows one file: next() returns the bytes appended since the previous call (or since
 * construction / discardAppended()), as a latin1 string.
 */
export class FileTail {
  private offset: number;

  constructor(readonly file: string) {
    this.offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
  }

  /** The file's whole content. */
  all(): string {
    return fs.readFileSync(this.file, 'latin1');
  }

  next(): string {
    const data = fs.readFileSync(this.file);
    assert.ok(data.length >= this.offset, `${this.file} shrank from ${this.offset} to ${data.length} bytes`);
    const out = data.subarray(this.offset).toString('latin1');
    this.offset = data.length;
    return out;
  }

  /** Forgets whatever was appended so far. */
  discardAppended(): void {
    this.next();
  }
}
