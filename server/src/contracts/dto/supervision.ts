import { z } from 'zod';

/** listen: hear both sides; whisper: talk to the operator only; barge: talk to both. */
export const SPY_MODES = ['listen', 'whisper', 'barge'] as const;
export type SpyModeDto = (typeof SPY_MODES)[number];

export const spyRequestSchema = z.strictObject({ mode: z.enum(SPY_MODES) });
export type SpyRequest = z.infer<typeof spyRequestSchema>;

export interface SpyResponse {
  callId: string;
  mode: SpyModeDto;
  /** The supervisor's phone the monitoring leg rings. */
  extension: string;
  /**
   * `originated`: the supervisor's phone rings with a new monitoring leg; `switched`: the running leg changed mode
   * in place (ChanSpy DTMF 4/5/6), nothing was dropped.
   */
  action: 'originated' | 'switched';
}
