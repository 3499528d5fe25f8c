import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  DEFAULT_TRACKER_CONFIG,
  initialTrackerState,
  reduceAll,
  reduceAmiEventInPlace,
  type TrackerState,
} from '@telephony/ami/call-tracker';
import { amiCallsInProgress } from '@test/support/telephony/ami-calls-in-progress';
import { amiEventsOf } from '@test/support/telephony/ami-test-events';

/**
 * A centre taking 100 calls a second of a few minutes each has some 20,000 calls in progress. An event of one call
 * must cost the same whatever the others: the tracker looks its call's legs and bridge up, and never walks the
 * channels or calls of every call in progress. Each recorded Asterisk 22 trace is replayed in place (as the
 * provider does) into a state holding other calls whose maps count every walk over them.
 */
const DIR = fileURLToPath(new URL('../../../test/fixtures/ami/22/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));

/** A map that counts how often it is walked whole (iterated, or its keys, values or entries listed). */
class CountingMap<K, V> extends Map<K, V> {
  walks = 0;
  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.walks++;
    return super.entries();
  }
  override entries(): MapIterator<[K, V]> {
    this.walks++;
    return super.entries();
  }
  override keys(): MapIterator<K> {
    this.walks++;
    return super.keys();
  }
  override values(): MapIterator<V> {
    this.walks++;
    return super.values();
  }
  override forEach(fn: (value: V, key: K, map: Map<K, V>) => void): void {
    this.walks++;
    super.forEach(fn);
  }
}

/** Every channel in a bridge is listed under it, and nothing else is (walks the maps: call it after counting). */
function bridgesAgree(state: TrackerState): void {
  const listed = [...state.bridges].flatMap(([bridge, uids]) => uids.map((uid) => `${bridge}|${uid}`));
  const inBridge = [...state.channels.values()]
    .filter((ch) => ch.bridge !== undefined)
    .map((ch) => `${ch.bridge}|${ch.uniqueid}`);
  expect(listed.sort()).toEqual(inBridge.sort());
}

describe('the call tracker with other calls in progress', () => {
  it.each(files)('%s: no event walks the channels or calls of every call in progress', (file) => {
    const trace = amiEventsOf(readFileSync(`${DIR}${file}`, 'utf8'));
    const held = reduceAll(
      initialTrackerState(),
      amiEventsOf(amiCallsInProgress(200, trace)),
      DEFAULT_TRACKER_CONFIG,
    ).state;
    expect(held.calls.size).toBe(200);
    expect(held.channels.size).toBe(800);
    const channels = new CountingMap(held.channels);
    const calls = new CountingMap(held.calls);
    let state: TrackerState = { ...held, channels, calls };
    let produced = 0;
    for (const ev of trace) {
      const result = reduceAmiEventInPlace(state, ev, DEFAULT_TRACKER_CONFIG);
      state = result.state;
      produced += result.events.length;
    }
    expect(produced).toBeGreaterThan(0);
    expect(state.channels).toBe(channels);
    expect(channels.walks).toBe(0);
    expect(calls.walks).toBe(0);
    // The other calls are as they were; the trace's own ended calls left nothing behind.
    const alone = reduceAll(initialTrackerState(), trace, DEFAULT_TRACKER_CONFIG).state;
    expect(channels.size).toBe(800 + alone.channels.size);
    expect(calls.size).toBe(200 + alone.calls.size);
    bridgesAgree(state);
    bridgesAgree(alone);
  });

  it('forgets an ended call’s channels and bridge, hung up or not, and only them', () => {
    const { state } = reduceAll(
      initialTrackerState(),
      amiEventsOf(readFileSync(`${DIR}queue-answered.txt`, 'utf8')),
      DEFAULT_TRACKER_CONFIG,
    );
    expect(state.calls.size).toBe(0);
    expect(state.channels.size).toBe(0);
    expect(state.bridges.size).toBe(0);
  });
});
