import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TelephonyError, type AgentStateEvent, type TelephonyEvent } from '@telephony';
import { RemoteTelephony } from '@server/modules/telephony/remote-telephony.provider';
import { COMMANDS_KEY, STATUS_KEY } from '@server/modules/telephony/telephony-relay.protocol';
import { serveTelephonyCommands } from '@server/modules/telephony/telephony-relay.server';
import { LiveAmi, until } from '@test/support/ami-live';
import { freePort } from '@test/support/services/ports';
import { PHONE_PORTS, startUas, TRUNK_PORT } from '@test/support/sipp';

// A web node without the adapter (RemoteTelephony) asks the node that runs it (serveTelephonyCommands around the
// real AMI provider) over the real Redis; the commands are carried out on the real Asterisk 22. Run under
// `flock /tmp/zv-live.lock` (fixed phone ports, one shared PBX).
describe('telephony commands from a node without the adapter, over Redis, carried out on the real PBX', () => {
  let ami: LiveAmi;
  let redis: Redis;
  let remote: RemoteTelephony;
  let relay: { stop(): Promise<void> } | undefined;
  const seen: TelephonyEvent[] = [];
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const serve = () => serveTelephonyCommands({ provider: ami.provider, redis, logger, statusTtlMs: 1500 });
  const pausedState = (reason: string) => () =>
    seen.find(
      (e): e is AgentStateEvent => e.type === 'agent.state' && e.agentId === '1001' && e.pauseReason === reason,
    );

  beforeAll(async () => {
    ami = await LiveAmi.start();
    ami.provider.onEvent((e) => seen.push(e));
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    await redis.del(COMMANDS_KEY, STATUS_KEY);
    remote = new RemoteTelephony({ redis, statusPollMs: 100, commandTimeoutMs: 5000, originateTimeoutMs: 20_000 });
    await remote.start();
  });
  afterAll(async () => {
    await relay?.stop();
    await remote?.stop();
    await ami?.provider.setAgentPaused('1001', false).catch(() => undefined);
    await ami?.stop();
    await redis?.quit();
  });

  it('is up while the adapter node advertises a connected PBX, and down soon after that node stops', async () => {
    expect(remote.isUp()).toBe(false);
    relay = serve();
    await until(() => (remote.isUp() ? true : undefined), 'remote up');
    expect(remote.source).toBe('ami');
    await relay.stop();
    relay = undefined;
    await until(() => (remote.isUp() ? undefined : true), 'remote down after the status expired', 4000);
    relay = serve();
    await until(() => (remote.isUp() ? true : undefined), 'remote up again');
  });

  it('pauses and unpauses an operator in the queue, with the reason', async () => {
    await remote.setAgentPaused('1001', true, 'relay-lunch');
    expect(await until(pausedState('relay-lunch'), 'agent.state paused with the reason')).toMatchObject({
      status: 'paused',
    });
    const mark = seen.length;
    await remote.setAgentPaused('1001', false);
    await until(
      () => seen.slice(mark).find((e) => e.type === 'agent.state' && e.agentId === '1001' && e.status !== 'paused'),
      'agent.state unpaused',
    );
  });

  it("brings the PBX's refusal back as the same TelephonyError", async () => {
    const refused = await remote.spy('1901', randomUUID(), 'listen').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TelephonyError);
    expect(refused).toMatchObject({ code: 'UNKNOWN_CALL' });
  });

  it('click-to-call: the operator phone rings and answers, then the outside party is dialled', async () => {
    await ami.waitIdle('1001');
    const operator = await startUas('uas-operator-answer.xml', PHONE_PORTS['1001']!, '1001');
    const outside = await startUas('uas-outside-answer.xml', TRUNK_PORT, 'outside');
    const mark = ami.mark();
    try {
      await remote.originate({ agentExtension: '1001', destination: '8 916 123-45-67', requestId: randomUUID() });
      const { events, ended } = await ami.call(mark, (e) => e.direction === 'outbound', 'click-to-call', 20_000);
      expect(events.filter((e) => e.type === 'call.answered')).toEqual([
        expect.objectContaining({ agentId: '1001', direction: 'outbound' }),
      ]);
      expect(ended).toMatchObject({ answered: true, agentId: '1001' });
      expect(ended.to.e164).toBe('+79161234567');
    } finally {
      await Promise.all([operator.stop(), outside.stop()]);
    }
  });

  it('customer first: the customer is dialled with the caller ID, answers, and waits in the queue for an operator', async () => {
    await ami.waitIdle('1001');
    await ami.provider.setAgentPaused('1001', false).catch(() => undefined);
    const operator = await startUas('uas-operator-answer.xml', PHONE_PORTS['1001']!, '1001');
    const customers = await startUas('uas-campaign-customers.xml', TRUNK_PORT, 'customers');
    const mark = ami.mark();
    try {
      const request = { queue: 'support', waitSeconds: 5, callerId: '+74950001940', requestId: randomUUID() };
      expect(await remote.originateCustomerFirst({ ...request, destination: '+74957770001' })).toEqual({
        answered: true,
      });
      const { ended } = await ami.call(mark, (e) => e.to.e164 === '+74957770001', 'customer first', 20_000);
      expect(ended).toMatchObject({ direction: 'outbound', agentId: '1001' });
      // A busy customer is not reached; the reason comes back over the relay.
      expect(await remote.originateCustomerFirst({ ...request, destination: '+74957770486' })).toMatchObject({
        answered: false,
      });
    } finally {
      await Promise.all([operator.stop(), customers.stop()]);
    }
  });

  it('never carries out a command nobody took before its deadline', async () => {
    await relay!.stop();
    relay = undefined;
    const quick = new RemoteTelephony({ redis, commandTimeoutMs: 1000 });
    const late = await quick.setAgentPaused('1001', true, 'relay-stale').catch((e: unknown) => e);
    expect(late).toMatchObject({ code: 'ACTION_TIMEOUT' });
    expect(await redis.llen(COMMANDS_KEY)).toBe(1);
    relay = serve();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await redis.llen(COMMANDS_KEY)).toBe(0);
    expect(pausedState('relay-stale')()).toBeUndefined();
    expect(logLines.some((l) => l.includes('telephony command expired before it was taken'))).toBe(true);
  });

  it('answers ACTION_TIMEOUT on time when Redis itself is unreachable', async () => {
    const port = await freePort(); // nothing listens there
    const deadRedis = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null, retryStrategy: () => 200 });
    deadRedis.on('error', () => undefined);
    try {
      const cut = new RemoteTelephony({ redis: deadRedis, commandTimeoutMs: 500 });
      const started = Date.now();
      const refused = await cut.setAgentPaused('1001', true, 'relay-no-redis').catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'ACTION_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      deadRedis.disconnect();
    }
  });

  it('drops a malformed command with a log line and carries out the next one', async () => {
    await redis.lpush(COMMANDS_KEY, '{"method":"originate","args":[{"agentExtension":"1001"}]}', 'not json');
    await remote.setAgentPaused('1001', true, 'relay-after-garbage');
    await until(pausedState('relay-after-garbage'), 'the next command carried out');
    expect(logLines.filter((l) => l.includes('malformed telephony command dropped'))).toHaveLength(2);
    await remote.setAgentPaused('1001', false);
  });
});
