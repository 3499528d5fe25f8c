import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AgentStateDto } from '@contracts/socket-events';
import { AuditService } from '@server/modules/audit/audit.service';
import { AgentsRepository } from '@server/modules/agents/agents.repository';
import { AgentsService } from '@server/modules/agents/agents.service';
import { UsersRepository } from '@server/modules/users/users.repository';
import { type RealtimeSink } from '@server/common/realtime/realtime-sink';
import { createUser, deleteUsers, startTestApp, suitePrefix, type TestApp } from '@test/support/api-server';
import { inboundCall, party, randomRuNumber } from '@test/support/synthetic-calls';

// Two nodes' agents services on one real PostgreSQL, each holding the operator in memory: a change decided on a row
// the other node has changed since must be redone on the stored row (the compare-and-set on agent_states.version),
// not written over it. Telephony is off (no queue pause): this is about the rows and the pushes.
describe('agent states decided on two nodes', () => {
  let app: TestApp;
  const ids: string[] = [];

  const node = (repository = new AgentsRepository(app.dataSource)) => {
    const pushes: { rooms: string[]; payload: AgentStateDto }[] = [];
    const realtime: RealtimeSink = {
      emitToUser: () => undefined,
      emitToRole: () => undefined,
      emitTo: (rooms, event, payload) => {
        if (event === 'agent:state') pushes.push({ rooms, payload: payload as AgentStateDto });
      },
    };
    const agents = new AgentsService(repository, new AuditService(app.dataSource), {
      telephony: null,
      wrapUpSeconds: () => 30,
      logger: pino({ level: 'silent' }),
      realtime,
      userByExtension: (extension) => new UsersRepository(app.dataSource).findByExtension(extension),
    });
    return { agents, pushes };
  };

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await deleteUsers(app.dataSource, ids);
    await app.close();
  });

  it('a call that ends on a node which missed a break set on the other ends in the break, not in wrap-up', async () => {
    const prefix = suitePrefix('agent-nodes');
    const extension = `5${Math.floor(1000 + Math.random() * 9000)}`;
    const op = await createUser(app.dataSource, `${prefix}-op`, 'operator', extension);
    const sup = await createUser(app.dataSource, `${prefix}-sup`, 'supervisor', null);
    ids.push(op.id, sup.id);
    const a = node();
    const b = node();
    const call = inboundCall(party(randomRuNumber(), null));

    // B owns the call: the operator rings, answers (B stores versions 1 and 2).
    await b.agents.onCallEvent(call.ringing(extension));
    await b.agents.onCallEvent(call.answered(extension));
    // A supervisor on A puts them on a break meanwhile (A reads version 2, stores 3); B does not hear of it.
    await a.agents.setState(sup, op.id, { state: 'break', reason: 'lunch' });
    // The call ends on B, which still believes `available`: it decides wrap-up, finds version 3 stored, and redoes
    // the end on the stored row.
    await b.agents.onCallEvent(call.ended(true));

    const [row] = await app.dataSource.query(
      `SELECT state, reason, wrap_up_until, activity, version FROM agent_states WHERE user_id = $1`,
      [op.id],
    );
    expect(row).toMatchObject({ state: 'break', reason: 'lunch', wrap_up_until: null, activity: null, version: '4' });
    const seen = b.pushes.map((p) => p.payload.state);
    expect(seen).toEqual(['ringing', 'on-call', 'wrap-up', 'break']);
    expect(b.pushes.at(-1)!.payload).toMatchObject({ userId: op.id, extension, reason: 'lunch' });
    expect(b.pushes[0]!.rooms).toEqual([`user:${op.id}`, 'role:supervisor', 'role:manager']);
    expect(await a.agents.get(op.id)).toMatchObject({ state: 'break', reason: 'lunch', baseState: 'break' });

    const history: { state: string; open: boolean; changed_by: string | null }[] = await app.dataSource.query(
      `SELECT state, ended_at IS NULL AS open, changed_by FROM agent_state_history WHERE user_id = $1
       ORDER BY started_at, id`,
      [op.id],
    );
    // The break hid behind the call (no interval of its own until the call ended); wrap-up never happened.
    expect(history.map((h) => h.state)).toEqual(['ringing', 'on-call', 'break']);
    expect(history.map((h) => h.open)).toEqual([false, false, true]);
  });

  it('a call the node decided whole ends from its book; only a call taken over asks the table who is on it', async () => {
    const prefix = suitePrefix('agent-whole');
    const extension = `5${Math.floor(1000 + Math.random() * 9000)}`;
    const op = await createUser(app.dataSource, `${prefix}-op`, 'operator', extension);
    ids.push(op.id);
    const asked: string[] = [];
    class CountingRepository extends AgentsRepository {
      override onCall(callId: string) {
        asked.push(callId);
        return super.onCall(callId);
      }
    }
    const a = node(new CountingRepository(app.dataSource));
    const busy = inboundCall(party(randomRuNumber(), null));
    const second = inboundCall(party(randomRuNumber(), null));
    await a.agents.onCallEvent(busy.ringing(extension), false);
    await a.agents.onCallEvent(busy.answered(extension), false);
    // A second line rings while the operator talks: the book puts nobody on it, and that is the answer.
    await a.agents.onCallEvent(second.ringing(extension), false);
    await a.agents.onCallEvent(second.ended(false), false);
    await a.agents.onCallEvent(busy.ended(true), false);
    expect(asked).toEqual([]);
    expect(a.pushes.map((p) => p.payload.state)).toEqual(['ringing', 'on-call', 'wrap-up']);

    // Another node takes over a call the first one answered: the end asks the table, and brings wrap-up.
    const taken = inboundCall(party(randomRuNumber(), null));
    await a.agents.setState(op, op.id, { state: 'available' });
    await a.agents.onCallEvent(taken.ringing(extension), false);
    await a.agents.onCallEvent(taken.answered(extension), false);
    const b = node(new CountingRepository(app.dataSource));
    await b.agents.onCallEvent(taken.ended(true), true);
    expect(asked).toEqual([taken.callId]);
    const [row] = await app.dataSource.query(`SELECT state, activity FROM agent_states WHERE user_id = $1`, [op.id]);
    expect(row).toEqual({ state: 'wrap-up', activity: null });
  });

  it('a node that starts reads the stored states and carries on from them', async () => {
    const prefix = suitePrefix('agent-restart');
    const extension = `5${Math.floor(1000 + Math.random() * 9000)}`;
    const op = await createUser(app.dataSource, `${prefix}-op`, 'operator', extension);
    ids.push(op.id);
    const call = inboundCall(party(randomRuNumber(), null));
    const before = node();
    await before.agents.onCallEvent(call.ringing(extension));
    await before.agents.onCallEvent(call.answered(extension));
    await before.agents.stop();

    // A restart: the new node learns who is on the call from the table, so the end still brings wrap-up.
    const after = node();
    await after.agents.start();
    await after.agents.onCallEvent(call.ended(true));
    await after.agents.stop();
    const [row] = await app.dataSource.query(
      `SELECT state, activity, activity_call_id FROM agent_states WHERE user_id = $1`,
      [op.id],
    );
    expect(row).toEqual({ state: 'wrap-up', activity: null, activity_call_id: null });
    expect(after.pushes.map((p) => p.payload.state)).toEqual(['wrap-up']);
  });
});
