// The nodis-server executable, run as a child process: arguments, the fatal config block,
// the start-up log up to "Ready to accept connections", the pid file, and clean exits on
// SIGTERM, SIGINT and SHUTDOWN.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient } from '../helpers/resp-client.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'nodis-server');
const WAIT_MS = 10000;

const children = new Set<ChildProcess>();
let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-cli-'));
});
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout has a line matching `re` (rejects after a timeout). */
  waitLine(re: RegExp): Promise<string>;
  /** The exit code (null if killed by a signal), bounded by a timeout. */
  exited(): Promise<number | null>;
}

function run(args: string[], opts: { stdin?: string; cwd?: string } = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? tmp, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString('latin1');
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('latin1')));
  // The exit code can arrive before the last stdout bytes: only a closed stdout is final.
  let stdoutClosed = false;
  child.stdout!.on('close', () => {
    stdoutClosed = true;
    for (const w of waiters.splice(0)) w();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitLine(re) {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const line = out.split('\n').find((l) => re.test(l));
        if (line !== undefined) return line;
        if (stdoutClosed || Date.now() > deadline) throw new Error(`no line matching ${re}; stdout: ${out}; stderr: ${err}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 100);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    exited() {
      return Promise.race([exit, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit; stdout: ${out}; stderr: ${err}`)), WAIT_MS).unref())]);
    },
  };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const LOG = (role: string, level: string, msg: string) =>
  new RegExp(`^\\d+:${role} \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${level.replace('*', '\\*')} ${msg}$`);

const fatalBlock = (line: number, text: string, reason: string) =>
  `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${line}\n>>> '${text}'\n${reason}\n`;

test('--version and -v print the version line and exit 0', async () => {
  for (const flag of ['--version', '-v']) {
    const r = run([flag]);
    assert.equal(await r.exited(), 0);
    assert.match(r.stdout(), /^Redis server v=7\.0\.15 sha=00000000:0 malloc=libc bits=64 build=[0-9a-f]+ nodis=\d+\.\d+\.\d+\n$/);
  }
});

test('--help and -h print the usage on stderr and exit 1', async () => {
  for (const flag of ['--help', '-h']) {
    const r = run([flag]);
    assert.equal(await r.exited(), 1);
    assert.match(r.stderr(), /^Usage: \.\/nodis-server \[\/path\/to\/redis\.conf\] \[options\] \[-\]\n {7}\.\/nodis-server - \(read config from stdin\)\n/);
    assert.equal(r.stdout(), '');
  }
});

test('a bad directive: the fatal block on stderr, exit 1, nothing logged', async () => {
  const conf = path.join(tmp, 'bad.conf');
  fs.writeFileSync(conf, '# ok\nport 7000\nnosuch-directive yes\n');
  const r = run([conf]);
  assert.equal(await r.exited(), 1);
  assert.equal(r.stderr(), fatalBlock(3, 'nosuch-directive yes', 'Bad directive or wrong number of arguments'));
  assert.equal(r.stdout(), '');
  const o = run(['--port', '7000', '--maxmemory', 'lots']);
  assert.equal(await o.exited(), 1);
  assert.equal(o.stderr(), fatalBlock(3, 'maxmemory "lots"', 'argument must be a memory value'));
  const d = run(['--dir', path.join(tmp, 'missing')]);
  assert.equal(await d.exited(), 1);
  assert.equal(d.stderr(), fatalBlock(2, `dir "${path.join(tmp, 'missing')}"`, 'No such file or directory'));
});

test('a config file that cannot be read is logged, exit 1', async () => {
  const r = run(['no-such.conf']);
  assert.equal(await r.exited(), 1);
  assert.match(r.stdout(), LOG('C', '#', `Fatal error, can't open config file '${path.join(tmp, 'no-such.conf')}': No such file or directory\n?`));
});

test('start-up log, pid file, then SIGTERM: clean shutdown, exit 0, pid file removed', async () => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(tmp, 'data-'));
  const conf = path.join(tmp, 'good.conf');
  fs.writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\npidfile nodis.pid\ndaemonize no\nsupervised systemd\n`);
  const r = run([conf, '--loglevel', 'notice']);
  await r.waitLine(/Ready to accept connections/);
  const lines = r.stdout().trimEnd().split('\n');
  const pid = r.child.pid!;
  const expected = [
    LOG('C', '#', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo'),
    LOG('C', '#', `Redis version=7\\.0\\.15, bits=64, commit=00000000, modified=0, pid=${pid}, just started`),
    LOG('C', '#', 'Configuration loaded'),
    LOG('C', '#', 'Config directive "supervised" is accepted for compatibility but not acted on by nodis yet'),
    LOG('M', '*', `Running mode=standalone, port=${port}\\.`),
    LOG('M', '#', 'Server initialized'),
    LOG('M', '*', 'Ready to accept connections tcp'),
  ];
  assert.equal(lines.length, expected.length, r.stdout());
  expected.forEach((re, i) => assert.match(lines[i]!, re));
  assert.equal(fs.readFileSync(path.join(dir, 'nodis.pid'), 'utf8'), `${pid}\n`);

  const c = await RespClient.connect(port);
  assert.equal(await c.call('PING'), 'PONG');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'dir'), ['dir', dir]);
  c.close();

  r.child.kill('SIGTERM');
  assert.equal(await r.exited(), 0);
  const tail = r.stdout().trimEnd().split('\n').slice(expected.length);
  assert.match(tail[0]!, new RegExp(`^${pid}:signal-handler \\(\\d+\\) Received SIGTERM scheduling shutdown\\.\\.\\.$`));
  assert.match(tail.join('\n'), /# User requested shutdown\.\.\./);
  assert.match(tail.join('\n'), /# Redis is now ready to exit, bye bye\.\.\./);
  assert.match(tail.join('\n'), /\* Removing the pid file\./);
  assert.equal(fs.existsSync(path.join(dir, 'nodis.pid')), false);
  assert.equal(r.stderr(), '');
});

test('always-show-logo, config from stdin, SIGINT', async () => {
  const port = await freePort();
  const r = run(['-', '--always-show-logo', 'yes'], { stdin: `port ${port}\nbind 127.0.0.1\n` });
  await r.waitLine(/Ready to accept connections/);
  const out = r.stdout();
  const pid = r.child.pid!;
  assert.match(out.split('\n')[0]!, LOG('C', '#', 'Reading config from stdin'));
  assert.match(out, /Redis 7\.0\.15 \(00000000\/0\) 64 bit/);
  assert.match(out, /Running in standalone mode/);
  assert.match(out, new RegExp(`Port: ${port}\\n`));
  assert.match(out, new RegExp(`PID: ${pid}\\n`));
  assert.doesNotMatch(out, /Running mode=standalone/);
  r.child.kill('SIGINT');
  assert.equal(await r.exited(), 0);
  assert.match(r.stdout(), /signal-handler \(\d+\) Received SIGINT scheduling shutdown\.\.\./);
});

test('no arguments: the default-config warning', async () => {
  // Port 6379 may be taken on this machine: only the first lines are checked.
  const r = run([]);
  await r.waitLine(/Warning: no config file specified/);
  assert.match(r.stdout().split('\n')[2]!, LOG('C', '#', 'Warning: no config file specified, using the default config\\. In order to specify a config file use nodis-server /path/to/redis\\.conf'));
  r.child.kill('SIGTERM');
  await r.exited();
});

test('a port that cannot be bound: logged, exit 1', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const r = run(['--port', String(port), '--bind', '127.0.0.1']);
    assert.equal(await r.exited(), 1);
    assert.match(r.stdout(), new RegExp(`# Warning: Could not create server TCP listening socket 127\\.0\\.0\\.1:${port}: bind: Address already in use\\n`));
    assert.match(r.stdout(), new RegExp(`# Failed listening on port ${port} \\(tcp\\), aborting\\.\\n`));
  } finally {
    blocker.close();
  }
  const none = run(['--bind', '']);
  assert.equal(await none.exited(), 1);
  assert.match(none.stdout(), /# Configured to not listen anywhere, exiting\.\n/);
});

test('logfile: relative to dir, nothing on stdout', async () => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(tmp, 'log-'));
  const r = run(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', 'nodis.log']);
  const logFile = path.join(dir, 'nodis.log');
  const deadline = Date.now() + WAIT_MS;
  while (!(fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes('Ready to accept connections'))) {
    if (Date.now() > deadline || r.child.exitCode !== null) assert.fail(`no ready line in the log file; stderr: ${r.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(r.stdout(), '');
  r.child.kill('SIGTERM');
  assert.equal(await r.exited(), 0);
  assert.match(fs.readFileSync(logFile, 'utf8'), /bye bye/);
});

test('CONFIG REWRITE writes the file the server was started with', async () => {
  const port = await freePort();
  const conf = path.join(tmp, 'rewrite.conf');
  fs.writeFileSync(conf, `# keep me\nport ${port}\nbind 127.0.0.1\n`);
  const r = run(['rewrite.conf']);
  await r.waitLine(/Ready to accept connections/);
  const c = await RespClient.connect(port);
  assert.equal(await c.call('CONFIG', 'SET', 'maxmemory', '100mb'), 'OK');
  assert.equal(await c.call('CONFIG', 'REWRITE'), 'OK');
  c.close();
  const text = fs.readFileSync(conf, 'utf8');
  assert.match(text, new RegExp(`^# keep me\\nport ${port}\\nbind 127\\.0\\.0\\.1\\n\\n# Generated by CONFIG REWRITE\\n`));
  assert.match(text, /\nmaxmemory 100mb\n/);
  await r.waitLine(/# CONFIG REWRITE executed with success\./);
  r.child.kill('SIGTERM');
  assert.equal(await r.exited(), 0);
});

test('SHUTDOWN ends the process with exit code 0, without a reply', async () => {
  const port = await freePort();
  const r = run(['--port', String(port), '--bind', '127.0.0.1']);
  await r.waitLine(/Ready to accept connections/);
  const c = await RespClient.connect(port);
  c.send('SHUTDOWN');
  const reply = await Promise.race([c.readRaw(WAIT_MS).catch(() => 'closed'), r.exited().then(() => 'exited')]);
  c.close();
  assert.ok(reply === 'closed' || reply === 'exited', `SHUTDOWN replied ${JSON.stringify(reply)}`);
  assert.equal(await r.exited(), 0);
  assert.match(r.stdout(), /# User requested shutdown\.\.\.\n/);
});
