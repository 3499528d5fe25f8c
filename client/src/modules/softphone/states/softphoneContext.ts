import { createContext, useContext } from 'react';

import { type SoftphoneDriver } from '@client/modules/softphone/utils/jssipPhone';
import { type SoftphoneState } from '@client/modules/softphone/states/softphoneState';

/** How the last click-to-call went: through the browser softphone or the PBX (desk phone rings first). */
export type DialOutcome =
  | { via: 'webrtc'; number: string }
  | { via: 'pbx'; number: string; status: 'sending' | 'sent' | 'failed'; error?: unknown };

export interface Softphone {
  state: SoftphoneState;
  driver: SoftphoneDriver | null;
  extension: string | null;
  lastDial: DialOutcome | null;
  /** Calls a number: WebRTC when registered, otherwise POST /api/calls/originate. */
  dial: (number: string) => void;
  dismissProblem: () => void;
}

export const SoftphoneContext = createContext<Softphone | null>(null);

export function useSoftphone(): Softphone | null {
  return useContext(SoftphoneContext);
}
