// Crash safety of the AOF under appendfsync always, with a real child process killed by
// SIGKILL (tests/helpers/aof-crash-harness.ts): concurrent writers (some pipelining) record which
// writes were acknowledged; the server is killed -9 at a random moment, restarted on the same
// directory, and every acknowledged write must be there. The surviving writes of each connection
// must be a prefix of what it sent (no holes, MULTI all-or-nothing), the state must equal that
// prefix exactly (no phantoms), a torn tail may only be the last record of the last INCR, and
// redis-check-aof must pass once nodis has loaded. Repeated on the same directory; at the end
// the real redis-server loads it and DEBUG DIGEST must match.
//
// Tunable: NODIS_CRASH_CYCLES / NODIS_CRASH_SECONDS, NODIS_CRASH_WRITERS, NODIS_CRASH_SEED.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useScratch } from '../helpers/scratch.js';
import { crashHarness, report } from '../helpers/aof-crash-harness.js';
import { envInt } from '../helpers/aof-crash-writers.js';

const ALWAYS_CYCLES = envInt('NODIS_CRASH_CYCLES', 25);
const ALWAYS_MS = envInt('NODIS_CRASH_SECONDS', 25) * 1000;

const scratch = useScratch('nodis-crash-always-');

test('appendfsync always: every acknowledged write survives kill -9, over many kill/restart cycles', async (t) => {
  const began = Date.now();
  const stats = await crashHarness(t, scratch, { fsync: 'always', cycles: ALWAYS_CYCLES, budgetMs: ALWAYS_MS, killWindowMs: [50, 700], pauseMs: [0, 0], graceMs: 0 });
  report(t, 'always', stats, Date.now() - began);
  assert.ok(stats.acked > 0, 'the writers got no write acknowledged');
  assert.equal(stats.ackedLost, 0);
});
