import type { AmiActionRequest } from '@telephony/ami/ami-connection';
import type { AmiFrame } from '@telephony/ami/ami-frame-parser';

/**
 * Which AMI events the adapter reads, kept in one place for both ends of the session. Asterisk sends a session
 * every event its user may read: with the reference dialplan about 130 a call, most of them VarSet (69) and
 * Newexten (25) that the adapter never acts on, so at 100 calls a second the node parsed some 13,000 frames a second
 * to use 2,500 (Newexten is read only at an extension's first step, where a channel enters it). The same set
 * - asks Asterisk to keep the rest (`filterActions`: a session filter by event name, hashed in Asterisk, since
 *   18.26, 20.11, 21.6 and 22.1; it needs the `system` write permission), and
 * - drops them unparsed when they arrive anyway (`isUnread`: an older PBX, or a user without `system`),
 * so what the tracker sees does not depend on whether the PBX accepted the filter.
 */
export interface EventsRead {
  /** Event names as Asterisk spells them. */
  names: ReadonlySet<string>;
  /** Events read only when a header has one of these values (VarSet of some variables); not in `names`. */
  byHeader: ReadonlyArray<{ name: string; header: string; values: ReadonlySet<string> }>;
}

/**
 * True for an event frame the adapter does not read. A frame with an ActionID (an action's list items,
 * OriginateResponse) is always kept: it answers an action, and a session filter does not apply to it either.
 */
export function isUnread(read: EventsRead, { headers }: AmiFrame): boolean {
  const first = headers[0];
  // Asterisk writes `Event:` first; anything else is kept.
  if (!first || first[0].toLowerCase() !== 'event') return false;
  if (read.names.has(first[1])) return false;
  const rule = read.byHeader.find((r) => r.name === first[1]);
  let match = false;
  for (const [key, value] of headers) {
    const k = key.toLowerCase();
    if (k === 'actionid') return false;
    if (rule && k === rule.header.toLowerCase() && rule.values.has(value)) match = true;
  }
  return !match;
}

/** The AMI `Filter` actions that make Asterisk send this session only the events in `read`. */
export function filterActions(read: EventsRead): AmiActionRequest[] {
  const add = (matchcriteria: string, filter = ''): AmiActionRequest => ({
    action: 'Filter',
    operation: 'Add',
    matchcriteria,
    filter,
  });
  return [
    ...[...read.names].map((name) => add(`action(include),name(${name})`)),
    ...read.byHeader.flatMap(({ name, header, values }) =>
      [...values].map((v) => add(`action(include),name(${name}),header(${header}),method(exact)`, v)),
    ),
  ];
}

/**
 * Whether the PBX (`AsteriskVersion` of CoreSettings) knows filters by event name. An older one reads the same
 * action as a regular expression over the whole event, which would let through the wrong events: it gets none.
 */
export function namedFiltersSupported(asteriskVersion: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(asteriskVersion.trim());
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const firstMinor: Record<number, number> = { 18: 26, 20: 11, 21: 6, 22: 1 };
  if (major > 22) return true;
  const since = firstMinor[major];
  return since !== undefined && minor >= since;
}
