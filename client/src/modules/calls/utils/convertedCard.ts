import { type ContactCallCard, type LeadCallCard } from '@contracts/dto/call-card';
import { type ConvertLeadResponse } from '@contracts/dto/lead';

/**
 * The card of a lead converted during the call, as the contact it became: the operator sees the client, not
 * "Lead · New", without waiting for another call. Built from what the conversion answered (the contact, its first
 * deal) and what the card already had (calls, history, owner, notes); the next pop comes from the server as usual.
 */
export function convertedCard(card: LeadCallCard, { contact, deal }: ConvertLeadResponse): ContactCallCard {
  return {
    callId: card.callId,
    direction: card.direction,
    queue: card.queue,
    occurredAt: card.occurredAt,
    kind: 'contact',
    number: card.number,
    contact: {
      id: contact.id,
      name: contact.name,
      // The answer carries only the company's id; the client's page shows it.
      company: null,
      owner: card.lead.owner,
      doNotCall: contact.doNotCall,
      tags: contact.tags,
      notes: card.lead.notes,
      custom: [],
    },
    openDeals: deal
      ? [
          {
            id: deal.id,
            title: deal.title,
            stage: deal.stage,
            stageName: null,
            amount: deal.amount,
            currency: deal.currency,
          },
        ]
      : [],
    openTasks: [],
    lastCalls: card.lastCalls,
    history: card.history,
    matches: null,
  };
}
