import { createContext, useContext } from 'react';

import { type DialOverride, type DoNotCallReason } from '@contracts/dto/dial-policy';
import { type SoftphoneDriver } from '@client/modules/softphone/utils/jssipPhone';
import { type SoftphoneState } from '@client/modules/softphone/states/softphoneState';

/** How the last click-to-call went: through the browser softphone or the PBX (desk phone rings first). */
export type DialOutcome =
  | { via: 'webrtc'; number: string }
  | { via: 'pbx'; number: string; status: 'sending' | 'sent' | 'failed'; error?: unknown }
  /** The server was asked first (an outside number in the browser softphone). */
  | { via: 'check'; number: string }
  /** Do-not-call or blocked: nothing was dialled; `overridable` when this user may call anyway with a reason. */
  | { via: 'refused'; number: string; reason: DoNotCallReason; overridable: boolean; override?: DialOverride };

export interface Softphone {
  state: SoftphoneState;
  driver: SoftphoneDriver | null;
  extension: string | null;
  lastDial: DialOutcome | null;
  /**
   * Calls a number: WebRTC when registered (an outside number only after POST /api/calls/dial-check says yes),
   * otherwise POST /api/calls/originate. `override`: a supervisor's or manager's reason to call a refused number.
   */
  dial: (number: string, override?: DialOverride) => void;
  dismissProblem: () => void;
}

export const SoftphoneContext = createContext<Softphone | null>(null);

export function useSoftphone(): Softphone | null {
  return useContext(SoftphoneContext);
}
