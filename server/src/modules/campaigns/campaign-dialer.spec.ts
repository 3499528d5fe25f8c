import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';

import { type AgentStateDto, type AgentStateName } from '@contracts/dto/agent';

import { CampaignDialer, type DialerDeps } from './campaign-dialer';

/** A dialer whose tick is a promise the test settles, and the agents' change listener it subscribed. */
function dialerWithAgents() {
  let listener: ((agent: AgentStateDto) => void) | undefined;
  const unsubscribe = vi.fn(() => (listener = undefined));
  const deps = {
    agents: {
      list: () => Promise.resolve([]),
      onChange: (l: (agent: AgentStateDto) => void) => {
        listener = l;
        return unsubscribe;
      },
    },
    logger: pino({ level: 'silent' }),
  } as unknown as DialerDeps;
  const dialer = new CampaignDialer(deps);
  const ticks: (() => void)[] = [];
  const tick = vi
    .spyOn(dialer, 'tick')
    .mockImplementation(() => new Promise<number>((resolve) => ticks.push(() => resolve(0))));
  const change = (state: AgentStateName) =>
    listener?.({ userId: 'u1', extension: '1001', state, reason: null, since: new Date().toISOString() });
  const settle = async () => {
    ticks.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { dialer, tick, change, settle, unsubscribe };
}

describe('CampaignDialer wake-up', () => {
  it('ticks at once when an operator becomes available, not for other states', () => {
    const { dialer, tick, change } = dialerWithAgents();
    dialer.start(60_000);
    change('break');
    change('on-call');
    expect(tick).not.toHaveBeenCalled();
    change('available');
    expect(tick).toHaveBeenCalledTimes(1);
    dialer.stop();
  });

  it('a wake-up during a tick runs one more tick right after it, however many came', async () => {
    const { dialer, tick, change, settle } = dialerWithAgents();
    dialer.start(60_000);
    change('available');
    change('available');
    change('available');
    expect(tick).toHaveBeenCalledTimes(1);
    await settle();
    expect(tick).toHaveBeenCalledTimes(2);
    await settle();
    expect(tick).toHaveBeenCalledTimes(2);
    dialer.stop();
  });

  it('a stopped dialer (a node shutting down, a test driving ticks itself) is not woken', () => {
    const { dialer, tick, change, unsubscribe } = dialerWithAgents();
    change('available');
    dialer.start(60_000);
    dialer.stop();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
    change('available');
    expect(tick).not.toHaveBeenCalled();
  });
});
