// CLIENT: the connection's own settings (name, library, reply mode, eviction/touch flags),
// introspection (ID, INFO, LIST) and control of other connections (KILL, PAUSE, UNPAUSE).
// Behaviour of Redis 7.0, plus SETINFO and NO-TOUCH from 7.2 (clients send SETINFO on
// connect) and KILL MAXAGE from 7.4. CLIENT UNBLOCK comes with the blocking commands.

import type { Client } from '../server/client.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_SYNTAX, errSubcommandSyntax } from './errors.js';
import { intArg, isOpt } from './args.js';
import { validClientName } from './connection.js';
import { clientKill, clientList } from './client-select.js';
import { replyHelp } from './server.js';
import type { CommandSpec } from './types.js';

const ERR_NAME_CHARS = 'ERR Client names cannot contain spaces, newlines or special characters.';

const HELP = [
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  '    * ID <client-id>',
  '      Kill connections by client id.',
  '    * MAXAGE <maxage>',
  '      Kill connections older than the specified age.',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.',
  '    * LIB-VER: the client lib version.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Will not touch LRU/LFU stats when this mode is on.',
];

// CLIENT PAUSE timeout [WRITE|ALL]
function clientPause(c: Client): void {
  const argv = c.argv;
  if (argv.length > 4) return c.reply.error(errSubcommandSyntax(argv));
  let mode: 'write' | 'all' = 'all';
  if (argv.length === 4) {
    if (isOpt(argv[3]!, 'WRITE')) mode = 'write';
    else if (!isOpt(argv[3]!, 'ALL')) return c.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
  }
  const ms = parseInt64(argv[2]!);
  if (ms === null) return c.reply.error('ERR timeout is not an integer or out of range');
  if (ms < 0) return c.reply.error('ERR timeout is negative');
  c.server.pause.start(mode, Number(ms));
  c.reply.ok();
}

// CLIENT SETINFO LIB-NAME libname | LIB-VER libver
function clientSetinfo(c: Client): void {
  const attr = c.argv[2]!;
  const value = c.argv[3]!;
  const isName = isOpt(attr, 'LIB-NAME');
  if (!isName && !isOpt(attr, 'LIB-VER')) return c.reply.error(`ERR Unrecognized option '${attr}'`);
  if (!validClientName(value)) return c.reply.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
  if (isName) c.libName = value;
  else c.libVer = value;
  c.reply.ok();
}

// CLIENT REPLY ON|OFF|SKIP — OFF and SKIP themselves get no reply.
function clientReply(c: Client): void {
  const mode = c.argv[2]!;
  if (isOpt(mode, 'ON')) {
    c.replyMode = 'on';
    c.skipNextReply = false;
    c.reply.discard = c.socket === null;
    c.reply.ok();
  } else if (isOpt(mode, 'OFF')) {
    c.replyMode = 'off';
    c.skipNextReply = false;
    c.reply.discard = true;
  } else if (isOpt(mode, 'SKIP')) {
    // The dispatcher drops every reply of the next command.
    if (c.replyMode !== 'off') c.skipNextReply = true;
  } else {
    c.reply.error(ERR_SYNTAX);
  }
}

/** CLIENT NO-EVICT / NO-TOUCH: ON or OFF, else a syntax error. */
function onOff(c: Client, set: (on: boolean) => void): void {
  const v = c.argv[2]!;
  if (isOpt(v, 'ON') || isOpt(v, 'OFF')) {
    set(isOpt(v, 'ON'));
    c.reply.ok();
  } else {
    c.reply.error(ERR_SYNTAX);
  }
}

const CONN = ['noscript', 'loading', 'stale'] as const;
const CONN_ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const ON_OFF_ARG = [
  {
    name: 'enabled',
    type: 'oneof',
    arguments: [
      { name: 'on', type: 'pure-token', token: 'ON' },
      { name: 'off', type: 'pure-token', token: 'OFF' },
    ],
  },
] as const;

export const clientCommands = [
  {
    name: 'client',
    arity: -2,
    flags: [],
    group: 'connection',
    since: '2.4.0',
    summary: 'A container for client connection commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        // CLIENT ID
        name: 'id',
        arity: 2,
        flags: CONN,
        categories: ['connection'],
        group: 'connection',
        since: '5.0.0',
        summary: 'Returns the client ID for the current connection',
        complexity: 'O(1)',
        handler(c) {
          c.reply.integer(c.id);
        },
      },
      {
        // CLIENT UNBLOCK client-id [TIMEOUT | ERROR] — ends another client's blocking command:
        // as if it timed out (the default), or with -UNBLOCKED. 1 if it was blocked, else 0.
        name: 'unblock',
        arity: -3,
        flags: CONN_ADMIN,
        categories: ['connection'],
        group: 'connection',
        since: '5.0.0',
        summary: 'Unblock a client blocked in a blocking command from a different connection',
        complexity: 'O(log N) where N is the number of client connections',
        arguments: [
          { name: 'client-id', type: 'integer' },
          {
            name: 'timeout_error',
            type: 'oneof',
            optional: true,
            arguments: [
              { name: 'timeout', type: 'pure-token', token: 'TIMEOUT' },
              { name: 'error', type: 'pure-token', token: 'ERROR' },
            ],
          },
        ],
        handler(c) {
          const id = intArg(c, c.argv[2]!);
          if (id === null) return;
          let how: 'timeout' | 'error' = 'timeout';
          if (c.argv.length === 4) {
            const reason = c.argv[3]!.toUpperCase();
            if (reason === 'ERROR') how = 'error';
            else if (reason !== 'TIMEOUT') return c.reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
          } else if (c.argv.length > 4) {
            return c.reply.error(errSubcommandSyntax(c.argv));
          }
          let target: Client | undefined;
          for (const other of c.server.clients) if (other.id === id) target = other;
          // Only a blocking command can be ended early; CLIENT PAUSE holds are not.
          c.reply.integer(target !== undefined && c.server.blocking.unblock(target, how) ? 1 : 0);
        },
      },
      {
        // CLIENT INFO
        name: 'info',
        arity: 2,
        flags: CONN,
        categories: ['connection'],
        group: 'connection',
        since: '6.2.0',
        summary: 'Returns information about the current client connection.',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler(c) {
          c.reply.verbatim(`${c.describe()}\n`);
        },
      },
      {
        name: 'list',
        arity: -2,
        flags: CONN_ADMIN,
        categories: ['connection'],
        group: 'connection',
        since: '2.4.0',
        summary: 'Get the list of client connections',
        complexity: 'O(N) where N is the number of client connections',
        arguments: [
          {
            name: 'normal_master_replica_pubsub',
            type: 'oneof',
            token: 'TYPE',
            since: '5.0.0',
            optional: true,
            arguments: [
              { name: 'normal', type: 'pure-token', token: 'NORMAL' },
              { name: 'master', type: 'pure-token', token: 'MASTER' },
              { name: 'replica', type: 'pure-token', token: 'REPLICA' },
              { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
            ],
          },
          { name: 'id', type: 'block', token: 'ID', since: '6.2.0', optional: true, arguments: [{ name: 'client-id', type: 'integer', multiple: true }] },
        ],
        history: [
          ['2.8.12', 'Added unique client `id` field.'],
          ['5.0.0', 'Added optional `TYPE` filter.'],
          ['6.0.0', 'Added `user` field.'],
          ['6.2.0', 'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.'],
          ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'],
          ['7.0.3', 'Added `ssub` field.'],
        ],
        tips: ['nondeterministic_output'],
        handler: clientList,
      },
      {
        name: 'kill',
        arity: -3,
        flags: CONN_ADMIN,
        categories: ['connection'],
        group: 'connection',
        since: '2.4.0',
        summary: 'Kill the connection of a client',
        complexity: 'O(N) where N is the number of client connections',
        arguments: [
          {
            name: 'filter',
            type: 'oneof',
            arguments: [
              { name: 'ip:port', type: 'string', deprecatedSince: '2.8.12' },
              {
                name: 'new-format',
                type: 'oneof',
                multiple: true,
                arguments: [
                  { name: 'client-id', type: 'integer', token: 'ID', since: '2.8.12', optional: true },
                  {
                    name: 'normal_master_slave_pubsub',
                    type: 'oneof',
                    token: 'TYPE',
                    since: '2.8.12',
                    optional: true,
                    arguments: [
                      { name: 'normal', type: 'pure-token', token: 'NORMAL' },
                      { name: 'master', type: 'pure-token', token: 'MASTER', since: '3.2.0' },
                      { name: 'slave', type: 'pure-token', token: 'SLAVE' },
                      { name: 'replica', type: 'pure-token', token: 'REPLICA', since: '5.0.0' },
                      { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
                    ],
                  },
                  { name: 'username', type: 'string', token: 'USER', optional: true },
                  { name: 'ip:port', type: 'string', token: 'ADDR', optional: true },
                  { name: 'ip:port', type: 'string', token: 'LADDR', since: '6.2.0', optional: true },
                  { name: 'yes/no', type: 'string', token: 'SKIPME', optional: true },
                  { name: 'maxage', type: 'integer', token: 'MAXAGE', since: '7.4.0', optional: true },
                ],
              },
            ],
          },
        ],
        history: [
          ['2.8.12', 'Added new filter format.'],
          ['2.8.12', '`ID` option.'],
          ['3.2.0', 'Added `master` type in for `TYPE` option.'],
          ['5.0.0', 'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.'],
          ['6.2.0', '`LADDR` option.'],
          ['7.4.0', '`MAXAGE` option.'],
        ],
        handler: clientKill,
      },
      {
        // CLIENT SETNAME connection-name — an empty name removes it.
        name: 'setname',
        arity: 3,
        flags: CONN,
        categories: ['connection'],
        group: 'connection',
        since: '2.6.9',
        summary: 'Set the current connection name',
        complexity: 'O(1)',
        arguments: [{ name: 'connection-name', type: 'string' }],
        handler(c) {
          const name = c.argv[2]!;
          if (!validClientName(name)) return c.reply.error(ERR_NAME_CHARS);
          c.name = name;
          c.reply.ok();
        },
      },
      {
        // CLIENT GETNAME
        name: 'getname',
        arity: 2,
        flags: CONN,
        categories: ['connection'],
        group: 'connection',
        since: '2.6.9',
        summary: 'Get the current connection name',
        complexity: 'O(1)',
        handler(c) {
          if (c.name === '') c.reply.nullBulk();
          else c.reply.bulk(c.name);
        },
      },
      {
        name: 'setinfo',
        arity: 4,
        flags: CONN,
        categories: ['connection'],
        group: 'connection',
        since: '7.2.0',
        summary: 'Sets information specific to the client or connection.',
        complexity: 'O(1)',
        arguments: [
          {
            name: 'attr',
            type: 'oneof',
            arguments: [
              { name: 'libname', type: 'string', token: 'LIB-NAME' },
              { name: 'libver', type: 'string', token: 'LIB-VER' },
            ],
          },
        ],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: clientSetinfo,
      },
      {
        // CLIENT NO-EVICT ON|OFF
        name: 'no-evict',
        arity: 3,
        flags: CONN_ADMIN,
        categories: ['connection'],
        group: 'connection',
        since: '7.0.0',
        summary: 'Set client eviction mode for the current connection',
        complexity: 'O(1)',
        arguments: ON_OFF_ARG,
        handler(c) {
          onOff(c, (on) => (c.noEvict = on));
        },
      },
      {
        // CLIENT NO-TOUCH ON|OFF — reads stop updating the keys' LRU/LFU (TOUCH still does).
        name: 'no-touch',
        arity: 3,
        flags: CONN,
        categories: ['connection'],
        group: 'connection',
        since: '7.2.0',
        summary: 'Controls whether commands sent by the client will alter the LRU/LFU of the keys they access.',
        complexity: 'O(1)',
        arguments: ON_OFF_ARG,
        handler(c) {
          onOff(c, (on) => (c.noTouch = on));
        },
      },
      {
        name: 'reply',
        arity: 3,
        flags: CONN,
        categories: ['connection'],
        group: 'connection',
        since: '3.2.0',
        summary: 'Instruct the server whether to reply to commands',
        complexity: 'O(1)',
        arguments: [
          {
            name: 'on_off_skip',
            type: 'oneof',
            arguments: [
              { name: 'on', type: 'pure-token', token: 'ON' },
              { name: 'off', type: 'pure-token', token: 'OFF' },
              { name: 'skip', type: 'pure-token', token: 'SKIP' },
            ],
          },
        ],
        handler: clientReply,
      },
      {
        name: 'pause',
        arity: -3,
        flags: CONN_ADMIN,
        categories: ['connection'],
        group: 'connection',
        since: '2.9.50',
        summary: 'Stop processing commands from clients for some time',
        complexity: 'O(1)',
        arguments: [
          { name: 'timeout', type: 'integer' },
          {
            name: 'mode',
            type: 'oneof',
            since: '6.2.0',
            optional: true,
            arguments: [
              { name: 'write', type: 'pure-token', token: 'WRITE' },
              { name: 'all', type: 'pure-token', token: 'ALL' },
            ],
          },
        ],
        history: [['6.2.0', '`CLIENT PAUSE WRITE` mode added along with the `mode` option.']],
        handler: clientPause,
      },
      {
        // CLIENT UNPAUSE
        name: 'unpause',
        arity: 2,
        flags: CONN_ADMIN,
        categories: ['connection'],
        group: 'connection',
        since: '6.2.0',
        summary: 'Resume processing of clients that were paused',
        complexity: 'O(N) Where N is the number of paused clients',
        handler(c) {
          c.server.pause.end();
          c.reply.ok();
        },
      },
      {
        // CLIENT HELP
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        categories: ['connection'],
        group: 'connection',
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler(c) {
          replyHelp(c, HELP);
        },
      },
    ],
  },
] as const satisfies readonly CommandSpec[];
