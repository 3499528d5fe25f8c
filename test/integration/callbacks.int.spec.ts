import { pino } from 'pino';
import { type DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type Role } from '@contracts/dto/user';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { createDatabase, type Database } from '@server/db/data-source';
import { type CallReaction } from '@server/common/calls/call-change';
import { projectCall } from '@server/common/calls/call-projection';
import { recordCallEvents } from '@test/support/call-events';
import { AuditService } from '@server/modules/audit/audit.service';
import { CallbacksService } from '@server/modules/callbacks/callbacks.service';
import { Reassigner } from '@server/modules/ownership/ownership.service';
import { TasksService } from '@server/modules/tasks/tasks.service';
import { type TaskAssignedPayload, type TaskNotifier } from '@server/modules/callbacks/task-notifier';
import { RoutingService } from '@server/modules/routing/routing.service';
import { createUser, deleteUsers, requireDatabaseUrl, suitePrefix, type SeededUser } from '@test/support/api-server';
import { startBarePipeline, type BarePipeline } from '@test/support/pipeline';
import { waitFor } from '@test/support/services/ports';
import { connectOperator, startWebNode, type WebNode } from '@test/support/web-node';
import {
  answeredInboundCall,
  randomRuMobile,
  unansweredInboundCall,
  type ScriptedCall,
} from '@test/security/support/call-events';

interface Emitted {
  to: string;
  payload: TaskAssignedPayload;
}

/** Records what would go out over Socket.IO; the realtime delivery itself is covered by the realtime suites. */
class RecordingNotifier implements TaskNotifier {
  readonly sent: Emitted[] = [];
  emitToUser(userId: string, _event: 'task:assigned', payload: TaskAssignedPayload): void {
    this.sent.push({ to: `user:${userId}`, payload });
  }
  emitToRole(role: Role, _event: 'task:assigned', payload: TaskAssignedPayload): void {
    this.sent.push({ to: `role:${role}`, payload });
  }
}

interface TaskRowDb {
  id: string;
  kind: string;
  assignee_id: string | null;
  queue: string | null;
  due_at: Date;
  entity_type: string;
  entity_id: string;
  escalated_at: Date | null;
  call_id: string;
  callback_phone: string | null;
  callback_queue: string | null;
  callback_attempts: number | null;
  done_at: Date | null;
}

describe('callbacks: missed/abandoned inbound calls → one callback task; late ones escalate (real Postgres)', () => {
  let database: Database;
  let ds: DataSource;
  let owner: SeededUser;
  let users: SeededUser[] = [];
  let ownedNumber: string;
  let contactId: string;
  let pipeline: BarePipeline | undefined;
  let notifier: RecordingNotifier;
  let callbacks: CallbacksService;
  const callIds: string[] = [];
  const reacted = new Set<string>();

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    const prefix = suitePrefix('callbacks');
    owner = await createUser(ds, `${prefix}-owner`, 'operator');
    users = [owner, await createUser(ds, `${prefix}-sup`, 'supervisor')];
    ownedNumber = randomRuMobile();
    [{ id: contactId }] = await ds.query(`INSERT INTO contacts (name, owner_id) VALUES ($1, $2) RETURNING id`, [
      'Ирина Callback',
      owner.id,
    ]);
    const keys = phoneKeys(ownedNumber, 'RU');
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $3, $4)`, [
      contactId,
      ownedNumber,
      keys.e164,
      keys.last10,
    ]);
  });
  afterAll(async () => {
    await ds.query(`DELETE FROM audit_log WHERE entity = 'task' AND details->>'callId' = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM tasks WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM call_events WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM calls WHERE id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM leads WHERE source_call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM contacts WHERE id = $1`, [contactId]);
    await deleteUsers(
      ds,
      users.map((u) => u.id),
    );
    await database.close();
  });
  beforeEach(async () => {
    notifier = new RecordingNotifier();
    const logger = pino({ level: process.env.ZVONOK_TEST_LOG ?? 'silent' });
    const audit = new AuditService(ds);
    callbacks = new CallbacksService({
      dataSource: ds,
      routing: new RoutingService(ds, () => 'RU'),
      tasks: new TasksService(ds, new Reassigner(ds, audit, [], logger)),
      audit,
      config: { dueMinutes: 15, escalateMinutes: 30 },
      logger,
      notifier,
    });
    reacted.clear();
    // The pipeline runs reactions after it committed the call row: wait for the reaction, not for the row.
    const react: CallReaction = async (change) => {
      await callbacks.react(change).finally(() => reacted.add(`${change.event.callId}:${change.event.seq}`));
    };
    pipeline = await startBarePipeline(ds, [react]);
  });
  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
  });

  const replay = async (call: ScriptedCall) => {
    callIds.push(call.callId);
    await pipeline!.publish(...call.events);
    const last = call.events.at(-1)!;
    await waitFor(async () => reacted.has(`${call.callId}:${last.seq}`), {
      what: `reactions to the end of call ${call.callId}`,
      timeoutMs: 5_000,
      intervalMs: 10,
    });
  };
  /** The task a call counts towards (its latest call may be a later one). */
  const tasksOf = (callId: string): Promise<TaskRowDb[]> =>
    ds.query(`SELECT t.* FROM tasks t JOIN callback_calls cc ON cc.task_id = t.id WHERE cc.call_id = $1`, [callId]);
  const openTasksOfNumber = (phone: string): Promise<TaskRowDb[]> =>
    ds.query(
      `SELECT * FROM tasks WHERE kind = 'callback' AND callback_phone = $1 AND done_at IS NULL
       ORDER BY callback_queue NULLS FIRST`,
      [phone],
    );
  const at = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000);

  it("a missed call from a known client becomes one task for the client's owner, due ended + 15 min", async () => {
    const call = unansweredInboundCall({ from: ownedNumber, abandoned: false });
    await replay(call);
    const tasks = await tasksOf(call.callId);
    expect(tasks).toHaveLength(1);
    const [task] = tasks as [TaskRowDb];
    expect(task).toMatchObject({ kind: 'callback', assignee_id: owner.id, queue: null, entity_type: 'contact' });
    expect(task.entity_id).toBe(contactId);
    expect(task.due_at.toISOString()).toBe(new Date(Date.parse(call.endedAt) + 15 * 60_000).toISOString());
    expect(notifier.sent).toEqual([
      { to: `user:${owner.id}`, payload: { task: expect.objectContaining({ id: task.id }), reason: 'missed-call' } },
    ]);
  });

  it('redelivered events and concurrent reactions still give exactly one task (the unique index decides)', async () => {
    const call = unansweredInboundCall({ from: ownedNumber, abandoned: false });
    await replay(call);
    await pipeline!.publish(...call.events);
    const projection = projectCall(call.events)!;
    const results = await Promise.all(Array.from({ length: 20 }, () => callbacks.createForCall(projection)));
    expect(results.filter((r) => r !== null)).toHaveLength(0);
    expect(await tasksOf(call.callId)).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);

    // A call nobody reacted to yet: 20 racing nodes, one winner.
    const fresh = unansweredInboundCall({ from: ownedNumber, abandoned: true });
    callIds.push(fresh.callId);
    const freshProjection = projectCall(fresh.events)!;
    await recordCallEvents(ds, fresh.events);
    const raced = await Promise.all(Array.from({ length: 20 }, () => callbacks.createForCall(freshProjection)));
    expect(raced.filter((r) => r !== null)).toHaveLength(1);
    expect(await tasksOf(fresh.callId)).toHaveLength(1);
  });

  it('two missed calls from one client 12 s apart: one open task, 2 attempts, the latest call, due from the first', async () => {
    const number = randomRuMobile();
    const first = unansweredInboundCall({ from: number, queue: 'support', abandoned: false });
    const second = unansweredInboundCall({
      from: number,
      queue: 'support',
      abandoned: true,
      startedAt: at(first.events[0]!.occurredAt, 12),
    });
    await replay(first);
    await replay(second);
    const open = await openTasksOfNumber(number);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      kind: 'callback',
      title: number, // no English text: screens render "call back …" from callback_phone in their language
      callback_phone: number,
      callback_queue: 'support',
      callback_attempts: 2,
      call_id: second.callId,
      queue: 'support',
      assignee_id: null,
    });
    expect(open[0]!.due_at.toISOString()).toBe(at(first.endedAt, 15 * 60).toISOString());
    // Both announced: the supervisors learn the client tried again, with the attempt count.
    expect(notifier.sent.map((n) => [n.payload.reason, n.payload.task.callbackAttempts])).toEqual([
      ['missed-call', 1],
      ['abandoned-call', 2],
    ]);

    // Redeliveries of either call, on this node or racing ones, add nothing.
    await replay(first);
    await replay(second);
    const projections = [first, second].map((c) => projectCall(c.events)!);
    const again = await Promise.all(projections.flatMap((p) => [1, 2, 3].map(() => callbacks.createForCall(p))));
    expect(again.filter((r) => r !== null)).toEqual([]);
    expect(await openTasksOfNumber(number)).toEqual([
      expect.objectContaining({ id: open[0]!.id, callback_attempts: 2 }),
    ]);
  });

  it('one open task per number AND queue; once it is done, the next missed call opens a new one', async () => {
    const number = randomRuMobile();
    const support = unansweredInboundCall({ from: number, queue: 'support', abandoned: false });
    const sales = unansweredInboundCall({ from: number, queue: 'sales', abandoned: false });
    const direct = unansweredInboundCall({ from: number, abandoned: false });
    for (const call of [support, sales, direct]) await replay(call);
    const open = await openTasksOfNumber(number);
    expect(open.map((t) => [t.callback_queue, t.callback_attempts])).toEqual([
      [null, 1],
      ['sales', 1],
      ['support', 1],
    ]);

    const supportTask = open.find((t) => t.callback_queue === 'support')!;
    await ds.query(`UPDATE tasks SET done_at = now() WHERE id = $1`, [supportTask.id]);
    const later = unansweredInboundCall({ from: number, queue: 'support', abandoned: false, startedAt: new Date() });
    await replay(later);
    const [fresh] = await tasksOf(later.callId);
    expect(fresh).toMatchObject({ callback_queue: 'support', callback_attempts: 1, done_at: null });
    expect(fresh!.id).not.toBe(supportTask.id);
    // A redelivered old call does not reopen anything: it was counted on the task now done.
    await replay(support);
    expect((await tasksOf(support.callId)).map((t) => t.id)).toEqual([supportTask.id]);
    expect(await openTasksOfNumber(number)).toHaveLength(3);
  });

  it('20 different missed calls from one number, each reacted to twice at once: one open task, 20 attempts', async () => {
    const number = randomRuMobile();
    const t0 = new Date(Date.now() - 3_600_000);
    const calls = Array.from({ length: 20 }, (_, i) =>
      unansweredInboundCall({
        from: number,
        queue: 'support',
        abandoned: i % 2 === 0,
        startedAt: at(t0.toISOString(), i * 12),
      }),
    );
    for (const call of calls) {
      callIds.push(call.callId);
      await recordCallEvents(ds, call.events);
    }
    const projections = calls.map((c) => projectCall(c.events)!);
    const results = await Promise.all([...projections, ...projections].map((p) => callbacks.createForCall(p)));
    expect(results.filter((r) => r !== null)).toHaveLength(20);
    const open = await openTasksOfNumber(number);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ callback_attempts: 20, call_id: calls.at(-1)!.callId });
    const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM callback_calls WHERE task_id = $1`, [
      open[0]!.id,
    ])) as [{ n: number }];
    expect(n).toBe(20);
  });

  it('an abandoned queue call from an unknown number goes to the queue (unassigned) and the supervisors are told', async () => {
    const call = unansweredInboundCall({ from: randomRuMobile(), queue: 'support', abandoned: true });
    await replay(call);
    const [task] = (await tasksOf(call.callId)) as [TaskRowDb];
    // The pipeline gave the unknown number its lead when the call began: the task is about that lead.
    const [lead] = await ds.query(`SELECT id FROM leads WHERE source_call_id = $1`, [call.callId]);
    expect(task).toMatchObject({ assignee_id: null, queue: 'support', entity_type: 'lead', entity_id: lead.id });
    expect(notifier.sent).toEqual([
      {
        to: 'role:supervisor',
        payload: {
          // The DTO says which queue owns it and which call it is for, so the task list can show both.
          task: expect.objectContaining({ id: task.id, queue: 'support', callId: call.callId, escalatedAt: null }),
          reason: 'abandoned-call',
        },
      },
    ]);
  });

  it('no task for withheld numbers, answered calls or outbound calls', async () => {
    const anonymous = unansweredInboundCall({ from: null, queue: 'support', abandoned: true });
    const answered = answeredInboundCall(ownedNumber);
    const outbound = unansweredInboundCall({ from: ownedNumber, abandoned: false, direction: 'outbound' });
    for (const call of [anonymous, answered, outbound]) await replay(call);
    for (const call of [anonymous, answered, outbound]) expect(await tasksOf(call.callId)).toEqual([]);
    expect(notifier.sent).toEqual([]);
  });

  it('escalates an open callback once, after due + CALLBACK_ESCALATE_MINUTES, with an audit row; done tasks never', async () => {
    // The owner called the client back: earlier tests' missed calls are done with, so `late` opens a fresh task.
    await ds.query(`UPDATE tasks SET done_at = now() WHERE kind = 'callback' AND callback_phone = $1`, [ownedNumber]);
    const late = unansweredInboundCall({ from: ownedNumber, abandoned: false });
    const done = unansweredInboundCall({ from: randomRuMobile(), abandoned: false });
    await replay(late);
    await replay(done);
    const [lateTask] = (await tasksOf(late.callId)) as [TaskRowDb];
    const [doneTask] = (await tasksOf(done.callId)) as [TaskRowDb];
    await ds.query(`UPDATE tasks SET done_at = now() WHERE id = $1`, [doneTask.id]);
    notifier.sent.length = 0;

    const due = lateTask.due_at.getTime();
    const early = await callbacks.escalateDue(new Date(due + 29 * 60_000));
    expect(early.map((t) => t.id)).not.toContain(lateTask.id);

    const when = new Date(due + 31 * 60_000);
    const [a, b] = await Promise.all([callbacks.escalateDue(when), callbacks.escalateDue(when)]);
    const escalatedIds = [...a, ...b].map((t) => t.id);
    expect(escalatedIds.filter((id) => id === lateTask.id)).toHaveLength(1);
    expect([...a, ...b].find((t) => t.id === lateTask.id)).toMatchObject({
      callId: late.callId,
      escalatedAt: expect.any(String),
    });
    expect(escalatedIds).not.toContain(doneTask.id);
    expect((await callbacks.escalateDue(new Date(due + 120 * 60_000))).map((t) => t.id)).not.toContain(lateTask.id);

    const [after] = (await tasksOf(late.callId)) as [TaskRowDb];
    expect(after.assignee_id).toBe(owner.id);
    expect(after.escalated_at).not.toBeNull();
    const audit: { action: string; details: { callId: string; to: string } }[] = await ds.query(
      `SELECT action, details FROM audit_log WHERE entity = 'task' AND entity_id = $1`,
      [lateTask.id],
    );
    expect(audit).toEqual([
      { action: 'callback.escalated', details: expect.objectContaining({ callId: late.callId }) },
    ]);
    expect(notifier.sent.filter((s) => s.payload.task.id === lateTask.id)).toEqual([
      { to: 'role:supervisor', payload: { task: expect.objectContaining({ id: lateTask.id }), reason: 'escalation' } },
    ]);
  });
});

describe('callbacks over Socket.IO: task:assigned reaches the owner, escalations reach the supervisors', () => {
  let node: WebNode;
  const users: SeededUser[] = [];
  const callIds: string[] = [];
  let contactId: string;

  beforeAll(async () => {
    // The node's own callbacks service and Socket.IO, as composeNode wires them.
    node = await startWebNode({
      name: 'callbacks-rt',
      redis: false,
      config: { callbacks: { dueMinutes: 15, escalateMinutes: 30, escalateIntervalSeconds: 3600 } },
    });
  });
  afterAll(async () => {
    const ds = node.dataSource;
    await ds.query(`DELETE FROM audit_log WHERE entity = 'task' AND details->>'callId' = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM tasks WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM call_events WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM calls WHERE id = ANY($1)`, [callIds]);
    if (contactId) await ds.query(`DELETE FROM contacts WHERE id = $1`, [contactId]);
    await deleteUsers(
      ds,
      users.map((u) => u.id),
    );
    await node.close();
  });

  it('owner gets the new task live; other operators do not; the supervisor gets the escalation', async () => {
    const ds = node.dataSource;
    const prefix = suitePrefix('cb-rt');
    const owner = await createUser(ds, `${prefix}-owner`, 'operator');
    const bystander = await createUser(ds, `${prefix}-other`, 'operator');
    const supervisor = await createUser(ds, `${prefix}-sup`, 'supervisor');
    users.push(owner, bystander, supervisor);
    const number = randomRuMobile();
    [{ id: contactId }] = await ds.query(
      `INSERT INTO contacts (name, owner_id) VALUES ('Олег Сокет', $1) RETURNING id`,
      [owner.id],
    );
    const keys = phoneKeys(number, 'RU');
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $3, $4)`, [
      contactId,
      number,
      keys.e164,
      keys.last10,
    ]);
    const [o, b, s] = await Promise.all(
      [owner, bystander, supervisor].map((u) => connectOperator(node.baseUrl, u.login)),
    );
    try {
      const call = unansweredInboundCall({ from: number, abandoned: true });
      callIds.push(call.callId);
      for (const event of call.events) await node.node.bus.publish(event);
      await waitFor(async () => o!.received.some((r) => r.event === 'task:assigned'), {
        what: 'task:assigned at the owner',
        timeoutMs: 5_000,
      });
      const created = o!.received.find((r) => r.event === 'task:assigned')!.payload as TaskAssignedPayload;
      expect(created).toMatchObject({ reason: 'abandoned-call', task: { kind: 'callback', assigneeId: owner.id } });

      const escalated = await node.services.callbacks.escalateDue(
        new Date(Date.parse(created.task.dueAt!) + 31 * 60_000),
      );
      expect(escalated.map((t) => t.id)).toContain(created.task.id);
      await waitFor(
        async () => s!.received.some((r) => r.event === 'task:assigned' && r.payload.task.id === created.task.id),
        { what: 'escalation at the supervisor', timeoutMs: 5_000 },
      );
      expect(s!.received.find((r) => r.payload?.task?.id === created.task.id)!.payload.reason).toBe('escalation');
      await new Promise((r) => setTimeout(r, 300));
      expect(b!.received.filter((r) => r.event === 'task:assigned')).toEqual([]);
    } finally {
      for (const c of [o, b, s]) c?.socket.close();
    }
  });
});
