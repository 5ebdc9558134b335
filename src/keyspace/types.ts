// Value types held by the keyspace. Strings are latin1 JS strings (one char per byte); the
// collection types are classes from their own modules (lists, hashes, sets, sorted sets)
// and carry a `type` tag. No protocol or I/O here.

export interface CollectionValue {
  /** Redis's TYPE name: "list", "hash", "set", "zset". */
  readonly type: 'list' | 'hash' | 'set' | 'zset';
  /** A deep copy, for COPY and for point-in-time views. */
  clone(): CollectionValue;
}

export type Value = string | CollectionValue;

/** One key of one database. The object stays the same across overwrites of the key. */
export interface Entry {
  readonly key: string;
  value: Value;
  /** Absolute expiry in Unix milliseconds, 0 when the key is persistent. */
  expireAt: number;
  /** Last access in Unix milliseconds (OBJECT IDLETIME), or the LFU counter state. */
  access: number;
  /** Logarithmic access-frequency counter (OBJECT FREQ under an LFU policy). */
  freq: number;
  /** Position in the database's scan order; increases with insertion. */
  readonly seq: number;
  /** Set once the key is removed, so the scan order can skip it lazily. */
  dead: boolean;
}
