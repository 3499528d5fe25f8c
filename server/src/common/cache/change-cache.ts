/**
 * Read-through cache of database reads, grouped in scopes (`contact:<id>`, `phones`, …) that the database's change
 * notifications invalidate (`all` empties it). Two rules keep it from ever serving what a committed write changed:
 * - a load that overlapped an invalidation of its scope is returned but not kept (it may have read the old row);
 * - while notifications may be missed (the listening connection is down), nothing is kept and every read loads.
 * Reads of one key while its load is on the way share that load, unless the scope was invalidated since it began.
 */
export class ChangeCache {
  private readonly scopes = new Map<string, Map<string, unknown>>();
  private readonly versions = new Map<string, number>();
  private readonly loading = new Map<string, { version: string; value: Promise<unknown> }>();
  private epoch = 0;
  private live = false;
  private entries = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 100_000) {}

  /** Whether notifications flow; switching either way forgets everything. */
  setLive(live: boolean): void {
    this.live = live;
    this.clear();
  }

  /** A change notification's payload: the scope it touches, or `all`. */
  invalidate(scope: string): void {
    if (scope === 'all') {
      this.clear();
      return;
    }
    this.versions.set(scope, (this.versions.get(scope) ?? 0) + 1);
    const dropped = this.scopes.get(scope);
    if (dropped) {
      this.entries -= dropped.size;
      this.scopes.delete(scope);
    }
  }

  async get<T>(scope: string, key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.scopes.get(scope);
    if (cached?.has(key)) {
      this.hits++;
      return cached.get(key) as T;
    }
    this.misses++;
    const version = this.versionOf(scope);
    const id = `${scope}\u0000${key}`;
    const pending = this.loading.get(id);
    if (pending?.version === version) return pending.value as Promise<T>;
    const value = load();
    this.loading.set(id, { version, value });
    try {
      const loaded = await value;
      if (this.live && this.versionOf(scope) === version) this.keep(scope, key, loaded);
      return loaded;
    } finally {
      if (this.loading.get(id)?.value === value) this.loading.delete(id);
    }
  }

  private versionOf(scope: string): string {
    return `${this.epoch}.${this.versions.get(scope) ?? 0}`;
  }

  private keep(scope: string, key: string, value: unknown): void {
    // Oldest scopes first (a Map keeps insertion order): a bound, not an LRU; a hot card is simply loaded again.
    while (this.entries >= this.maxEntries) {
      const oldest = this.scopes.keys().next();
      if (oldest.done) break;
      this.entries -= this.scopes.get(oldest.value)!.size;
      this.scopes.delete(oldest.value);
    }
    let entries = this.scopes.get(scope);
    if (!entries) this.scopes.set(scope, (entries = new Map()));
    if (!entries.has(key)) this.entries++;
    entries.set(key, value);
  }

  private clear(): void {
    this.epoch++;
    this.scopes.clear();
    this.versions.clear();
    this.entries = 0;
  }
}
