import { type CallEvent } from '@telephony';

import { type CallProjection } from './call-projection';

/** Who is on the other end of a call, as far as the CRM can tell; decided once per call by its owner. */
export type CallerLink =
  | { kind: 'contact'; contactId: string }
  /** `createdByThisCall`: this call created the lead (a database fact: `leads.source_call_id`). */
  | { kind: 'lead'; leadId: string; createdByThisCall: boolean }
  /** Withheld caller id, or a number too broken to look up: nothing can be found or created. */
  | { kind: 'withheld' }
  /** An inbound number on the blocked list that is no contact's: no lead is made for it (and no card shown). */
  | { kind: 'blocked' }
  /** An internal call, or an outbound call to a number that is no contact: no card, no lead. */
  | { kind: 'none' };

/**
 * One decided call event: the record before and after it, as the call's owner keeps them in memory. `before` is
 * null for the call's first event. Reactions get this after the event is stored; they take no locks and never
 * re-derive the call.
 */
export interface CallChange {
  event: CallEvent;
  before: CallProjection | null;
  after: CallProjection;
  link: CallerLink;
  /**
   * The owner read the call from the store before deciding its events (it took the call over from another node, or
   * restarted): who was ringing for it or on it was decided elsewhere, and only the tables know it.
   */
  takenOver: boolean;
}

/**
 * Work done once per stored call event (callback tasks, recordings, agent states, the lead's owner…), in call
 * order. A throw is logged and not retried (the event is already stored), so a reaction must be idempotent by
 * itself and keep its own guarantees in database constraints. A reaction that is slow (a transcode) holds up the
 * acknowledgement of its event, never a screen.
 */
export type CallReaction = (change: CallChange) => Promise<void>;
