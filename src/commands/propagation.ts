// Propagation: what a write must be logged as (for the AOF, later replication).
//
// Handlers never write a log. The dispatcher records, after each successful call that
// changed the dataset, the command's argv — or the absolute form the handler asked for
// (c.propagateAs), or nothing (c.preventPropagation), plus any extra operations it added
// (c.alsoPropagate, lazily expired keys as DEL). Operations are gathered per execution unit
// (a command, an EXEC, one active-expiry deletion); a unit that produced more than one
// operation is wrapped in MULTI/EXEC, as Redis 7.0's propagatePendingCommands does.

export interface PropagatedOp {
  /** Database the operation applies to (the AOF feed emits SELECT when it changes); -1 for
   *  the closing EXEC, which applies to no database and must not cause a SELECT. */
  readonly db: number;
  readonly argv: readonly string[];
}

export type PropagationListener = (ops: readonly PropagatedOp[]) => void;

export class Propagator {
  private ops: PropagatedOp[] = [];
  private depth = 0;
  private readonly listeners: PropagationListener[] = [];

  addListener(l: PropagationListener): void {
    this.listeners.push(l);
  }

  removeListener(l: PropagationListener): void {
    const i = this.listeners.indexOf(l);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  /** Opens an execution unit (units nest: only the outermost one flushes). */
  begin(): void {
    this.depth++;
  }

  /**
   * Closes an execution unit; the outermost close delivers its operations. `wrap` false
   * delivers them without MULTI/EXEC (a command that may expire arbitrary keys, run directly).
   */
  end(wrap = true): void {
    if (--this.depth === 0 && this.ops.length > 0) this.flush(wrap);
  }

  /** Records an operation; outside any unit it is delivered at once. */
  add(db: number, argv: readonly string[]): void {
    this.ops.push({ db, argv });
    if (this.depth === 0) this.flush();
  }

  private flush(wrap = true): void {
    let ops = this.ops;
    this.ops = [];
    if (wrap && ops.length > 1) {
      ops = [{ db: ops[0]!.db, argv: MULTI }, ...ops, { db: -1, argv: EXEC }];
    }
    for (const l of this.listeners) l(ops);
  }
}

const MULTI = ['MULTI'] as const;
const EXEC = ['EXEC'] as const;
