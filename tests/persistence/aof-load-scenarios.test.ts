// The scenarios of tests/fixtures/aof/redis-7.0.15-load-logs.json (what a real redis-server
// 7.0.15 logs, replies and leaves on disk when it loads an AOF) that nodis reproduces exactly,
// replayed against the bin/nodis-server executable as a child process: the same files, the same
// arguments (with this run's port and dir), the same client actions afterwards. Compared: the
// exit code, the log from "Server initialized" on (exact text, role and level; timings by
// pattern), every file afterwards (names, sizes, bytes), the manifest and the observations
// (replies). Also: every scenario of the fixture is covered here or in
// aof-load-deviations.test.ts, and the comparison catches a mismatch
// (tests/helpers/load-scenarios.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE, I, fixtureListing, scenario, withFile } from '../helpers/load-fixture.js';
import { ACTIONS, compare, fromFixture, redisToNodis, useLoadScenarios, type Outcome } from '../helpers/load-scenarios.js';

const { runScenario } = useLoadScenarios('nodis-aof-scenarios-');

// ---- the scenarios nodis reproduces exactly -----------------------------------------------------

const EXACT = ['1', '2', '3', '4', '5-yes', '5-no', '6', '7-yes', '7-no', '8-yes-restart', '9', '10', '12', '13', '13-base', '14-type', '14-garbage', '15', '16-argc0', '17-no-active-expire', '18-debug-loadaof', '19'];

test('the fixture is Redis 7.0.15 and every scenario is covered here', () => {
  assert.equal(FIXTURE.redis_version, '7.0.15');
  const handled = new Set([...EXACT, '1-timestamp', '8-yes', '8-no', '11', '16-neglen', '17', '18-config-appendonly', '20']);
  assert.deepEqual(Object.keys(FIXTURE.scenarios).filter((id) => !handled.has(id)), []);
});

for (const id of EXACT) {
  test(`scenario ${id}: ${scenario(id).description}`, async () => {
    const s = scenario(id);
    compare(id, await runScenario(s.args, s.files_before, ACTIONS[id] ?? null), fromFixture(s));
  });
}

// Sanity: the comparison helpers (tests/helpers/load-scenarios.ts) compare what they claim to (a mismatch is caught).
test('the comparison catches a wrong log line, a wrong file and a wrong reply', () => {
  const s = scenario('2');
  const want = fromFixture(s);
  const good: Outcome = {
    exit: 'running',
    log: s.log.map(redisToNodis),
    files: want.files,
    manifest: want.manifest,
    obs: want.obs,
    stderr: '',
  };
  compare('self-check', good, want);
  assert.throws(() => compare('x', { ...good, log: good.log.map((e) => (e.text.startsWith('DB loaded from incr') ? { ...e, level: '#' } : e)) }, want));
  assert.throws(() => compare('x', { ...good, files: fixtureListing(withFile(s.files_after, I, 'x')) }, want));
  assert.throws(() => compare('x', { ...good, obs: { ...good.obs, dbsize: '3' } }, want));
});
