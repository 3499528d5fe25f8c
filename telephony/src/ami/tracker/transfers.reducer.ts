import type { AmiEvent } from '@telephony/ami/ami-message';
import { agentFromInterface, type Reducer, type Seen } from '@telephony/ami/tracker/tracker-reducer';

/** Transfers: BlindTransfer and AttendedTransfer become `call.transferred`, once each, naming both operators. */

/** The transfer events; false for any other. */
export function reduceTransferEvent(r: Reducer, name: string, ev: AmiEvent, seen: Seen): boolean {
  if (name === 'blindtransfer') onBlindTransfer(r, ev, seen);
  else if (name === 'attendedtransfer') onAttendedTransfer(r, ev, seen);
  else return false;
  return true;
}

function onBlindTransfer(r: Reducer, ev: AmiEvent, seen: Seen): void {
  if ((ev.fields.result ?? '').toLowerCase() !== 'success') return;
  const transferee = seen.transferee;
  const transferer = seen.transferer;
  const call = r.callOf(transferee ?? transferer);
  if (!call) return;
  const signature = `blind|${transferer?.uniqueid ?? ''}|${transferee?.uniqueid ?? ''}|${ev.fields.extension ?? ''}`;
  if (call.transfers.includes(signature)) return;
  call.transfers.push(signature);
  const fromAgentId = transferer?.agentId ?? call.agentId;
  const target = agentFromInterface(ev.fields.extension, r.config);
  if (target) call.agentId = target;
  r.emit(call, transferee?.uniqueid ?? call.originUniqueid, {
    type: 'call.transferred',
    kind: 'blind',
    ...(fromAgentId ? { fromAgentId } : {}),
    ...(target ? { agentId: target } : {}),
  });
}

/**
 * Asterisk 22 publishes AttendedTransfer after it has moved the target into the customer's bridge, so for an
 * attended transfer `call.bridged` (target now talks to the customer) comes just before `call.transferred`.
 */
function onAttendedTransfer(r: Reducer, ev: AmiEvent, seen: Seen): void {
  if ((ev.fields.result ?? '').toLowerCase() !== 'success') return;
  const transferee = seen.transferee;
  const call = r.callOf(transferee ?? seen.origtransferer);
  if (!call) return;
  const signature = `attended|${seen.origtransferer?.uniqueid ?? ''}|${seen.secondtransferer?.uniqueid ?? ''}`;
  if (call.transfers.includes(signature)) return;
  call.transfers.push(signature);
  const fromAgentId = seen.origtransferer?.agentId ?? call.agentId;
  const targetAgent = seen.transfertarget?.agentId;
  if (targetAgent) call.agentId = targetAgent;
  r.emit(call, transferee?.uniqueid ?? call.originUniqueid, {
    type: 'call.transferred',
    kind: 'attended',
    ...(fromAgentId ? { fromAgentId } : {}),
    ...(targetAgent ? { agentId: targetAgent } : {}),
  });
}
