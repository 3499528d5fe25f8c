import { type TelephonyProvider } from '@telephony';
import { type CampaignAttemptOutcome } from '@contracts/dto/campaign';
import { type Logger } from '@server/common/logger/logger';
import { type AgentsService } from '@server/modules/agents/agents.service';
import { type DialPolicyService } from '@server/modules/dial-policy/dial-policy.service';

import {
  type AttemptRow,
  type CampaignRow,
  type CampaignsRepository,
  type ClaimedAttempt,
  type RecordRow,
} from './campaigns.repository';
import { afterAttempt, customerFirstLines, deferredUntil, outcomeOf, pace, scheduleOpen } from './dial-rules';

export interface DialerDeps {
  repo: CampaignsRepository;
  dialPolicy: Pick<DialPolicyService, 'outboundRefusal'>;
  /** `onChange`: an operator who becomes available is dialled for at once, not at the timer's next beat. */
  agents: Pick<AgentsService, 'list' | 'onChange'>;
  telephony: TelephonyProvider | null;
  /** Read at every decision: the company settings may change on any node. */
  settings: () => { timeZone: string; wrapUpSeconds: number };
  logger: Logger;
  nodeId: string;
  /** The dialer's clock; tests inject one to put a callee at 22:30. */
  now?: () => Date;
}

/** Why a claimed record is not dialled now. */
export type DialVerdict =
  { ok: true } | { ok: false; why: 'not-running' | 'do-not-call' | 'blocked' | 'outside-window'; until?: Date };

/** An operator whose phone was not answered is left alone this long. */
const OPERATOR_COOLDOWN_MS = 30_000;
/** An attempt no call ended for this long was left by a node that died. */
const STALE_ATTEMPT_MINUTES = 120;
/** How long an ended call waits for its attempt's originate to be confirmed (the two race by milliseconds). */
const CONNECT_WAIT_MS = 3_000;
/**
 * Customer first: how long an answered customer waits in the queue for a free operator before the PBX hangs up (an
 * abandoned call). Short, as regulators ask (Ofcom: 2 s to connect); a little more for the queue to ring a phone.
 */
export const CUSTOMER_FIRST_WAIT_SECONDS = 5;

/** Customer first: a ratio above one line per operator (operator first is ratio 1). */
export const customerFirst = (campaign: Pick<CampaignRow, 'ratio' | 'mode'>): boolean =>
  campaign.mode === 'progressive' && Number(campaign.ratio) > 1;

/**
 * The campaign dialer. Progressive campaigns: every tick, for each running campaign within its schedule, one record
 * per free operator (fewer once the abandon cap is exceeded) is claimed and dialled operator first. Preview
 * campaigns use the same claim and the same dial, on the operator's request.
 *
 * Every rule is checked again at the moment of dialling (`verdict`), not only when the list was built: the campaign
 * still running (a supervisor's stop is a row update every node sees at its next dial), the number not do-not-call
 * or blocked, the callee inside their local window. One number is never dialled twice at once, across campaigns
 * and nodes: the live attempt's row is the lock (uq_campaign_attempts_live_phone).
 */
export class CampaignDialer {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** A wake-up came during a tick: one more right after it, or that operator would wait for the next beat. */
  private again = false;
  private unsubscribe: (() => void) | undefined;
  private readonly cooldown = new Map<string, number>();
  private readonly dialling = new Set<Promise<void>>();

  constructor(private readonly deps: DialerDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Ticks every `tickMs`, and at once when an operator this node stored becomes available (a change on another node
   * is seen at this node's next beat).
   */
  start(tickMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.beat(false), tickMs);
    this.timer.unref();
    this.unsubscribe = this.deps.agents.onChange((agent) => {
      if (agent.state === 'available') this.beat(true);
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** A tick unless one is running; a wake-up during one asks for another right after it (a beat is just skipped). */
  private beat(wake: boolean): void {
    if (this.ticking) {
      this.again ||= wake;
      return;
    }
    this.ticking = true;
    this.again = false;
    this.tick()
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'campaign dialer tick failed'))
      .finally(() => {
        this.ticking = false;
        if (this.again && this.timer) this.beat(false);
      });
  }

  /** Resolves once the originates this node started are settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.dialling.size > 0) await Promise.allSettled([...this.dialling]);
  }

  /** One pass over the running progressive campaigns; returns the dials it started. */
  async tick(): Promise<number> {
    await this.sweepStale();
    let started = 0;
    for (const campaign of await this.deps.repo.running('progressive')) {
      started += await this.dialFor(campaign);
    }
    return started;
  }

  private async dialFor(campaign: CampaignRow): Promise<number> {
    const now = this.now();
    const { timeZone, wrapUpSeconds } = this.deps.settings();
    if (!scheduleOpen(campaign.schedule, timeZone, now)) return 0;
    if (!(await this.deps.repo.hasPending(campaign.id))) {
      if (await this.deps.repo.setStatus(campaign.id, ['running'], 'finished')) {
        this.deps.logger.info({ campaignId: campaign.id }, 'campaign finished: every record is closed');
      }
      return 0;
    }
    const free = await this.freeOperators(campaign, wrapUpSeconds, now);
    if (free.length === 0) return 0;
    const first = customerFirst(campaign);
    const lines = first
      ? customerFirstLines(free.length, Number(campaign.ratio), await this.deps.repo.unassignedLive(campaign.id))
      : free.length;
    if (lines === 0) return 0;
    const pacing = await this.deps.repo.pacing(campaign.id, campaign.abandon_window_minutes, 2_000, now);
    const n = pace({
      freeOperators: lines,
      abandonRate: pacing.abandonRate,
      abandonCapPercent: Number(campaign.abandon_cap_percent),
      recentStarts: pacing.recentStarts,
    });
    let started = 0;
    for (let i = 0; i < n; i++) {
      const operator = first ? null : free[i]!;
      const claimed = await this.claim(campaign, operator?.id ?? null);
      if (!claimed) break;
      const placing = operator
        ? this.place(campaign, claimed, operator.extension)
        : this.placeCustomerFirst(campaign, claimed);
      const dial = placing
        .then(() => undefined)
        .catch((err: unknown) => this.deps.logger.warn({ err, attemptId: claimed.attempt.id }, 'campaign dial failed'))
        .finally(() => this.dialling.delete(dial));
      this.dialling.add(dial);
      started++;
    }
    return started;
  }

  /** The campaign's operators who are available (wrap-up over), have no live attempt and were not just missed. */
  private async freeOperators(campaign: CampaignRow, wrapUpSeconds: number, now: Date) {
    const idle = new Set(await this.deps.repo.idleOperators(campaign.id, wrapUpSeconds, now));
    const nowMs = now.getTime();
    return (await this.deps.agents.list())
      .filter((a) => idle.has(a.userId) && a.state === 'available' && (this.cooldown.get(a.userId) ?? 0) <= nowMs)
      .map((a) => ({ id: a.userId, extension: a.extension }));
  }

  /**
   * The next due record for `userId`, its attempt open; records refused on the way are excluded, and records whose
   * callee is outside their window are deferred to its opening, until one may be dialled (or none is due).
   */
  async claim(campaign: CampaignRow, userId: string | null): Promise<ClaimedAttempt | null> {
    for (let tries = 0; tries < 50; tries++) {
      const claimed = await this.deps.repo.claim(campaign.id, userId, this.now(), this.deps.nodeId);
      if (!claimed) return null;
      if (await this.admit(campaign, claimed)) return claimed;
      const status = await this.deps.repo.status(campaign.id);
      if (status !== 'running') return null;
    }
    return null;
  }

  /**
   * Dials a claimed attempt: the rules once more, then Originate (the operator's phone first, the customer once
   * they answer, with the campaign's caller ID). Resolves true when the operator answered and the customer is being
   * dialled; the customer leg's end arrives as a call event (`callEnded`).
   */
  async place(campaign: CampaignRow, claimed: ClaimedAttempt, extension: string): Promise<boolean> {
    if (!(await this.admit(campaign, claimed))) return false;
    const { attempt, record } = claimed;
    const log = this.deps.logger.child({ campaignId: campaign.id, attemptId: attempt.id });
    const { telephony } = this.deps;
    try {
      if (!telephony?.isUp()) throw new Error('the PBX is unavailable');
      // Before the Originate: the operator's phone may ring (and the call pipeline look for its card) at once.
      await this.deps.repo.markDialled(attempt.id);
      await telephony.originate({
        agentExtension: extension,
        destination: record.phone_e164,
        requestId: attempt.id,
        callerId: campaign.caller_id,
      });
    } catch (err) {
      log.info({ err: err instanceof Error ? err.message : String(err) }, 'campaign dial: operator leg not answered');
      if (attempt.user_id) this.cooldown.set(attempt.user_id, this.now().getTime() + OPERATOR_COOLDOWN_MS);
      await this.end(campaign, attempt, 'agent-no-answer', null);
      return false;
    }
    await this.deps.repo.markConnected(attempt.id);
    return true;
  }

  /**
   * Customer first: the rules once more, then the customer is dialled; once they answer they wait in the campaign's
   * queue for a free operator (`CUSTOMER_FIRST_WAIT_SECONDS`). The attempt is connected when the customer answered:
   * its call's end then says whether an operator took it (answered) or not (abandoned).
   */
  async placeCustomerFirst(campaign: CampaignRow, claimed: ClaimedAttempt): Promise<boolean> {
    if (!(await this.admit(campaign, claimed))) return false;
    const { attempt, record } = claimed;
    const log = this.deps.logger.child({ campaignId: campaign.id, attemptId: attempt.id });
    const { telephony } = this.deps;
    await this.deps.repo.markDialled(attempt.id);
    let result: Awaited<ReturnType<NonNullable<TelephonyProvider['originateCustomerFirst']>>>;
    try {
      if (!telephony?.isUp() || !telephony.originateCustomerFirst)
        throw new Error('the PBX cannot dial customer first');
      result = await telephony.originateCustomerFirst({
        destination: record.phone_e164,
        queue: campaign.queue!,
        waitSeconds: CUSTOMER_FIRST_WAIT_SECONDS,
        requestId: attempt.id,
        callerId: campaign.caller_id,
      });
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'campaign dial (customer first) failed');
      await this.end(campaign, attempt, 'failed', null);
      return false;
    }
    if (result.answered) {
      await this.deps.repo.markConnected(attempt.id);
      return true;
    }
    // Not reached: the call's own end (busy, no answer…) settles the attempt; should none come, this does.
    await new Promise((resolve) => setTimeout(resolve, CONNECT_WAIT_MS));
    await this.end(campaign, attempt, outcomeOf({ answered: false, cause: result.cause }), null);
    return false;
  }

  /** A customer-first call was taken by this operator: theirs from now on (wrap-up, figures per operator). */
  async operatorAnswered(phone: string, extension: string): Promise<void> {
    const operator = (await this.deps.agents.list()).find((a) => a.extension === extension);
    if (!operator) return;
    await this.deps.repo.assignOperator(phone, operator.userId).catch((err: unknown) => {
      // The operator holds another live attempt (one per operator): the call is still counted, without them.
      this.deps.logger.warn({ err, phone }, 'campaign call answered by an operator with another live attempt');
    });
  }

  /**
   * The rules at the moment of dialling. A record that may not be dialled leaves its attempt: excluded when refused
   * (the attempt stays as `blocked`, the trail of the refusal), pending and due later when outside the callee's
   * window or the campaign stopped (the attempt row is dropped: nothing was dialled).
   */
  private async admit(campaign: CampaignRow, claimed: ClaimedAttempt): Promise<boolean> {
    const verdict = await this.verdict(campaign, claimed.record);
    if (verdict.ok) return true;
    const { repo, logger } = this.deps;
    logger.info({ campaignId: campaign.id, recordId: claimed.record.id, why: verdict.why }, 'campaign dial refused');
    if (verdict.why === 'do-not-call' || verdict.why === 'blocked') {
      await repo.endAttempt(claimed.attempt.id, 'blocked', null, () => ({
        state: 'excluded',
        nextDueAt: null,
        reason: verdict.why,
      }));
    } else {
      await repo.dropAttempt(claimed.attempt.id, { state: 'pending', nextDueAt: verdict.until ?? null });
    }
    return false;
  }

  async verdict(campaign: Pick<CampaignRow, 'id' | 'call_window'>, record: RecordRow): Promise<DialVerdict> {
    if ((await this.deps.repo.status(campaign.id)) !== 'running') return { ok: false, why: 'not-running' };
    const refusal = await this.deps.dialPolicy.outboundRefusal(record.phone_e164);
    if (refusal) return { ok: false, why: refusal };
    const until = deferredUntil(this.now(), record.phone_e164, campaign.call_window, this.deps.settings().timeZone);
    if (until) return { ok: false, why: 'outside-window', until };
    return { ok: true };
  }

  /**
   * A campaign number's call ended (the call pipeline's reaction, on whichever node owns the call): its live attempt
   * ends with the outcome and the record moves by the retry rules. A call ended before the originate was confirmed
   * is the operator's unanswered leg, which `place` settles itself.
   */
  async callEnded(
    phone: string,
    callId: string,
    outcome: CampaignAttemptOutcome,
    operatorExtension: string | null = null,
  ): Promise<void> {
    const deadline = Date.now() + CONNECT_WAIT_MS;
    let attempt = await this.deps.repo.liveAttemptFor(phone);
    const live = attempt ? await this.deps.repo.find(attempt.campaign_id) : null;
    if (attempt && live && customerFirst(live) && outcome !== 'blocked') {
      // Customer first: answered only if an operator took the customer; a customer who answered and found none was
      // abandoned. Not answered at all: the call's own cause (busy, no answer).
      const taken = attempt.user_id !== null || operatorExtension !== null;
      const reached = attempt.connected_at !== null || outcome === 'answered';
      await this.end(live, attempt, taken ? 'answered' : reached ? 'abandoned' : outcome, callId);
      return;
    }
    while (attempt && !attempt.connected_at && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      attempt = await this.deps.repo.liveAttemptFor(phone);
    }
    if (!attempt?.connected_at) return;
    const campaign = await this.deps.repo.find(attempt.campaign_id);
    if (!campaign) return;
    await this.end(campaign, attempt, outcome, callId);
  }

  private async end(
    campaign: CampaignRow,
    attempt: AttemptRow,
    outcome: CampaignAttemptOutcome,
    callId: string | null,
  ): Promise<void> {
    const at = this.now();
    await this.deps.repo.endAttempt(attempt.id, outcome, callId, (attempts) =>
      afterAttempt(outcome, attempts, campaign.retry_rules, at),
    );
  }

  private async sweepStale(): Promise<void> {
    for (const attempt of await this.deps.repo.staleAttempts(STALE_ATTEMPT_MINUTES)) {
      const campaign = await this.deps.repo.find(attempt.campaign_id);
      if (campaign) await this.end(campaign, attempt, 'failed', null);
    }
  }
}
