// COMMAND: the command table described to clients, derived from the specs (never a
// hand-written list). Reply shapes follow Redis 7.0.15's server.c byte for byte:
//   COMMAND INFO entry = [name, arity, flags~, first key, last key, step, ACL categories~,
//                         tips~, key specs~ (maps), subcommands (entries, or ~0)]
//   COMMAND DOCS       = map name -> {summary, since, group, complexity, doc_flags~,
//                         deprecated_since, replaced_by, history~, arguments, subcommands}
// (~ = a RESP3 set, an array in RESP2). redis-cli sends COMMAND DOCS on connect and asserts
// on a malformed reply, so these shapes are load-bearing.

import type { Client } from '../server/client.js';
import type { ReplyWriter } from '../resp/reply.js';
import type { CommandTable } from './table.js';
import type { Command, CommandArg, CommandSpec, KeySpec, KeySpecFlag } from './types.js';
import { globMatch } from '../keyspace/glob.js';
import { ERR_SYNTAX } from './errors.js';
import { commandKeys, hasKeyArguments, keySpecsOf, legacyRange } from './keyspecs.js';

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
const ACL_ORDER = [
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

const ERR_NO_KEYS = 'ERR The command has no key arguments';
const ERR_INVALID_COMMAND = 'ERR Invalid command specified';
const ERR_INVALID_ARG_COUNT = 'ERR Invalid number of arguments specified for command';
const ERR_INVALID_ARGS = 'ERR Invalid arguments specified for command';

function ordered<T extends string>(present: Iterable<string>, order: readonly T[]): T[] {
  const set = new Set(present);
  return order.filter((x) => set.has(x));
}

// ---- lookups --------------------------------------------------------------------------------

/** lookupCommandBySds: "get" or "config|get"; anything else (deeper, unknown) is undefined. */
function lookupByFullName(table: CommandTable, name: string): Command | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = table.lookup(parts[0]!);
  if (parts.length === 1) return base;
  if (base === undefined || base.subcommands === null) return undefined;
  return base.subcommands.get(parts[1]!.toLowerCase());
}

/** lookupCommand(argv): the command a full argv would run (container alone, or its subcommand). */
function lookupByArgv(table: CommandTable, argv: readonly string[]): Command | undefined {
  const base = table.lookup(argv[0]!);
  if (argv.length === 1 || base === undefined || base.subcommands === null) return base;
  return base.subcommands.get(argv[1]!.toLowerCase());
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
    if ('index' in bs) {
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
    if ('lastKey' in fk) {
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

function replyKeyFlags(r: ReplyWriter, flags: readonly KeySpecFlag[]): void {
  const names = ordered(flags, KEY_FLAG_ORDER);
  r.set(names.length);
  for (const f of names) r.simple(f);
}

/** addReplyCommandInfo: one entry, or a nil for an unknown name. */
function replyInfo(r: ReplyWriter, cmd: Command | undefined): void {
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
function replyDocs(r: ReplyWriter, cmd: Command): void {
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

// ---- handlers ---------------------------------------------------------------------------------

function replyAllInfo(c: Client): void {
  const table = c.server.commands;
  c.reply.array(table.size);
  for (const cmd of table.all()) replyInfo(c.reply, cmd);
}

/** Every command's full name, containers before their subcommands. */
function allFullNames(table: CommandTable, keep: (cmd: Command) => boolean): string[] {
  const names: string[] = [];
  const visit = (cmd: Command) => {
    if (keep(cmd)) names.push(cmd.fullName);
    if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) visit(sub);
  };
  for (const cmd of table.all()) visit(cmd);
  return names;
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS command arg ... */
function getKeysCommand(c: Client, withFlags: boolean): void {
  const argv = c.argv.slice(2);
  const cmd = lookupByArgv(c.server.commands, argv);
  if (cmd === undefined) return c.reply.error(ERR_INVALID_COMMAND);
  if (!hasKeyArguments(cmd)) return c.reply.error(ERR_NO_KEYS);
  const arity = cmd.arity;
  if ((arity > 0 && arity !== argv.length) || argv.length < -arity) return c.reply.error(ERR_INVALID_ARG_COUNT);
  const keys = commandKeys(cmd, argv);
  if (keys.length === 0) {
    if (cmd.spec.flags.includes('no_mandatory_keys')) return c.reply.array(0);
    return c.reply.error(ERR_INVALID_ARGS);
  }
  c.reply.array(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      c.reply.bulk(argv[k.pos]!);
      continue;
    }
    c.reply.array(2);
    c.reply.bulk(argv[k.pos]!);
    replyKeyFlags(c.reply, k.flags);
  }
}

/** COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern] */
function listCommand(c: Client): void {
  const argv = c.argv;
  let filter: ((cmd: Command) => boolean) | null = null;
  for (let i = 2; i < argv.length; i++) {
    const moreArgs = argv.length - 1 - i;
    if (argv[i]!.toLowerCase() !== 'filterby' || moreArgs !== 2) return c.reply.error(ERR_SYNTAX);
    const type = argv[i + 1]!.toLowerCase();
    const arg = argv[i + 2]!;
    if (type === 'module') {
      // No modules: no command belongs to one.
      filter = () => false;
    } else if (type === 'aclcat') {
      const cat = ACL_ORDER.find((x) => x === arg.toLowerCase());
      filter = cat === undefined ? () => false : (cmd) => cmd.aclCategories().includes(`@${cat}`);
    } else if (type === 'pattern') {
      filter = (cmd) => globMatch(arg, cmd.fullName, true);
    } else {
      return c.reply.error(ERR_SYNTAX);
    }
    i += 2;
  }
  c.reply.bulkArray(allFullNames(c.server.commands, filter ?? (() => true)));
}

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

const COMMAND_FLAGS = ['loading', 'stale'] as const;
const OPTIONAL_NAMES: readonly CommandArg[] = [{ name: 'command-name', type: 'string', optional: true, multiple: true }];

export const commandCommands = [
  {
    // COMMAND
    name: 'command',
    arity: -1,
    flags: COMMAND_FLAGS,
    categories: ['connection'],
    group: 'server',
    since: '2.8.13',
    summary: 'Get array of Redis command details',
    complexity: 'O(N) where N is the total number of Redis commands',
    tips: ['nondeterministic_output_order'],
    handler: replyAllInfo,
    subcommands: [
      {
        // COMMAND COUNT
        name: 'count',
        arity: 2,
        flags: COMMAND_FLAGS,
        categories: ['connection'],
        group: 'server',
        since: '2.8.13',
        summary: 'Get total number of Redis commands',
        complexity: 'O(1)',
        handler(c) {
          c.reply.integer(c.server.commands.size);
        },
      },
      {
        // COMMAND DOCS [command-name [command-name ...]]
        name: 'docs',
        arity: -2,
        flags: COMMAND_FLAGS,
        categories: ['connection'],
        group: 'server',
        since: '7.0.0',
        summary: 'Get array of specific Redis command documentation',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: ['nondeterministic_output_order'],
        arguments: OPTIONAL_NAMES,
        handler(c) {
          const table = c.server.commands;
          // Unknown names are left out of the map, not answered with nil.
          const found =
            c.argv.length === 2
              ? [...table.all()]
              : c.argv.slice(2).flatMap((name) => lookupByFullName(table, name) ?? []);
          c.reply.map(found.length);
          for (const cmd of found) {
            c.reply.bulk(cmd.fullName);
            replyDocs(c.reply, cmd);
          }
        },
      },
      {
        // COMMAND GETKEYS command [arg [arg ...]]
        name: 'getkeys',
        arity: -4,
        flags: COMMAND_FLAGS,
        categories: ['connection'],
        group: 'server',
        since: '2.8.13',
        summary: 'Extract keys given a full Redis command',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler(c) {
          getKeysCommand(c, false);
        },
      },
      {
        // COMMAND GETKEYSANDFLAGS command [arg [arg ...]]
        name: 'getkeysandflags',
        arity: -4,
        flags: COMMAND_FLAGS,
        categories: ['connection'],
        group: 'server',
        since: '7.0.0',
        summary: 'Extract keys and access flags given a full Redis command',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler(c) {
          getKeysCommand(c, true);
        },
      },
      {
        // COMMAND HELP
        name: 'help',
        arity: 2,
        flags: COMMAND_FLAGS,
        categories: ['connection'],
        group: 'server',
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler(c) {
          c.reply.array(COMMAND_HELP.length);
          for (const line of COMMAND_HELP) c.reply.simple(line);
        },
      },
      {
        // COMMAND INFO [command-name [command-name ...]]
        name: 'info',
        arity: -2,
        flags: COMMAND_FLAGS,
        categories: ['connection'],
        group: 'server',
        since: '2.8.13',
        summary: 'Get array of specific Redis command details, or all when no argument is given.',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: ['nondeterministic_output_order'],
        history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
        arguments: OPTIONAL_NAMES,
        handler(c) {
          if (c.argv.length === 2) return replyAllInfo(c);
          c.reply.array(c.argv.length - 2);
          for (const name of c.argv.slice(2)) replyInfo(c.reply, lookupByFullName(c.server.commands, name));
        },
      },
      {
        // COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
        name: 'list',
        arity: -2,
        flags: COMMAND_FLAGS,
        categories: ['connection'],
        group: 'server',
        since: '7.0.0',
        summary: 'Get an array of Redis command names',
        complexity: 'O(N) where N is the total number of Redis commands',
        tips: ['nondeterministic_output_order'],
        arguments: [
          {
            name: 'filterby',
            type: 'oneof',
            token: 'FILTERBY',
            optional: true,
            arguments: [
              { name: 'module-name', type: 'string', token: 'MODULE' },
              { name: 'category', type: 'string', token: 'ACLCAT' },
              { name: 'pattern', type: 'pattern', token: 'PATTERN' },
            ],
          },
        ],
        handler: listCommand,
      },
    ],
  },
] as const satisfies readonly CommandSpec[];
