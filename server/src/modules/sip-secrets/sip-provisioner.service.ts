import { type TelephonyProvider, TelephonyError } from '@telephony';
import { type PbxApplied } from '@contracts/dto/user';
import { type Logger } from '@server/common/logger/logger';

/**
 * Asks the telephony adapter to bring the PBX's SIP secrets in line with the records (directly on the adapter
 * node, through the telephony relay elsewhere). The records are the truth: a failure is reported, not thrown, and
 * the adapter's periodic sync catches up.
 */
export class SipProvisioner {
  constructor(
    private readonly telephony: TelephonyProvider | null,
    private readonly logger?: Logger,
  ) {}

  async sync(): Promise<PbxApplied> {
    if (!this.telephony) {
      return { applied: false, note: 'Telephony is off (TELEPHONY_PROVIDER=none): nothing to provision' };
    }
    if (!this.telephony.syncCredentials) {
      return { applied: false, note: 'This telephony adapter cannot provision SIP secrets' };
    }
    try {
      await this.telephony.syncCredentials();
      return { applied: true, note: null };
    } catch (err) {
      this.logger?.warn({ err }, 'SIP secrets not provisioned');
      const detail = err instanceof TelephonyError ? err.message : 'unexpected error';
      return { applied: false, note: `The PBX was not provisioned: ${detail}` };
    }
  }
}
