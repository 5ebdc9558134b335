// Running Redis's own command-line tools (redis-cli, redis-benchmark) against a test server.
// They run as child processes asynchronously: the server under test lives in this process's
// event loop, so a synchronous spawn would deadlock.

import { spawn, spawnSync } from 'node:child_process';

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Whether `bin` can be executed (the tests that need it skip otherwise). */
export function hasBinary(bin: string): boolean {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
  return r.error === undefined;
}

/** Runs `bin args` (in `cwd`), feeding `input` on stdin; kills it after `timeoutMs`. */
export function runTool(bin: string, args: readonly string[], input: string | Buffer = '', timeoutMs = 30000, cwd?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bin} ${args.join(' ')} did not finish in ${timeoutMs} ms; stdout so far: ${Buffer.concat(out).toString('latin1').slice(-500)}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
