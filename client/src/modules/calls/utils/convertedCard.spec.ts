import { describe, expect, it } from 'vitest';

import { callCardSchema, type LeadCallCard } from '@contracts/dto/call-card';
import { type ConvertLeadResponse } from '@contracts/dto/lead';
import { convertedCard } from '@client/modules/calls/utils/convertedCard';
import { initialLivePopState, livePopReducer } from '@client/modules/calls/states/livePopState';

const leadCard = callCardSchema.parse({
  kind: 'lead',
  callId: 'call-9',
  direction: 'inbound',
  queue: 'sales',
  occurredAt: '2026-11-23T09:00:00.000Z',
  number: { raw: '+74951234567', e164: '+74951234567' },
  lead: {
    id: 'l-1',
    status: 'new',
    createdByThisCall: false,
    createdAt: '2026-11-20T09:00:00.000Z',
    owner: { id: 'u-1', name: 'Оператор Один' },
    notes: 'Звонил про доставку',
  },
  lastCalls: [
    {
      id: 'old',
      startedAt: '2026-11-20T09:00:00.000Z',
      direction: 'inbound',
      answered: true,
      talkSeconds: 30,
      agent: null,
      recordingUrl: null,
    },
  ],
}) as LeadCallCard;

const answer = (withDeal: boolean): ConvertLeadResponse =>
  ({
    lead: { id: 'l-1' },
    contact: { id: 'ct-7', name: 'Пётр Новиков', doNotCall: false, tags: ['web'], companyId: null },
    deal: withDeal ? { id: 'd-7', title: 'Первый заказ', stage: 'new', amount: '5000.00', currency: 'RUB' } : null,
  }) as unknown as ConvertLeadResponse;

describe('convertedCard', () => {
  it('turns the lead’s card into the contact’s, keeping the calls, history, owner and notes', () => {
    const card = convertedCard(leadCard, answer(true));
    // What the server would push for this number now, in the card's own schema.
    expect(callCardSchema.parse(card)).toEqual(card);
    expect(card).toMatchObject({
      kind: 'contact',
      callId: 'call-9',
      number: leadCard.number,
      contact: { id: 'ct-7', name: 'Пётр Новиков', owner: { id: 'u-1' }, notes: 'Звонил про доставку', tags: ['web'] },
      openDeals: [{ id: 'd-7', title: 'Первый заказ', amount: '5000.00' }],
      lastCalls: leadCard.lastCalls,
    });
    expect(convertedCard(leadCard, answer(false)).openDeals).toEqual([]);
  });

  it('replaces the live card of that call only', () => {
    const reduce = livePopReducer('1001');
    const call = { id: 'call-9' } as never;
    let state = reduce(initialLivePopState, {
      type: 'ringing',
      payload: { call, card: leadCard, agentExtension: '1001' } as never,
      receivedAt: 1,
    });
    state = reduce(state, { type: 'card', callId: 'call-9', card: convertedCard(leadCard, answer(true)) });
    expect(state.pops.map((p) => [p.callId, p.card.kind, p.phase])).toEqual([['call-9', 'contact', 'ringing']]);
    expect(reduce(state, { type: 'card', callId: 'other', card: leadCard })).toBe(state);
  });
});
