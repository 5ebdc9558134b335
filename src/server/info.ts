// INFO: the report Redis 7.0's genRedisInfoString builds, section by section, with the same
// field names in the same order. Each section is "# Name\r\n" then "field:value\r\n" lines;
// sections are separated by one blank line ("\r\n"). Clients split on CRLF (ioredis, bull)
// and read `redis_version`, `loading`, `loading_eta_seconds`, `role` ..., so the shape matters
// more than the exotic values: fields about machinery nodis does not have (forks, jemalloc,
// replication links, Lua) keep their names with the values of a server that is not using it.
//
// Persistence state belongs to the AOF module (see info-persistence.ts).

import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { REDIS_VERSION, NODIS_VERSION } from '../version.js';
import type { Server } from './server.js';
import type { Command } from '../commands/types.js';
import { persistence, persistenceFields, type Field } from './info-persistence.js';

const ALL_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'cluster',
  'keyspace',
] as const;

type Section = (typeof ALL_SECTIONS)[number];

const DEFAULT_SECTIONS: ReadonlySet<Section> = new Set<Section>([
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'errorstats',
  'cluster',
  'keyspace',
]);

const TITLES: Record<Section, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  modules: 'Modules',
  commandstats: 'Commandstats',
  errorstats: 'Errorstats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
};


/**
 * The INFO text for the requested section names (case-insensitive; 'default', 'all',
 * 'everything'; unknown names select nothing). No names = 'default'.
 */
export function buildInfo(server: Server, names: readonly string[]): string {
  const wanted = new Set<Section>();
  if (names.length === 0) for (const s of DEFAULT_SECTIONS) wanted.add(s);
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === 'all' || name === 'everything') for (const s of ALL_SECTIONS) wanted.add(s);
    else if (name === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
    else if ((ALL_SECTIONS as readonly string[]).includes(name)) wanted.add(name as Section);
  }
  const parts: string[] = [];
  for (const s of ALL_SECTIONS) {
    if (!wanted.has(s)) continue;
    let text = `# ${TITLES[s]}\r\n`;
    for (const [k, v] of SECTION_FIELDS[s](server)) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join('\r\n');
}

const SECTION_FIELDS: Record<Section, (server: Server) => Field[]> = {
  server: serverFields,
  clients: clientFields,
  memory: memoryFields,
  persistence: persistenceFields,
  stats: statsFields,
  replication: replicationFields,
  cpu: cpuFields,
  modules: () => [],
  commandstats: commandstatsFields,
  errorstats: errorstatsFields,
  cluster: () => [['cluster_enabled', 0]],
  keyspace: keyspaceFields,
};

// ---- server -------------------------------------------------------------------------------

/** A stable build id (Redis prints a hash of its build): here, of the nodis version. */
const BUILD_ID = createHash('sha1').update(`nodis-${NODIS_VERSION}`).digest('hex').slice(0, 16);

function serverFields(server: Server): Field[] {
  const nowUs = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const uptime = Math.floor((Date.now() - server.stats.startTime) / 1000);
  const platform = process.platform;
  const script = process.argv[1];
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', BUILD_ID],
    ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.machine()}`],
    ['arch_bits', /64/.test(process.arch) ? 64 : 32],
    ['monotonic_clock', platform === 'darwin' ? 'mach_absolute_time' : 'POSIX clock_gettime'],
    ['multiplexing_api', platform === 'linux' ? 'epoll' : platform === 'win32' ? 'iocp' : platform === 'sunos' ? 'evport' : 'kqueue'],
    ['atomicvar_api', 'c11-builtin'],
    // Not built by gcc: Redis prints 0.0.0 then.
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', server.port],
    ['server_time_usec', nowUs],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', server.config.num('hz')],
    ['configured_hz', server.config.num('hz')],
    ['lru_clock', Math.floor(Date.now() / 1000) & 0xffffff],
    ['executable', script ? path.resolve(script) : process.execPath],
    ['config_file', server.configFile ? path.resolve(server.configFile) : ''],
    ['io_threads_active', 0],
  ];
}

// ---- clients ------------------------------------------------------------------------------

function clientFields(server: Server): Field[] {
  let maxIn = 0;
  let maxOut = 0;
  let parked = 0;
  for (const c of server.clients) {
    maxIn = Math.max(maxIn, c.decoder.pendingBytes);
    maxOut = Math.max(maxOut, c.reply.pending);
    if (c.parked) parked++;
  }
  return [
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.config.num('maxclients')],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    // As in 7.0, clients held by CLIENT PAUSE are not counted as blocked.
    ['blocked_clients', parked - server.pause.heldClients],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', 0],
  ];
}

// ---- memory -------------------------------------------------------------------------------

/** Redis's bytesToHuman: B, then K M G T P with two decimals. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  let v = n;
  for (const u of ['K', 'M', 'G', 'T', 'P']) {
    v /= 1024;
    if (v < 1024) return `${v.toFixed(2)}${u}`;
  }
  return `${n}B`;
}

function ratio(a: number, b: number): string {
  return (b > 0 ? a / b : 0).toFixed(2);
}

function memoryFields(server: Server): Field[] {
  const mem = process.memoryUsage();
  const used = mem.heapUsed + mem.external;
  const active = mem.heapTotal + mem.external;
  const rss = mem.rss;
  const peak = Math.max(server.stats.peakMemory, used);
  const startup = server.stats.startupMemory;
  const aofBuffer = persistence(server).aofFiles?.bufferLength ?? 0;
  let clientsMem = 0;
  for (const c of server.clients) clientsMem += c.decoder.pendingBytes + c.reply.pending;
  const overhead = Math.min(used, startup + clientsMem + aofBuffer);
  const dataset = used - overhead;
  const netUsage = used > startup ? used - startup : 1;
  const maxmemory = server.config.num('maxmemory');
  const total = os.totalmem();
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', rss],
    ['used_memory_rss_human', bytesToHuman(rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${((used * 100) / peak).toFixed(2)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', startup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', `${((dataset * 100) / netUsage).toFixed(2)}%`],
    ['allocator_allocated', used],
    ['allocator_active', active],
    ['allocator_resident', rss],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    // No scripting engine yet: nothing is used by Lua or functions.
    ['used_memory_lua', 0],
    ['used_memory_vm_eval', 0],
    ['used_memory_lua_human', '0B'],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', 0],
    ['used_memory_vm_total_human', '0B'],
    ['used_memory_functions', 0],
    ['used_memory_scripts', 0],
    ['used_memory_scripts_human', '0B'],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', server.config.str('maxmemory-policy')],
    ['allocator_frag_ratio', ratio(active, used)],
    ['allocator_frag_bytes', active - used],
    ['allocator_rss_ratio', ratio(rss, active)],
    ['allocator_rss_bytes', rss - active],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', ratio(rss, used)],
    ['mem_fragmentation_bytes', rss - used],
    ['mem_not_counted_for_evict', aofBuffer],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', clientsMem],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', aofBuffer],
    // Not jemalloc: tools then skip allocator-specific checks, as for a libc build.
    ['mem_allocator', 'libc'],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

// ---- stats --------------------------------------------------------------------------------

function statsFields(server: Server): Field[] {
  const st = server.stats;
  const ks = server.keyspace.stats;
  const p = persistence(server);
  return [
    ['total_connections_received', st.connectionsReceived],
    ['total_commands_processed', st.commandsProcessed],
    ['instantaneous_ops_per_sec', st.instantaneousOps],
    ['total_net_input_bytes', st.netInputBytes],
    ['total_net_output_bytes', st.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', (st.instantaneousInputBytes / 1024).toFixed(2)],
    ['instantaneous_output_kbps', (st.instantaneousOutputBytes / 1024).toFixed(2)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', st.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', ks.expiredKeys],
    ['expired_stale_perc', ks.expiredStalePerc.toFixed(2)],
    ['expired_time_cap_reached_count', st.expiredTimeCapReached],
    ['expire_cycle_cpu_milliseconds', Math.floor(st.expireCycleMs)],
    ['evicted_keys', 0],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', ks.hits],
    ['keyspace_misses', ks.misses],
    ['pubsub_channels', 0],
    ['pubsub_patterns', 0],
    ['pubsubshard_channels', 0],
    ['latest_fork_usec', p.latestForkUsec],
    ['total_forks', p.totalForks],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', 0],
    ['tracking_total_items', 0],
    ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', 0],
    ['total_error_replies', st.errorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', st.readsProcessed],
    ['total_writes_processed', st.writesProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

// ---- replication --------------------------------------------------------------------------

function replicationFields(server: Server): Field[] {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', server.replId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

// ---- cpu ----------------------------------------------------------------------------------

/** Seconds with six decimals, as Redis prints a struct timeval. */
function seconds(micros: number): string {
  return `${Math.floor(micros / 1e6)}.${String(Math.floor(micros % 1e6)).padStart(6, '0')}`;
}

type ThreadCpuUsage = () => NodeJS.CpuUsage;

function cpuFields(): Field[] {
  const u = process.cpuUsage();
  const fields: Field[] = [
    ['used_cpu_sys', seconds(u.system)],
    ['used_cpu_user', seconds(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
  ];
  // Like Redis on platforms without RUSAGE_THREAD, the main-thread lines exist only when the
  // runtime can measure the thread alone (Node >= 23.9).
  const threadUsage = (process as unknown as { threadCpuUsage?: ThreadCpuUsage }).threadCpuUsage;
  if (typeof threadUsage === 'function') {
    const t = threadUsage.call(process);
    fields.push(['used_cpu_sys_main_thread', seconds(t.system)], ['used_cpu_user_main_thread', seconds(t.user)]);
  }
  return fields;
}

// ---- commandstats / errorstats --------------------------------------------------------------

function commandstatsFields(server: Server): Field[] {
  const fields: Field[] = [];
  const visit = (cmd: Command) => {
    if (cmd.calls > 0 || cmd.failedCalls > 0 || cmd.rejectedCalls > 0) {
      const usec = Math.floor(cmd.usec);
      const perCall = cmd.calls === 0 ? 0 : usec / cmd.calls;
      fields.push([
        `cmdstat_${cmd.fullName}`,
        `calls=${cmd.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`,
      ]);
    }
    if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) visit(sub);
  };
  for (const cmd of server.commands.all()) visit(cmd);
  return fields;
}

function errorstatsFields(server: Server): Field[] {
  const codes = [...server.stats.errorsByCode.keys()].sort();
  return codes.map((code) => [`errorstat_${code}`, `count=${server.stats.errorsByCode.get(code)!}`]);
}

// ---- keyspace -----------------------------------------------------------------------------

/** Keys whose TTL is averaged for avg_ttl (Redis estimates it by sampling too). */
const AVG_TTL_SAMPLE = 1024;

function keyspaceFields(server: Server): Field[] {
  const fields: Field[] = [];
  const now = Date.now();
  for (const db of server.keyspace.dbs) {
    if (db.size === 0 && db.expiresCount === 0) continue;
    let sum = 0;
    let n = 0;
    let seen = 0;
    for (const e of db.volatile) {
      if (seen++ >= AVG_TTL_SAMPLE) break;
      if (e.expireAt > now) {
        sum += e.expireAt - now;
        n++;
      }
    }
    fields.push([`db${db.id}`, `keys=${db.size},expires=${db.expiresCount},avg_ttl=${n === 0 ? 0 : Math.floor(sum / n)}`]);
  }
  return fields;
}
