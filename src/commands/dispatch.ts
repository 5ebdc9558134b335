// The single dispatcher, the analogue of Redis's processCommand() and call():
//   lookup -> arity -> gates (auth, loading, MULTI queueing, pause) -> call
// and call() = run the handler, count statistics, record what must be propagated.
// Every command from every source (sockets, EXEC, the AOF loader) passes through here.

import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import type { Command } from './types.js';
import {
  ERR_LOADING,
  ERR_NOAUTH,
  errUnknownCommand,
  errUnknownSubcommand,
  errWrongArity,
} from './errors.js';

/** Commands that run even while the client is inside MULTI (instead of being queued). */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Resolves argv to a command, or replies the lookup/arity error and returns null. */
export function resolveCommand(server: Server, c: Client, argv: string[]): Command | null {
  const top = server.commands.lookup(argv[0]!);
  if (top === undefined) {
    c.reply.error(errUnknownCommand(argv));
    return null;
  }
  let cmd = top;
  if (top.subcommands !== null) {
    if (argv.length < 2) {
      c.reply.error(errWrongArity(top.fullName));
      top.rejectedCalls++;
      return null;
    }
    const sub = top.subcommands.get(argv[1]!.toLowerCase());
    if (sub === undefined) {
      c.reply.error(errUnknownSubcommand(argv[1]!, top.name));
      top.rejectedCalls++;
      return null;
    }
    cmd = sub;
  }
  if (!cmd.arityOk(argv.length)) {
    c.reply.error(errWrongArity(cmd.fullName));
    cmd.rejectedCalls++;
    return null;
  }
  return cmd;
}

/** processCommand: one request from a client. */
export function processCommand(server: Server, c: Client, argv: string[]): void {
  c.argv = argv;
  const cmd = resolveCommand(server, c, argv);
  if (cmd === null) {
    if (c.inMulti) c.multiError = true;
    return;
  }
  if (!c.authenticated && !cmd.noAuth) return reject(c, cmd, ERR_NOAUTH);
  if (server.keyspace.loading && !cmd.allowedWhileLoading) return reject(c, cmd, ERR_LOADING);
  const denied = server.denyReason(cmd, c);
  if (denied !== null) return reject(c, cmd, denied);

  if (c.inMulti && !MULTI_IMMEDIATE.has(cmd.fullName)) {
    if (cmd.noMulti) return reject(c, cmd, 'ERR Command not allowed inside a transaction');
    c.multiQueue.push({ cmd, argv });
    c.reply.simple('QUEUED');
    return;
  }

  if (server.pausedFor(cmd, c)) {
    server.parkUntilUnpaused(c, argv);
    return;
  }

  server.propagation.begin();
  try {
    call(server, c, cmd);
  } catch (err) {
    // A bug in a handler must not take the server down for everyone. The reply stream of
    // this client may be half-written, so it is closed after the error.
    server.logger.warning(`Internal error executing '${cmd.fullName}': ${(err as Error).stack ?? String(err)}`);
    c.reply.error(`ERR internal error executing '${cmd.fullName}'`);
    c.closeAfterReply = true;
  } finally {
    server.propagation.end();
  }
}

/** A gate refused the command: count it, doom a transaction being queued, reply the error. */
function reject(c: Client, cmd: Command, message: string): void {
  cmd.rejectedCalls++;
  if (c.inMulti && !MULTI_IMMEDIATE.has(cmd.fullName)) c.multiError = true;
  c.reply.error(message);
}

/**
 * call(): executes a resolved command for a client and records its effects. Also used by
 * EXEC for each queued command (inside EXEC's execution unit).
 */
export function call(server: Server, c: Client, cmd: Command): void {
  const ks = server.keyspace;
  ks.time = Date.now();
  const dirtyBefore = ks.dirty;
  const errorsBefore = server.stats.errorReplies;
  c.propagateArgv = null;
  c.propagationPrevented = false;
  c.propagationForced = false;

  if (c.skipNextReply) {
    c.reply.discard = true;
  }
  const start = performance.now();
  cmd.spec.handler!(c);
  const micros = (performance.now() - start) * 1000;
  if (c.skipNextReply && cmd.fullName !== 'client|reply') {
    c.skipNextReply = false;
    c.reply.discard = c.replyMode === 'off' || c.socket === null;
  }

  cmd.calls++;
  cmd.usec += micros;
  if (server.stats.errorReplies > errorsBefore) cmd.failedCalls++;
  server.stats.commandsProcessed++;
  c.lastCommand = cmd.fullName;
  server.afterCall(c, cmd, micros);

  const changed = ks.dirty > dirtyBefore;
  if ((changed || c.propagationForced) && !c.propagationPrevented && server.propagationEnabled(c)) {
    server.propagation.add(c.db.id, c.propagateArgv ?? c.argv);
  }
}
