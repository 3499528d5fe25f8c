import type Manager from 'asterisk-manager';

import type { AmiFrame } from '@telephony/ami/ami-frame-parser';

/**
 * One AMI message (event or response) in the shape the tracker consumes, whichever parser produced it.
 * Keys are lower-cased (as asterisk-manager does), so both sources compare equal.
 */
export interface AmiMessage {
  /** Event name as sent (`DialBegin`), when this is an event. */
  event?: string;
  /** First value of each key, keys lower-cased. */
  fields: Readonly<Record<string, string>>;
  /** Keys that occurred more than once (e.g. `output`), every value in order. */
  lists: Readonly<Record<string, readonly string[]>>;
  /**
   * Channel variables by prefix: `''` for `ChanVariable`, `'dest'` for `DestChanVariable`, `'transferee'` …
   * Asterisk ≥12 sends `ChanVariable: NAME=value`; Asterisk 11 sent `ChanVariable(<channel>): NAME=value`;
   * a `ChanVariable(NAME): value` form (seen in some builds and tools) is accepted too.
   */
  variables: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export type AmiEvent = AmiMessage & { event: string };

const CHANVAR_KEY = /^([a-z0-9]*?)chanvariable(?:\((.*)\))?$/i;

interface Builder {
  fields: Record<string, string>;
  lists: Record<string, string[]>;
  variables: Record<string, Record<string, string>>;
}

/** Prototype-less maps: wire keys such as `constructor` or `__proto__` stay plain data. */
const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
const builder = (): Builder => ({ fields: dict(), lists: dict(), variables: dict() });

function addVariable(b: Builder, prefix: string, paren: string | undefined, value: string): void {
  const eq = value.indexOf('=');
  let name: string;
  let val: string;
  if (eq > 0) {
    name = value.slice(0, eq);
    val = value.slice(eq + 1);
  } else if (paren) {
    name = paren;
    val = value;
  } else {
    return;
  }
  (b.variables[prefix] ??= dict<string>())[name] = val;
}

function addField(b: Builder, rawKey: string, value: string): void {
  const chan = CHANVAR_KEY.exec(rawKey);
  if (chan) {
    addVariable(b, (chan[1] ?? '').toLowerCase(), chan[2], value);
    return;
  }
  const key = rawKey.toLowerCase();
  if (Object.hasOwn(b.fields, key)) {
    (b.lists[key] ??= [b.fields[key] ?? '']).push(value);
    return;
  }
  b.fields[key] = value;
}

function finish(b: Builder): AmiMessage {
  const event = b.fields.event;
  return event === undefined
    ? { fields: b.fields, lists: b.lists, variables: b.variables }
    : { event, fields: b.fields, lists: b.lists, variables: b.variables };
}

/** From our own frame parser. */
export function messageFromFrame(frame: AmiFrame): AmiMessage {
  const b = builder();
  for (const [key, value] of frame.headers) addField(b, key.trim(), value);
  if (frame.output) b.lists.output = [...(b.lists.output ?? []), ...frame.output];
  return finish(b);
}

/**
 * From asterisk-manager's parsed object. Undoes its quirks: `variable`/`chanvariable` objects (VarSet's
 * `Variable: NAME` arrives as `{ NAME: '' }`), arrays for repeated keys, and unparsed `chanvariable(x)` keys.
 */
export function messageFromManager(message: Manager.ManagerMessage): AmiMessage {
  const b = builder();
  for (const [rawKey, value] of Object.entries(message)) {
    if (value === undefined) continue;
    const key = rawKey.toLowerCase();
    if (typeof value === 'string') {
      addField(b, key, value);
    } else if (Array.isArray(value)) {
      for (const v of value) addField(b, key, String(v));
    } else if (key === 'chanvariable') {
      for (const [name, v] of Object.entries(value)) (b.variables[''] ??= dict<string>())[name] = String(v);
    } else {
      // `variable` (the only other key it splits): rebuild the line Asterisk sent.
      const entries = Object.entries(value);
      const rebuilt = entries.map(([name, v]) => (v === '' ? name : `${name}=${String(v)}`));
      for (const line of rebuilt) addField(b, key, line);
    }
  }
  return finish(b);
}
