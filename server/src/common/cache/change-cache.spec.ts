import { describe, expect, it } from 'vitest';

import { ChangeCache } from './change-cache';

/** A load that resolves when told to, counting how often it ran. */
function gate<T>(value: T) {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const load = { runs: 0, open, fn: async () => (load.runs++, await opened, value) };
  return load;
}

describe('ChangeCache', () => {
  it('keeps a load while notifications flow, and an invalidation of its scope forgets it', async () => {
    const cache = new ChangeCache();
    cache.setLive(true);
    let n = 0;
    const load = async () => ++n;
    expect(await cache.get('contact:1', 'card', load)).toBe(1);
    expect(await cache.get('contact:1', 'card', load)).toBe(1);
    expect(cache.hits).toBe(1);
    cache.invalidate('contact:2');
    expect(await cache.get('contact:1', 'card', load)).toBe(1);
    cache.invalidate('contact:1');
    expect(await cache.get('contact:1', 'card', load)).toBe(2);
    cache.invalidate('all');
    expect(await cache.get('contact:1', 'card', load)).toBe(3);
  });

  it('keeps nothing while notifications may be missed', async () => {
    const cache = new ChangeCache();
    let n = 0;
    await cache.get('users', '1001', async () => ++n);
    expect(await cache.get('users', '1001', async () => ++n)).toBe(2);
  });

  it('reads of a key while its load is on the way share that load', async () => {
    const cache = new ChangeCache();
    cache.setLive(true);
    const load = gate('Анна');
    const reads = [1, 2, 3].map(() => cache.get('users', '1001', load.fn));
    load.open();
    expect(await Promise.all(reads)).toEqual(['Анна', 'Анна', 'Анна']);
    expect(load.runs).toBe(1);
  });

  it('a read after an invalidation does not join the load that began before it, which is then not kept', async () => {
    const cache = new ChangeCache();
    cache.setLive(true);
    const before = gate('old');
    const first = cache.get('contact:1', 'card', before.fn);
    cache.invalidate('contact:1');
    const after = gate('new');
    const second = cache.get('contact:1', 'card', after.fn);
    before.open();
    after.open();
    expect([await first, await second]).toEqual(['old', 'new']);
    expect([before.runs, after.runs]).toEqual([1, 1]);
    expect(await cache.get('contact:1', 'card', async () => 'unused')).toBe('new');
  });
});
