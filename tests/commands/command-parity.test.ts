// COMMAND INFO <name> and COMMAND DOCS <name> for every command in the table, byte for byte
// against a real Redis 7.0.15 (tests/fixtures/redis-7.0.15-command.json, captured by
// tests/fixtures/capture-command-fixture.ts), in RESP2 and RESP3. Redis orders a container's
// subcommands by a randomly seeded dict, so those entries are compared as a set; everything
// else must be identical. What is not compared is listed in EXCLUDED with its reason.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { decode, type RespClient, type RespValue } from '../helpers/resp-client.js';
import { CommandTable } from '../../src/commands/table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURE_FILE = path.join(ROOT, 'tests', 'fixtures', 'redis-7.0.15-command.json');

interface FixtureEntry {
  info: string;
  docs: string;
  info3: string;
  docs3: string;
}
const FIXTURE = JSON.parse(fs.readFileSync(FIXTURE_FILE, 'utf8')) as Record<string, FixtureEntry>;

type Part = 'info' | 'docs';

/**
 * Entries not compared, each with its reason. An excluded subcommand is also left out of its
 * container's entry (on both sides). Each exclusion must still be needed (checked below).
 */
const EXCLUDED: readonly { readonly name: string; readonly parts: readonly Part[]; readonly why: string }[] = [
  { name: 'client|setinfo', parts: ['info', 'docs'], why: 'added in Redis 7.2: Redis 7.0 has no entry' },
  { name: 'client|no-touch', parts: ['info', 'docs'], why: 'added in Redis 7.2: Redis 7.0 has no entry' },
  { name: 'client|kill', parts: ['docs'], why: 'documents the MAXAGE filter added in Redis 7.4 (the rest is checked below)' },
];

/**
 * Subcommands of Redis 7.0 that nodis does not implement (a command works as Redis documents
 * it or is absent): their entries in Redis's container replies are not expected from nodis.
 * Must be exactly the fixture's container subcommands missing from the table (checked below).
 */
const NOT_IMPLEMENTED: readonly string[] = [
  'client|caching',
  'client|getredir',
  'client|tracking',
  'client|trackinginfo',
  'memory|doctor',
  'memory|malloc-stats',
  'memory|purge',
  'memory|stats',
];

function excluded(name: string, part: Part): boolean {
  return EXCLUDED.some((e) => e.name === name && e.parts.includes(part));
}

/** A subcommand left out of its container's entry when comparing. */
function omitted(name: string, part: Part): boolean {
  return excluded(name, part) || NOT_IMPLEMENTED.includes(name);
}

// ---- a raw RESP tree, to reorder subcommands without touching anything else --------------------

interface Node {
  readonly type: string;
  readonly head: string;
  readonly body?: string;
  kids?: Node[];
}

function parse(s: string, pos: number): [Node, number] {
  const nl = s.indexOf('\r\n', pos);
  const type = s[pos]!;
  const head = s.slice(pos + 1, nl);
  let p = nl + 2;
  const n = Number(head);
  if ('$=!'.includes(type)) {
    if (n < 0) return [{ type, head }, p];
    return [{ type, head, body: s.slice(p, p + n) }, p + n + 2];
  }
  if ('*~%>'.includes(type) && n >= 0) {
    const kids: Node[] = [];
    for (let i = 0; i < (type === '%' ? 2 * n : n); i++) {
      const [k, next] = parse(s, p);
      kids.push(k);
      p = next;
    }
    return [{ type, head, kids }, p];
  }
  return [{ type, head }, p];
}

function ser(n: Node): string {
  if (n.kids !== undefined) return `${n.type}${n.type === '%' ? n.kids.length / 2 : n.kids.length}\r\n${n.kids.map(ser).join('')}`;
  if (n.body !== undefined) return `${n.type}${n.head}\r\n${n.body}\r\n`;
  return `${n.type}${n.head}\r\n`;
}

/** COMMAND INFO reply: a container's subcommand entries (field 10) as a sorted set. */
function normalizeInfo(raw: string): string {
  const [root] = parse(raw, 0);
  for (const entry of root.kids ?? []) {
    const subs = entry.kids?.[9];
    if (subs?.kids === undefined) continue;
    subs.kids = subs.kids.filter((s) => !omitted(s.kids![0]!.body!, 'info')).sort((a, b) => cmp(ser(a), ser(b)));
  }
  return ser(root);
}

/** COMMAND DOCS reply: a container's "subcommands" name/docs pairs as a sorted set. */
function normalizeDocs(raw: string): string {
  const [root] = parse(raw, 0);
  const top = root.kids ?? [];
  for (let i = 1; i < top.length; i += 2) {
    const fields = top[i]!.kids ?? [];
    for (let j = 0; j + 1 < fields.length; j += 2) {
      if (fields[j]!.body !== 'subcommands') continue;
      const map = fields[j + 1]!;
      const pairs: [Node, Node][] = [];
      for (let k = 0; k + 1 < map.kids!.length; k += 2) pairs.push([map.kids![k]!, map.kids![k + 1]!]);
      map.kids = pairs
        .filter(([name]) => !omitted(name.body!, 'docs'))
        .sort((a, b) => cmp(ser(a[0]) + ser(a[1]), ser(b[0]) + ser(b[1])))
        .flat();
    }
  }
  return ser(root);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Fails with the neighbourhood of the first differing byte rather than two huge strings. */
function assertSameBytes(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const from = Math.max(0, i - 120);
  assert.fail(
    `${what} differs at byte ${i}:\n  nodis: ${JSON.stringify(actual.slice(from, i + 120))}\n  redis: ${JSON.stringify(expected.slice(from, i + 120))}`,
  );
}

/** A decoded RESP3 reply with maps as plain objects (for structural comparisons). */
function decodeJs(raw: string): Record<string, unknown> {
  const plain = (v: RespValue): unknown =>
    v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)])) : Array.isArray(v) ? v.map(plain) : v;
  return plain(decode(Buffer.from(raw, 'latin1'), 0)[0]) as Record<string, unknown>;
}

// ---- the tests --------------------------------------------------------------------------------

const TABLE_NAMES: string[] = [];
for (const cmd of new CommandTable().all()) {
  TABLE_NAMES.push(cmd.fullName);
  if (cmd.subcommands) for (const s of cmd.subcommands.values()) TABLE_NAMES.push(s.fullName);
}
TABLE_NAMES.sort();

let srv: TestServer;
let c2: RespClient;
let c3: RespClient;
before(async () => {
  srv = await startTestServer();
  c2 = await srv.client();
  c3 = await srv.client();
  await c3.call('HELLO', '3');
});
after(async () => {
  await srv.stop();
});

async function ours(name: string): Promise<FixtureEntry> {
  return {
    info: await c2.callRaw('COMMAND', 'INFO', name),
    docs: await c2.callRaw('COMMAND', 'DOCS', name),
    info3: await c3.callRaw('COMMAND', 'INFO', name),
    docs3: await c3.callRaw('COMMAND', 'DOCS', name),
  };
}

function compare(name: string, got: FixtureEntry, want: FixtureEntry): void {
  if (!excluded(name, 'info')) {
    assertSameBytes(normalizeInfo(got.info), normalizeInfo(want.info), `COMMAND INFO ${name} (RESP2)`);
    assertSameBytes(normalizeInfo(got.info3), normalizeInfo(want.info3), `COMMAND INFO ${name} (RESP3)`);
  }
  if (!excluded(name, 'docs')) {
    assertSameBytes(normalizeDocs(got.docs), normalizeDocs(want.docs), `COMMAND DOCS ${name} (RESP2)`);
    assertSameBytes(normalizeDocs(got.docs3), normalizeDocs(want.docs3), `COMMAND DOCS ${name} (RESP3)`);
  }
}

test('the fixture covers every command in the table (else regenerate it)', () => {
  const missing = TABLE_NAMES.filter((n) => FIXTURE[n] === undefined);
  assert.deepEqual(missing, [], 'run tests/fixtures/capture-command-fixture.ts');
});

test('the normalization ignores the order of subcommands, nothing else', () => {
  const reorder = (raw: string, path: (root: Node) => Node, pairs: boolean): string => {
    const [root] = parse(raw, 0);
    const subs = path(root);
    const kids = subs.kids!;
    subs.kids = pairs ? kids.flatMap((_, i) => (i % 2 === 0 ? [] : [kids[kids.length - i - 1]!, kids[kids.length - i]!])) : [...kids].reverse();
    return ser(root);
  };
  const info = FIXTURE['command']!.info;
  const shuffled = reorder(info, (r) => r.kids![0]!.kids![9]!, false);
  assert.notEqual(shuffled, info);
  assert.equal(normalizeInfo(shuffled), normalizeInfo(info));
  assert.notEqual(normalizeInfo(info.replace('command|list', 'command|lisT')), normalizeInfo(info));
  const docs = FIXTURE['command']!.docs;
  const shuffledDocs = reorder(docs, (r) => r.kids![1]!.kids![r.kids![1]!.kids!.length - 1]!, true);
  assert.notEqual(shuffledDocs, docs);
  assert.equal(normalizeDocs(shuffledDocs), normalizeDocs(docs));
  assert.notEqual(normalizeDocs(docs.replace('Get an array of Redis command names', 'Get an array of Redis command nameS')), normalizeDocs(docs));
});

test('NOT_IMPLEMENTED is exactly the Redis 7.0 subcommands of our containers that the table lacks', () => {
  const missing: string[] = [];
  for (const name of TABLE_NAMES) {
    if (name.includes('|')) continue;
    const [root] = parse(FIXTURE[name]!.info, 0);
    for (const sub of root.kids?.[0]?.kids?.[9]?.kids ?? []) {
      const full = sub.kids![0]!.body!;
      if (!TABLE_NAMES.includes(full)) missing.push(full);
    }
  }
  assert.deepEqual(missing.sort(), [...NOT_IMPLEMENTED].sort());
});

for (const name of TABLE_NAMES) {
  test(`COMMAND INFO / DOCS ${name} as Redis 7.0.15`, async () => {
    const want = FIXTURE[name];
    assert.ok(want !== undefined, `${name} is not in the fixture`);
    compare(name, await ours(name), want);
  });
}

test("CLIENT KILL docs are Redis 7.0's plus the 7.4 MAXAGE filter (argument and history entry)", async () => {
  const docs = (raw: string) => decodeJs(raw)['client|kill'] as Record<string, unknown>;
  const got = docs(await c3.callRaw('COMMAND', 'DOCS', 'client|kill'));
  const want = docs(FIXTURE['client|kill']!.docs3);
  const history = got['history'] as string[][];
  assert.deepEqual(history.pop(), ['7.4.0', '`MAXAGE` option.']);
  const filters = ((got['arguments'] as Record<string, unknown>[])[0]!['arguments'] as Record<string, unknown>[])[1]!['arguments'] as unknown[];
  assert.deepEqual(filters.pop(), { name: 'maxage', type: 'integer', token: 'MAXAGE', since: '7.4.0', flags: ['optional'] });
  assert.deepEqual(got, want);
});

test('every exclusion names a command of the table and is still needed', async () => {
  for (const e of EXCLUDED) {
    assert.ok(TABLE_NAMES.includes(e.name), `${e.name} is not in the table`);
    const got = await ours(e.name);
    const want = FIXTURE[e.name]!;
    for (const part of e.parts) {
      const same =
        part === 'info'
          ? got.info === want.info && got.info3 === want.info3
          : got.docs === want.docs && got.docs3 === want.docs3;
      assert.ok(!same, `${e.name} ${part} now matches Redis 7.0.15: remove it from EXCLUDED`);
    }
  }
});
