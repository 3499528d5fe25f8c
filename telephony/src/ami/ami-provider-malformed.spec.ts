import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AmiProvider } from '@telephony/ami/ami-provider';
import { AmiSurrogateServer } from '@telephony/ami/ami-surrogate-server';
import { type CallEvent, type TelephonyEvent } from '@telephony';
import { callIdFor } from '@telephony/ami/call-tracker';

/**
 * Malformed AMI input through the production path (TCP → AmiConnection's frame parser → tracker, in place),
 * property-based: random mixes of truncated frames, 10 KB+ header lines, binary garbage, unknown events and known
 * events with missing or nonsense fields must neither crash the adapter nor stop it from tracking the next real call.
 * The frame parser itself has its own properties in ami-frame-parser.spec.ts.
 */
let server: AmiSurrogateServer;
let provider: AmiProvider;
const events: TelephonyEvent[] = [];
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  server = new AmiSurrogateServer();
  server.channels = [];
  server.queueMembers = [];
  await server.listen();
  provider = new AmiProvider({
    kind: 'ami',
    host: '127.0.0.1',
    port: server.port,
    user: 'zvonok',
    secret: 'zvonok-secret',
    pingIntervalMs: 0,
    backoff: { initialMs: 20, maxMs: 100 },
    cdrGraceMs: 60_000,
  });
  provider.onEvent((e) => events.push(e));
  await provider.start();
  await server.waitFor(() => provider.isUp());
});
afterAll(async () => {
  await provider.stop();
  await server.close();
  process.off('uncaughtException', onUncaught);
});

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const junk = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' '));
const KNOWN = ['Newchannel', 'Hangup', 'DialBegin', 'DialEnd', 'BridgeEnter', 'AgentConnect', 'Cdr', 'VarSet'];
const frame = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

const malformed = fc.oneof(
  // a frame cut short: no blank line, so it runs into whatever follows
  fc
    .tuple(fc.constantFrom(...KNOWN), junk, fc.nat(60))
    .map(([ev, v, cut]) => `Event: ${ev}\r\nUniqueid: ${v}\r\nLinkedid: ${v}\r\nChannel: PJSIP/x`.slice(0, cut)),
  // a 10 KB+ header line inside an otherwise plausible event
  fc
    .tuple(fc.constantFrom(...KNOWN), fc.integer({ min: 10_240, max: 40_000 }))
    .map(([ev, n]) => frame([`Event: ${ev}`, `Uniqueid: L.${n}`, `X-Long: ${'z'.repeat(n)}`, 'Cause: 16'])),
  // binary garbage (with and without frame ends)
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => `${Buffer.from(b).toString('latin1')}\r\n\r\n`),
  // events nobody knows
  fc.tuple(word, word, junk).map(([ev, k, v]) => frame([`Event: ${ev}`, `${k}: ${v}`])),
  // known events with missing or nonsense fields
  fc
    .tuple(fc.constantFrom(...KNOWN), fc.array(fc.tuple(word, junk), { maxLength: 6 }))
    .map(([ev, kv]) => frame([`Event: ${ev}`, ...kv.map(([k, v]) => `${k}: ${v}`)])),
  fc.tuple(junk, junk).map(([a, b]) => frame(['Event: Hangup', `Uniqueid: ${a}`, `Linkedid: ${b}`, `Cause: ${b}`])),
  fc
    .tuple(junk, junk)
    .map(([a, b]) => frame(['Event: Cdr', `LinkedID: ${a}`, `Duration: ${b}`, 'Disposition: ANSWERED'])),
  // responses nobody asked for, lines without a colon, empty keys
  junk.map((id) => frame(['Response: Success', `ActionID: ${id}`, 'Message: unsolicited'])),
  junk.map((s) => frame([`no colon here ${s}`, `: empty key ${s}`, ':'])),
);

let runs = 0;
/** A well-formed call with a fresh Linkedid; it must come out as created … ended whatever preceded it. */
function sentinelCall(): { callId: string; text: string } {
  runs += 1;
  const id = `sentinel.${runs}`;
  const ts = (n: number) => `Timestamp: ${(1_900_000_000 + runs * 10 + n).toFixed(6)}`;
  const chan = [`Channel: PJSIP/trunk-${runs.toString(16).padStart(8, '0')}`, `Uniqueid: ${id}`, `Linkedid: ${id}`];
  const created = ['Event: Newchannel', ts(0), ...chan, 'CallerIDNum: +79161234567', 'Exten: 7001', 'Context: x'];
  const hangup = ['Event: Hangup', ts(1), ...chan, 'Cause: 17'];
  // The leading blank lines end any truncated frame the junk left open.
  return { callId: callIdFor(id), text: `\r\n\r\n${frame(created)}${frame(hangup)}` };
}

describe('AMI provider fed malformed input over TCP (fast-check)', () => {
  it('never crashes and still tracks the next well-formed call', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(malformed, { minLength: 1, maxLength: 12 }), async (junkFrames) => {
        for (const piece of junkFrames) server.broadcast(piece);
        await server.waitFor(() => provider.isUp(), 3000);
        const sentinel = sentinelCall();
        server.broadcast(sentinel.text);
        const ofSentinel = () => events.filter((e): e is CallEvent => 'callId' in e && e.callId === sentinel.callId);
        await server.waitFor(() => ofSentinel().some((e) => e.type === 'call.ended'), 3000);
        const types = ofSentinel().map((e) => e.type);
        expect(types[0]).toBe('call.created');
        expect(types.at(-1)).toBe('call.ended');
        expect(ofSentinel().find((e) => e.type === 'call.ended')).toMatchObject({ cause: 'busy', answered: false });
      }),
      { numRuns: 40 },
    );
    expect(uncaught).toEqual([]);
    // No call of any kind was ended twice by the junk.
    const ended = events.filter((e) => e.type === 'call.ended').map((e) => ('callId' in e ? e.callId : ''));
    expect(new Set(ended).size).toBe(ended.length);
  }, 60_000);
});
