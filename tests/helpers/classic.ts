// What the classic-mode tests share (tests/persistence/aof-classic*.test.ts): the options, an
// in-process server in classic mode with its log captured, and small file readers.

import fs from 'node:fs';
import path from 'node:path';
import type { ServerOptions } from '../../src/index.js';
import { startTestServer, type TestServer } from './server.js';
import type { RespClient } from './resp-client.js';
import { LogLines } from './aof-env.js';
import { parseAofStrict } from './aof-files.js';
import type { Scratch } from './scratch.js';

export const AOF = 'appendonly.aof';
export const CLASSIC: ServerOptions = { appendonly: 'yes', 'aof-multi-part': 'no', 'aof-use-rdb-preamble': 'no' };

export interface ClassicServer {
  readonly srv: TestServer;
  readonly c: RespClient;
  readonly log: LogLines;
  readonly logfile: string;
}

/** start(dir, options): an in-process server in classic mode on `dir` (log file outside `dir`, captured too). */
export function classicStarter(scratch: Scratch): (dir: string, options?: ServerOptions) => Promise<ClassicServer> {
  let logSeq = 0;
  return async (dir, options = {}) => {
    const logfile = path.join(scratch.root, `server-${logSeq++}.log`);
    const srv = scratch.keep(await startTestServer({ ...CLASSIC, loglevel: 'notice', logfile, dir, ...options }));
    const log = new LogLines();
    srv.server.logger.sinks.push(log);
    return { srv, c: scratch.client(await srv.client()), log, logfile };
  };
}

export const files = (dir: string): string[] => fs.readdirSync(dir).sort();
export const aofBytes = (dir: string, name = AOF): Buffer => fs.readFileSync(path.join(dir, name));
export const records = (bytes: Buffer): string[][] => parseAofStrict(bytes).flatMap((i) => ('argv' in i ? [i.argv] : []));
