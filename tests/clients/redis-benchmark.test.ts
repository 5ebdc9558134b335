// redis-benchmark 7.0 against nodis: every test completes (any error reply would end the run
// with exit code 1), and no command is lost (INCR on one key counts every request).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { hasBinary, runTool } from './tools.js';

const BENCH = 'redis-benchmark';
const skip = hasBinary(BENCH) ? false : 'redis-benchmark is not installed (apt-get install redis-tools)';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

/** The final "<TEST>: <rps> requests per second" line of each test in -q output. */
function summaries(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of stdout.split(/[\r\n]+/)) {
    const m = /^\s*(.+?): ([\d.]+) requests per second/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

test('redis-benchmark -t set,get,incr,mset -n 20000 -q', { skip, timeout: 120000 }, async () => {
  const r = await runTool(BENCH, ['-p', String(srv.port), '-t', 'set,get,incr,mset', '-n', '20000', '-q'], '', 110000);
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
  const s = summaries(r.stdout);
  assert.deepEqual([...s.keys()], ['SET', 'GET', 'INCR', 'MSET (10 keys)']);
  for (const rps of s.values()) assert.ok(rps > 0);
  // Without -r every request uses the same literal key: nothing may be lost.
  const c = await srv.client();
  assert.equal(await c.call('GET', 'counter:__rand_int__'), '20000');
  assert.equal(await c.call('GET', 'key:__rand_int__'), 'VXK');
});

test('redis-benchmark -t set,get -P 16 -q (pipelined)', { skip, timeout: 120000 }, async () => {
  const r = await runTool(BENCH, ['-p', String(srv.port), '-t', 'set,get', '-n', '20000', '-P', '16', '-q'], '', 110000);
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
  assert.deepEqual([...summaries(r.stdout).keys()], ['SET', 'GET']);
});
