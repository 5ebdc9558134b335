// The fixture tests/fixtures/aof/redis-7.0.15-load-logs.json: what a real redis-server 7.0.15
// logs, replies and leaves on disk when it loads an AOF, scenario by scenario (files before and
// after, arguments, exit code, log, manifest, observations); laying its files out in a directory
// and listing a directory the way it lists them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './server-process.js';

const FIXTURE_PATH = path.join(ROOT, 'tests', 'fixtures', 'aof', 'redis-7.0.15-load-logs.json');

export interface FixtureFile {
  readonly directory?: boolean;
  readonly size?: number;
  readonly content?: string;
  readonly base64?: string;
  readonly content_omitted?: boolean;
}
export type Files = Record<string, FixtureFile>;
export interface LogEntry {
  readonly role: string | null;
  readonly level: string | null;
  readonly text: string;
}
export interface Scenario {
  readonly description: string;
  readonly args: readonly string[];
  readonly files_before: Files;
  readonly exit_code: number | 'running';
  readonly log: readonly LogEntry[];
  readonly files_after: Files;
  readonly manifest_after: string | null;
  readonly observations: Record<string, unknown>;
}
export const FIXTURE = JSON.parse(fs.readFileSync(FIXTURE_PATH, 'utf8')) as { redis_version: string; scenarios: Record<string, Scenario> };

export function fileBytes(f: FixtureFile): Buffer {
  if (f.base64 !== undefined) return Buffer.from(f.base64, 'base64');
  if (f.content !== undefined) return Buffer.from(f.content, 'latin1');
  throw new Error('fixture file without content');
}

export function layFiles(dir: string, files: Files): void {
  for (const [rel, f] of Object.entries(files)) {
    const p = path.join(dir, rel);
    if (f.directory === true) fs.mkdirSync(p, { recursive: true });
    else if (f.content_omitted !== true) {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, fileBytes(f));
    }
  }
}

/** Every file under `dir` as the fixture lists them: sizes and latin1 content. */
export function listFiles(dir: string): Record<string, { directory: true } | { size: number; content: string }> {
  const out: Record<string, { directory: true } | { size: number; content: string }> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = fs.statSync(path.join(dir, r));
      if (st.isDirectory()) {
        out[r] = { directory: true };
        walk(r);
      } else {
        out[r] = { size: st.size, content: fs.readFileSync(path.join(dir, r)).toString('latin1') };
      }
    }
  };
  walk('');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function fixtureListing(files: Files): Record<string, { directory: true } | { size: number; content: string }> {
  const out: Record<string, { directory: true } | { size: number; content: string }> = {};
  for (const [rel, f] of Object.entries(files)) {
    if (f.directory === true) out[rel] = { directory: true };
    else out[rel] = { size: f.size!, content: f.content_omitted === true ? '<omitted>' : fileBytes(f).toString('latin1') };
  }
  return out;
}

export const MANIFEST = 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n';

/** The fixture's scenario `id`. */
export const scenario = (id: string): Scenario => {
  const s = FIXTURE.scenarios[id];
  assert.ok(s !== undefined, `fixture has no scenario ${id}`);
  return s;
};

/** The fixture's files with one replaced. */
export function withFile(files: Files, rel: string, content: string): Files {
  return { ...files, [rel]: { size: Buffer.byteLength(content, 'latin1'), content } };
}

export const B = 'appendonlydir/appendonly.aof.1.base.aof';
export const I = 'appendonlydir/appendonly.aof.1.incr.aof';
export const M = 'appendonlydir/appendonly.aof.manifest';
