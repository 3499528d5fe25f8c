import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';

import { type ContactCallCard, contactCallCardSchema } from '@contracts/dto/call-card';
import { changeLocale, initI18n } from '@client/i18n/i18n';
import { ChooseContact } from '@client/modules/calls/components/ChooseContact';

const card = (chosen: boolean, current = 'ct-2') =>
  contactCallCardSchema.parse({
    kind: 'contact',
    callId: 'c1',
    direction: 'inbound',
    occurredAt: '2026-11-23T09:00:00.000Z',
    number: { raw: '89123456789', e164: '+79123456789' },
    contact: { id: current, name: 'Мария Соколова', company: null, owner: null, doNotCall: false, notes: null },
    openDeals: [],
    openTasks: [],
    lastCalls: [],
    matches: {
      total: 3,
      chosen,
      contacts: [
        { id: 'ct-2', name: 'Мария Соколова', company: null, lastCallAt: null },
        {
          id: 'ct-1',
          name: 'Ирина Соколова',
          company: { id: 'co-1', name: 'ООО Ромашка' },
          lastCallAt: '2026-11-20T08:30:00.000Z',
        },
        { id: 'ct-3', name: 'Олег Соколов', company: null, lastCallAt: null },
      ],
    },
  }) as ContactCallCard & { matches: NonNullable<ContactCallCard['matches']> };

const render = (c: ReturnType<typeof card>) =>
  renderToStaticMarkup(<ChooseContact card={c} onCard={() => undefined} />);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('ChooseContact', () => {
  beforeEach(async () => {
    initI18n('ru');
    await changeLocale('ru');
  });

  it('says how many contacts have the number and lists each with company and last call', () => {
    const plain = text(render(card(false)));
    expect(plain).toContain('Этот номер есть у 3 контактов.');
    expect(plain).toContain('выберите звонящего');
    expect(plain).toContain('Ирина Соколова');
    expect(plain).toContain('ООО Ромашка');
    expect(plain).toContain('Последний звонок 20 нояб. 2026');
    expect(plain).toContain('Звонков ещё не было');
  });

  it("marks the card's contact and offers the others", () => {
    const html = render(card(false));
    expect(html.match(/data-testid="pop-match-choose"/g)).toHaveLength(2);
    expect(html).toMatch(/data-contact-id="ct-2" data-current="true"/);
    expect(html).toMatch(/data-contact-id="ct-1" data-current="false"/);
  });

  it('says when the caller was chosen for this call', () => {
    const html = render(card(true, 'ct-1'));
    expect(html).toContain('data-chosen="true"');
    expect(text(html)).toContain('Звонящий выбран для этого звонка.');
    expect(html).toMatch(/data-contact-id="ct-1" data-current="true"/);
  });
});
