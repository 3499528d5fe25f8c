import { useEffect, useMemo, useReducer } from 'react';

import { type CallCard } from '@contracts/dto/call-card';

import { parseCallCard } from '@client/modules/calls/utils/parseCallCard';
import { initialLivePopState, type LivePop, livePopReducer } from '@client/modules/calls/states/livePopState';
import { useRealtime, useSocketEvent } from '@client/realtime/realtimeContext';

/** The pop cards of the signed-in operator, driven by the socket and reconciled after every REST resync. */
export function useLivePops(extension: string | null): {
  pops: LivePop[];
  dismiss: (callId: string) => void;
  replaceCard: (callId: string, card: CallCard) => void;
} {
  const reducer = useMemo(() => livePopReducer(extension), [extension]);
  const [state, dispatch] = useReducer(reducer, initialLivePopState);
  const { activeCalls, activeCallsAsOf, resyncVersion } = useRealtime();

  useSocketEvent('call:ringing', (payload) => {
    // The card is network data like a request body: a malformed one is dropped, not half-rendered.
    const card = parseCallCard(payload.card);
    if (card) dispatch({ type: 'ringing', payload: { ...payload, card }, receivedAt: performance.now() });
  });
  useSocketEvent('call:answered', (payload) => dispatch({ type: 'answered', payload }));
  useSocketEvent('call:transferred', (payload) => dispatch({ type: 'transferred', payload }));
  useSocketEvent('call:ended', (payload) => dispatch({ type: 'ended', payload }));

  useEffect(() => {
    if (activeCalls) dispatch({ type: 'resync', calls: activeCalls, asOf: activeCallsAsOf });
  }, [activeCalls, activeCallsAsOf, resyncVersion]);

  return {
    pops: state.pops,
    dismiss: (callId: string) => dispatch({ type: 'dismiss', callId }),
    replaceCard: (callId: string, card: CallCard) => dispatch({ type: 'card', callId, card }),
  };
}
