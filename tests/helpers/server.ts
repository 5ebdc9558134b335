// Starting servers for tests: in-process (fast, inspectable) on an ephemeral port.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions, type ServerInternals } from '../../src/index.js';
import type { PropagatedOp } from '../../src/commands/propagation.js';
import { RespClient } from './resp-client.js';

export interface TestServer extends RunningServer {
  /** A fresh raw client connected to this server (closed by stop()). */
  client(): Promise<RespClient>;
  /** Every operation propagated since start (or since clearPropagated), as "db:ARG ARG". */
  propagated: string[];
  clearPropagated(): void;
  /** A scratch directory (the server's `dir`), removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts an in-process server on port 0 with a scratch `dir` (removed by stop()), unless
 * `options.dir` names one: then the caller owns it (restart tests reuse it).
 */
export async function startTestServer(options: ServerOptions = {}, internals: ServerInternals = {}): Promise<TestServer> {
  const ownDir = options['dir'] === undefined;
  const dir = ownDir ? mkdtempSync(path.join(tmpdir(), 'nodis-test-')) : String(options['dir']);
  // As Redis's own test suite configures its servers, DEBUG is enabled (Redis's default refuses it).
  const running = await startServer({ port: 0, 'enable-debug-command': 'yes', ...options, dir }, internals);
  const clients: RespClient[] = [];
  const propagated: string[] = [];
  running.server.propagation.addListener((ops: readonly PropagatedOp[]) => {
    for (const op of ops) propagated.push(`${op.db}:${op.argv.join(' ')}`);
  });
  const ts: TestServer = {
    ...running,
    dir,
    propagated,
    clearPropagated() {
      propagated.length = 0;
    },
    async client() {
      const c = await RespClient.connect(running.port);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await running.close();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return ts;
}

/** Waits until `cond` holds, polling (for effects of timers such as active expiry). */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
