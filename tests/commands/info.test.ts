import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import { AOF_OFF } from '../../src/server/info-persistence.js';

// Field names of each section, in order, as redis-server 7.0.15 prints them.
const FIELDS: Record<string, string[]> = {
  server: ['redis_version', 'redis_git_sha1', 'redis_git_dirty', 'redis_build_id', 'redis_mode', 'os', 'arch_bits', 'monotonic_clock', 'multiplexing_api', 'atomicvar_api', 'gcc_version', 'process_id', 'process_supervised', 'run_id', 'tcp_port', 'server_time_usec', 'uptime_in_seconds', 'uptime_in_days', 'hz', 'configured_hz', 'lru_clock', 'executable', 'config_file', 'io_threads_active'],
  clients: ['connected_clients', 'cluster_connections', 'maxclients', 'client_recent_max_input_buffer', 'client_recent_max_output_buffer', 'blocked_clients', 'tracking_clients', 'clients_in_timeout_table'],
  memory: ['used_memory', 'used_memory_human', 'used_memory_rss', 'used_memory_rss_human', 'used_memory_peak', 'used_memory_peak_human', 'used_memory_peak_perc', 'used_memory_overhead', 'used_memory_startup', 'used_memory_dataset', 'used_memory_dataset_perc', 'allocator_allocated', 'allocator_active', 'allocator_resident', 'total_system_memory', 'total_system_memory_human', 'used_memory_lua', 'used_memory_vm_eval', 'used_memory_lua_human', 'used_memory_scripts_eval', 'number_of_cached_scripts', 'number_of_functions', 'number_of_libraries', 'used_memory_vm_functions', 'used_memory_vm_total', 'used_memory_vm_total_human', 'used_memory_functions', 'used_memory_scripts', 'used_memory_scripts_human', 'maxmemory', 'maxmemory_human', 'maxmemory_policy', 'allocator_frag_ratio', 'allocator_frag_bytes', 'allocator_rss_ratio', 'allocator_rss_bytes', 'rss_overhead_ratio', 'rss_overhead_bytes', 'mem_fragmentation_ratio', 'mem_fragmentation_bytes', 'mem_not_counted_for_evict', 'mem_replication_backlog', 'mem_total_replication_buffers', 'mem_clients_slaves', 'mem_clients_normal', 'mem_cluster_links', 'mem_aof_buffer', 'mem_allocator', 'active_defrag_running', 'lazyfree_pending_objects', 'lazyfreed_objects'],
  persistence: ['loading', 'async_loading', 'current_cow_peak', 'current_cow_size', 'current_cow_size_age', 'current_fork_perc', 'current_save_keys_processed', 'current_save_keys_total', 'rdb_changes_since_last_save', 'rdb_bgsave_in_progress', 'rdb_last_save_time', 'rdb_last_bgsave_status', 'rdb_last_bgsave_time_sec', 'rdb_current_bgsave_time_sec', 'rdb_saves', 'rdb_last_cow_size', 'rdb_last_load_keys_expired', 'rdb_last_load_keys_loaded', 'aof_enabled', 'aof_rewrite_in_progress', 'aof_rewrite_scheduled', 'aof_last_rewrite_time_sec', 'aof_current_rewrite_time_sec', 'aof_last_bgrewrite_status', 'aof_rewrites', 'aof_rewrites_consecutive_failures', 'aof_last_write_status', 'aof_last_cow_size', 'module_fork_in_progress', 'module_fork_last_cow_size'],
  stats: ['total_connections_received', 'total_commands_processed', 'instantaneous_ops_per_sec', 'total_net_input_bytes', 'total_net_output_bytes', 'total_net_repl_input_bytes', 'total_net_repl_output_bytes', 'instantaneous_input_kbps', 'instantaneous_output_kbps', 'instantaneous_input_repl_kbps', 'instantaneous_output_repl_kbps', 'rejected_connections', 'sync_full', 'sync_partial_ok', 'sync_partial_err', 'expired_keys', 'expired_stale_perc', 'expired_time_cap_reached_count', 'expire_cycle_cpu_milliseconds', 'evicted_keys', 'evicted_clients', 'total_eviction_exceeded_time', 'current_eviction_exceeded_time', 'keyspace_hits', 'keyspace_misses', 'pubsub_channels', 'pubsub_patterns', 'pubsubshard_channels', 'latest_fork_usec', 'total_forks', 'migrate_cached_sockets', 'slave_expires_tracked_keys', 'active_defrag_hits', 'active_defrag_misses', 'active_defrag_key_hits', 'active_defrag_key_misses', 'total_active_defrag_time', 'current_active_defrag_time', 'tracking_total_keys', 'tracking_total_items', 'tracking_total_prefixes', 'unexpected_error_replies', 'total_error_replies', 'dump_payload_sanitizations', 'total_reads_processed', 'total_writes_processed', 'io_threaded_reads_processed', 'io_threaded_writes_processed', 'reply_buffer_shrinks', 'reply_buffer_expands'],
  replication: ['role', 'connected_slaves', 'master_failover_state', 'master_replid', 'master_replid2', 'master_repl_offset', 'second_repl_offset', 'repl_backlog_active', 'repl_backlog_size', 'repl_backlog_first_byte_offset', 'repl_backlog_histlen'],
  // used_cpu_*_main_thread exist only where the thread's own usage can be measured.
  cpu: ['used_cpu_sys', 'used_cpu_user', 'used_cpu_sys_children', 'used_cpu_user_children'],
  modules: [],
  cluster: ['cluster_enabled'],
};

const DEFAULT_ORDER = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace'];
const ALL_ORDER = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats', 'Cluster', 'Keyspace'];

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

/** The bulk payload of a RESP2 INFO reply, checking the framing bytes. */
async function infoRaw(c: RespClient, ...sections: string[]): Promise<string> {
  const raw = await c.callRaw('INFO', ...sections);
  const m = /^\$(\d+)\r\n/.exec(raw);
  assert.ok(m, `not a bulk string: ${JSON.stringify(raw.slice(0, 40))}`);
  const payload = raw.slice(m[0].length, raw.length - 2);
  assert.equal(Buffer.byteLength(payload, 'latin1'), Number(m[1]));
  assert.equal(raw.slice(-2), '\r\n');
  return payload;
}

/** Sections of an INFO payload: title -> [field, value][] (asserting the exact layout). */
function parseInfo(text: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  if (text === '') return out;
  assert.ok(text.endsWith('\r\n'), 'INFO text ends with CRLF');
  assert.ok(!/[^\r]\n/.test(text), 'every newline is CRLF');
  const blocks = text.slice(0, -2).split('\r\n\r\n');
  for (const block of blocks) {
    const lines = block.split('\r\n');
    const head = /^# (\w+)$/.exec(lines[0]!);
    assert.ok(head, `section header: ${JSON.stringify(lines[0])}`);
    const fields: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      assert.ok(i > 0, `field line: ${JSON.stringify(line)}`);
      fields.push([line.slice(0, i), line.slice(i + 1)]);
    }
    out.set(head[1]!, fields);
  }
  return out;
}

function field(info: Map<string, [string, string][]>, section: string, name: string): string | undefined {
  return info.get(section)?.find(([k]) => k === name)?.[1];
}

test('INFO: default sections in Redis order, CRLF lines, blank line between sections', async () => {
  const c = await srv.client();
  const text = await infoRaw(c);
  assert.ok(text.startsWith('# Server\r\nredis_version:7.0.15\r\n'));
  assert.match(text, /\r\n\r\n# Clients\r\nconnected_clients:/);
  const info = parseInfo(text);
  assert.deepEqual([...info.keys()], DEFAULT_ORDER);
  for (const [section, names] of Object.entries(FIELDS)) {
    const title = DEFAULT_ORDER.find((t) => t.toLowerCase() === section)!;
    const got = info.get(title)!.map(([k]) => k).filter((k) => !k.endsWith('_main_thread'));
    assert.deepEqual(got, names, `fields of # ${title}`);
  }
  // With no argument, INFO = INFO default: the same sections and fields.
  const names = (t: string) => t.replace(/:.*$/gm, '');
  assert.equal(names(await infoRaw(c, 'default')), names(await infoRaw(c)));
});

test('INFO server/replication/cluster values', async () => {
  const c = await srv.client();
  const info = parseInfo(await infoRaw(c, 'server', 'replication', 'cluster'));
  assert.deepEqual([...info.keys()], ['Server', 'Replication', 'Cluster']);
  assert.equal(field(info, 'Server', 'redis_mode'), 'standalone');
  assert.equal(field(info, 'Server', 'run_id'), srv.server.runId);
  assert.equal(field(info, 'Server', 'tcp_port'), String(srv.port));
  assert.equal(field(info, 'Server', 'process_id'), String(process.pid));
  assert.equal(field(info, 'Server', 'hz'), '10');
  assert.equal(field(info, 'Server', 'configured_hz'), '10');
  assert.equal(field(info, 'Server', 'config_file'), '');
  assert.match(field(info, 'Server', 'arch_bits')!, /^(32|64)$/);
  assert.match(field(info, 'Server', 'server_time_usec')!, /^\d{16}$/);
  assert.match(field(info, 'Server', 'run_id')!, /^[0-9a-f]{40}$/);
  assert.deepEqual(info.get('Replication'), [
    ['role', 'master'],
    ['connected_slaves', '0'],
    ['master_failover_state', 'no-failover'],
    ['master_replid', srv.server.replId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', '0'],
    ['second_repl_offset', '-1'],
    ['repl_backlog_active', '0'],
    ['repl_backlog_size', '1048576'],
    ['repl_backlog_first_byte_offset', '0'],
    ['repl_backlog_histlen', '0'],
  ]);
  assert.match(srv.server.replId, /^[0-9a-f]{40}$/);
  assert.notEqual(srv.server.replId, srv.server.runId);
  assert.deepEqual(info.get('Cluster'), [['cluster_enabled', '0']]);
});

test('INFO section arguments: case-insensitive, canonical order, unknown ones select nothing', async () => {
  const c = await srv.client();
  const info = parseInfo(await infoRaw(c, 'KEYSPACE', 'nosuch', 'Cpu', 'modules', 'cpu'));
  assert.deepEqual([...info.keys()], ['CPU', 'Modules', 'Keyspace']);
  assert.equal(await c.callRaw('INFO', 'nosuch'), '$0\r\n\r\n');
  assert.equal(await c.callRaw('INFO', 'modules'), '$11\r\n# Modules\r\n\r\n');
  assert.equal(await c.callRaw('INFO', 'cluster'), '$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n');
  assert.deepEqual([...parseInfo(await infoRaw(c, 'all')).keys()], ALL_ORDER);
  assert.deepEqual([...parseInfo(await infoRaw(c, 'everything')).keys()], ALL_ORDER);
  assert.deepEqual([...parseInfo(await infoRaw(c, 'commandstats', 'default')).keys()], ALL_ORDER);
  const cpu = parseInfo(await infoRaw(c, 'cpu')).get('CPU')!;
  for (const [k, v] of cpu) assert.match(v, /^\d+\.\d{6}$/, k);
  assert.equal(cpu[2]![1], '0.000000');
});

test('INFO in RESP3 is a verbatim string', async () => {
  const c = await srv.client();
  await c.call('HELLO', '3');
  const raw = await c.callRaw('INFO', 'cluster');
  assert.equal(raw, '=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
  assert.equal(await c.callRaw('INFO', 'nosuch'), '=4\r\ntxt:\r\n');
  const all = await c.callRaw('INFO');
  const m = /^=(\d+)\r\n/.exec(all)!;
  assert.ok(m);
  assert.ok(all.startsWith(`${m[0]}txt:# Server\r\nredis_version:7.0.15\r\n`));
  assert.equal(all.length, m[0].length + Number(m[1]) + 2);
  assert.ok(all.endsWith('\r\n# Keyspace\r\n\r\n'));
});

test('INFO commandstats and errorstats count calls, rejections and failures', async () => {
  const s = await startTestServer();
  try {
    const c = await s.client();
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '2');
    await c.call('SET', 'c', '3');
    await c.call('GET', 'a');
    await c.call('GET');
    await c.call('NOSUCHCOMMAND');
    await c.call('CLIENT', 'SETNAME', 'bad name');
    await c.call('CLIENT', 'SETNAME', 'good');
    await c.call('HELLO', '4');
    const stats = parseInfo(await infoRaw(c, 'commandstats')).get('Commandstats')!;
    const line = (name: string) => stats.find(([k]) => k === `cmdstat_${name}`)?.[1];
    assert.match(line('set')!, /^calls=3,usec=\d+,usec_per_call=\d+\.\d{2},rejected_calls=0,failed_calls=0$/);
    assert.match(line('get')!, /^calls=1,usec=\d+,usec_per_call=\d+\.\d{2},rejected_calls=1,failed_calls=0$/);
    assert.match(line('client|setname')!, /^calls=2,usec=\d+,usec_per_call=\d+\.\d{2},rejected_calls=0,failed_calls=1$/);
    assert.match(line('hello')!, /^calls=1,.*,rejected_calls=0,failed_calls=1$/);
    // The INFO being answered is counted after it runs; commands never called are absent.
    assert.equal(line('info'), undefined);
    assert.equal(line('del'), undefined);
    const [, usec, perCall] = /usec=(\d+),usec_per_call=(\d+\.\d{2})/.exec(line('set')!)!;
    assert.equal(perCall, (Number(usec) / 3).toFixed(2));

    const info = parseInfo(await infoRaw(c, 'errorstats', 'stats'));
    assert.deepEqual(info.get('Errorstats'), [
      ['errorstat_ERR', 'count=3'],
      ['errorstat_NOPROTO', 'count=1'],
    ]);
    assert.equal(field(info, 'Stats', 'total_error_replies'), '4');
    assert.match(await infoRaw(c, 'commandstats'), /\r\ncmdstat_info:calls=2,/);
  } finally {
    await s.stop();
  }
});

test('INFO stats, clients and keyspace reflect the server', async () => {
  const s = await startTestServer();
  try {
    const c = await s.client();
    const d = await s.client();
    await c.call('SET', 'k1', 'v');
    await c.call('SET', 'k2', 'v', 'PX', '100000');
    await c.call('GET', 'k1');
    await c.call('GET', 'nokey');
    await c.call('GET', 'nokey2');
    await c.call('SELECT', '3');
    await c.call('SET', 'k3', 'v');
    await d.call('PING');
    const info = parseInfo(await infoRaw(c, 'stats', 'clients', 'keyspace', 'persistence'));
    assert.equal(field(info, 'Clients', 'connected_clients'), '2');
    assert.equal(field(info, 'Clients', 'blocked_clients'), '0');
    assert.equal(field(info, 'Clients', 'maxclients'), '10000');
    assert.equal(field(info, 'Stats', 'total_connections_received'), '2');
    assert.equal(field(info, 'Stats', 'total_commands_processed'), '8');
    assert.equal(field(info, 'Stats', 'keyspace_hits'), '1');
    assert.equal(field(info, 'Stats', 'keyspace_misses'), '2');
    assert.equal(field(info, 'Stats', 'rejected_connections'), '0');
    assert.ok(Number(field(info, 'Stats', 'total_net_input_bytes')) > 100);
    assert.ok(Number(field(info, 'Stats', 'total_net_output_bytes')) > 20);
    assert.ok(Number(field(info, 'Stats', 'total_reads_processed')) >= 9);
    assert.match(field(info, 'Stats', 'instantaneous_input_kbps')!, /^\d+\.\d{2}$/);
    assert.ok(Number(field(info, 'Persistence', 'rdb_changes_since_last_save')) >= 3);
    assert.equal(field(info, 'Persistence', 'loading'), '0');
    assert.equal(field(info, 'Persistence', 'aof_enabled'), '0');
    const ks = info.get('Keyspace')!;
    assert.equal(ks.length, 2);
    assert.equal(ks[0]![0], 'db0');
    const m = /^keys=2,expires=1,avg_ttl=(\d+)$/.exec(ks[0]![1])!;
    assert.ok(m, ks[0]![1]);
    assert.ok(Number(m[1]) > 90000 && Number(m[1]) <= 100000, m[1]);
    assert.deepEqual(ks[1], ['db3', 'keys=1,expires=0,avg_ttl=0']);

    const mem = parseInfo(await infoRaw(c, 'memory')).get('Memory')!;
    const mf = (k: string) => mem.find(([n]) => n === k)![1];
    assert.ok(Number(mf('used_memory')) > 0);
    assert.match(mf('used_memory_human'), /^\d+\.\d{2}[KMG]$/);
    assert.ok(Number(mf('used_memory_peak')) >= Number(mf('used_memory')));
    assert.equal(mf('maxmemory'), '0');
    assert.equal(mf('maxmemory_human'), '0B');
    assert.equal(mf('maxmemory_policy'), 'noeviction');
    assert.match(mf('used_memory_peak_perc'), /^\d+\.\d{2}%$/);
  } finally {
    await s.stop();
  }
});

test('INFO persistence: the AOF module provides its fields; loading fields only while loading', async () => {
  const s = await startTestServer();
  try {
    const c = await s.client();
    const fields = (text: string) => parseInfo(text).get('Persistence')!;
    assert.deepEqual(fields(await infoRaw(c, 'persistence')).map(([k]) => k), FIELDS.persistence);
    s.server.persistence.info = () => ({
      ...AOF_OFF,
      aofEnabled: true,
      aofRewrites: 2,
      aofFiles: { currentSize: 300, baseSize: 100, pendingRewrite: false, bufferLength: 7, pendingBioFsync: 0, delayedFsync: 1 },
      loadingProgress: { startTime: 1700000000, totalBytes: 400, loadedBytes: 100, etaSeconds: 3 },
    });
    let p = fields(await infoRaw(c, 'persistence'));
    assert.deepEqual(p.slice(FIELDS.persistence.length), [
      ['aof_current_size', '300'],
      ['aof_base_size', '100'],
      ['aof_pending_rewrite', '0'],
      ['aof_buffer_length', '7'],
      ['aof_pending_bio_fsync', '0'],
      ['aof_delayed_fsync', '1'],
    ]);
    assert.equal(p.find(([k]) => k === 'aof_enabled')![1], '1');
    assert.equal(p.find(([k]) => k === 'aof_rewrites')![1], '2');
    const mem = parseInfo(await infoRaw(c, 'memory')).get('Memory')!;
    assert.equal(mem.find(([k]) => k === 'mem_aof_buffer')![1], '7');
    s.server.keyspace.loading = true;
    try {
      p = fields(await infoRaw(c, 'persistence'));
    } finally {
      s.server.keyspace.loading = false;
    }
    assert.equal(p[0]![1], '1');
    assert.deepEqual(p.slice(FIELDS.persistence.length + 6), [
      ['loading_start_time', '1700000000'],
      ['loading_total_bytes', '400'],
      ['loading_rdb_used_mem', '0'],
      ['loading_loaded_bytes', '100'],
      ['loading_loaded_perc', '25.00'],
      ['loading_eta_seconds', '3'],
    ]);
  } finally {
    await s.stop();
  }
});

test('INFO arity and usage inside MULTI', async () => {
  const c = await srv.client();
  await c.call('MULTI');
  assert.equal(await c.callRaw('INFO', 'cluster'), '+QUEUED\r\n');
  assert.equal(await c.callRaw('EXEC'), '*1\r\n$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n');
});
