// Shared helpers for the client-library tests.

import type { TestServer } from '../helpers/server.js';
import type { Client } from '../../src/server/client.js';

/** Connections opened on `srv` since the ids in `before` were recorded. */
export function newClientsSince(srv: TestServer, before: ReadonlySet<number>): Client[] {
  return [...srv.server.clients].filter((c) => !before.has(c.id));
}
