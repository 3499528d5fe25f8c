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
  lists: Record<string, string[]> | undefined;
  variables: Record<string, Record<string, string>> | undefined;
}

/** Prototype-less maps: wire keys such as `constructor` or `__proto__` stay plain data. */
const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
const builder = (): Builder => ({ fields: dict(), lists: undefined, variables: undefined });
/** Shared by every message without repeated keys or channel variables (most of them); never written. */
const NONE: Readonly<Record<string, never>> = Object.freeze(dict<never>());

/** What a raw key means: a field under its lower-cased name, or a channel variable with its prefix. */
type KeyMeaning = { field: string } | { prefix: string; paren: string | undefined };

/** Keys repeat on every event: each distinct raw key is classified once (bounded; a pure function of the key). */
const KEY_CACHE_LIMIT = 4096;
const meanings = new Map<string, KeyMeaning>();

function meaningOf(rawKey: string): KeyMeaning {
  let meaning = meanings.get(rawKey);
  if (meaning === undefined) {
    const key = rawKey.trim();
    const chan = CHANVAR_KEY.exec(key);
    meaning = chan ? { prefix: (chan[1] ?? '').toLowerCase(), paren: chan[2] } : { field: key.toLowerCase() };
    if (meanings.size >= KEY_CACHE_LIMIT) meanings.clear();
    meanings.set(rawKey, meaning);
  }
  return meaning;
}

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
  b.variables ??= dict();
  (b.variables[prefix] ??= dict<string>())[name] = val;
}

function addField(b: Builder, rawKey: string, value: string): void {
  const meaning = meaningOf(rawKey);
  if (!('field' in meaning)) {
    addVariable(b, meaning.prefix, meaning.paren, value);
    return;
  }
  const key = meaning.field;
  const first = b.fields[key];
  if (first !== undefined) {
    b.lists ??= dict();
    (b.lists[key] ??= [first]).push(value);
    return;
  }
  b.fields[key] = value;
}

function finish(b: Builder): AmiMessage {
  const { fields } = b;
  const lists = b.lists ?? NONE;
  const variables = b.variables ?? NONE;
  const event = fields.event;
  return event === undefined ? { fields, lists, variables } : { event, fields, lists, variables };
}

/** From our own frame parser. */
export function messageFromFrame(frame: AmiFrame): AmiMessage {
  const b = builder();
  for (const [key, value] of frame.headers) addField(b, key, value);
  if (frame.output) {
    b.lists ??= dict();
    b.lists.output = [...(b.lists.output ?? []), ...frame.output];
  }
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
      b.variables ??= dict();
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
