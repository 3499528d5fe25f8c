import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callCardSchema } from '@contracts/dto/call-card';
import { createTelephonyProvider } from '@telephony';
import { amiConfigFromEnv, plugPhone } from '@test/support/ami-live';
import { createUser, deleteUsers, suitePrefix, type SeededUser } from '@test/support/api-server';
import { deleteCallsOf } from '@test/support/delete-calls';
import { waitFor } from '@test/support/services/ports';
import { runSipp, type Phone } from '@test/support/sipp';
import { connectOperator, startWebNode, type Received, type WebNode } from '@test/support/web-node';

// The whole path on the real Asterisk 22 driven by sipp: AMI adapter → Redis Stream → recorder (Postgres) →
// screen-pop reactions → Socket.IO → socket.io-client sockets of operators logged in over REST. Run under
// `flock /tmp/zv-live.lock` (it places calls).

const KNOWN = '+79161234567'; // caller of uac-queue-answered-expect-200.xml
const UNKNOWN = '+79161112233'; // caller of uac-queue-abandoned-expect-487.xml
const TRANSFERRED = '+79161234599'; // caller of uac-transfer-blind-expect-200.xml
const CONSULTED = '+79161234598'; // caller of uac-transfer-attended-expect-200.xml
const EXTENSIONS = ['1001', '1002', '1003'];

interface Screen {
  user: SeededUser;
  received: Received[];
}

describe('screen pop from real calls (Asterisk 22 + sipp)', () => {
  let node: WebNode;
  const screens = new Map<string, Screen>();
  let supervisor: SeededUser;
  let supervisorScreen: Received[];
  const closers: (() => void)[] = [];
  /** Users of other suites holding the reference extensions are put aside so the pops are ours to see. */
  let parked: string[] = [];

  beforeAll(async () => {
    const provider = createTelephonyProvider(amiConfigFromEnv());
    const prefix = suitePrefix('live-pop');
    node = await startWebNode({ name: 'live', redis: true, provider, queueDefaultOwner: `${prefix}-sup` });
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000, intervalMs: 50 });
    parked = (
      (await node.dataSource.query(
        `UPDATE users SET active = false WHERE extension = ANY($1) AND active RETURNING id`,
        [EXTENSIONS],
      )) as [{ id: string }[], number]
    )[0].map((r) => r.id);
    for (const extension of EXTENSIONS) {
      const user = await createUser(node.dataSource, `${prefix}-${extension}`, 'operator', extension);
      const { socket, received } = await connectOperator(node.baseUrl, user.login);
      closers.push(() => socket.close());
      screens.set(extension, { user, received });
    }
    supervisor = await createUser(node.dataSource, `${prefix}-sup`, 'supervisor');
    const sup = await connectOperator(node.baseUrl, supervisor.login);
    closers.push(() => sup.socket.close());
    supervisorScreen = sup.received;
    await deleteCallsOf(node.dataSource, [UNKNOWN, TRANSFERRED, CONSULTED]);
  });
  afterAll(async () => {
    for (const close of closers) close();
    if (node) {
      const ids = [...screens.values()].map((s) => s.user.id).concat(supervisor ? [supervisor.id] : []);
      await deleteCallsOf(node.dataSource, [UNKNOWN, TRANSFERRED, CONSULTED]);
      await deleteUsers(node.dataSource, ids);
      await node.dataSource.query(`UPDATE users SET active = true WHERE id = ANY($1)`, [parked]);
      await node.close();
    }
  });

  const screen = (extension: string) => screens.get(extension)!.received;
  const events = (received: Received[], event: string, callId: string) =>
    received.filter((r) => r.event === event && (r.payload.call?.id ?? r.payload.callId) === callId);
  const popFrom = (extension: string, e164: string) =>
    screen(extension).find((r) => r.event === 'call:ringing' && r.payload.call.from.e164 === e164);

  async function call(scenario: string, service: string, phones: Array<[string, string]>): Promise<void> {
    // Queue wrap-up (1 s) after the previous call, or the member is skipped for a whole ring round.
    await new Promise((r) => setTimeout(r, 2000));
    const plugged: Phone[] = [];
    try {
      for (const [extension, uas] of phones) plugged.push(await plugPhone(extension, uas));
      const result = await runSipp(scenario, { service, timeoutMs: 30_000 });
      expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    } finally {
      await Promise.all(plugged.map((p) => p.stop()));
    }
  }

  const endedOn = (received: Received[], callId: string) =>
    waitFor(async () => events(received, 'call:ended', callId).length > 0, {
      what: `call:ended of ${callId}`,
      timeoutMs: 10_000,
      intervalMs: 50,
    });

  it('queue call from a known contact: the card pops on every ringing member, the other one is told who answered', async () => {
    const [contact] = await node.dataSource.query(
      `INSERT INTO contacts (name, owner_id) VALUES ('Анна Смирнова', $1) RETURNING id`,
      [screens.get('1002')!.user.id],
    );
    await node.dataSource.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
      contact.id,
      KNOWN,
      KNOWN.slice(2),
    ]);
    try {
      await call('uac-queue-answered-expect-200.xml', '7000', [
        ['1001', 'uas-operator-answer.xml'],
        ['1002', 'uas-operator-ring.xml'],
      ]);
      const pop1 = popFrom('1001', KNOWN);
      const pop2 = popFrom('1002', KNOWN);
      expect(pop1, 'pop on 1001').toBeDefined();
      expect(pop2, 'pop on 1002').toBeDefined();
      const callId: string = pop1!.payload.call.id;
      for (const pop of [pop1!, pop2!]) {
        expect(callCardSchema.parse(pop.payload.card)).toMatchObject({
          kind: 'contact',
          callId,
          queue: 'support',
          contact: { id: contact.id, name: 'Анна Смирнова', owner: { id: screens.get('1002')!.user.id } },
        });
      }
      await endedOn(screen('1002'), callId);
      expect(events(screen('1002'), 'call:answered', callId).map((r) => r.payload.agentExtension)).toEqual(['1001']);
      expect(events(screen('1001'), 'call:answered', callId)).toHaveLength(1);
      expect(events(screen('1001'), 'call:ringing', callId)).toHaveLength(1);
      expect(events(screen('1001'), 'call:ended', callId)[0]!.payload).toMatchObject({ disposition: 'answered' });
      const [row] = await node.dataSource.query('SELECT contact_id, lead_id FROM calls WHERE id = $1', [callId]);
      expect(row).toEqual({ contact_id: contact.id, lead_id: null });
      console.log(
        `[screen-pop] contact card on 1001 and 1002; 1002 told 1001 answered; 1001 saw ` +
          screen('1001')
            .filter((r) => (r.payload.call?.id ?? r.payload.callId) === callId)
            .map((r) => r.event)
            .join(' → '),
      );
    } finally {
      await node.dataSource.query('DELETE FROM contacts WHERE id = $1', [contact.id]);
    }
  });

  it('unknown caller who gives up: exactly one lead, a pop marked as new lead, owned by the queue default owner', async () => {
    await call('uac-queue-abandoned-expect-487.xml', '7000', [['1001', 'uas-operator-ring.xml']]);
    const pop = popFrom('1001', UNKNOWN);
    expect(pop, 'pop on 1001').toBeDefined();
    const callId: string = pop!.payload.call.id;
    expect(pop!.payload.card).toMatchObject({ kind: 'lead', lead: { createdByThisCall: true, owner: null } });
    await endedOn(screen('1001'), callId);
    expect(events(screen('1001'), 'call:ended', callId)[0]!.payload).toMatchObject({ disposition: 'abandoned' });
    expect(events(supervisorScreen, 'lead:created', callId)).toHaveLength(1);
    const leadsOf = () =>
      node.dataSource.query('SELECT id, source, owner_id FROM leads WHERE phone_e164 = $1', [UNKNOWN]);
    // The owner is a reaction to the call's end, so it lands just after `call:ended` reached the screens.
    await waitFor(async () => (await leadsOf()).some((l: { owner_id: string | null }) => l.owner_id !== null), {
      what: 'the lead given to the queue default owner',
      timeoutMs: 10_000,
    }).catch(() => undefined);
    const leads = await leadsOf();
    expect(leads).toEqual([{ id: pop!.payload.card.lead.id, source: 'call', owner_id: supervisor.id }]);
  });

  it('blind transfer: the pop moves from 1001 to 1002', async () => {
    await call('uac-transfer-blind-expect-200.xml', '7001', [
      ['1001', 'uas-operator-refer-blind.xml'],
      ['1002', 'uas-operator-answer.xml'],
    ]);
    const first = popFrom('1001', TRANSFERRED);
    expect(first, 'pop on 1001').toBeDefined();
    const callId: string = first!.payload.call.id;
    await endedOn(screen('1002'), callId);
    const moved = events(screen('1002'), 'call:ringing', callId);
    expect(moved).toHaveLength(1);
    expect(moved[0]!.payload).toMatchObject({ agentExtension: '1002', card: { kind: 'lead', callId } });
    expect(moved[0]!.payload.card.lead.id).toBe(first!.payload.card.lead.id);
    const transferred = events(screen('1001'), 'call:transferred', callId);
    expect(transferred.map((r) => r.payload)).toEqual([
      expect.objectContaining({ kind: 'blind', fromAgentExtension: '1001', toAgentExtension: '1002' }),
    ]);
    expect(events(screen('1002'), 'call:ended', callId)[0]!.payload.call.agentExtension).toBe('1002');
  });

  it('attended transfer: the consulted operator gets the card once, and the call ends on their screen', async () => {
    await call('uac-transfer-attended-expect-200.xml', '7001', [
      ['1001', 'uas-operator-atxfer.xml'],
      ['1003', 'uas-operator-answer.xml'],
    ]);
    const first = popFrom('1001', CONSULTED);
    expect(first, 'pop on 1001').toBeDefined();
    const callId: string = first!.payload.call.id;
    await endedOn(screen('1003'), callId);
    const moved = events(screen('1003'), 'call:ringing', callId);
    expect(moved).toHaveLength(1);
    expect(moved[0]!.payload).toMatchObject({ agentExtension: '1003', card: { kind: 'lead', callId } });
    expect(events(screen('1001'), 'call:transferred', callId).map((r) => r.payload)).toEqual([
      expect.objectContaining({ kind: 'attended', fromAgentExtension: '1001', toAgentExtension: '1003' }),
    ]);
    expect(events(screen('1003'), 'call:ended', callId)[0]!.payload.call.agentExtension).toBe('1003');
  });
});
