// INFO persistence: what the AOF module reports (server.persistence.info()).
// Also read by the memory and stats sections (aof buffer, delayed fsyncs ...).

import type { Server } from './server.js';

/** One INFO line: field name and value. */
export type Field = readonly [string, string | number];

/** What INFO persistence (and a few stats/memory fields) report about the AOF. */
export interface PersistenceInfo {
  /** aof_enabled: appendonly is on (7.0 counts a pending WAIT_REWRITE as on). */
  readonly aofEnabled: boolean;
  readonly aofRewriteInProgress: boolean;
  readonly aofRewriteScheduled: boolean;
  /** Duration of the last rewrite in seconds, -1 if none. */
  readonly aofLastRewriteTimeSec: number;
  /** Elapsed seconds of the running rewrite, -1 if none. */
  readonly aofCurrentRewriteTimeSec: number;
  readonly aofLastBgrewriteStatus: 'ok' | 'err';
  readonly aofRewrites: number;
  readonly aofRewritesConsecutiveFailures: number;
  /** Keys written by the running rewrite, of how many (current_save_keys_*), or null. */
  readonly rewriteProgress: { readonly processed: number; readonly total: number } | null;
  readonly aofLastWriteStatus: 'ok' | 'err';
  /** Reported only when appendonly is on (the second block of 7.0's persistence section). */
  readonly aofFiles: {
    readonly currentSize: number;
    readonly baseSize: number;
    readonly pendingRewrite: boolean;
    /** Bytes not yet written (also memory's mem_aof_buffer). */
    readonly bufferLength: number;
    readonly pendingBioFsync: number;
    readonly delayedFsync: number;
  } | null;
  /** Reported only while loading. */
  readonly loadingProgress: {
    /** Unix seconds. */
    readonly startTime: number;
    readonly totalBytes: number;
    readonly loadedBytes: number;
    readonly etaSeconds: number;
  } | null;
  /** stats: total_forks and latest_fork_usec (a rewrite's snapshot may count as one). */
  readonly totalForks: number;
  readonly latestForkUsec: number;
}

/** A server with AOF off, nothing loading and no background job. */
export const AOF_OFF: PersistenceInfo = {
  aofEnabled: false,
  aofRewriteInProgress: false,
  aofRewriteScheduled: false,
  aofLastRewriteTimeSec: -1,
  aofCurrentRewriteTimeSec: -1,
  aofLastBgrewriteStatus: 'ok',
  aofRewrites: 0,
  aofRewritesConsecutiveFailures: 0,
  rewriteProgress: null,
  aofLastWriteStatus: 'ok',
  aofFiles: null,
  loadingProgress: null,
  totalForks: 0,
  latestForkUsec: 0,
};

/** Every section, in the order Redis prints them (latencystats is not kept by nodis). */

export function persistence(server: Server): PersistenceInfo {
  return server.persistence.info();
}

// ---- persistence --------------------------------------------------------------------------

export function persistenceFields(server: Server): Field[] {
  const p = persistence(server);
  const flag = (b: boolean) => (b ? 1 : 0);
  const rw = p.rewriteProgress;
  const fields: Field[] = [
    ['loading', flag(server.keyspace.loading)],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', rw !== null && rw.total > 0 ? ((rw.processed * 100) / rw.total).toFixed(2) : '0.00'],
    ['current_save_keys_processed', rw?.processed ?? 0],
    ['current_save_keys_total', rw?.total ?? 0],
    ['rdb_changes_since_last_save', server.keyspace.dirty],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', server.lastSave],
    ['rdb_last_bgsave_status', 'ok'],
    ['rdb_last_bgsave_time_sec', -1],
    ['rdb_current_bgsave_time_sec', -1],
    ['rdb_saves', 0],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', 0],
    ['rdb_last_load_keys_loaded', 0],
    ['aof_enabled', flag(p.aofEnabled)],
    ['aof_rewrite_in_progress', flag(p.aofRewriteInProgress)],
    ['aof_rewrite_scheduled', flag(p.aofRewriteScheduled)],
    ['aof_last_rewrite_time_sec', p.aofLastRewriteTimeSec],
    ['aof_current_rewrite_time_sec', p.aofCurrentRewriteTimeSec],
    ['aof_last_bgrewrite_status', p.aofLastBgrewriteStatus],
    ['aof_rewrites', p.aofRewrites],
    ['aof_rewrites_consecutive_failures', p.aofRewritesConsecutiveFailures],
    ['aof_last_write_status', p.aofLastWriteStatus],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ];
  const f = p.aofFiles;
  if (f !== null) {
    fields.push(
      ['aof_current_size', f.currentSize],
      ['aof_base_size', f.baseSize],
      ['aof_pending_rewrite', flag(f.pendingRewrite)],
      ['aof_buffer_length', f.bufferLength],
      ['aof_pending_bio_fsync', f.pendingBioFsync],
      ['aof_delayed_fsync', f.delayedFsync],
    );
  }
  const l = p.loadingProgress;
  if (l !== null && server.keyspace.loading) {
    const perc = l.totalBytes > 0 ? (l.loadedBytes * 100) / l.totalBytes : 0;
    fields.push(
      ['loading_start_time', l.startTime],
      ['loading_total_bytes', l.totalBytes],
      ['loading_rdb_used_mem', 0],
      ['loading_loaded_bytes', l.loadedBytes],
      ['loading_loaded_perc', perc.toFixed(2)],
      ['loading_eta_seconds', l.etaSeconds],
    );
  }
  return fields;
}
