import type { CallEvent, CallEventType } from '@telephony/model/call-event';
import type { HangupCause } from '@telephony/model/hangup-cause';

/** One event the scenario requires, with the fields that must match. */
export interface ExpectedEvent {
  type: CallEventType;
  agentId?: string;
  fromAgentId?: string;
  kind?: 'blind' | 'attended';
  cause?: HangupCause;
  answered?: boolean;
  abandoned?: boolean;
}

/**
 * Provider contract scenario: what the caller does, and the normalized events any provider (AMI or SIP) must
 * emit for that call. `expected` is an ordered subsequence: providers may emit more in between (AMI reports
 * extra ring-stopped or recording events), but these must appear in this order with these fields, every call
 * ends exactly once and last, and `seq` runs 1, 2, 3… . Run against both providers by
 * test/integration/provider-contract.int.spec.ts (AMI on the live Asterisk, SIP on the live drachtio-server and
 * rtpengine), which also requires both to give the same whole sequence.
 */
export interface ContractScenario {
  name: string;
  /** Caller as the trunk presents it, and its expected normalized form. */
  caller: { number: string; name?: string; e164: string | null; anonymous: boolean };
  /** Operator the route hook (SIP) or the dialplan/queue (AMI) rings first. */
  agent: string;
  expected: ExpectedEvent[];
}

const AGENT = '1001';

export const CONTRACT_SCENARIOS = {
  answered: {
    name: 'answered',
    caller: { number: '+79161234567', name: 'Ivan Petrov', e164: '+79161234567', anonymous: false },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.ringing', agentId: AGENT },
      { type: 'call.answered', agentId: AGENT },
      { type: 'call.ended', cause: 'normal-clearing', answered: true, abandoned: false, agentId: AGENT },
    ],
  },
  missed: {
    name: 'missed (operator busy, 486)',
    caller: { number: '89161234567', e164: '+79161234567', anonymous: false },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.ringing', agentId: AGENT },
      { type: 'call.ring-stopped', agentId: AGENT },
      { type: 'call.ended', cause: 'busy', answered: false, abandoned: false },
    ],
  },
  noAnswer: {
    name: 'no answer (the operator phone rings out: 480 to the caller)',
    caller: { number: '+74951234567', e164: '+74951234567', anonymous: false },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.ringing', agentId: AGENT },
      { type: 'call.ring-stopped', agentId: AGENT },
      { type: 'call.ended', cause: 'no-answer', answered: false, abandoned: false },
    ],
  },
  abandoned: {
    name: 'abandoned (caller cancels while ringing)',
    caller: { number: '+79161112233', name: 'Maria', e164: '+79161112233', anonymous: false },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.ringing', agentId: AGENT },
      { type: 'call.ring-stopped', agentId: AGENT },
      { type: 'call.ended', cause: 'cancel', answered: false, abandoned: true },
    ],
  },
  transfer: {
    name: 'blind transfer 1001 → 1002',
    caller: { number: '+74951234567', name: 'Oleg', e164: '+74951234567', anonymous: false },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.answered', agentId: AGENT },
      { type: 'call.transferred', kind: 'blind', fromAgentId: AGENT, agentId: '1002' },
      { type: 'call.bridged', agentId: '1002' },
      { type: 'call.ended', cause: 'normal-clearing', answered: true, agentId: '1002' },
    ],
  },
  // The operator's phone does it all, as desk phones and softphones do: hold, its own consultation call to 1003
  // (Asterisk gives that a linkedid of its own; both providers fold it into the customer's call), then REFER with
  // Replaces naming the consultation.
  attended: {
    name: 'attended transfer 1001 → 1003 from the operator phone (hold, consultation, REFER with Replaces)',
    caller: { number: '+74951234567', name: 'Oleg', e164: '+74951234567', anonymous: false },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.answered', agentId: AGENT },
      { type: 'call.held' },
      { type: 'call.ringing', agentId: '1003' },
      { type: 'call.bridged', agentId: '1003' },
      { type: 'call.transferred', kind: 'attended', fromAgentId: AGENT, agentId: '1003' },
      { type: 'call.ended', cause: 'normal-clearing', answered: true, agentId: '1003' },
    ],
  },
  withheld: {
    name: 'withheld number',
    caller: { number: 'anonymous', name: 'Anonymous', e164: null, anonymous: true },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.answered', agentId: AGENT },
      { type: 'call.ended', cause: 'normal-clearing', answered: true },
    ],
  },
  // The carrier's usual form (issue #14): From anonymous, the real number in P-Asserted-Identity, `Privacy: id`.
  // Asterisk then has the number in CallerIDNum; only the caller-ID presentation withholds it.
  'withheld-pai': {
    name: 'withheld number, P-Asserted-Identity + Privacy: id',
    caller: { number: '+79160003399', e164: null, anonymous: true },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.answered', agentId: AGENT },
      { type: 'call.ended', cause: 'normal-clearing', answered: true },
    ],
  },
  ru8: {
    name: '8-prefixed caller (89161234567 = +79161234567), answered',
    caller: { number: '89161234567', e164: '+79161234567', anonymous: false },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.ringing', agentId: AGENT },
      { type: 'call.answered', agentId: AGENT },
      { type: 'call.ended', cause: 'normal-clearing', answered: true, abandoned: false, agentId: AGENT },
    ],
  },
  clickToCall: {
    name: 'click-to-call: 1001 answers first, then the customer',
    // The call is the operator's: from their extension (no E.164), to the customer.
    caller: { number: '1001', e164: null, anonymous: false },
    agent: AGENT,
    expected: [
      { type: 'call.created' },
      { type: 'call.ringing', agentId: AGENT },
      { type: 'call.ring-stopped', agentId: AGENT },
      { type: 'call.answered', agentId: AGENT },
      { type: 'call.ended', cause: 'normal-clearing', answered: true, abandoned: false, agentId: AGENT },
    ],
  },
} satisfies Record<string, ContractScenario>;

export type ContractScenarioName = keyof typeof CONTRACT_SCENARIOS;

/** What is wrong with one call's events against a scenario; empty when it conforms. */
export function mismatches(events: readonly CallEvent[], scenario: ContractScenario): string[] {
  const problems: string[] = [];
  if (events.length === 0) return ['no events'];
  const callIds = new Set(events.map((e) => e.callId));
  if (callIds.size !== 1) problems.push(`expected one call, got ${callIds.size}`);
  events.forEach((e, i) => {
    if (e.seq !== i + 1) problems.push(`seq ${e.seq} at position ${i + 1}`);
  });
  if (events.filter((e) => e.type === 'call.ended').length !== 1) problems.push('call.ended not exactly once');
  if (events.at(-1)?.type !== 'call.ended') problems.push('last event is not call.ended');
  const first = events[0];
  if (first && (first.from.anonymous !== scenario.caller.anonymous || first.from.e164 !== scenario.caller.e164)) {
    problems.push(`caller ${JSON.stringify(first.from)} is not ${JSON.stringify(scenario.caller)}`);
  }
  // A withheld number is dropped by the adapter: no event may carry it in any field (raw, name, anything).
  const digits = scenario.caller.number.replace(/\D/g, '').slice(-10);
  if (scenario.caller.anonymous && digits.length === 10 && JSON.stringify(events).includes(digits)) {
    problems.push(`the withheld number ${scenario.caller.number} appears in the events`);
  }
  let at = 0;
  for (const want of scenario.expected) {
    const found = events.findIndex((e, i) => i >= at && matches(e, want));
    if (found === -1) {
      problems.push(
        `missing ${JSON.stringify(want)} after position ${at} in [${events.map((e) => e.type).join(', ')}]`,
      );
      continue;
    }
    at = found + 1;
  }
  return problems;
}

function matches(event: CallEvent, want: ExpectedEvent): boolean {
  const record = event as unknown as Record<string, unknown>;
  return Object.entries(want).every(([k, v]) => record[k] === v);
}
