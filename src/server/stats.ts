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
  /** Samples of commandsProcessed for instantaneous_ops_per_sec. */
  private opsSamples: number[] = [];
  private lastSampleTime = Date.now();
  private lastSampleOps = 0;
  readonly startTime = Date.now();

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
    this.lastSampleTime = now;
    this.lastSampleOps = this.commandsProcessed;
  }

  get instantaneousOps(): number {
    if (this.opsSamples.length === 0) return 0;
    return Math.round(this.opsSamples.reduce((a, b) => a + b, 0) / this.opsSamples.length);
  }

  reset(): void {
    this.commandsProcessed = 0;
    this.connectionsReceived = 0;
    this.rejectedConnections = 0;
    this.errorReplies = 0;
    this.errorsByCode.clear();
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.opsSamples = [];
    this.lastSampleOps = 0;
  }
}
