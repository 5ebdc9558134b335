// Connection commands: PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO.

import type { Client } from '../server/client.js';
import { REDIS_VERSION } from '../version.js';
import { ERR_DB_INDEX, ERR_NOPROTO, ERR_WRONGPASS, ERR_SYNTAX } from './errors.js';
import { intArg, isOpt } from './args.js';
import type { CommandSpec } from './types.js';

/** What MONITOR and SLOWLOG show instead of credentials. */
const REDACTED = '(redacted)';

const CONN_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'] as const;

/** Checks a username/password pair against requirepass (the only user is "default"). */
function checkPassword(c: Client, user: string, pass: string): boolean {
  const required = c.server.config.str('requirepass');
  return user === 'default' && (required === '' || pass === required);
}

/** Client names may not contain spaces, newlines or non-printable characters. */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

/** The HELLO reply: a map describing the server (a flat array in RESP2). */
function replyHello(c: Client): void {
  const r = c.reply;
  r.map(7);
  r.bulk('server');
  r.bulk('redis');
  r.bulk('version');
  r.bulk(REDIS_VERSION);
  r.bulk('proto');
  r.integer(c.protocol);
  r.bulk('id');
  r.integer(c.id);
  r.bulk('mode');
  r.bulk('standalone');
  r.bulk('role');
  r.bulk('master');
  r.bulk('modules');
  r.array(0);
}

export const connectionCommands = [
  {
    // PING [message]
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    categories: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Ping the server',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    arguments: [{ name: 'message', type: 'string', optional: true }],
    handler(c) {
      if (c.argv.length > 2) return c.reply.error("ERR wrong number of arguments for 'ping' command");
      if (c.argv.length === 2) c.reply.bulk(c.argv[1]!);
      else c.reply.simple('PONG');
    },
  },
  {
    // ECHO message
    name: 'echo',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    categories: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Echo the given string',
    complexity: 'O(1)',
    arguments: [{ name: 'message', type: 'string' }],
    handler(c) {
      c.reply.bulk(c.argv[1]!);
    },
  },
  {
    // QUIT — replies +OK, then the connection closes once the reply is written.
    name: 'quit',
    arity: -1,
    flags: CONN_FLAGS,
    categories: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Close the connection',
    complexity: 'O(1)',
    handler(c) {
      c.reply.ok();
      c.closeAfterReply = true;
    },
  },
  {
    // RESET — back to a fresh connection's state.
    name: 'reset',
    arity: 1,
    flags: CONN_FLAGS,
    categories: ['connection'],
    group: 'connection',
    since: '6.2.0',
    summary: 'Reset the connection',
    complexity: 'O(1)',
    handler(c) {
      c.discardTransaction();
      c.server.monitors.delete(c);
      c.monitor = false;
      c.db = c.server.keyspace.dbs[0]!;
      c.reply.protocol = 2;
      c.replyMode = 'on';
      c.skipNextReply = false;
      c.reply.discard = false;
      c.name = '';
      c.noEvict = false;
      c.noTouch = false;
      c.authenticated = !c.server.requiresAuth();
      c.reply.simple('RESET');
    },
  },
  {
    // SELECT index
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    categories: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Change the selected database for the current connection',
    complexity: 'O(1)',
    arguments: [{ name: 'index', type: 'integer' }],
    handler(c) {
      const id = intArg(c, c.argv[1]!);
      if (id === null) return;
      const db = c.server.keyspace.dbs[id];
      if (db === undefined || id < 0) return c.reply.error(ERR_DB_INDEX);
      c.db = db;
      c.reply.ok();
    },
  },
  {
    // AUTH [username] password
    name: 'auth',
    arity: -2,
    flags: CONN_FLAGS,
    categories: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Authenticate to the server',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    arguments: [
      { name: 'username', type: 'string', since: '6.0.0', optional: true },
      { name: 'password', type: 'string' },
    ],
    history: [['6.0.0', 'Added ACL style (username and password).']],
    handler(c) {
      if (c.argv.length > 3) return c.reply.error(ERR_SYNTAX);
      const user = c.argv.length === 3 ? c.argv[1]! : 'default';
      const pass = c.argv[c.argv.length - 1]!;
      // As Redis: the credentials never reach MONITOR or the slow log.
      for (let i = 1; i < c.argv.length; i++) c.argv[i] = REDACTED;
      if (c.argv.length === 2 && c.server.config.str('requirepass') === '') {
        return c.reply.error(
          'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
        );
      }
      if (!checkPassword(c, user, pass)) {
        c.server.logger.verbose('Invalid password attempt');
        return c.reply.error(ERR_WRONGPASS);
      }
      c.authenticated = true;
      c.reply.ok();
    },
  },
  {
    // HELLO [protover [AUTH username password] [SETNAME clientname]]
    name: 'hello',
    arity: -1,
    flags: CONN_FLAGS,
    categories: ['connection'],
    group: 'connection',
    since: '6.0.0',
    summary: 'Handshake with Redis',
    complexity: 'O(1)',
    arguments: [
      {
        name: 'arguments',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'protover', type: 'integer' },
          {
            name: 'username_password',
            type: 'block',
            token: 'AUTH',
            optional: true,
            arguments: [
              { name: 'username', type: 'string' },
              { name: 'password', type: 'string' },
            ],
          },
          { name: 'clientname', type: 'string', token: 'SETNAME', optional: true },
        ],
      },
    ],
    history: [['6.2.0', "`protover` made optional; when called without arguments the command reports the current connection's context."]],
    handler(c) {
      const argv = c.argv;
      let proto: 2 | 3 | null = null;
      if (argv.length >= 2) {
        const v = intArg(c, argv[1]!, 'ERR Protocol version is not an integer or out of range');
        if (v === null) return;
        if (v !== 2 && v !== 3) return c.reply.error(ERR_NOPROTO);
        proto = v;
      }
      let auth: [string, string] | null = null;
      let setName: string | null = null;
      for (let i = 2; i < argv.length; i++) {
        const more = argv.length - i - 1;
        if (isOpt(argv[i]!, 'AUTH') && more >= 2) {
          auth = [argv[i + 1]!, argv[i + 2]!];
          argv[i + 1] = argv[i + 2] = REDACTED;
          i += 2;
        } else if (isOpt(argv[i]!, 'SETNAME') && more >= 1) {
          setName = argv[i + 1]!;
          i += 1;
        } else {
          return c.reply.error(`ERR Syntax error in HELLO option '${argv[i]}'`);
        }
      }
      if (auth !== null) {
        if (!checkPassword(c, auth[0], auth[1])) return c.reply.error(ERR_WRONGPASS);
        c.authenticated = true;
      }
      if (!c.authenticated) {
        return c.reply.error(
          'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
        );
      }
      if (setName !== null) {
        if (!validClientName(setName)) return c.reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
        c.name = setName;
      }
      if (proto !== null) c.reply.protocol = proto;
      replyHello(c);
    },
  },
] as const satisfies readonly CommandSpec[];
