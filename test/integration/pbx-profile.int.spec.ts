import { spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runSipp, startOperatorPhone } from '@test/support/sipp';

// Proves the reference PBX profile (test/pbx/asterisk) end to end: real Asterisk 22, real sipp calls, raw AMI.
const AMI_HOST = process.env.AMI_HOST ?? '127.0.0.1';
const AMI_PORT = Number(process.env.AMI_PORT ?? 5038);
const AMI_USER = process.env.AMI_USER ?? 'zvonok';
const AMI_SECRET = process.env.AMI_SECRET ?? 'zvonok-secret';
const ASTERISK_ROOT = process.env.ASTERISK_ROOT ?? '/var/cache/zvonok/asterisk-sid';
const RECORDINGS_DIR = process.env.RECORDINGS_DIR ?? join(ASTERISK_ROOT, 'var/spool/asterisk/monitor');

type Frame = Record<string, string>;

/** Minimal raw AMI reader: frames are "Key: Value" lines ended by a blank line. */
class RawAmi {
  readonly events: Frame[] = [];
  private buffer = '';
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let end: number;
      while ((end = this.buffer.indexOf('\r\n\r\n')) !== -1) {
        const frame: Frame = {};
        for (const line of this.buffer.slice(0, end).split('\r\n')) {
          const colon = line.indexOf(': ');
          if (colon > 0) frame[line.slice(0, colon)] = line.slice(colon + 2);
        }
        this.buffer = this.buffer.slice(end + 4);
        this.events.push(frame);
      }
    });
  }

  static async open(): Promise<RawAmi> {
    const socket = connect(AMI_PORT, AMI_HOST);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const ami = new RawAmi(socket);
    socket.write(`Action: Login\r\nActionID: login\r\nUsername: ${AMI_USER}\r\nSecret: ${AMI_SECRET}\r\n\r\n`);
    const login = await ami.waitFor((f) => f.ActionID === 'login');
    if (login.Response !== 'Success') throw new Error(`AMI login failed: ${login.Message}`);
    return ami;
  }

  async waitFor(match: (frame: Frame) => boolean, timeoutMs = 20_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`AMI frame not seen within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function amiPortOpen(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(AMI_PORT, AMI_HOST);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Peak absolute sample of a 16-bit PCM wav (after the 44-byte header): 0 means the file holds only silence. */
async function peakAmplitude(file: string): Promise<number> {
  const data = await readFile(file);
  let peak = 0;
  for (let i = 44; i + 1 < data.length; i += 2) peak = Math.max(peak, Math.abs(data.readInt16LE(i)));
  return peak;
}

describe('reference PBX profile (Asterisk 22 + sipp)', () => {
  let ami: RawAmi;
  let startedHere = false;

  beforeAll(async () => {
    if (!(await amiPortOpen())) {
      const started = spawnSync('bash', ['test/pbx/pbx.sh', 'start'], { encoding: 'utf8' });
      if (started.status !== 0) throw new Error(`pbx.sh start failed: ${started.stderr}`);
      startedHere = true;
    }
    ami = await RawAmi.open();
  });

  afterAll(() => {
    ami?.close();
    if (startedHere) spawnSync('bash', ['test/pbx/pbx.sh', 'stop']);
  });

  it('queues an inbound call, connects operator 1001, records it and posts a CDR with the linkedid', async () => {
    const phone = await startOperatorPhone('1001');
    try {
      const result = await runSipp('uac-queue-answered-expect-200.xml', { service: '7000', timeoutMs: 40_000 });
      expect(result, result.stderr).toMatchObject({ code: 0, successful: 1, failed: 0 });
    } finally {
      await phone.stop();
    }

    const joined = await ami.waitFor(
      (f) => f.Event === 'QueueCallerJoin' && f.Queue === 'support' && f.CallerIDNum === '+79161234567',
    );
    const linkedid = joined.Linkedid;
    expect(linkedid).toBeTruthy();
    const ofCall = (f: Frame) => f.Linkedid === linkedid;

    await ami.waitFor((f) => ofCall(f) && f.Event === 'AgentCalled' && f.MemberName === '1001');
    const connected = await ami.waitFor((f) => ofCall(f) && f.Event === 'AgentConnect');
    expect(connected).toMatchObject({ Queue: 'support', MemberName: '1001', Interface: 'PJSIP/1001' });
    const callerHangup = await ami.waitFor((f) => ofCall(f) && f.Event === 'Hangup' && f.Channel === joined.Channel);
    expect(callerHangup.Cause).toBe('16');
    expect(Number(callerHangup.Timestamp)).toBeGreaterThan(0);

    const cdr = await ami.waitFor((f) => f.Event === 'Cdr' && f.LinkedID === linkedid && f.Disposition === 'ANSWERED');
    expect(cdr).toMatchObject({ Source: '+79161234567', Destination: '7000' });
    expect(cdr.DestinationChannel).toMatch(/^PJSIP\/1001-/);

    const recording = await ami.waitFor(
      (f) => ofCall(f) && f.Event === 'VarSet' && f.Variable === 'MIXMONITOR_FILENAME' && !!f.Value,
    );
    expect(recording.Value).toMatch(/^\/var\/spool\/asterisk\/monitor\/.+\.wav$/);
    const file = join(RECORDINGS_DIR, basename(recording.Value ?? ''));
    // MixMonitor closes the file just after the hangup; the caller talked 4 s of real PCMA (sipp's g711a.pcap).
    await expect
      .poll(async () => (await stat(file).catch(() => null))?.size ?? 0, { timeout: 5000 })
      .toBeGreaterThan(16_000);
    expect(await peakAmplitude(file)).toBeGreaterThan(1000);
  });

  it('reports a direct call nobody answers as NOANSWER (cause 19) without a recording', async () => {
    const phone = await startOperatorPhone('1002', 'uas-operator-ring.xml');
    try {
      const result = await runSipp('uac-direct-noanswer-expect-480.xml', { service: '7002', timeoutMs: 40_000 });
      expect(result, result.stderr).toMatchObject({ code: 0, successful: 1, failed: 0 });
    } finally {
      await phone.stop();
    }

    const created = await ami.waitFor(
      (f) => f.Event === 'Newchannel' && f.Exten === '7002' && f.CallerIDNum === '+74951234567',
    );
    const linkedid = created.Linkedid;
    const ofCall = (f: Frame) => f.Linkedid === linkedid;
    const dialBegin = await ami.waitFor((f) => ofCall(f) && f.Event === 'DialBegin');
    expect(dialBegin.DestChannel).toMatch(/^PJSIP\/1002-/);
    const dialEnd = await ami.waitFor((f) => ofCall(f) && f.Event === 'DialEnd');
    expect(dialEnd.DialStatus).toBe('NOANSWER');
    const hangup = await ami.waitFor((f) => ofCall(f) && f.Event === 'Hangup' && f.Channel === created.Channel);
    expect(hangup.Cause).toBe('19');
    const cdr = await ami.waitFor((f) => f.Event === 'Cdr' && f.LinkedID === linkedid);
    expect(cdr.Disposition).toBe('NO ANSWER');
    expect(ami.events.some((f) => ofCall(f) && f.Event === 'MixMonitorStart')).toBe(false);
  });
});
