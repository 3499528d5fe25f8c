import { describe, expect, it } from 'vitest';

import { type AgentDto } from '@contracts/dto/agent';
import { type LiveCallDto } from '@contracts/socket-events';

import { computeWallboard, todayIn, type WallboardInputs } from './wallboard.compute';

const now = new Date('2026-11-23T12:00:00Z');
const dayStart = new Date('2026-11-23T00:00:00Z');

const call = (over: Partial<LiveCallDto>): LiveCallDto => ({
  id: 'c',
  direction: 'inbound',
  from: { raw: '+79161234567', e164: '+79161234567', extension: null, anonymous: false },
  to: { raw: '7000', e164: null, extension: null, anonymous: false },
  queue: 'support',
  status: 'ringing',
  ringing: [],
  agentExtension: null,
  startedAt: '2026-11-23T11:59:30Z',
  answeredAt: null,
  ...over,
});

const agent = (over: Partial<AgentDto>): AgentDto => ({
  userId: 'u1',
  login: 'op1',
  name: 'Op One',
  extension: '1001',
  state: 'available',
  reason: null,
  since: '2026-11-23T09:00:00Z',
  baseState: 'available',
  wrapUpUntil: null,
  callId: null,
  ...over,
});

const input = (over: Partial<WallboardInputs>): WallboardInputs => ({
  now,
  dayStart,
  timeZone: 'Europe/Moscow',
  shortAbandonSeconds: 5,
  live: [],
  queueStats: [],
  operatorStats: [],
  agents: [],
  serviceLevelThresholdSeconds: 20,
  telephonyUp: true,
  ...over,
});

describe('computeWallboard', () => {
  it('lists waiting callers longest first with their wait, and counts talking calls', () => {
    const board = computeWallboard(
      input({
        live: [
          call({ id: 'a', startedAt: '2026-11-23T11:59:50Z' }),
          call({
            id: 'b',
            startedAt: '2026-11-23T11:58:00Z',
            from: { raw: '', e164: null, extension: null, anonymous: true },
          }),
          call({ id: 'c', status: 'answered', agentExtension: '1001', answeredAt: '2026-11-23T11:59:00Z' }),
          call({ id: 'd', queue: null, status: 'ringing' }),
        ],
      }),
    );
    const q = board.queues[0]!;
    expect(q.name).toBe('support');
    expect(q.waiting.map((w) => [w.callId, w.waitSeconds, w.from])).toEqual([
      ['b', 120, ''],
      ['a', 10, '+79161234567'],
    ]);
    expect(q.longestWaitSeconds).toBe(120);
    expect(q.talking).toBe(1);
    expect(board.totals).toMatchObject({ waiting: 2, talking: 1 });
  });

  it("shows analytics' service level for the queue and today in percent with one decimal", () => {
    const board = computeWallboard(
      input({
        queueStats: [
          {
            queue: 'support',
            answered: 6,
            abandoned: 1,
            missed: 1,
            serviceLevel: 0.625,
            averageWaitSeconds: 12,
          },
          {
            queue: 'sales',
            answered: 0,
            abandoned: 0,
            missed: 0,
            serviceLevel: null,
            averageWaitSeconds: null,
          },
        ],
      }),
    );
    const support = board.queues.find((q) => q.name === 'support')!;
    expect(support).toMatchObject({ answeredToday: 6, abandonedToday: 1, missedToday: 1, serviceLevelToday: 62.5 });
    expect(board.queues.find((q) => q.name === 'sales')!.serviceLevelToday).toBeNull();
    expect(board.totals).toMatchObject({ answeredToday: 6, abandonedToday: 1 });
  });

  it('shows each operator with state, the call they are on (or ringing for) and today figures', () => {
    const board = computeWallboard(
      input({
        live: [
          call({ id: 'on', status: 'answered', agentExtension: '1001', answeredAt: '2026-11-23T11:59:00Z' }),
          call({ id: 'ring', ringing: ['1002'] }),
        ],
        agents: [
          agent({ state: 'on-call', callId: 'on' }),
          agent({ userId: 'u2', extension: '1002', state: 'ringing', callId: 'ring' }),
          agent({ userId: 'u3', extension: '1003', state: 'break', reason: 'lunch' }),
          agent({ userId: 'u4', extension: '' }),
        ],
        operatorStats: [{ extension: '1001', answered: 4, talkSeconds: 300 }],
      }),
    );
    expect(board.operators.map((o) => [o.extension, o.state, o.currentCall?.callId ?? null, o.callsToday])).toEqual([
      ['1001', 'on-call', 'on', 4],
      ['1002', 'ringing', 'ring', 0],
      ['1003', 'break', null, 0],
    ]);
    expect(board.operators[2]!.reason).toBe('lunch');
  });

  it("counts today from midnight on the call centre's clock, not the server's", () => {
    // 22:30 UTC is already 01:30 the next day in Moscow.
    expect(todayIn('Europe/Moscow', new Date('2026-11-23T22:30:00Z'))).toEqual({
      today: '2026-11-24',
      tomorrow: '2026-11-25',
    });
    expect(todayIn('UTC', new Date('2026-12-31T22:30:00Z'))).toEqual({ today: '2026-12-31', tomorrow: '2027-01-01' });
  });
});
