import type { AmiEvent } from '@telephony/ami/ami-message';

/**
 * AMI text of `calls` inbound calls in progress, started a second before `trace`'s first event: each rings operator
 * 1001 through a queue member's Local channel pair, and its caller's leg is up, as app_queue leaves a call waiting
 * for an answer. Replayed before the trace, it gives the tracker the state of a busy centre.
 */
export function amiCallsInProgress(calls: number, trace: readonly AmiEvent[]): string {
  const atSeconds = Math.floor(Number(trace.find((e) => e.fields.timestamp)?.fields.timestamp ?? '1'));
  const frames: string[] = [];
  const header = (event: string) => [`Event: ${event}`, `Timestamp: ${atSeconds - 1}.000000`];
  for (let i = 0; i < calls; i++) {
    const linkedid = `held-${atSeconds}.${i}`;
    const names = [
      `PJSIP/trunk-h${i}`,
      `Local/1001@zv-agents-h${i};1`,
      `Local/1001@zv-agents-h${i};2`,
      `PJSIP/1001-h${i}`,
    ];
    names.forEach((name, leg) =>
      frames.push(
        [
          ...header('Newchannel'),
          `Channel: ${name}`,
          'ChannelState: 4',
          `CallerIDNum: +7999${String(i).padStart(7, '0')}`,
          'Exten: 7001',
          'Context: from-trunk',
          `Uniqueid: ${leg === 0 ? linkedid : `${linkedid}-${leg}`}`,
          `Linkedid: ${linkedid}`,
        ].join('\r\n'),
      ),
    );
    frames.push(
      [
        ...header('Newstate'),
        `Channel: ${names[0]}`,
        'ChannelState: 6',
        `Uniqueid: ${linkedid}`,
        `Linkedid: ${linkedid}`,
      ].join('\r\n'),
    );
  }
  return `${frames.join('\r\n\r\n')}\r\n\r\n`;
}
