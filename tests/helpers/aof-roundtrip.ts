// AOF restart round trips (tests/persistence/aof-roundtrip-*.test.ts): in-process servers with
// appendonly yes on scratch directories, and roundTrip(): run a workload on a fresh server, read
// the whole dataset, stop (flush + fsync), start a new server on the same directory and compare
// (tests/helpers/dataset-compare.ts).

import assert from 'node:assert/strict';
import type { RespClient } from './resp-client.js';
import { startTestServer, type TestServer } from './server.js';
import { assertSameDataset, readDatasetAt, type Dataset } from './dataset-compare.js';
import { useScratch } from './scratch.js';

export interface RoundTrips {
  /** A fresh directory (removed at the end of the file). */
  newDir(): string;
  /** An in-process server with appendonly yes on `dir`. */
  start(dir: string, options?: Record<string, string>): Promise<TestServer>;
  stop(srv: TestServer): Promise<void>;
  /**
   * Runs `workload` on a fresh server with appendonly yes, reads the dataset, stops, restarts on
   * the same directory and compares. Returns what was read before (for callers that check more).
   */
  roundTrip(workload: (c: RespClient, srv: TestServer) => Promise<void>, options?: Record<string, string>): Promise<{ before: Dataset; dir: string }>;
}

/** Round trips whose directories and servers are released in this test file's after() hook. */
export function useRoundTrips(prefix: string): RoundTrips {
  const scratch = useScratch(prefix);
  const start = async (dir: string, options: Record<string, string> = {}): Promise<TestServer> =>
    scratch.keep(await startTestServer({ appendonly: 'yes', dir, ...options }));
  const stop = (srv: TestServer): Promise<void> => scratch.stop(srv);
  return {
    newDir: () => scratch.dir(),
    start,
    stop,
    async roundTrip(workload, options = {}) {
      const dir = scratch.dir();
      const srv = await start(dir, options);
      const c = await srv.client();
      await workload(c, srv);
      const before = await readDatasetAt(srv.port);
      assert.ok(before.keys.size > 0, 'the workload left data');
      await stop(srv);
      const srv2 = await start(dir, options);
      try {
        assertSameDataset(await readDatasetAt(srv2.port), before, 'after restart');
      } finally {
        await stop(srv2);
      }
      return { before, dir };
    },
  };
}
