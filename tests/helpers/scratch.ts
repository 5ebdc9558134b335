// What a test file that starts servers on real directories leaves behind, released in one
// after() hook: its temp root (created on first use, removed at the end) with the directories
// handed out under it, the in-process servers and clients it registered, and the child
// processes spawned through server-process.ts.
//
//   const scratch = useScratch('nodis-aof-config-');   // at the top level of the test file
//   const dir = scratch.dir();                          // <root>/d0, d1, ... (or a name)
//   const srv = scratch.keep(await startTestServer({ dir }));
//   await scratch.stop(srv);                            // or left to the after() hook

import { after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RespClient } from './resp-client.js';
import type { TestServer } from './server.js';
import { killChildren } from './server-process.js';

export class Scratch {
  private rootDir: string | null = null;
  private seq = 0;
  private readonly servers = new Set<TestServer>();
  private readonly clients = new Set<RespClient>();
  private readonly cleanups: (() => void)[] = [];

  constructor(private readonly prefix: string) {}

  /** The file's temp root. */
  get root(): string {
    this.rootDir ??= fs.mkdtempSync(path.join(os.tmpdir(), this.prefix));
    return this.rootDir;
  }

  /** A directory under the root: `name` (a relative path), or a new d0, d1, ... */
  dir(name?: string): string {
    const d = path.join(this.root, name ?? `d${this.seq++}`);
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  /** An in-process server to stop at the end if the test did not. */
  keep<S extends TestServer>(srv: S): S {
    this.servers.add(srv);
    return srv;
  }

  /** A client to close at the end. */
  client<C extends RespClient>(c: C): C {
    this.clients.add(c);
    return c;
  }

  /** Something else to release at the end (before the servers stop). */
  onCleanup(fn: () => void): void {
    this.cleanups.push(fn);
  }

  async stop(srv: TestServer): Promise<void> {
    this.servers.delete(srv);
    await srv.stop();
  }

  async cleanup(): Promise<void> {
    for (const c of this.clients) c.close();
    for (const fn of this.cleanups) fn();
    for (const s of this.servers) await s.stop().catch(() => {});
    killChildren();
    if (this.rootDir !== null) fs.rmSync(this.rootDir, { recursive: true, force: true });
  }
}

/** A Scratch whose cleanup runs in this test file's after() hook. */
export function useScratch(prefix: string): Scratch {
  const s = new Scratch(prefix);
  after(() => s.cleanup());
  return s;
}
