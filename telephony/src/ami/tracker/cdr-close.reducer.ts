import type { HangupCause } from '@telephony/model/hangup-cause';
import type { AmiEvent } from '@telephony/ami/ami-message';
import { roleOf, type CdrOutcome, type Reducer } from '@telephony/ami/tracker/tracker-reducer';
import { own } from '@telephony/ami/tracker/tracker-state';

const CDR_CAUSE: Record<string, HangupCause> = {
  ANSWERED: 'normal-clearing',
  'NO ANSWER': 'no-answer',
  NOANSWER: 'no-answer',
  BUSY: 'busy',
  CONGESTION: 'congestion',
  FAILED: 'failed',
};

/**
 * cdr_manager `Event: Cdr` (with a `LinkedID` mapping in cdr_manager.conf) closes a call that resync found gone.
 * Asterisk writes one Cdr per dialled leg (a queue call: NO ANSWER for each member that rang, ANSWERED for the one
 * who took it), so an ANSWERED record closes the call at once and unanswered ones are kept until the grace period
 * ends (`expirePendingCalls`). Live calls are closed by their Hangup events, so a Cdr for them is ignored.
 */
export function closeFromCdr(r: Reducer, ev: AmiEvent): void {
  const f = ev.fields;
  const key = f.linkedid ?? (f.uniqueid ? r.d.peekChannel(f.uniqueid)?.callKey : undefined);
  if (!key) return;
  const peek = r.d.peekCall(key);
  if (!peek || peek.pendingCloseSinceMs === undefined) return;
  const call = r.d.call(key);
  if (!call) return;
  const disposition = (f.disposition ?? '').toUpperCase();
  const duration = Number(f.duration ?? '0');
  const billable = Number(f.billableseconds ?? '0');
  const outcome: CdrOutcome = {
    cause: own(CDR_CAUSE, disposition) ?? 'failed',
    rawCause: disposition || 'UNKNOWN',
    answered: disposition === 'ANSWERED',
    durationSeconds: Number.isFinite(duration) ? duration : 0,
    billableSeconds: Number.isFinite(billable) ? billable : 0,
  };
  if (outcome.answered) {
    const agentId = roleOf(f.destinationchannel ?? '', r.config).agentId;
    if (agentId) call.agentId = agentId;
    r.endCall(call, '', outcome);
    return;
  }
  const best = call.pendingCdr;
  if (!best || outcome.durationSeconds > best.durationSeconds) call.pendingCdr = outcome;
}
