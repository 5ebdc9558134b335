// Crash safety of the AOF under appendfsync everysec, with a real child process killed by
// SIGKILL: the harness of aof-crash-always.test.ts (tests/helpers/aof-crash-harness.ts), where
// only writes acknowledged more than ~2 s before the kill must survive (the contract); what was
// actually lost is reported.
//
// Tunable: NODIS_CRASH_EVERYSEC_CYCLES / NODIS_CRASH_EVERYSEC_SECONDS, NODIS_CRASH_WRITERS,
// NODIS_CRASH_SEED.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useScratch } from '../helpers/scratch.js';
import { crashHarness, report } from '../helpers/aof-crash-harness.js';
import { envInt } from '../helpers/aof-crash-writers.js';

const EVERYSEC_CYCLES = envInt('NODIS_CRASH_EVERYSEC_CYCLES', 4);
const EVERYSEC_MS = envInt('NODIS_CRASH_EVERYSEC_SECONDS', 12) * 1000;

const scratch = useScratch('nodis-crash-everysec-');

test('appendfsync everysec: writes acknowledged more than 2 s before kill -9 survive', async (t) => {
  const began = Date.now();
  const stats = await crashHarness(t, scratch, {
    fsync: 'everysec',
    cycles: EVERYSEC_CYCLES,
    budgetMs: EVERYSEC_MS,
    killWindowMs: [2700, 3500],
    pauseMs: [1, 4],
    graceMs: 2500,
  });
  report(t, 'everysec', stats, Date.now() - began);
  assert.ok(stats.acked > 0, 'the writers got no write acknowledged');
  assert.equal(stats.ackedLostOld, 0);
});
