import type { Dialog } from '@telephony/sip/drachtio';

const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  404: 'Not Found',
  408: 'Request Timeout',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  487: 'Request Terminated',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  603: 'Decline',
};

/** The `message/sipfrag` body of a REFER's NOTIFY (RFC 3515 2.4.5): the status line of the referred request. */
export function sipfrag(status: number, reason?: string): string {
  const code = Number.isInteger(status) && status >= 100 && status <= 699 ? status : 500;
  const phrase = (reason ?? REASONS[code] ?? '').replace(/[\r\n]+/g, ' ').trim();
  return `SIP/2.0 ${code}${phrase ? ` ${phrase}` : ''}\r\n`;
}

/**
 * Progress of a REFER we accepted, told to the transferor as RFC 3515 NOTIFYs in the REFER's dialog: `100 Trying`
 * at once, then the outcome (the target's answer, or its failure) ending the implicit subscription. NOTIFYs go out
 * one after another, so the transferor sees them in order; a transferor that no longer answers only costs a diagnostic.
 */
export class ReferProgress {
  private chain: Promise<void> = Promise.resolve();
  private done = false;
  private readonly event: string;

  constructor(
    private readonly dialog: Dialog,
    referCseq: string | undefined,
    private readonly onError: (message: string, error: unknown) => void,
  ) {
    const id = /^\s*(\d+)/.exec(referCseq ?? '')?.[1];
    this.event = id ? `refer;id=${id}` : 'refer';
  }

  trying(): Promise<void> {
    return this.notify(100, undefined, false);
  }

  /** The final NOTIFY; later calls do nothing. Resolves once it was answered (or failed). */
  outcome(status: number, reason?: string): Promise<void> {
    if (this.done) return this.chain;
    this.done = true;
    return this.notify(status, reason, true);
  }

  private notify(status: number, reason: string | undefined, final: boolean): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (!this.dialog.connected) return;
      try {
        await this.dialog.request({
          method: 'NOTIFY',
          headers: {
            Event: this.event,
            'Subscription-State': final ? 'terminated;reason=noresource' : 'active;expires=60',
            'Content-Type': 'message/sipfrag;version=2.0',
          },
          body: sipfrag(status, reason),
        });
      } catch (error) {
        this.onError(`NOTIFY ${status} to the transferor failed`, error);
      }
    });
    return this.chain;
  }
}
