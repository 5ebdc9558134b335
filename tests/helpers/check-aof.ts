// Running the AOF checkers: the real redis-check-aof 7.0.15 and bin/nodis-check-aof as child
// processes, or nodis-check-aof's main() in this process (the same program without a node
// start-up per run, for long series of damaged files).

import path from 'node:path';
import { main as checkAofMain } from '../../src/cli/check-aof-main.js';
import { runTool, type ToolResult } from '../clients/tools.js';
import { AOF_DIRNAME, MANIFEST_NAME } from './aof-files.js';
import { NODIS_CHECK_AOF, REDIS_CHECK_AOF } from './server-process.js';

export interface CheckOptions {
  /** The working directory (relative paths in argv are resolved against it). */
  readonly cwd?: string;
  /** What the prompts of --fix read, one character per answer. */
  readonly input?: string;
}

/** redis-check-aof or bin/nodis-check-aof as a child process. */
export function runCheckAof(prog: 'redis' | 'nodis', argv: readonly string[], opts: CheckOptions = {}): Promise<ToolResult> {
  const [bin, args] = prog === 'redis' ? [REDIS_CHECK_AOF, argv] : [process.execPath, [NODIS_CHECK_AOF, ...argv]];
  return runTool(bin, args, opts.input ?? '', 30_000, opts.cwd);
}

/** redis-check-aof on the manifest of `dir`'s AOF directory. */
export function redisCheckAofDir(dir: string): Promise<ToolResult> {
  return runCheckAof('redis', [path.join(dir, AOF_DIRNAME, MANIFEST_NAME)]);
}

/** nodis-check-aof's main() in this process, in `opts.cwd`; it writes only to stdout. */
export function checkAofInProcess(argv: readonly string[], opts: CheckOptions = {}): { code: number; stdout: string } {
  const chunks: Buffer[] = [];
  let pending = opts.input ?? '';
  const prev = process.cwd();
  if (opts.cwd !== undefined) process.chdir(opts.cwd);
  try {
    const code = checkAofMain([...argv], 'nodis-check-aof', {
      write: (b) => chunks.push(Buffer.from(b)),
      readAnswer: () => {
        if (pending === '') return null;
        const ch = pending[0]!;
        pending = pending.slice(1);
        return ch;
      },
    });
    return { code, stdout: Buffer.concat(chunks).toString('latin1') };
  } finally {
    process.chdir(prev);
  }
}
