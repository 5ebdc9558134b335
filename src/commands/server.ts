// Server commands: INFO, TIME, LASTSAVE, SHUTDOWN, MONITOR, SLOWLOG, MEMORY.
// (CLIENT is in client.ts, CONFIG in config.ts, COMMAND in command.ts, DEBUG in debug.ts.)

import type { Client } from '../server/client.js';
import type { RewriteReply } from '../server/persistence.js';
import { buildInfo } from '../server/info.js';
import { keyMemoryUsage } from '../server/memory-usage.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, errSubcommandSyntax } from './errors.js';
import { isOpt } from './args.js';
import type { CommandSpec } from './types.js';

/**
 * Redis's addReplyHelp: a header naming the container as sent (upper-cased), the lines, then
 * HELP, all as status replies.
 */
export function replyHelp(c: Client, lines: readonly string[]): void {
  const r = c.reply;
  r.array(lines.length + 3);
  r.simple(`${c.argv[0]!.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of lines) r.simple(line);
  r.simple('HELP');
  r.simple('    Prints this help.');
}

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

const MEMORY_HELP = [
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

/** SLOWLOG GET's default number of entries. */
const SLOWLOG_GET_DEFAULT = 10;
/** MEMORY USAGE's default SAMPLES (Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES). */
const MEMORY_DEFAULT_SAMPLES = 5;

const ADMIN = ['admin', 'loading', 'stale'] as const;

const HELP_SUBCOMMAND = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group: 'server',
  summary: 'Show helpful text about the different subcommands',
  complexity: 'O(1)',
} as const;

// BGREWRITEAOF
function bgrewriteaofCommand(c: Client): void {
  const send = (r: RewriteReply): void => {
    if ('ok' in r) c.reply.simple(r.ok);
    else c.reply.error(r.error);
  };
  let answered: RewriteReply | null = null;
  let parked = false;
  c.server.persistence.bgrewriteaof((r) => {
    if (!parked) {
      answered = r;
      return;
    }
    // The start waited for the disk off the event loop: answer, then read on.
    c.parked = false;
    if (c.closed) return;
    send(r);
    c.server.markForWrite(c);
    c.processInput();
  });
  if (answered !== null) return send(answered);
  // The client waits, like a blocked one: its next commands must not overtake this reply.
  parked = true;
  c.parked = true;
}

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
function shutdownCommand(c: Client): void {
  let nosave = false;
  let save = false;
  let other = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (isOpt(a, 'NOSAVE')) nosave = true;
    else if (isOpt(a, 'SAVE')) save = true;
    else if (isOpt(a, 'NOW')) other = true;
    else if (isOpt(a, 'FORCE')) other = force = true;
    else if (isOpt(a, 'ABORT')) abort = true;
    else return c.reply.error(ERR_SYNTAX);
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) return c.reply.error(ERR_SYNTAX);
  // nodis never waits for replicas before exiting, so no shutdown is ever in progress.
  if (abort) return c.reply.error('ERR No shutdown in progress.');
  // No reply on success: the connection closes with the server. nodis keeps no RDB, so
  // SAVE/NOSAVE change nothing; the AOF is flushed by the shutdown itself.
  void c.server.shutdown('user', force).then((done) => {
    if (done || c.closed) return;
    c.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
    c.server.markForWrite(c);
  });
}

// SLOWLOG GET [count]
function slowlogGet(c: Client): void {
  let count = SLOWLOG_GET_DEFAULT;
  if (c.argv.length > 3) return c.reply.error(errSubcommandSyntax(c.argv));
  if (c.argv.length === 3) {
    const v = parseInt64(c.argv[2]!);
    if (v === null || v < -1) return c.reply.error('ERR count should be greater than or equal to -1');
    count = v === -1 || typeof v === 'bigint' ? Infinity : v;
  }
  const entries = c.server.slowlog.entries;
  const n = Math.min(count, entries.length);
  const r = c.reply;
  r.array(n);
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    r.array(6);
    r.integer(e.id);
    r.integer(e.time);
    r.integer(e.micros);
    r.bulkArray(e.argv);
    r.bulk(e.addr);
    r.bulk(e.name);
  }
}

// MEMORY USAGE key [SAMPLES count]
function memoryUsage(c: Client): void {
  let samples = MEMORY_DEFAULT_SAMPLES;
  for (let j = 3; j < c.argv.length; j++) {
    if (isOpt(c.argv[j]!, 'SAMPLES') && j + 1 < c.argv.length) {
      const v = parseInt64(c.argv[++j]!);
      if (v === null) return c.reply.error(ERR_NOT_INTEGER);
      if (v < 0) return c.reply.error(ERR_SYNTAX);
      // 0 means every element; so does any count beyond what a value can hold.
      samples = typeof v === 'bigint' ? 0 : v;
    } else {
      return c.reply.error(ERR_SYNTAX);
    }
  }
  const e = c.db.getEntry(c.argv[2]!);
  if (e === undefined) return c.reply.nullBulk();
  c.reply.integer(keyMemoryUsage(e, samples));
}

export const serverCommands = [
  {
    // INFO [section [section ...]]
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    categories: ['dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Get information and statistics about the server',
    complexity: 'O(1)',
    arguments: [{ name: 'section', type: 'string', optional: true, multiple: true }],
    history: [['7.0.0', 'Added support for taking multiple section arguments.']],
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    handler(c) {
      c.reply.verbatim(buildInfo(c.server, c.argv.slice(1)));
    },
  },
  {
    // TIME
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    group: 'server',
    since: '2.6.0',
    summary: 'Return the current server time',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler(c) {
      const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
      c.reply.array(2);
      c.reply.bulk(String(Math.floor(us / 1e6)));
      c.reply.bulk(String(us % 1e6));
    },
  },
  {
    // LASTSAVE
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    categories: ['admin', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler(c) {
      c.reply.integer(c.server.lastSave);
    },
  },
  {
    // BGREWRITEAOF: +Background append only file rewriting started | scheduled (inside EXEC)
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    categories: ['dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Asynchronously rewrite the append-only file',
    complexity: 'O(1)',
    handler: bgrewriteaofCommand,
  },
  {
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    group: 'server',
    since: '1.0.0',
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    arguments: [
      {
        name: 'nosave_save',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'nosave', type: 'pure-token', token: 'NOSAVE' },
          { name: 'save', type: 'pure-token', token: 'SAVE' },
        ],
      },
      { name: 'now', type: 'pure-token', token: 'NOW', since: '7.0.0', optional: true },
      { name: 'force', type: 'pure-token', token: 'FORCE', since: '7.0.0', optional: true },
      { name: 'abort', type: 'pure-token', token: 'ABORT', since: '7.0.0', optional: true },
    ],
    history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
    handler: shutdownCommand,
  },
  {
    // MONITOR — from now on, every command executed is echoed to this connection.
    name: 'monitor',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    since: '1.0.0',
    summary: 'Listen for all requests received by the server in real time',
    handler(c) {
      // Inside EXEC the client expects one reply per command: it cannot become a feed.
      if (c.callDepth > 1) return c.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
      // Already monitoring: Redis ignores the command without a reply.
      if (c.monitor) return;
      c.monitor = true;
      c.server.monitors.add(c);
      c.reply.ok();
    },
  },
  {
    name: 'slowlog',
    arity: -2,
    flags: [],
    group: 'server',
    since: '2.2.12',
    summary: 'A container for slow log commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'get',
        arity: -2,
        flags: ADMIN,
        group: 'server',
        since: '2.2.12',
        summary: "Get the slow log's entries",
        complexity: 'O(N) where N is the number of entries returned',
        arguments: [{ name: 'count', type: 'integer', optional: true }],
        history: [['4.0.0', 'Added client IP address, port and name to the reply.']],
        tips: ['request_policy:all_nodes', 'nondeterministic_output'],
        handler: slowlogGet,
      },
      {
        // SLOWLOG LEN
        name: 'len',
        arity: 2,
        flags: ADMIN,
        group: 'server',
        since: '2.2.12',
        summary: "Get the slow log's length",
        complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
        handler(c) {
          c.reply.integer(c.server.slowlog.entries.length);
        },
      },
      {
        // SLOWLOG RESET — entry ids keep growing across resets.
        name: 'reset',
        arity: 2,
        flags: ADMIN,
        group: 'server',
        since: '2.2.12',
        summary: 'Clear all entries from the slow log',
        complexity: 'O(N) where N is the number of entries in the slowlog',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler(c) {
          c.server.slowlog.reset();
          c.reply.ok();
        },
      },
      {
        // SLOWLOG HELP
        ...HELP_SUBCOMMAND,
        since: '6.2.0',
        handler(c) {
          replyHelp(c, SLOWLOG_HELP);
        },
      },
    ],
  },
  {
    name: 'memory',
    arity: -2,
    flags: [],
    group: 'server',
    since: '4.0.0',
    summary: 'A container for memory diagnostics commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'usage',
        arity: -3,
        flags: ['readonly'],
        keys: { first: 2, last: 2, step: 1 },
        keyFlags: ['RO'],
        group: 'server',
        since: '4.0.0',
        summary: 'Estimate the memory usage of a key',
        complexity: 'O(N) where N is the number of samples.',
        arguments: [
          { name: 'key', type: 'key', keySpecIndex: 0 },
          { name: 'count', type: 'integer', token: 'SAMPLES', optional: true },
        ],
        handler: memoryUsage,
      },
      {
        // MEMORY HELP
        ...HELP_SUBCOMMAND,
        since: '4.0.0',
        handler(c) {
          replyHelp(c, MEMORY_HELP);
        },
      },
    ],
  },
] as const satisfies readonly CommandSpec[];
