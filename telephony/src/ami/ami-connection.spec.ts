import { EventEmitter } from 'node:events';
import net from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AmiConnection, type AmiConnectionOptions, type AmiConnectionState } from '@telephony/ami/ami-connection';
import type { AmiEvent } from '@telephony/ami/ami-message';
import { AmiSurrogateServer } from '@telephony/ami/ami-surrogate-server';
import { TelephonyError } from '@telephony/errors';

let server: AmiSurrogateServer;
let conn: AmiConnection | undefined;

beforeEach(async () => {
  server = new AmiSurrogateServer();
  await server.listen();
});
afterEach(async () => {
  await conn?.stop();
  conn = undefined;
  await server.close();
});

function connect(extra: Partial<AmiConnectionOptions> = {}) {
  conn = new AmiConnection({
    host: '127.0.0.1',
    port: server.port,
    user: 'zvonok',
    secret: 'zvonok-secret',
    pingIntervalMs: 0,
    backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 },
    random: () => 0.5,
    ...extra,
  });
  const states: AmiConnectionState[] = [];
  conn.on('state', (s) => states.push(s));
  const events: AmiEvent[] = [];
  conn.on('event', (e) => events.push(e));
  return { conn, states, events };
}

describe('AmiConnection against a surrogate AMI server', () => {
  it('logs in and walks connecting → authenticating → connected', async () => {
    const { conn, states } = connect();
    await conn.start();
    expect(conn.getState()).toBe('connected');
    expect(states).toEqual(['connecting', 'authenticating', 'connected']);
    const login = server.actions.find((a) => a.fields.action?.toLowerCase() === 'login');
    expect(login?.fields.username).toBe('zvonok');
  });

  it('treats refused credentials as fatal with a clear message and does not retry', async () => {
    const { conn } = connect({ secret: 'wrong' });
    const fatal: TelephonyError[] = [];
    conn.on('fatal', (e) => fatal.push(e));
    const err = await conn.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelephonyError);
    expect(err).toMatchObject({ code: 'PBX_AUTH_FAILED', fatal: true });
    expect((err as Error).message).toMatch(/login as "zvonok" refused .*Authentication failed/);
    expect(fatal).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(conn.getState()).toBe('stopped');
    expect(server.actions.filter((a) => a.fields.action?.toLowerCase() === 'login')).toHaveLength(1);
  });

  it('times out an unanswered action with ACTION_TIMEOUT and keeps working', async () => {
    const { conn } = connect({ actionTimeoutMs: 80 });
    await conn.start();
    const t0 = Date.now();
    await expect(conn.action({ action: 'BlackHole' })).rejects.toMatchObject({ code: 'ACTION_TIMEOUT' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    await expect(conn.action({ action: 'Ping' })).resolves.toMatchObject({ fields: { ping: 'Pong' } });
  });

  it('reports an error response as ACTION_FAILED', async () => {
    const { conn } = connect();
    await conn.start();
    server.onAction = (a) =>
      a.fields.action?.toLowerCase() === 'queuepause'
        ? `Response: Error\r\nActionID: ${a.fields.actionid}\r\nMessage: Interface not found`
        : undefined;
    await expect(conn.action({ action: 'QueuePause', interface: 'PJSIP/9', paused: 'true' })).rejects.toMatchObject({
      code: 'ACTION_FAILED',
      message: expect.stringContaining('Interface not found'),
    });
  });

  it('matches a response split across reads, delivering the events around it in order', async () => {
    const { conn, events } = connect();
    await conn.start();
    server.onAction = (a, socket) => {
      if (a.fields.action?.toLowerCase() !== 'queuepause') return undefined;
      const text =
        'Event: Hold\r\nUniqueid: 7.1\r\n\r\n' +
        `Response: Success\r\nActionID: ${a.fields.actionid}\r\nMessage: Interface paused\r\n\r\n` +
        'Event: Unhold\r\nUniqueid: 7.1\r\n\r\n';
      const cut = text.indexOf('Message:') + 4;
      socket.write(text.slice(0, cut));
      setTimeout(() => socket.write(text.slice(cut)), 20);
      return 'silence';
    };
    const res = await conn.action({ action: 'QueuePause', interface: 'PJSIP/1001', paused: 'true' });
    expect(res.fields).toMatchObject({ response: 'Success', message: 'Interface paused' });
    await server.waitFor(() => events.some((e) => e.event === 'Unhold'));
    expect(events.filter((e) => e.fields.uniqueid === '7.1').map((e) => e.event)).toEqual(['Hold', 'Unhold']);
  });

  it('resolves a legacy Response: Follows action with its body, blank lines included', async () => {
    const { conn } = connect();
    await conn.start();
    server.onAction = (a) =>
      a.fields.action?.toLowerCase() === 'command'
        ? `Response: Follows\r\nPrivilege: Command\r\nActionID: ${a.fields.actionid}\r\n` +
          'line one\r\n\r\nline: two\r\n--END COMMAND--'
        : undefined;
    const res = await conn.action({ action: 'Command', command: 'core show uptime' });
    expect(res.fields.response).toBe('follows');
    expect(res.fields.content).toContain('line one\n\nline: two');
  });

  it('collects EventList items until the Complete event, without leaking them as events', async () => {
    const { conn, events } = connect();
    await conn.start();
    const channels = await conn.actionList({ action: 'CoreShowChannels' });
    expect(channels.events.map((e) => e.fields.uniqueid)).toEqual(['1.1', '1.2']);
    expect(channels.complete.event).toBe('CoreShowChannelsComplete');
    const queue = await conn.actionList({ action: 'QueueStatus' });
    expect(queue.events.map((e) => e.event)).toEqual(['QueueParams', 'QueueMember']);
    expect(events.filter((e) => e.fields.actionid)).toEqual([]);
  });

  it('matches Async Originate to its OriginateResponse by ActionID', async () => {
    const { conn } = connect();
    await conn.start();
    const [ok, failed] = await Promise.allSettled([
      conn.originate({ channel: 'PJSIP/1001', context: 'from-crm', exten: '89161234567', priority: 1 }),
      conn.originate({ channel: 'PJSIP/1002', context: 'from-crm', exten: '000', priority: 1 }),
    ]);
    expect(ok).toMatchObject({ status: 'fulfilled', value: { fields: { exten: '89161234567', response: 'Success' } } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { code: 'ACTION_FAILED' } });
    const sent = server.actions.filter((a) => a.fields.action === 'Originate');
    expect(sent.map((a) => a.fields.async)).toEqual(['true', 'true']);
  });

  it('reconnects with growing backoff after the server drops, and rejects in-flight actions', async () => {
    const { conn, states } = connect({ actionTimeoutMs: 2000 });
    await conn.start();
    const inflight = conn.action({ action: 'BlackHole' });
    const t0 = Date.now();
    server.dropAll();
    await expect(inflight).rejects.toMatchObject({ code: 'PBX_UNREACHABLE' });
    await server.waitFor(() => server.logins === 2);
    await server.waitFor(() => conn.getState() === 'connected');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(15);
    expect(states).toEqual([
      'connecting',
      'authenticating',
      'connected',
      'backoff',
      'connecting',
      'authenticating',
      'connected',
    ]);
  });

  it('keeps retrying with capped exponential delays while the server is down', async () => {
    const { conn, states } = connect();
    await conn.start();
    const port = server.port;
    await server.close();
    await new Promise((r) => setTimeout(r, 700));
    // 20, 40, 80, 160, 200, 200 ms… : several attempts, none connected
    const backoffs = states.filter((s) => s === 'backoff').length;
    expect(backoffs).toBeGreaterThanOrEqual(4);
    expect(backoffs).toBeLessThanOrEqual(9);
    server = new AmiSurrogateServer();
    await server.listen(port);
    await server.waitFor(() => conn.getState() === 'connected', 2000);
  });

  it('reconnects when a Ping goes unanswered', async () => {
    const { conn, states } = connect({ pingIntervalMs: 30, pingTimeoutMs: 50 });
    await conn.start();
    server.answerPings = false;
    await server.waitFor(() => states.includes('backoff'));
    server.answerPings = true;
    await server.waitFor(() => server.logins === 2 && conn.getState() === 'connected');
  });

  it('survives garbage and binary frames and still delivers events', async () => {
    const { conn, events } = connect();
    await conn.start();
    server.broadcast('garbage without colon\r\n\u0000\u0001\u0002\xff\xfe\r\n\r\n');
    server.broadcast(`X-Long: ${'z'.repeat(20_000)}\r\n\r\n`);
    server.broadcast('Event: Hangup\r\nUniqueid: 5.5\r\nCause: 16\r\n\r\n');
    await server.waitFor(() => events.some((e) => e.event === 'Hangup'));
    expect(conn.getState()).toBe('connected');
  });

  it('stops with a fatal error when it cannot reach the socket asterisk-manager opened (stubbed net)', async () => {
    const original = net.createConnection;
    // A socket Node did not announce (net.connect publishes every socket it creates; this stub does not).
    net.createConnection = (() =>
      Object.assign(new EventEmitter(), {
        setKeepAlive() {},
        setNoDelay() {},
        setEncoding() {},
      })) as unknown as typeof net.createConnection;
    try {
      const { conn } = connect();
      await expect(conn.start()).rejects.toMatchObject({
        code: 'PBX_UNREACHABLE',
        fatal: true,
        message: expect.stringContaining('no socket') as unknown,
      });
      expect(conn.getState()).toBe('stopped');
    } finally {
      net.createConnection = original;
    }
  });

  it('refuses actions while not connected', async () => {
    const { conn } = connect();
    await expect(conn.action({ action: 'Ping' })).rejects.toMatchObject({ code: 'PBX_UNREACHABLE' });
  });
});
