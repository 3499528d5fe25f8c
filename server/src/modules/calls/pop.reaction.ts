import { type Logger } from 'pino';
import { type DataSource, type EntityManager } from 'typeorm';

import { type CallEvent, TELEPHONY_ID_NAMESPACE, uuidV5 } from '@telephony';
import { callRoom, roleRoom, userRoom, type Realtime } from '@server/modules/realtime/realtime.server';

import { type LeadsService } from '@server/modules/leads/leads.service';

import { createAutoLeadReaction } from './auto-lead.reaction';
import { CallCardService, type CardViewer } from './call-card.service';
import { type CallReaction } from './call-pipeline';
import { projectCall, type CallProjection } from './call-projection';
import { CallerLinkService } from './caller-link.service';
import { extensionOf, toLiveCall } from './live-call.mapper';

export interface PopReactionDeps {
  dataSource: DataSource;
  realtime: Pick<Realtime, 'emitTo' | 'joinUserToCall'>;
  links: CallerLinkService;
  cards: CallCardService;
  logger: Logger;
}

/** Live screens (wallboard, supervision) follow every call. */
const LIVE_ROOMS = [roleRoom('supervisor'), roleRoom('manager')];

/**
 * Screen pop: the card goes to the user whose phone rings (`call:ringing` to `user:<id>`, who then joins
 * `call:<callId>`), and the call's later life goes to that room: `call:answered` (other screens hide the card),
 * `call:transferred` (the target gets the card: the pop moves), `call:ended`. Supervisors and managers get all of it.
 *
 * Runs once per newly stored event. Late and reordered events are recognised from the call's projection: a
 * ringing phone it no longer lists, or anything for an ended call, shows nothing. One card per (call, user) is
 * enforced by call_pops' primary key, across web nodes.
 */
export function createPopReaction(deps: PopReactionDeps): CallReaction {
  const { dataSource, realtime, logger } = deps;

  const userByExtension = async (extension: string): Promise<CardViewer | null> => {
    const rows = (await dataSource.query(
      'SELECT id, role FROM users WHERE extension = $1 AND active ORDER BY created_at LIMIT 1',
      [extension],
    )) as CardViewer[];
    return rows[0] ?? null;
  };

  /**
   * Events of one call are handled by whichever node took them, concurrently. Deciding and emitting under a
   * per-call lock, from the call's state re-projected at that moment, keeps what each screen sees in call order:
   * an answer handled after the end is dropped instead of resurrecting the card, a ring handled after the answer
   * pops nothing. Seed 2: the recorder (0) and the caller link (1) use the same call id.
   */
  const underCallLock = (callId: string, fn: (em: EntityManager, current: CallProjection) => Promise<void>) =>
    dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 2))', [callId]);
      const rows = (await em.query('SELECT payload FROM call_events WHERE call_id = $1 ORDER BY seq', [callId])) as {
        payload: CallEvent;
      }[];
      const current = projectCall(rows.map((r) => r.payload));
      if (current) await fn(em, current);
    });

  const pop = async (event: CallEvent, call: CallProjection, agentId: string, reason: 'ringing' | 'transfer') => {
    const extension = extensionOf(agentId);
    const viewer = await userByExtension(extension);
    if (!viewer) {
      logger.info({ callId: call.id, extension }, 'no active user has this extension: no screen pop');
      return;
    }
    const userId = viewer.id;
    const card = await deps.cards.build(call, await deps.links.resolve(call), viewer);
    if (!card) return; // internal calls and outbound calls to unknown numbers have no card
    await underCallLock(call.id, async (em, current) => {
      if (current.status === 'ended') return;
      if (reason === 'ringing' && !current.ringingAgents.includes(agentId)) return; // answered or stopped meanwhile
      const fresh = (await em.query(
        `INSERT INTO call_pops (call_id, user_id, extension, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING user_id`,
        [call.id, userId, extension, reason],
      )) as unknown[];
      if (fresh.length === 0) return; // this user already has the card (transfer + the target's own ringing)
      // The leg makes the call's contact/lead visible to this operator in the CRM (common/access/visibility).
      const legId =
        reason === 'ringing' ? event.legId : uuidV5(`${call.id}:transfer:${extension}`, TELEPHONY_ID_NAMESPACE);
      await em.query(
        `INSERT INTO call_legs (id, call_id, agent_extension, user_id, started_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING`,
        [legId, call.id, extension, userId, event.occurredAt],
      );
      realtime.joinUserToCall(userId, call.id);
      realtime.emitTo([userRoom(userId), ...LIVE_ROOMS], 'call:ringing', {
        call: toLiveCall(current),
        agentExtension: extension,
        card,
      });
    });
  };

  return async (event, call) => {
    const rooms = [callRoom(call.id), ...LIVE_ROOMS];
    // The final state has been announced already: an older event arriving late changes nothing on screen.
    if (call.status === 'ended' && event.type !== 'call.ended') return;
    switch (event.type) {
      case 'call.ringing':
        await pop(event, call, event.agentId, 'ringing');
        return;
      case 'call.answered': {
        const agentExtension = event.agentId ? extensionOf(event.agentId) : null;
        const userId = agentExtension ? (await userByExtension(agentExtension))?.id : undefined;
        await underCallLock(call.id, async (_em, current) => {
          if (current.status === 'ended') return;
          if (userId) realtime.joinUserToCall(userId, call.id);
          realtime.emitTo(rooms, 'call:answered', { call: toLiveCall(current), agentExtension });
        });
        return;
      }
      case 'call.transferred':
        await underCallLock(call.id, async (_em, current) => {
          if (current.status === 'ended') return;
          realtime.emitTo(rooms, 'call:transferred', {
            call: toLiveCall(current),
            kind: event.kind,
            fromAgentExtension: event.fromAgentId ? extensionOf(event.fromAgentId) : null,
            toAgentExtension: event.agentId ? extensionOf(event.agentId) : null,
          });
        });
        if (event.agentId) await pop(event, call, event.agentId, 'transfer');
        return;
      case 'call.ended':
        await underCallLock(call.id, async (_em, current) => {
          realtime.emitTo(rooms, 'call:ended', {
            call: toLiveCall(current),
            disposition: current.disposition ?? (event.answered ? 'answered' : 'missed'),
            waitSeconds: current.waitSeconds ?? event.waitSeconds,
            talkSeconds: current.talkSeconds ?? event.talkSeconds,
          });
        });
        return;
      default:
        return;
    }
  };
}

export interface ScreenPopDeps {
  dataSource: DataSource;
  realtime: Pick<Realtime, 'emitTo' | 'joinUserToCall'>;
  leads: LeadsService;
  defaultCountry: string;
  logger: Logger;
  /** QUEUE_DEFAULT_OWNER: login that owns leads from calls nobody answered. */
  queueDefaultOwner?: string;
}

/** The pipeline reactions of the screen pop, in order: link the caller (auto-lead) first, then pop. */
export function createScreenPopReactions(deps: ScreenPopDeps): CallReaction[] {
  const { dataSource, realtime, logger } = deps;
  const links = new CallerLinkService(dataSource, deps.leads, deps.defaultCountry, (lead, callId) => {
    logger.info({ callId, leadId: lead.id, phone: lead.phoneE164 }, 'lead created from an incoming call');
    realtime.emitTo([callRoom(callId), ...LIVE_ROOMS], 'lead:created', { lead, callId });
  });
  const cards = new CallCardService(dataSource);
  return [
    createAutoLeadReaction({ dataSource, links, logger, queueDefaultOwner: deps.queueDefaultOwner }),
    createPopReaction({ dataSource, realtime, links, cards, logger }),
  ];
}
