// COMMAND: the command table described to clients, derived from the specs (never a
// hand-written list). Reply shapes follow Redis 7.0.15's server.c byte for byte:
//   COMMAND INFO entry = [name, arity, flags~, first key, last key, step, ACL categories~,
//                         tips~, key specs~ (maps), subcommands (entries, or ~0)]
//   COMMAND DOCS       = map name -> {summary, since, group, complexity, doc_flags~,
//                         deprecated_since, replaced_by, history~, arguments, subcommands}
// (~ = a RESP3 set, an array in RESP2). redis-cli sends COMMAND DOCS on connect and asserts
// on a malformed reply, so these shapes are load-bearing.

import type { Client } from '../server/client.js';
import type { CommandTable } from './table.js';
import type { Command, CommandArg, CommandSpec } from './types.js';
import { globMatch } from '../keyspace/glob.js';
import { ERR_SYNTAX } from './errors.js';
import { commandKeys, hasKeyArguments } from './keyspecs.js';
import { ACL_ORDER, replyDocs, replyInfo, replyKeyFlags } from './command-reply.js';

const ERR_NO_KEYS = 'ERR The command has no key arguments';
const ERR_INVALID_COMMAND = 'ERR Invalid command specified';
const ERR_INVALID_ARG_COUNT = 'ERR Invalid number of arguments specified for command';
const ERR_INVALID_ARGS = 'ERR Invalid arguments specified for command';

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
