import { z } from 'zod';

/**
 * What the browser softphone needs to register with the PBX as the signed-in operator's WebRTC twin
 * (`<extension>-web` in the reference profile). Returned by `GET /api/softphone/config` to that user only.
 */
export const softphoneConfigSchema = z.object({
  /** SIP over WebSocket URL of the PBX, e.g. ws://127.0.0.1:8088/ws. */
  wsUrl: z.string(),
  /** Address of record the softphone registers, e.g. sip:1001-web@127.0.0.1. */
  sipUri: z.string(),
  authUser: z.string(),
  password: z.string(),
  displayName: z.string(),
  /** The operator's extension (the desk phone's number; transfers and the card use it). */
  extension: z.string(),
  /** True with demo telephony (the quick start): there is no PBX, so the softphone does not register. */
  demo: z.boolean().optional(),
});
export type SoftphoneConfigDto = z.infer<typeof softphoneConfigSchema>;
