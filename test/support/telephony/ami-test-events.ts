import { parseAmiText } from '@telephony/ami/ami-frame-parser';
import { messageFromFrame, type AmiEvent } from '@telephony/ami/ami-message';

/** Builders of hand-written AMI events for unit tests (shape of Asterisk ≥12 channel snapshots). */

export interface Chan {
  name: string;
  uniqueid: string;
  linkedid: string;
  num?: string;
  cidName?: string;
  exten?: string;
}

export function snap(prefix: string, c: Chan): Record<string, string> {
  return {
    [`${prefix}channel`]: c.name,
    [`${prefix}uniqueid`]: c.uniqueid,
    [`${prefix}linkedid`]: c.linkedid,
    [`${prefix}calleridnum`]: c.num ?? '',
    [`${prefix}calleridname`]: c.cidName ?? '',
    [`${prefix}exten`]: c.exten ?? '',
  };
}

export function amiEvent(
  event: string,
  ts: number,
  fields: Record<string, string> = {},
  variables: Record<string, Record<string, string>> = {},
): AmiEvent {
  return { event, fields: { event, timestamp: ts.toFixed(6), ...fields }, lists: {}, variables };
}

/** The events of AMI wire text (a recorded trace), as our frame parser reads them; responses left out. */
export function amiEventsOf(text: string): AmiEvent[] {
  return parseAmiText(text)
    .frames.map((f) => messageFromFrame(f))
    .filter((m): m is AmiEvent => m.event !== undefined);
}

/** Serializes events back to AMI wire text (CRLF, blank line between frames). */
export function toWire(events: readonly AmiEvent[]): string {
  return events
    .map((e) => {
      const lines = Object.entries(e.fields).map(([k, v]) => `${k}: ${v}`);
      for (const [prefix, vars] of Object.entries(e.variables)) {
        for (const [n, v] of Object.entries(vars)) lines.push(`${prefix}ChanVariable: ${n}=${v}`);
      }
      return `${lines.join('\r\n')}\r\n\r\n`;
    })
    .join('');
}
