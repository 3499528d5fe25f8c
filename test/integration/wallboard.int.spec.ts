import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type WallboardDto } from '@contracts/dto/wallboard';
import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { openSocket, startLiveApp, type LiveApp, type TestSocket } from '@test/support/live-app';
import { runSipp, startOperatorPhone, type Phone, type SippResult } from '@test/support/sipp';
import { waitFor } from '@test/support/services/ports';

// The wallboard against the real PBX: a sipp customer waits in queue `support` while no phone answers, then operator
// 1001's sipp phone is plugged in and answers. The supervisor's socket must see the waiting caller, the answer and
// the day's count go up, pushed by the server (not polled). Run under `flock /tmp/zv-live.lock`.
describe('wallboard on the real PBX', () => {
  let live: LiveApp;
  let op: SeededUser;
  let supervisor: ApiClient;
  let operator: ApiClient;
  let socket: TestSocket;
  let phone: Phone | undefined;
  let caller: Promise<SippResult> | undefined;
  const updates: { at: number; board: WallboardDto }[] = [];
  const userIds: string[] = [];

  const support = (b: WallboardDto) => b.queues.find((q) => q.name === 'support');
  const op1001 = (b: WallboardDto) => b.operators.find((o) => o.extension === '1001');
  const pushed = async (what: string, test: (b: WallboardDto) => boolean, timeoutMs = 20_000) => {
    let found: WallboardDto | undefined;
    await waitFor(async () => (found = updates.find((u) => test(u.board))?.board) !== undefined, {
      what,
      timeoutMs,
    });
    return found!;
  };

  beforeAll(async () => {
    live = await startLiveApp();
    const prefix = suitePrefix('wallboard');
    op = await createUser(live.dataSource, `${prefix}-op`, 'operator', '1001');
    const sup = await createUser(live.dataSource, `${prefix}-sup`, 'supervisor', '1901');
    userIds.push(op.id, sup.id);
    supervisor = new ApiClient(live.baseUrl);
    operator = new ApiClient(live.baseUrl);
    await supervisor.login(sup.login, TEST_PASSWORD);
    await operator.login(op.login, TEST_PASSWORD);
    socket = await openSocket(live.baseUrl, supervisor.cookie);
    socket.on('wallboard:update', (board) => updates.push({ at: Date.now(), board }));
    await live.provider.setAgentPaused('1001', false);
  });

  afterAll(async () => {
    socket?.close();
    await phone?.stop();
    await caller?.catch(() => undefined);
    if (live) {
      await deleteUsers(live.dataSource, userIds);
      await live.close();
    }
  });

  it('serves the first picture to supervisors only', async () => {
    expect((await operator.get('/api/wallboard')).status).toBe(403);
    const res = await supervisor.get<WallboardDto>('/api/wallboard');
    expect(res.status).toBe(200);
    expect(op1001(res.body)).toMatchObject({ userId: op.id, state: 'available', currentCall: null });
    expect(res.body.telephonyUp).toBe(true);
  });

  it('pushes a waiting caller, then the answer, then the call counted as answered today', async () => {
    const before = (await supervisor.get<WallboardDto>('/api/wallboard')).body;
    const answeredBefore = support(before)?.answeredToday ?? 0;
    const callsBefore = op1001(before)?.callsToday ?? 0;
    const mark = updates.length;

    // Nobody can answer yet: every member's phone is unplugged, so the caller waits in the queue.
    caller = runSipp('uac-queue-talk-expect-200.xml', {
      service: '7000',
      extraArgs: ['-d', '3000'],
      timeoutMs: 60_000,
    });
    const waiting = await pushed('waiting caller pushed', (b) => (support(b)?.waiting.length ?? 0) === 1);
    expect(support(waiting)!.waiting[0]).toMatchObject({ from: '+79161234567', anonymous: false });
    expect(waiting.totals.waiting).toBe(1);
    // The wait time is measured from the call's start (PBX clock), so it keeps growing on the wall.
    await new Promise((r) => setTimeout(r, 1500));
    const later = (await supervisor.get<WallboardDto>('/api/wallboard')).body;
    expect(support(later)!.longestWaitSeconds).toBeGreaterThanOrEqual(1);

    phone = await startOperatorPhone('1001');
    const talking = await pushed('answer pushed', (b) => op1001(b)?.state === 'on-call' && support(b)?.talking === 1);
    expect(support(talking)!.waiting).toHaveLength(0);
    expect(op1001(talking)!.currentCall).toMatchObject({ from: '+79161234567', queue: 'support' });
    expect(op1001(talking)!.currentCall!.answeredAt).not.toBeNull();

    const result = await caller;
    expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    // The picture after the call: counted, and its operator free again (agent states change as a reaction to the
    // stored end, so one throttled push may show the end before the operator's state).
    const done = await pushed(
      'answered call counted',
      (b) =>
        support(b)?.answeredToday === answeredBefore + 1 &&
        op1001(b)?.currentCall === null &&
        op1001(b)?.state === 'available',
    );
    expect(op1001(done)!.callsToday).toBe(callsBefore + 1);
    expect(op1001(done)!.state).toBe('available');
    expect(support(done)!.serviceLevelToday).not.toBeNull();

    // Throttled: never more than ~2 pushes per second.
    const ours = updates.slice(mark);
    for (let i = 2; i < ours.length; i++) expect(ours[i]!.at - ours[i - 2]!.at).toBeGreaterThanOrEqual(700);
  }, 90_000);
});
