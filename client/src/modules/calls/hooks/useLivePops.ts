import { useEffect, useMemo, useReducer, useRef } from 'react';

import { type CallCard } from '@contracts/dto/call-card';

import { livePopApi } from '@client/modules/calls/api/livePopApi';
import { parseCallCard } from '@client/modules/calls/utils/parseCallCard';
import {
  callsToRestore,
  initialLivePopState,
  type LivePop,
  livePopReducer,
} from '@client/modules/calls/states/livePopState';
import { useRealtime, useSocketEvent } from '@client/realtime/realtimeContext';

/**
 * The pop cards of the signed-in operator, driven by the socket and reconciled after every REST resync; a resync
 * also brings back the cards of my live calls this screen has none of (a reload, a ring missed while offline).
 */
export function useLivePops(extension: string | null): {
  pops: LivePop[];
  dismiss: (callId: string) => void;
  replaceCard: (callId: string, card: CallCard) => void;
} {
  const reducer = useMemo(() => livePopReducer(extension), [extension]);
  const [state, dispatch] = useReducer(reducer, initialLivePopState);
  const current = useRef(state);
  useEffect(() => {
    current.current = state;
  });
  const { activeCalls, activeCallsAsOf, resyncVersion } = useRealtime();

  useSocketEvent('call:ringing', (payload) => {
    // The card is network data like a request body: a malformed one is dropped, not half-rendered.
    const card = parseCallCard(payload.card);
    if (card) dispatch({ type: 'ringing', payload: { ...payload, card }, receivedAt: performance.now() });
  });
  useSocketEvent('call:answered', (payload) => dispatch({ type: 'answered', payload, receivedAt: performance.now() }));
  useSocketEvent('call:transferred', (payload) =>
    dispatch({ type: 'transferred', payload, receivedAt: performance.now() }),
  );
  useSocketEvent('call:ended', (payload) => dispatch({ type: 'ended', payload, receivedAt: performance.now() }));

  useEffect(() => {
    if (!activeCalls) return;
    dispatch({ type: 'resync', calls: activeCalls, asOf: activeCallsAsOf });
    const controller = new AbortController();
    for (const call of callsToRestore(current.current, activeCalls, extension)) {
      livePopApi
        .card(call.id, controller.signal)
        .then((payload) => {
          const card = parseCallCard(payload);
          if (card) dispatch({ type: 'restore', call, card, asOf: activeCallsAsOf });
        })
        .catch(() => {
          // A 404: the call's row is written after its ring is pushed, and that ring brings the card itself.
        });
    }
    return () => controller.abort();
  }, [activeCalls, activeCallsAsOf, resyncVersion, extension]);

  return {
    pops: state.pops,
    dismiss: (callId: string) => dispatch({ type: 'dismiss', callId }),
    replaceCard: (callId: string, card: CallCard) => dispatch({ type: 'card', callId, card }),
  };
}
