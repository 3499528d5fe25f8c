import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { AmiFrame } from '@telephony/ami/ami-frame-parser';
import { DEFAULT_TRACKER_CONFIG, eventsRead } from '@telephony/ami/call-tracker';
import { filterActions, isUnread, namedFiltersSupported } from '@telephony/ami/event-filter';

const frame = (...headers: Array<[string, string]>): AmiFrame => ({ headers });
const read = eventsRead(DEFAULT_TRACKER_CONFIG);

describe('the AMI events the adapter reads', () => {
  it('keeps what the tracker reads and drops the rest unparsed', () => {
    expect(isUnread(read, frame(['Event', 'Newchannel'], ['Channel', 'PJSIP/trunk-1']))).toBe(false);
    expect(isUnread(read, frame(['Event', 'QueueMemberStatus']))).toBe(false);
    expect(isUnread(read, frame(['Event', 'Cdr']))).toBe(false);
    expect(isUnread(read, frame(['Event', 'Newexten'], ['Channel', 'PJSIP/trunk-1'], ['Priority', '2']))).toBe(true);
    expect(isUnread(read, frame(['Event', 'Newexten'], ['Channel', 'PJSIP/trunk-1'], ['Priority', '1']))).toBe(false);
    expect(isUnread(read, frame(['Event', 'RTCPSent']))).toBe(true);
    expect(isUnread(read, frame(['Event', 'TestEvent']))).toBe(true);
  });

  it('reads VarSet only for the recording, blocked and direction variables', () => {
    for (const v of ['MIXMONITOR_FILENAME', 'ZV_BLOCKED', 'ZV_DIRECTION']) {
      expect(isUnread(read, frame(['Event', 'VarSet'], ['Variable', v], ['Value', 'x'])), v).toBe(false);
    }
    expect(isUnread(read, frame(['Event', 'VarSet'], ['Variable', 'DIALSTATUS'], ['Value', 'ANSWER']))).toBe(true);
  });

  it("always keeps an action's answers (list items, OriginateResponse) and anything that is not an event", () => {
    expect(isUnread(read, frame(['Event', 'CoreShowChannel'], ['ActionID', 'zv-1-2']))).toBe(false);
    expect(isUnread(read, frame(['Event', 'QueueParams'], ['ActionID', 'zv-1-3']))).toBe(false);
    expect(isUnread(read, frame(['Response', 'Success'], ['ActionID', 'zv-1-4']))).toBe(false);
    expect(isUnread(read, frame())).toBe(false);
  });

  it('asks Asterisk for the same events: one include filter per name, VarSet by variable, Newexten at priority 1', () => {
    const actions = filterActions(read);
    expect(actions).toHaveLength(read.names.size + 3 + 1);
    expect(actions).toContainEqual({
      action: 'Filter',
      operation: 'Add',
      matchcriteria: 'action(include),name(Newchannel)',
      filter: '',
    });
    expect(actions).toContainEqual({
      action: 'Filter',
      operation: 'Add',
      matchcriteria: 'action(include),name(VarSet),header(Variable),method(exact)',
      filter: 'MIXMONITOR_FILENAME',
    });
    expect(actions).toContainEqual({
      action: 'Filter',
      operation: 'Add',
      matchcriteria: 'action(include),name(Newexten),header(Priority),method(exact)',
      filter: '1',
    });
    expect(actions.filter((a) => String(a.matchcriteria).includes('Newexten'))).toHaveLength(1);
  });

  it('reads every event name the reducers compare against (a case added to a reducer cannot be filtered away)', () => {
    const dir = fileURLToPath(new URL('./tracker/', import.meta.url));
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
      .map((f) => readFileSync(`${dir}${f}`, 'utf8'));
    sources.push(readFileSync(fileURLToPath(new URL('./call-tracker.ts', import.meta.url)), 'utf8'));
    const compared = new Set<string>();
    for (const text of sources) {
      for (const m of text.matchAll(/(?:case|name ===) '([a-z]+)'/g)) compared.add(m[1]!);
    }
    expect(compared.size).toBeGreaterThan(20);
    const names = new Set([...read.names].map((n) => n.toLowerCase()));
    const unread = [...compared].filter((n) => !names.has(n) && n !== 'varset');
    expect(unread).toEqual([]);
  });

  it('spells every name as Asterisk 22 sends it (a filter by name is exact; the recorded traces say how)', () => {
    const dir = fileURLToPath(new URL('../../../test/fixtures/ami/22/', import.meta.url));
    const sent = new Map<string, string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt'))) {
      for (const m of readFileSync(`${dir}${f}`, 'utf8').matchAll(/^Event: (\w+)\r?$/gm)) {
        sent.set(m[1]!.toLowerCase(), m[1]!);
      }
    }
    const heard = [...read.names].filter((n) => sent.has(n.toLowerCase()));
    expect(heard.length).toBeGreaterThan(15);
    expect(heard.filter((n) => sent.get(n.toLowerCase()) !== n)).toEqual([]);
  });

  it('uses filters by name only where Asterisk has them (18.26, 20.11, 21.6, 22.1 and later)', () => {
    for (const v of ['22.10.1+dfsg+~cs6.17.60671434-1', '22.1.0', '23.0.0', '21.6.0', '20.11.1', '18.26.0']) {
      expect(namedFiltersSupported(v), v).toBe(true);
    }
    for (const v of ['22.0.0', '21.5.0', '20.10.0', '18.25.0', '19.8.0', '16.30.0', 'certified-20.7-cert1', '']) {
      expect(namedFiltersSupported(v), v).toBe(false);
    }
  });
});
