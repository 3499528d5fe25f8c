import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createAmiFrameParser, parseAmiText } from '@telephony/ami/ami-frame-parser';
import { messageFromFrame, messageFromManager, type AmiEvent } from '@telephony/ami/ami-message';
import { amiEvent, snap, toWire, type Chan } from '@test/support/telephony/ami-test-events';
import {
  DEFAULT_TRACKER_CONFIG,
  initialTrackerState,
  reduceAmiEvent,
  reduceAmiEventInPlace,
} from '@telephony/ami/call-tracker';

describe('AMI frame parser', () => {
  it('parses frames, the greeting, and values containing colons', () => {
    const r = parseAmiText(
      'Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n' +
        'Event: Newexten\r\nAppData: PJSIP/1001,30,tT\r\nTimestamp: 1763900000.123456\r\nKey:NoSpace\r\n\r\n',
    );
    expect(r.errors).toEqual([]);
    expect(r.greeting).toBe('Asterisk Call Manager/11.0.0');
    expect(r.frames).toHaveLength(2);
    expect(r.frames[1]!.headers).toEqual([
      ['Event', 'Newexten'],
      ['AppData', 'PJSIP/1001,30,tT'],
      ['Timestamp', '1763900000.123456'],
      ['Key', 'NoSpace'],
    ]);
  });

  it('is incremental: any split of the stream gives the same frames', () => {
    const text = 'Event: A\r\nX: 1\r\n\r\nEvent: B\r\nY: 2\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = createAmiFrameParser();
      const frames = [...p.push(text.slice(0, cut)).frames, ...p.push(text.slice(cut)).frames, ...p.end().frames];
      expect(frames.map((f) => f.headers)).toEqual([
        [
          ['Event', 'A'],
          ['X', '1'],
        ],
        [
          ['Event', 'B'],
          ['Y', '2'],
        ],
      ]);
    }
  });

  it('decodes UTF-8 split across byte chunks', () => {
    const bytes = new TextEncoder().encode('Event: Newchannel\r\nCallerIDName: Иван\r\n\r\n');
    const p = createAmiFrameParser();
    const frames = [];
    for (const b of bytes) frames.push(...p.push(Uint8Array.of(b)).frames);
    expect(frames[0]!.headers[1]).toEqual(['CallerIDName', 'Иван']);
  });

  it('drops and reports a 10 KB line but keeps the rest of the frame and stream', () => {
    const big = `Event: X\r\nAppData: ${'a'.repeat(10_240)}\r\nUniqueid: 1\r\n\r\nEvent: Y\r\n\r\n`;
    const p = createAmiFrameParser();
    const chunks = big.match(/.{1,1000}/gs) ?? [];
    const frames = [];
    const errors = [];
    for (const c of chunks) {
      const r = p.push(c);
      frames.push(...r.frames);
      errors.push(...r.errors);
    }
    expect(errors.map((e) => e.code)).toEqual(['LINE_TOO_LONG']);
    expect(frames.map((f) => f.headers)).toEqual([
      [
        ['Event', 'X'],
        ['Uniqueid', '1'],
      ],
      [['Event', 'Y']],
    ]);
  });

  it('drops oversized frames, garbage lines and binary data with errors', () => {
    const many = Array.from({ length: 20 }, (_, i) => `H${i}: v`).join('\r\n');
    const r = parseAmiText(`Event: Big\r\n${many}\r\n\r\nnot a header\r\nEvent: Ok\r\n\u0000\u0001bin\r\n\r\n`, {
      maxHeaders: 10,
    });
    expect(r.errors.map((e) => e.code)).toEqual(['FRAME_TOO_LARGE', 'NOT_A_HEADER', 'BINARY_DATA']);
    expect(r.frames.map((f) => f.headers)).toEqual([[['Event', 'Ok']]]);
  });

  it('reports a truncated final frame', () => {
    const r = parseAmiText('Event: A\r\nX: 1\r\n\r\nEvent: B\r\nY:');
    expect(r.frames).toHaveLength(1);
    expect(r.errors.map((e) => e.code)).toEqual(['TRUNCATED']);
  });

  it('parses the same after more distinct keys than its key cache holds (a peer inventing keys)', () => {
    const n = 5000;
    const text = Array.from({ length: n }, (_, i) => `Event: E\r\nX-Key-${i}: ${i}\r\n X-Key-${i} : v\r\n\r\n`);
    for (let round = 0; round < 2; round++) {
      const r = parseAmiText(text.join(''));
      expect(r.errors).toEqual([]);
      expect(r.frames.map((f) => f.headers)).toEqual(
        Array.from({ length: n }, (_, i) => [
          ['Event', 'E'],
          [`X-Key-${i}`, String(i)],
          [`X-Key-${i}`, 'v'],
        ]),
      );
    }
  });

  it('keeps a legacy Response: Follows body', () => {
    const r = parseAmiText(
      'Response: Follows\r\nActionID: 7\r\nline one\r\n\r\nline: two\r\n--END COMMAND--\r\n\r\nEvent: A\r\n\r\n',
    );
    expect(r.frames[0]!.output).toEqual(['line one', '', 'line: two']);
    expect(r.frames[1]!.headers).toEqual([['Event', 'A']]);
  });
});

describe('AMI message normalization', () => {
  it('lower-cases keys, lists repeated keys and collects channel variables of every dialect', () => {
    const [frame] = parseAmiText(
      'Event: Newchannel\r\nUniqueid: 1\r\nChanVariable: MIXMONITOR_FILENAME=/rec/1.wav\r\n' +
        'ChanVariable(SIP/1001-0001): QUEUE=support\r\nChanVariable(AGENT): 1001\r\nDestChanVariable: X=y=z\r\n' +
        'Output: a\r\nOutput: b\r\n\r\n',
    ).frames;
    const m = messageFromFrame(frame!);
    expect(m.event).toBe('Newchannel');
    expect(m.fields.uniqueid).toBe('1');
    expect(m.lists.output).toEqual(['a', 'b']);
    expect(m.variables).toEqual({
      '': { MIXMONITOR_FILENAME: '/rec/1.wav', QUEUE: 'support', AGENT: '1001' },
      dest: { X: 'y=z' },
    });
  });

  it('normalizes the same after more distinct keys than it remembers', () => {
    const n = 5000;
    const text = Array.from(
      { length: n },
      (_, i) => `Event: E\r\nK${i}: a\r\nk${i}: b\r\nChanVariable(V${i}): c\r\n\r\n`,
    );
    const messages = parseAmiText(text.join('')).frames.map((f) => messageFromFrame(f));
    messages.forEach((m, i) => {
      expect(m.fields[`k${i}`]).toBe('a');
      expect(m.lists[`k${i}`]).toEqual(['a', 'b']);
      expect(m.variables['']).toEqual({ [`V${i}`]: 'c' });
    });
  });

  it('keeps prototype-named keys as plain data', () => {
    const [frame] = parseAmiText(
      'Event: X\r\nconstructor: a\r\nconstructor: b\r\n__proto__: c\r\nvalueOf: d\r\n\r\n',
    ).frames;
    const m = messageFromFrame(frame!);
    expect(m.lists.constructor).toEqual(['a', 'b']);
    expect(m.fields.__proto__).toBe('c');
    expect(m.fields.valueof).toBe('d');
  });

  it('undoes asterisk-manager quirks (VarSet variable object, chanvariable object, arrays)', () => {
    const m = messageFromManager({
      event: 'VarSet',
      variable: { MIXMONITOR_FILENAME: '' },
      value: '/rec/2.wav',
      chanvariable: { A: '1' },
      'chanvariable(sip/1001-1)': 'B=2',
      output: ['x', 'y'],
    });
    expect(m.fields.variable).toBe('MIXMONITOR_FILENAME');
    expect(m.fields.value).toBe('/rec/2.wav');
    expect(m.variables['']).toEqual({ A: '1', B: '2' });
    expect(m.lists.output).toEqual(['x', 'y']);
  });
});

describe('properties', () => {
  const line = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc
      .tuple(
        fc.oneof(
          fc.stringMatching(/^[A-Za-z]{1,12}$/),
          fc.constantFrom('constructor', '__proto__', 'valueOf', 'Uniqueid'),
        ),
        fc.string({ maxLength: 60 }),
      )
      .map(([k, v]) => `${k}: ${v}`),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
  );
  const stream = fc.array(fc.tuple(line, fc.constantFrom('\r\n', '\n', '\r\n\r\n', '')), { maxLength: 60 });

  it('random frames and garbage never throw, in any chunking, with bounded lines', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(400), { maxLength: 8 }), (parts, cuts) => {
        const text = parts.map(([l, sep]) => l + sep).join('');
        const p = createAmiFrameParser({ maxLineLength: 100 });
        const points = [...new Set([0, ...cuts.map((c) => c % (text.length + 1)), text.length])].sort((a, b) => a - b);
        const frames = [];
        for (let i = 1; i < points.length; i++) frames.push(...p.push(text.slice(points[i - 1], points[i])).frames);
        frames.push(...p.end().frames);
        for (const f of frames) {
          for (const [k, v] of f.headers) expect(k.length + v.length).toBeLessThanOrEqual(102);
          const m = messageFromFrame(f);
          expect(typeof m.fields).toBe('object');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('chunking never changes the parse', () => {
    fc.assert(
      fc.property(stream, fc.nat(2000), (parts, cut) => {
        const text = parts.map(([l, sep]) => l + sep).join('');
        const whole = parseAmiText(text).frames;
        const p = createAmiFrameParser();
        const at = cut % (text.length + 1);
        const split = [...p.push(text.slice(0, at)).frames, ...p.push(text.slice(at)).frames, ...p.end().frames];
        expect(split).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  const chans: Chan[] = [
    { name: 'PJSIP/trunk-00000001', uniqueid: 'L1', linkedid: 'L1', num: '89161234567', exten: '4951112233' },
    { name: 'PJSIP/1001-00000002', uniqueid: 'L1.a', linkedid: 'L1', num: '1001' },
    { name: 'PJSIP/1002-00000003', uniqueid: 'L1.b', linkedid: 'L1' },
    { name: 'PJSIP/trunk-00000004', uniqueid: 'L2', linkedid: 'L2', num: '+74950000000' },
    { name: 'PJSIP/1001-00000005', uniqueid: 'L2.a', linkedid: 'L2' },
    // a channel whose linkedid changes (bridged into L1)
    { name: 'PJSIP/1003-00000006', uniqueid: 'L2.c', linkedid: 'L1' },
  ];
  const pick = fc.constantFrom(...chans);
  const anyEvent = fc.oneof(
    fc.tuple(pick, fc.nat(100)).map(([c, t]) => amiEvent('Newchannel', 1000 + t, snap('', c))),
    fc
      .tuple(pick, fc.nat(100), fc.constantFrom('16', '17', '19', '26', ''))
      .map(([c, t, cause]) => amiEvent('Hangup', 1000 + t, { ...snap('', c), cause })),
    fc
      .tuple(pick, pick, fc.nat(100))
      .map(([a, b, t]) => amiEvent('DialBegin', 1000 + t, { ...snap('', a), ...snap('dest', b) })),
    fc
      .tuple(pick, pick, fc.nat(100), fc.constantFrom('ANSWER', 'CANCEL', 'BUSY', 'NOANSWER'))
      .map(([a, b, t, s]) => amiEvent('DialEnd', 1000 + t, { ...snap('', a), ...snap('dest', b), dialstatus: s })),
    fc
      .tuple(pick, fc.nat(100), fc.constantFrom('1', '2'))
      .map(([c, t, n]) =>
        amiEvent('BridgeEnter', 1000 + t, { ...snap('', c), bridgenumchannels: n, bridgetype: 'basic' }),
      ),
    fc.tuple(pick, fc.nat(100)).map(([c, t]) => amiEvent('QueueCallerJoin', 1000 + t, { ...snap('', c), queue: 'q' })),
    fc
      .tuple(pick, fc.nat(100))
      .map(([c, t]) => amiEvent('QueueCallerAbandon', 1000 + t, { ...snap('', c), queue: 'q' })),
    fc.tuple(pick, fc.nat(100)).map(([c, t]) => amiEvent('Hold', 1000 + t, snap('', c))),
    fc.tuple(pick, pick, fc.nat(100)).map(([a, b, t]) =>
      amiEvent('BlindTransfer', 1000 + t, {
        result: 'Success',
        ...snap('transferer', a),
        ...snap('transferee', b),
        extension: '1004',
      }),
    ),
    fc
      .tuple(pick, fc.nat(100))
      .map(([c, t]) => amiEvent('Cdr', 1000 + t, { linkedid: c.linkedid, disposition: 'ANSWERED', duration: '5' })),
    fc.nat(100).map((t) => amiEvent('SomethingNew', 1000 + t, { uniqueid: 'L1' })),
  );

  it('random event permutations never give two call.ended for one call, nor anything after call.ended', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 60 }), fc.boolean(), (events: AmiEvent[], viaWire) => {
        const input = viaWire
          ? parseAmiText(toWire(events)).frames.map((f) => messageFromFrame(f) as AmiEvent)
          : events;
        let state = initialTrackerState();
        const ended = new Set<string>();
        const seqs = new Map<string, number>();
        for (const e of input) {
          const r = reduceAmiEvent(state, e, DEFAULT_TRACKER_CONFIG);
          state = r.state;
          for (const out of r.events) {
            if (!('callId' in out)) continue;
            expect(ended.has(out.callId)).toBe(false);
            expect(out.seq).toBe((seqs.get(out.callId) ?? 0) + 1);
            seqs.set(out.callId, out.seq);
            if (out.type === 'call.ended') ended.add(out.callId);
          }
        }
        // every call still open has at least one live channel: nothing is stuck without a way to end
        for (const call of state.calls.values()) expect(call.live.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('reducing in place gives, event after event, the events and state of the pure reducer', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 60 }), (events: AmiEvent[]) => {
        let pure = initialTrackerState();
        let inPlace = initialTrackerState();
        for (const e of events) {
          const a = reduceAmiEvent(pure, e, DEFAULT_TRACKER_CONFIG);
          const b = reduceAmiEventInPlace(inPlace, e, DEFAULT_TRACKER_CONFIG);
          expect(b.events).toEqual(a.events);
          expect(b.state).toEqual(a.state);
          pure = a.state;
          inPlace = b.state;
        }
      }),
      { numRuns: 500 },
    );
  });
});
