import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { createAmiFrameParser, parseAmiText } from '@telephony/ami/ami-frame-parser';
import { messageFromFrame, type AmiEvent } from '@telephony/ami/ami-message';
import { isUnread } from '@telephony/ami/event-filter';
import { expirePendingCalls, resyncTracker } from '@telephony/ami/ami-resync';
import {
  DEFAULT_TRACKER_CONFIG,
  eventsRead,
  initialTrackerState,
  reduceAll,
  reduceAmiEvent,
  reduceAmiEventInPlace,
  type TrackerState,
} from '@telephony/ami/call-tracker';
import type { CallEnded, CallEvent, TelephonyEvent } from '@telephony/model/call-event';
import { amiEventsOf } from '@test/support/telephony/ami-test-events';

/**
 * Replays real Asterisk 22 AMI traces (recorded by the PBX helper into test/fixtures/ami/22) through our frame
 * parser and the tracker, and checks the normalized result per case.
 */
const DIR = fileURLToPath(new URL('../../../test/fixtures/ami/22/', import.meta.url));
const files = (() => {
  try {
    return readdirSync(DIR).filter((f) => f.endsWith('.txt'));
  } catch {
    return [];
  }
})();

const isCall = (e: TelephonyEvent): e is CallEvent => 'callId' in e;
const summary = (events: TelephonyEvent[]) =>
  events.filter(isCall).map((e) => `${e.callId}:${e.type}:${'agentId' in e ? (e.agentId ?? '') : ''}`);

function replay(file: string) {
  const text = readFileSync(`${DIR}${file}`, 'utf8');
  const parsed = parseAmiText(text);
  const { events, state } = reduceAll(initialTrackerState(), amiEventsOf(text), DEFAULT_TRACKER_CONFIG);
  const calls = new Map<string, CallEvent[]>();
  for (const e of events.filter(isCall)) calls.set(e.callId, [...(calls.get(e.callId) ?? []), e]);
  const ended = events.filter((e): e is CallEnded => e.type === 'call.ended');
  const of = <T extends CallEvent['type']>(type: T) =>
    events.filter((e): e is Extract<CallEvent, { type: T }> => e.type === type);
  return { text, parsed, events, state, calls, ended, of };
}

/** Expectations per recorded case; a fixture without an entry still gets the generic invariants. */
const CASES: Record<string, (r: ReturnType<typeof replay>) => void> = {
  'queue-answered': (r) => {
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]).toMatchObject({
      direction: 'inbound',
      queue: 'support',
      answered: true,
      abandoned: false,
      cause: 'normal-clearing',
    });
    expect(r.ended[0]!.from.e164).toMatch(/^\+7\d{10}$/);
    expect(r.ended[0]!.talkSeconds).toBeGreaterThan(0);
    const answered = r.of('call.answered');
    expect(answered).toHaveLength(1);
    expect(answered[0]!.agentId).toMatch(/^100\d$/);
    expect(r.ended[0]!.agentId).toBe(answered[0]!.agentId);
    // everyone who rang and did not answer stopped ringing
    const rang = new Set(r.of('call.ringing').map((e) => e.agentId));
    const stopped = new Set(r.of('call.ring-stopped').map((e) => e.agentId));
    expect([...rang].filter((a) => a !== answered[0]!.agentId).sort()).toEqual([...stopped].sort());
    expect(r.of('recording.ready')[0]?.file).toMatch(/^\/var\/spool\/asterisk\/monitor\/.+\.(wav|WAV|gsm)$/);
    // Recorded with the profile's hangup handler: StopMixMonitor's MixMonitorStop came before the hang-up.
    expect(r.of('recording.ready')[0]?.closed).toBe(true);
  },
  'queue-abandoned': (r) => {
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]).toMatchObject({
      answered: false,
      abandoned: true,
      cause: 'cancel',
      talkSeconds: 0,
      queue: 'support',
    });
    expect(r.of('call.answered')).toHaveLength(0);
    expect(r.of('call.ring-stopped').length).toBe(r.of('call.ringing').length);
  },
  'queue-missed': (r) => {
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]).toMatchObject({ answered: false, abandoned: false, cause: 'no-answer' });
  },
  anonymous: (r) => {
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]!.from).toMatchObject({ anonymous: true, e164: null });
  },
  // P-Asserted-Identity +79160003399 with `Privacy: id`: Asterisk has the number in CallerIDNum on every event,
  // and the exported presentation (`prohib_not_screened`, but `allowed_…` on the Newchannel) withholds it.
  'withheld-pai': (r) => {
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]).toMatchObject({ direction: 'inbound', answered: true, agentId: '1001' });
    expect(r.text).toContain('CallerIDNum: +79160003399');
    for (const e of r.events.filter(isCall)) {
      expect(e.from).toEqual({ raw: 'anonymous', e164: null, extension: null, name: null, anonymous: true });
    }
    expect(JSON.stringify(r.events)).not.toMatch(/9160003399/);
    const newchannel = amiEventsOf(r.text).find((e) => e.event === 'Newchannel')!;
    expect(Date.parse(r.of('call.created')[0]!.occurredAt)).toBe(
      Math.round(Number(newchannel.fields.timestamp) * 1000),
    );
  },
  'ru8-caller': (r) => {
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]!.from.raw).toMatch(/^8\d{10}$/);
    expect(r.ended[0]!.from.e164).toBe(`+7${r.ended[0]!.from.raw.slice(1)}`);
  },
  'direct-busy': (r) => {
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]).toMatchObject({ answered: false, abandoned: false, cause: 'busy' });
  },
  'direct-noanswer': (r) => {
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]).toMatchObject({ answered: false, abandoned: false, cause: 'no-answer' });
    expect(r.ended[0]!.waitSeconds).toBeGreaterThan(0);
  },
  'click-to-call': (r) => {
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]).toMatchObject({ direction: 'outbound', answered: true, agentId: '1001' });
    expect(r.ended[0]!.to.e164).toMatch(/^\+7\d{10}$/);
    expect(r.of('call.ringing').map((e) => e.agentId)).toEqual(['1001']);
    expect(r.of('call.answered')[0]).toMatchObject({ agentId: '1001', direction: 'outbound' });
  },
  'transfer-blind': (r) => {
    expect(r.ended).toHaveLength(1);
    const t = r.of('call.transferred');
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ kind: 'blind', fromAgentId: '1001' });
    expect(t[0]!.agentId).toMatch(/^100\d$/);
    expect(r.ended[0]).toMatchObject({ answered: true, agentId: t[0]!.agentId });
    expect(r.of('call.bridged').map((e) => e.agentId)).toEqual([t[0]!.agentId]);
  },
  'transfer-attended': (r) => {
    const t = r.of('call.transferred');
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ kind: 'attended', fromAgentId: '1001' });
    const customer = r.ended.find((e) => e.callId === t[0]!.callId);
    expect(customer).toMatchObject({ answered: true, direction: 'inbound', agentId: t[0]!.agentId });
    // The consultation does not make the target the customer's operator; joining the customer's bridge does.
    // (Asterisk 22 moves the target into that bridge just before it publishes AttendedTransfer.)
    const seq = r.calls.get(t[0]!.callId)!.map((e) => e.type);
    const bridged = r.of('call.bridged').filter((e) => e.callId === t[0]!.callId);
    expect(bridged.map((e) => e.agentId)).toEqual([t[0]!.agentId]);
    expect(seq.indexOf('call.bridged')).toBe(seq.indexOf('call.transferred') - 1);
    expect(seq.indexOf('call.held')).toBeLessThan(seq.indexOf('call.bridged'));
  },
};

describe('AMI fixtures (Asterisk 22)', () => {
  it('has recorded traces to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  describe.each(files)('%s', (file) => {
    const name = file.replace(/\.txt$/, '');
    const r = replay(file);

    it('parses without errors', () => {
      expect(r.parsed.errors).toEqual([]);
      expect(r.parsed.frames.length).toBeGreaterThan(0);
    });

    it('gives the same events with only the events the adapter reads (eventsRead, as a session filter leaves them)', () => {
      const read = eventsRead(DEFAULT_TRACKER_CONFIG);
      const kept = r.parsed.frames.filter((f) => !isUnread(read, f));
      const dropped = r.parsed.frames.length - kept.length;
      const events = kept.map((f) => messageFromFrame(f)).filter((m): m is AmiEvent => m.event !== undefined);
      expect(reduceAll(initialTrackerState(), events, DEFAULT_TRACKER_CONFIG).events).toEqual(r.events);
      if (r.text.includes('Event: VarSet')) expect(dropped).toBeGreaterThan(0);
    });

    it('ends every call exactly once, last, with contiguous seq, leaving nothing open', () => {
      expect(r.calls.size).toBeGreaterThan(0);
      for (const [callId, evs] of r.calls) {
        expect(
          evs.map((e) => e.seq),
          callId,
        ).toEqual(evs.map((_, i) => i + 1));
        expect(
          evs.filter((e) => e.type === 'call.ended'),
          callId,
        ).toHaveLength(1);
        expect(evs.at(-1)!.type, callId).toBe('call.ended');
        expect(evs[0]!.type, callId).toBe('call.created');
      }
      expect(r.state.calls.size).toBe(0);
    });

    it('never mutates a previous state (every intermediate state frozen)', () => {
      const freeze = <T>(o: T): T => {
        if (o && typeof o === 'object' && !Object.isFrozen(o)) {
          Object.freeze(o);
          for (const v of o instanceof Map ? o.values() : Object.values(o)) freeze(v);
        }
        return o;
      };
      let s: TrackerState = freeze(initialTrackerState());
      const out: TelephonyEvent[] = [];
      for (const e of amiEventsOf(r.text)) {
        const step = reduceAmiEvent(s, e, DEFAULT_TRACKER_CONFIG);
        s = freeze(step.state);
        out.push(...step.events);
      }
      expect(summary(out)).toEqual(summary(r.events));
    });

    it('reduces in place, as the provider does, to the same events and state as the pure reducer', () => {
      let s = initialTrackerState();
      const out: TelephonyEvent[] = [];
      for (const e of amiEventsOf(r.text)) {
        const step = reduceAmiEventInPlace(s, e, DEFAULT_TRACKER_CONFIG);
        s = step.state;
        out.push(...step.events);
      }
      expect(out).toEqual(r.events);
      expect(s).toEqual(r.state);
    });

    it('gives the same result when every frame is delivered twice, and in any chunking', () => {
      const evs = amiEventsOf(r.text);
      const twice = reduceAll(
        initialTrackerState(),
        evs.flatMap((e) => [e, e]),
        DEFAULT_TRACKER_CONFIG,
      ).events;
      expect(summary(twice)).toEqual(summary(r.events));
      const p = createAmiFrameParser();
      const frames = [];
      for (let i = 0; i < r.text.length; i += 997) frames.push(...p.push(r.text.slice(i, i + 997)).frames);
      frames.push(...p.end().frames);
      const chunked = frames.map((f) => messageFromFrame(f)).filter((m): m is AmiEvent => m.event !== undefined);
      expect(summary(reduceAll(initialTrackerState(), chunked, DEFAULT_TRACKER_CONFIG).events)).toEqual(
        summary(r.events),
      );
    });

    it('closes calls that ended during an outage from their Cdr records after resync, once', () => {
      const all = amiEventsOf(r.text);
      const cut = all.findIndex((e) => e.event === 'Hangup');
      if (cut < 0) return;
      const before = reduceAll(initialTrackerState(), all.slice(0, cut), DEFAULT_TRACKER_CONFIG);
      const open = [...before.state.calls.values()];
      const atMs = before.state.lastTimestampMs;
      let state = resyncTracker(before.state, { channels: [], queue: [], atMs }, DEFAULT_TRACKER_CONFIG).state;
      const cdrs = all.slice(cut).filter((e) => e.event === 'Cdr');
      const after = reduceAll(state, cdrs, DEFAULT_TRACKER_CONFIG);
      const expired = expirePendingCalls(after.state, atMs + 60_000, 30_000, DEFAULT_TRACKER_CONFIG);
      state = expired.state;
      const ended = [...after.events, ...expired.events].filter((e): e is CallEnded => e.type === 'call.ended');
      expect(ended.map((e) => e.callId).sort()).toEqual(open.map((c) => c.callId).sort());
      for (const call of open) {
        const answeredCdr = cdrs.find((c) => c.fields.linkedid === call.key && c.fields.disposition === 'ANSWERED');
        const end = ended.find((e) => e.callId === call.callId)!;
        const anyCdr = cdrs.some((c) => c.fields.linkedid === call.key);
        expect(end.closedFromCdr ?? false).toBe(anyCdr);
        if (answeredCdr) {
          expect(end).toMatchObject({ answered: true, talkSeconds: Number(answeredCdr.fields.billableseconds) });
        }
      }
      expect(state.calls.size).toBe(0);
    });

    const check = CASES[name] ?? (/concurrent|100/.test(name) ? concurrent : undefined);
    if (check) it('matches the expected outcome of the case', () => check(r));
  });
});

function concurrent(r: ReturnType<typeof replay>): void {
  expect(r.of('call.created').length).toBeGreaterThanOrEqual(100);
  expect(r.ended).toHaveLength(r.of('call.created').length);
  // DID 7099: Asterisk answers and echoes, no operator: answered by the PBX, like the Cdr (ANSWERED) says.
  expect(r.of('call.answered')).toHaveLength(0);
  for (const e of r.ended) {
    expect(e).toMatchObject({ answered: true, abandoned: false, cause: 'normal-clearing' });
    expect(e.agentId).toBeUndefined();
    expect(e.talkSeconds).toBeGreaterThanOrEqual(2);
  }
}
