// The embedding API:
//   import { startServer } from 'nodis';
//   const srv = await startServer({ port: 0, dir: './data' });   // srv.port, await srv.close()
// Options are Redis configuration names (as in redis.conf / CONFIG SET), with values as
// strings, numbers or booleans. Every server is independent: nothing is shared between them.

import path from 'node:path';
import { Config, fsPath, type ConfigValue } from './server/config.js';
import { Server } from './server/server.js';
import type { ServerInternals } from './server/persistence.js';
import { AofFatalError } from './aof/loader.js';
import { applyOptions } from './server/options.js';

export type ServerOptions = Record<string, string | number | boolean | readonly string[]>;

export interface RunningServer {
  /** The TCP port the server listens on (resolved when `port: 0` was asked). */
  readonly port: number;
  /** The server instance, for in-process inspection (tests, embedding). */
  readonly server: Server;
  /** Stops listening and disconnects every client. */
  close(): Promise<void>;
}

/**
 * Starts a server: listens, then loads the AOF when `appendonly` is on (clients get -LOADING
 * meanwhile). Rejects with an AofFatalError (whose lines were logged) where redis-server
 * would exit: a damaged AOF, a bad manifest, a missing file.
 */
export async function startServer(options: ServerOptions = {}, internals: ServerInternals = {}): Promise<RunningServer> {
  const config = new Config();
  // Embedded servers log only warnings by default; explicit options win.
  const merged: ServerOptions = { loglevel: 'warning', ...options };
  applyOptions(config, merged, 'startServer options');
  const server = new Server(config, internals);
  // A relative logfile is relative to `dir` (Redis has chdir'ed into it).
  if (config.str('logfile') !== '') server.logger.file = path.resolve(fsPath(config.str('dir')), fsPath(config.str('logfile')));
  await server.listen();
  try {
    await server.persistence.loadAtStartup();
  } catch (err) {
    if (err instanceof AofFatalError) server.crash(err.logLines);
    else await server.close();
    throw err;
  }
  return {
    port: server.port,
    server,
    close: () => server.close(),
  };
}

export { Server, Config, AofFatalError };
export type { ServerInternals };
export type { ConfigValue };
