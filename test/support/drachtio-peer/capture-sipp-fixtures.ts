/**
 * Records the SIP messages SIPp sends as a trunk, into test/fixtures/sip/sipp-<case>.txt.
 * A tiny UDP UAS answers just enough for each scenario (100/180, then 200, 486 or 487 after CANCEL).
 * Run: `npx tsx test/support/drachtio-peer/capture-sipp-fixtures.ts [case…]` (needs /usr/bin/sipp).
 */
import { execFile } from 'node:child_process';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { FIXTURE_SEPARATOR } from '@test/support/drachtio-peer/sip-fixture';

const run = promisify(execFile);
const fixtures = join(process.cwd(), 'test/fixtures/sip');
const PORT = 5099;

type Final = 200 | 486 | 'cancel';
const CASES: Array<{ name: string; scenario: string; final: Final }> = [
  { name: 'answered', scenario: 'uac-answered-expect-200.xml', final: 200 },
  { name: 'missed', scenario: 'uac-missed-expect-486.xml', final: 486 },
  { name: 'abandoned', scenario: 'uac-abandoned-expect-487.xml', final: 'cancel' },
  { name: 'transfer', scenario: 'uac-transfer-expect-202.xml', final: 200 },
  { name: 'withheld', scenario: 'uac-withheld-expect-200.xml', final: 200 },
  { name: 'withheld-pai', scenario: 'uac-withheld-pai-expect-200.xml', final: 200 },
  { name: 'hold', scenario: 'uac-hold-expect-200.xml', final: 200 },
];

function header(msg: string, name: string): string {
  return new RegExp(`^${name}:[^\\r\\n]*`, 'mi').exec(msg)?.[0] ?? '';
}

function respond(request: string, status: number, reason: string, toTag: boolean, sdp = false): string {
  const to = header(request, 'To');
  const body = sdp
    ? 'v=0\r\no=op 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\na=sendrecv\r\n'
    : '';
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...request.split('\r\n').filter((l) => /^(via|from|call-id|cseq):/i.test(l)),
    toTag && !/;tag=/i.test(to) ? `${to};tag=uas-capture` : to,
    `Contact: <sip:capture@127.0.0.1:${PORT}>`,
    ...(sdp ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

async function capture(c: (typeof CASES)[number]): Promise<void> {
  const socket = createSocket('udp4');
  const seen: string[] = [];
  let invite = '';
  const send = (msg: string, to: RemoteInfo) => socket.send(msg, to.port, to.address);
  socket.on('message', (buf, rinfo) => {
    const msg = buf.toString('utf8');
    const method = /^([A-Z]+) /.exec(msg)?.[1];
    if (!method) return;
    if (seen.includes(msg)) return; // retransmission
    seen.push(msg);
    if (method === 'INVITE' && !invite) {
      invite = msg;
      send(respond(msg, 100, 'Trying', false), rinfo);
      send(respond(msg, 180, 'Ringing', true), rinfo);
      if (c.final === 200) send(respond(msg, 200, 'OK', true, true), rinfo);
      if (c.final === 486) send(respond(msg, 486, 'Busy Here', true), rinfo);
    } else if (method === 'INVITE') send(respond(msg, 200, 'OK', true, true), rinfo);
    else if (method === 'CANCEL') {
      send(respond(msg, 200, 'OK', true), rinfo);
      send(respond(invite, 487, 'Request Terminated', true), rinfo);
    } else if (method === 'REFER') send(respond(msg, 202, 'Accepted', true), rinfo);
    else if (method !== 'ACK') send(respond(msg, 200, 'OK', true), rinfo);
  });
  await new Promise<void>((resolve) => socket.bind(PORT, '127.0.0.1', resolve));
  try {
    await run('sipp', [
      '-sf',
      join(fixtures, 'scenarios', c.scenario),
      '-s',
      '7000',
      '-i',
      '127.0.0.1',
      '-p',
      '5098',
      '-m',
      '1',
      '-timeout',
      '15',
      '-timeout_error',
      '-bg',
      '-nostdin',
      `127.0.0.1:${PORT}`,
    ]).catch(() => undefined);
    const deadline = Date.now() + 15_000;
    const done = (m: string) => /^(BYE|ACK) /.test(m) && !(c.final === 200 && /^ACK /.test(m));
    while (Date.now() < deadline && !(seen.length > 0 && done(seen[seen.length - 1] ?? ''))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    socket.close();
  }
  await writeFile(join(fixtures, `sipp-${c.name}.txt`), seen.join(FIXTURE_SEPARATOR));
  console.log(`${c.name}: ${seen.map((m) => m.split(' ')[0]).join(', ')}`);
}

// Named cases only (`… capture-sipp-fixtures.ts withheld-pai`), so the other fixtures stay byte for byte.
const only = process.argv.slice(2);
for (const c of CASES) if (only.length === 0 || only.includes(c.name)) await capture(c);
