// Server-wide counters reported by INFO stats (the per-command ones live on each Command).

export class ServerStats {
  commandsProcessed = 0;
  connectionsReceived = 0;
  rejectedConnections = 0;
  errorReplies = 0;
  /** Error replies by code (errorstats: errorstat_ERR:count=...). */
  readonly errorsByCode = new Map<string, number>();
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Socket reads and writes (total_reads_processed / total_writes_processed). */
  readsProcessed = 0;
  writesProcessed = 0;
  /** Time spent in the active expiry cycle, and runs that hit their time budget. */
  expireCycleMs = 0;
  expiredTimeCapReached = 0;
  /** Highest used_memory seen by the cron (used_memory_peak). */
  peakMemory = 0;
  /** Samples of commandsProcessed for instantaneous_ops_per_sec. */
  private opsSamples: number[] = [];
  /** Samples of net bytes per second (instantaneous_input_kbps / output_kbps). */
  private inputSamples: number[] = [];
  private outputSamples: number[] = [];
  private lastSampleTime = Date.now();
  private lastSampleOps = 0;
  private lastSampleInput = 0;
  private lastSampleOutput = 0;
  readonly startTime = Date.now();
  /** used_memory when the server was created (used_memory_startup). */
  readonly startupMemory = usedMemory();

  countError(code: string): void {
    this.errorReplies++;
    this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + 1);
  }

  /** Called from the cron: one sample of the operations rate. */
  sample(): void {
    const now = Date.now();
    const dt = now - this.lastSampleTime;
    if (dt < 100) return;
    this.opsSamples.push(((this.commandsProcessed - this.lastSampleOps) * 1000) / dt);
    if (this.opsSamples.length > 16) this.opsSamples.shift();
    this.inputSamples.push(((this.netInputBytes - this.lastSampleInput) * 1000) / dt);
    if (this.inputSamples.length > 16) this.inputSamples.shift();
    this.outputSamples.push(((this.netOutputBytes - this.lastSampleOutput) * 1000) / dt);
    if (this.outputSamples.length > 16) this.outputSamples.shift();
    this.lastSampleTime = now;
    this.lastSampleOps = this.commandsProcessed;
    this.lastSampleInput = this.netInputBytes;
    this.lastSampleOutput = this.netOutputBytes;
    this.peakMemory = Math.max(this.peakMemory, usedMemory());
  }

  get instantaneousOps(): number {
    return Math.round(average(this.opsSamples));
  }

  /** Bytes per second received, averaged over the recent samples. */
  get instantaneousInputBytes(): number {
    return average(this.inputSamples);
  }

  get instantaneousOutputBytes(): number {
    return average(this.outputSamples);
  }

  reset(): void {
    this.commandsProcessed = 0;
    this.connectionsReceived = 0;
    this.rejectedConnections = 0;
    this.errorReplies = 0;
    this.errorsByCode.clear();
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.readsProcessed = 0;
    this.writesProcessed = 0;
    this.expireCycleMs = 0;
    this.expiredTimeCapReached = 0;
    this.peakMemory = 0;
    this.opsSamples = [];
    this.inputSamples = [];
    this.outputSamples = [];
    this.lastSampleOps = 0;
    this.lastSampleInput = 0;
    this.lastSampleOutput = 0;
  }
}

/** INFO's used_memory: the JS heap in use plus memory held outside it (Buffers). */
export function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function average(samples: readonly number[]): number {
  return samples.length === 0 ? 0 : samples.reduce((a, b) => a + b, 0) / samples.length;
}
