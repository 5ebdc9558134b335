// COMMAND INFO and COMMAND DOCS entries, encoded from a command's spec. Reply shapes follow
// Redis 7.0.15's server.c byte for byte (see command.ts for the layout); split from
// command.ts, which keeps the handlers.

import type { ReplyWriter } from '../resp/reply.js';
import type { Command, CommandArg, KeySpec, KeySpecFlag } from './types.js';
import { keySpecsOf, legacyRange } from './keyspecs.js';

/** Command flags in the order COMMAND INFO prints them; others (may_replicate, protected) are hidden. */
const FLAG_ORDER = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
];

/** Redis's ACL category table (acl.c), the order categories are printed in. */
export const ACL_ORDER = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
];

const KEY_FLAG_ORDER: readonly KeySpecFlag[] = [
  'RO',
  'RW',
  'OW',
  'RM',
  'access',
  'update',
  'insert',
  'delete',
  'not_key',
  'incomplete',
  'variable_flags',
];

function ordered<T extends string>(present: Iterable<string>, order: readonly T[]): T[] {
  const set = new Set(present);
  return order.filter((x) => set.has(x));
}

// ---- COMMAND INFO -----------------------------------------------------------------------------

function replyKeySpecs(r: ReplyWriter, specs: readonly KeySpec[]): void {
  r.set(specs.length);
  for (const s of specs) {
    r.map(s.notes !== undefined ? 4 : 3);
    if (s.notes !== undefined) {
      r.bulk('notes');
      r.bulk(s.notes);
    }
    r.bulk('flags');
    replyKeyFlags(r, s.flags);
    r.bulk('begin_search');
    r.map(2);
    r.bulk('type');
    const bs = s.beginSearch;
    if ('unknown' in bs) {
      r.bulk('unknown');
      r.bulk('spec');
      r.map(0);
    } else if ('index' in bs) {
      r.bulk('index');
      r.bulk('spec');
      r.map(1);
      r.bulk('index');
      r.integer(bs.index);
    } else {
      r.bulk('keyword');
      r.bulk('spec');
      r.map(2);
      r.bulk('keyword');
      r.bulk(bs.keyword);
      r.bulk('startfrom');
      r.integer(bs.startFrom);
    }
    r.bulk('find_keys');
    r.map(2);
    r.bulk('type');
    const fk = s.findKeys;
    if ('unknown' in fk) {
      r.bulk('unknown');
      r.bulk('spec');
      r.map(0);
    } else if ('lastKey' in fk) {
      r.bulk('range');
      r.bulk('spec');
      r.map(3);
      r.bulk('lastkey');
      r.integer(fk.lastKey);
      r.bulk('keystep');
      r.integer(fk.keyStep);
      r.bulk('limit');
      r.integer(fk.limit);
    } else {
      r.bulk('keynum');
      r.bulk('spec');
      r.map(3);
      r.bulk('keynumidx');
      r.integer(fk.keyNumIdx);
      r.bulk('firstkey');
      r.integer(fk.firstKey);
      r.bulk('keystep');
      r.integer(fk.keyStep);
    }
  }
}

export function replyKeyFlags(r: ReplyWriter, flags: readonly KeySpecFlag[]): void {
  const names = ordered(flags, KEY_FLAG_ORDER);
  r.set(names.length);
  for (const f of names) r.simple(f);
}

/** addReplyCommandInfo: one entry, or a nil for an unknown name. */
export function replyInfo(r: ReplyWriter, cmd: Command | undefined): void {
  if (cmd === undefined) return r.nullBulk();
  const spec = cmd.spec;
  const specs = keySpecsOf(spec);
  const range = legacyRange(specs);
  r.array(10);
  r.bulk(cmd.fullName);
  r.integer(spec.arity);
  const flags = ordered(range.movable ? [...spec.flags, 'movablekeys'] : spec.flags, FLAG_ORDER);
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  r.integer(range.first);
  r.integer(range.last);
  r.integer(range.step);
  const cats = ordered(
    cmd.aclCategories().map((c) => c.slice(1)),
    ACL_ORDER,
  );
  r.set(cats.length);
  for (const c of cats) r.simple(`@${c}`);
  const tips = spec.tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulk(t);
  replyKeySpecs(r, specs);
  if (cmd.subcommands === null) return r.set(0);
  r.array(cmd.subcommands.size);
  for (const sub of cmd.subcommands.values()) replyInfo(r, sub);
}

// ---- COMMAND DOCS -----------------------------------------------------------------------------

function replyArgs(r: ReplyWriter, args: readonly CommandArg[]): void {
  r.array(args.length);
  for (const a of args) {
    const flags: string[] = [];
    if (a.optional) flags.push('optional');
    if (a.multiple) flags.push('multiple');
    if (a.multipleToken) flags.push('multiple_token');
    const nested = a.type === 'oneof' || a.type === 'block';
    const n =
      2 +
      (a.keySpecIndex !== undefined ? 1 : 0) +
      (a.token !== undefined ? 1 : 0) +
      (a.summary !== undefined ? 1 : 0) +
      (a.since !== undefined ? 1 : 0) +
      (a.deprecatedSince !== undefined ? 1 : 0) +
      (flags.length > 0 ? 1 : 0) +
      (nested ? 1 : 0);
    r.map(n);
    r.bulk('name');
    r.bulk(a.name);
    r.bulk('type');
    r.bulk(a.type);
    if (a.keySpecIndex !== undefined) {
      r.bulk('key_spec_index');
      r.integer(a.keySpecIndex);
    }
    const optional: [string, string | undefined][] = [
      ['token', a.token],
      ['summary', a.summary],
      ['since', a.since],
      ['deprecated_since', a.deprecatedSince],
    ];
    for (const [k, v] of optional) {
      if (v === undefined) continue;
      r.bulk(k);
      r.bulk(v);
    }
    if (flags.length > 0) {
      r.bulk('flags');
      r.set(flags.length);
      for (const f of flags) r.simple(f);
    }
    if (nested) {
      r.bulk('arguments');
      replyArgs(r, a.arguments ?? []);
    }
  }
}

/** addReplyCommandDocs: the documentation map of one command. */
export function replyDocs(r: ReplyWriter, cmd: Command): void {
  const s = cmd.spec;
  const docFlags = s.docFlags ?? [];
  const fields =
    1 +
    (s.summary ? 1 : 0) +
    (s.since ? 1 : 0) +
    (s.complexity ? 1 : 0) +
    (docFlags.length > 0 ? 1 : 0) +
    (s.deprecatedSince ? 1 : 0) +
    (s.replacedBy ? 1 : 0) +
    (s.history && s.history.length > 0 ? 1 : 0) +
    (s.arguments && s.arguments.length > 0 ? 1 : 0) +
    (cmd.subcommands !== null ? 1 : 0);
  r.map(fields);
  if (s.summary) {
    r.bulk('summary');
    r.bulk(s.summary);
  }
  if (s.since) {
    r.bulk('since');
    r.bulk(s.since);
  }
  r.bulk('group');
  r.bulk(s.group);
  if (s.complexity) {
    r.bulk('complexity');
    r.bulk(s.complexity);
  }
  if (docFlags.length > 0) {
    r.bulk('doc_flags');
    r.set(docFlags.length);
    for (const f of docFlags) r.simple(f);
  }
  if (s.deprecatedSince) {
    r.bulk('deprecated_since');
    r.bulk(s.deprecatedSince);
  }
  if (s.replacedBy) {
    r.bulk('replaced_by');
    r.bulk(s.replacedBy);
  }
  if (s.history && s.history.length > 0) {
    r.bulk('history');
    r.set(s.history.length);
    for (const [version, change] of s.history) {
      r.array(2);
      r.bulk(version);
      r.bulk(change);
    }
  }
  if (s.arguments && s.arguments.length > 0) {
    r.bulk('arguments');
    replyArgs(r, s.arguments);
  }
  if (cmd.subcommands !== null) {
    r.bulk('subcommands');
    r.map(cmd.subcommands.size);
    for (const sub of cmd.subcommands.values()) {
      r.bulk(sub.fullName);
      replyDocs(r, sub);
    }
  }
}
