import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';

import { changeLocale, initI18n } from '@client/i18n/i18n';
import { SoftphonePanel } from '@client/modules/softphone/components/SoftphonePanel';
import { shortcutOf } from '@client/modules/softphone/hooks/useSoftphoneShortcuts';
import { type Softphone } from '@client/modules/softphone/states/softphoneContext';
import {
  initialSoftphoneState,
  type SoftphoneAction,
  softphoneReducer,
  type SoftphoneState,
} from '@client/modules/softphone/states/softphoneState';
import { type SoftphoneDriver } from '@client/modules/softphone/utils/jssipPhone';

// Static render (no DOM in the unit project, as PopCard.spec): each state of the machine → what the operator sees.
const driver: SoftphoneDriver = {
  start: () => undefined,
  stop: () => undefined,
  call: () => true,
  answer: () => undefined,
  hangup: () => undefined,
  hold: () => undefined,
  resume: () => undefined,
  mute: () => undefined,
  dtmf: () => undefined,
  blindTransfer: () => true,
  startAttendedTransfer: () => true,
  completeAttendedTransfer: () => undefined,
  cancelAttendedTransfer: () => undefined,
};

const phone = (state: SoftphoneState, extra: Partial<Softphone> = {}): Softphone => ({
  state,
  driver,
  extension: '1001',
  lastDial: null,
  dial: () => undefined,
  dismissProblem: () => undefined,
  ...extra,
});
const run = (actions: SoftphoneAction[]) => actions.reduce(softphoneReducer, initialSoftphoneState);
const registered: SoftphoneAction[] = [{ type: 'ws-connected' }, { type: 'registering' }, { type: 'registered' }];
const ringing: SoftphoneAction = { type: 'incoming', id: 'a', remote: '+74951234567', remoteName: 'Ирина', at: 0 };
const render = (p: Softphone) => renderToStaticMarkup(<SoftphonePanel phone={p} />);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('SoftphonePanel', () => {
  beforeEach(async () => {
    initI18n('ru');
    await changeLocale('ru');
  });

  it('idle and registered: status "online" and the dialler, no call controls', () => {
    const html = render(phone(run(registered)));
    expect(html).toContain('data-state="registered"');
    expect(text(html)).toContain('На линии');
    expect(html).toContain('data-testid="softphone-dial"');
    expect(html).not.toContain('softphone-hangup');
  });

  it('registering and not registered', () => {
    expect(text(render(phone(run([{ type: 'registering' }]))))).toContain('Регистрация…');
    expect(text(render(phone(initialSoftphoneState)))).toContain('Не зарегистрирован');
  });

  it('ringing: caller, Answer and Reject with their shortcuts', () => {
    const html = render(phone(run([...registered, ringing])));
    expect(html).toContain('data-testid="softphone-incoming"');
    expect(text(html)).toContain('8 (495) 123-45-67');
    expect(text(html)).toContain('Ирина');
    expect(html).toContain('aria-keyshortcuts="Alt+A"');
    expect(html).toContain('data-testid="softphone-reject"');
    expect(html).not.toContain('data-testid="softphone-dial"');
  });

  it('answered: timer, hold, mute, transfer, hang up', () => {
    const html = render(phone(run([...registered, ringing, { type: 'answered', id: 'a', at: Date.now() }])));
    expect(html).toContain('data-phase="answered"');
    expect(html).toContain('data-testid="softphone-timer"');
    expect(text(html)).toContain('0:00');
    for (const id of ['softphone-hold', 'softphone-mute', 'softphone-transfer-toggle', 'softphone-hangup']) {
      expect(html).toContain(`data-testid="${id}"`);
    }
  });

  it('held and muted: the buttons offer the way back', () => {
    const html = render(
      phone(
        run([
          ...registered,
          ringing,
          { type: 'answered', id: 'a', at: 0 },
          { type: 'held', id: 'a' },
          { type: 'muted', id: 'a', muted: true },
        ]),
      ),
    );
    expect(html).toContain('data-phase="held"');
    expect(text(html)).toContain('Вернуть');
    expect(text(html)).toContain('Вкл. микрофон');
  });

  it('WebSocket lost mid-call: says so, keeps hang-up, locks hold and transfer', () => {
    const html = render(
      phone(run([...registered, ringing, { type: 'answered', id: 'a', at: 0 }, { type: 'ws-disconnected', at: 1 }])),
    );
    expect(html).toContain('data-problem="ws-dropped"');
    expect(text(html)).toContain('Связь с АТС потеряна');
    expect(text(html)).toContain('управление звонком недоступно');
    expect(text(html)).toContain('попытка 1');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="softphone-hold"/);
    expect(html).toMatch(/<button[^>]*data-testid="softphone-hangup"/);
    expect(html).not.toMatch(/<button[^>]*disabled=""[^>]*data-testid="softphone-hangup"/);
  });

  it('PBX unreachable and microphone denied are told apart', () => {
    expect(text(render(phone(run([{ type: 'ws-disconnected', at: 0 }]))))).toContain('АТС недоступна');
    expect(text(render(phone(run([...registered, { type: 'microphone-denied', at: 0 }]))))).toContain(
      'Нет доступа к микрофону',
    );
  });

  it('attended transfer: the consultation leg is current and the complete/cancel form is shown', () => {
    const html = render(
      phone(
        run([
          ...registered,
          ringing,
          { type: 'answered', id: 'a', at: 0 },
          { type: 'held', id: 'a' },
          { type: 'outgoing', id: 'b', remote: '1002', at: 1, consultFor: 'a' },
          { type: 'transfer-requested', id: 'a', kind: 'attended', target: '1002', consultId: 'b' },
        ]),
      ),
    );
    expect(text(html)).toContain('Консультация');
    expect(html).toContain('data-testid="softphone-transfer-complete"');
    expect(html).toContain('data-testid="softphone-transfer-cancel"');
  });

  it('click-to-call through the PBX reports its outcome', () => {
    const html = render(phone(run(registered), { lastDial: { via: 'pbx', number: '89161234567', status: 'sent' } }));
    expect(text(html)).toContain('Сначала зазвонит ваш телефон');
  });

  it('a do-not-call refusal says why and dials nothing; only a role that may override gets the reason field', () => {
    const refused = (overridable: boolean) =>
      render(
        phone(run(registered), {
          lastDial: { via: 'refused', number: '+79161234567', reason: 'do-not-call', overridable },
        }),
      );
    const operator = refused(false);
    expect(text(operator)).toContain('Звонок не набран: клиент с номером');
    expect(text(operator)).toContain('просил не звонить');
    expect(text(operator)).toContain('только супервизор или менеджер');
    expect(operator).not.toContain('softphone-dnc-override');
    const supervisor = refused(true);
    expect(supervisor).toContain('data-testid="softphone-dnc-reason"');
    expect(supervisor).toContain('data-testid="softphone-dnc-override"');
    const blocked = render(
      phone(run(registered), {
        lastDial: { via: 'refused', number: '+79161234567', reason: 'blocked', overridable: false },
      }),
    );
    expect(text(blocked)).toContain('в списке заблокированных');
  });

  it('switches language', async () => {
    await changeLocale('en');
    expect(text(render(phone(run([...registered, ringing]))))).toContain('Answer');
  });
});

describe('shortcutOf', () => {
  const key = (code: string, mods: Partial<KeyboardEvent> = {}) =>
    shortcutOf({ altKey: true, ctrlKey: false, metaKey: false, code, ...mods });
  it('maps Alt+A / Alt+H / Alt+M by physical key (works in the Russian layout too)', () => {
    expect(key('KeyA')).toBe('answer');
    expect(key('KeyH')).toBe('hangup');
    expect(key('KeyM')).toBe('mute');
  });
  it('ignores other keys and combinations', () => {
    expect(key('KeyB')).toBeNull();
    expect(key('KeyA', { altKey: false })).toBeNull();
    expect(key('KeyA', { ctrlKey: true })).toBeNull();
  });
});
