import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseStoredCall, type StoredCall } from '@telephony/sip/dialog-store';

const party = { raw: '+74957770101', e164: '+74957770101', extension: null, name: null, anonymous: false };
const CALL: StoredCall = {
  sipCallId: 'abc@10.0.0.1',
  direction: 'inbound',
  from: party,
  to: { ...party, raw: '7000', e164: null, extension: '7000' },
  queue: 'support',
  startedAtMs: 1_764_000_000_000,
  answeredAtMs: 1_764_000_003_000,
  agentId: '1001',
  recorded: true,
  mediaTags: { caller: 'r1', callee: 'l2' },
  dialogs: [
    {
      callId: 'abc@10.0.0.1',
      localTag: 'l1',
      remoteTag: 'r1',
      remoteUri: 'sip:+7495@127.0.0.1:5090',
      stackId: 'abc@10.0.0.1;from-tag=r1',
    },
  ],
};

describe('parseStoredCall: what a restarted node reads back from the dialog store', () => {
  it('reads back what was written', () => {
    expect(parseStoredCall(JSON.stringify(CALL))).toEqual(CALL);
  });

  it('refuses a value that is not a call, and drops dialogs it could not send a BYE for', () => {
    expect(parseStoredCall('not json')).toBeNull();
    expect(parseStoredCall(JSON.stringify({ ...CALL, direction: 'sideways' }))).toBeNull();
    expect(parseStoredCall(JSON.stringify({ ...CALL, startedAtMs: '1' }))).toBeNull();
    const broken = { ...CALL, dialogs: [...CALL.dialogs, { callId: 'x', localTag: 'l' }, null] };
    expect(parseStoredCall(JSON.stringify(broken))?.dialogs).toEqual(CALL.dialogs);
    const badStackId = { ...CALL, dialogs: [{ ...CALL.dialogs[0], stackId: 7 }] };
    expect(parseStoredCall(JSON.stringify(badStackId))?.dialogs).toEqual([]);
  });

  it('reads an entry of an older node (no stack ids, no media tags), and drops damaged media tags', () => {
    const { mediaTags: _tags, ...older } = CALL;
    const olderDialogs = CALL.dialogs.map(({ stackId: _id, ...d }) => d);
    expect(parseStoredCall(JSON.stringify({ ...older, dialogs: olderDialogs }))).toEqual({
      ...older,
      dialogs: olderDialogs,
    });
    expect(parseStoredCall(JSON.stringify({ ...CALL, mediaTags: { caller: 1 } }))).toEqual(older);
  });

  it('never throws, whatever the field holds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
        const parsed = parseStoredCall(raw);
        if (parsed) expect(Array.isArray(parsed.dialogs)).toBe(true);
      }),
    );
  });
});
