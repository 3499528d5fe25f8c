import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';

import { callCardSchema, type CallCard } from '@contracts/dto/call-card';
import { changeLocale, initI18n } from '@client/i18n/i18n';
import { PopCard } from '@client/modules/calls/components/PopCard';

const contactCard = (): CallCard =>
  callCardSchema.parse({
    kind: 'contact',
    callId: 'c1',
    direction: 'inbound',
    queue: 'sales',
    occurredAt: '2026-11-23T09:00:00.000Z',
    number: { raw: '89123456789', e164: '+79123456789' },
    contact: {
      id: 'ct-1',
      name: 'Ирина Петрова',
      company: { id: 'co-1', name: 'ООО Ромашка' },
      owner: { id: 'u-1', name: 'Оператор Один' },
      doNotCall: true,
      tags: ['vip'],
      notes: 'Перезвонить <script>alert(1)</script> после обеда',
      custom: [
        { key: 'contract_no', labelRu: 'Номер договора', labelEn: 'Contract number', type: 'text', value: 'Д-17' },
        {
          key: 'tariff',
          labelRu: 'Тариф',
          labelEn: 'Plan',
          type: 'select',
          value: 'pro',
          options: [{ value: 'pro', labelRu: 'Профи', labelEn: 'Pro' }],
        },
      ],
    },
    openDeals: [
      {
        id: 'd-1',
        title: 'Поставка бумаги',
        stage: 'proposal',
        stageName: { ru: 'Предложение', en: 'Proposal' },
        amount: '150000',
        currency: 'RUB',
      },
    ],
    openTasks: [
      { id: 't-1', title: 'Отправить КП', dueAt: '2026-11-25T12:00:00.000Z', assignee: null },
      // A callback made from missed calls stores only the number; the card renders it in the reader's language.
      {
        id: 't-2',
        title: '+79123456789',
        callbackPhone: '+79123456789',
        callbackAttempts: 2,
        dueAt: null,
        assignee: null,
      },
    ],
    lastCalls: [
      {
        id: 'call-1',
        startedAt: '2026-11-20T08:30:00.000Z',
        direction: 'inbound',
        answered: true,
        talkSeconds: 125,
        agent: { id: 'u-1', name: 'Оператор Один' },
        recordingUrl: '/api/calls/call-1/recording',
        wrapUp: { outcome: 'callback', note: 'Перезвонить в пятницу' },
      },
      {
        id: 'call-2',
        startedAt: '2026-11-19T08:30:00.000Z',
        direction: 'inbound',
        answered: false,
        talkSeconds: 0,
        agent: null,
        recordingUrl: null,
      },
    ],
  });

const render = (card: CallCard) => renderToStaticMarkup(<PopCard card={card} />);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('PopCard', () => {
  beforeEach(async () => {
    initI18n('ru');
    await changeLocale('ru');
  });

  it('shows a known contact with formatted number, company, owner, deals, tasks, calls and notes', () => {
    const html = render(contactCard());
    const plain = text(html);
    expect(html).toContain('data-kind="contact"');
    expect(plain).toContain('8 (912) 345-67-89');
    expect(plain).toContain('Ирина Петрова');
    expect(plain).toContain('ООО Ромашка');
    expect(plain).toContain('Оператор Один');
    expect(plain).toContain('Клиент просил не звонить');
    expect(plain).toContain('Поставка бумаги');
    expect(plain).toMatch(/150\s000\s₽/);
    expect(plain).toContain('Отправить КП');
    expect(plain).toContain('Перезвонить 8 (912) 345-67-89 (2 пропущенных звонка)');
    // The deal's stage is a word of the reader's language, not the stored key.
    expect(plain).toContain('Предложение');
    expect(plain).not.toContain('proposal');
    expect(plain).toContain('2:05');
    expect(plain).toContain('Пропущен');
    expect(html).toContain('href="/api/calls/call-1/recording"');
    expect(html).toContain('href="#/contacts/ct-1"');
  });

  it('shows the last operator’s outcome and note under their call', () => {
    const plain = text(render(contactCard()));
    expect(plain).toContain('Перезвонить в пятницу');
    expect(render(contactCard())).toContain('data-testid="pop-last-call-wrap-up"');
  });

  it('shows the newest history items and links to the client’s full history', () => {
    const card = contactCard();
    if (card.kind !== 'contact') throw new Error('fixture');
    card.history = [
      {
        kind: 'note',
        key: 'note:n1',
        at: '2026-11-22T10:00:00.000Z',
        note: { id: 'n1', body: 'Просил счёт на почту', author: { id: 'u-1', name: 'Оператор Один' } },
        record: { entityType: 'contact', id: 'ct-1', name: 'Ирина Петрова' },
      },
      {
        kind: 'deal',
        key: 'deal:d-1',
        at: '2026-11-21T10:00:00.000Z',
        event: 'stage',
        deal: { id: 'd-1', title: 'Поставка бумаги', amount: '150000', currency: 'RUB' },
        fromPipelineId: 'p',
        fromStage: 'new',
        toPipelineId: 'p',
        toStage: 'proposal',
        by: null,
      },
    ];
    const html = render(card);
    const plain = text(html);
    expect(plain).toContain('Просил счёт на почту');
    expect(plain).toContain('Сделка «Поставка бумаги»: Новая → Предложение');
    expect(html).toContain('href="#/deals/d-1"');
    expect(html).toMatch(/href="#\/contacts\/ct-1" data-testid="pop-full-history"/);
  });

  it('renders notes as text, never as markup', () => {
    const html = render(contactCard());
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('omits the do-not-call warning when the contact may be called', () => {
    const card = contactCard();
    if (card.kind !== 'contact') throw new Error('fixture');
    card.contact.doNotCall = false;
    expect(render(card)).not.toContain('data-testid="pop-do-not-call"');
  });

  it('switches language and number format with the locale', async () => {
    await changeLocale('en');
    const plain = text(render(contactCard()));
    expect(plain).toContain('+7 912 345 67 89');
    expect(plain).toContain('Open deals');
    expect(plain).toContain('The customer asked not to be called');
    expect(plain).not.toContain('Открытые сделки');
  });

  it('shows the new-lead variant for an unknown number', () => {
    const card = callCardSchema.parse({
      kind: 'lead',
      callId: 'c2',
      direction: 'inbound',
      occurredAt: '2026-11-23T09:00:00.000Z',
      number: { raw: '+74951234567', e164: '+74951234567' },
      lead: {
        id: 'l-1',
        status: 'new',
        createdByThisCall: true,
        createdAt: '2026-11-23T09:00:00.000Z',
        owner: null,
        notes: null,
      },
      lastCalls: [],
    });
    const html = render(card);
    const plain = text(html);
    expect(html).toContain('data-kind="lead"');
    expect(plain).toContain('Новый номер');
    expect(plain).toContain('8 (495) 123-45-67');
    expect(plain).toContain('создан лид');
    expect(plain).toContain('Звонков ещё не было');
    expect(html).not.toContain('pop-deals');
    // The lead has a page of its own, one click away.
    expect(html).toContain('href="#/leads/l-1"');
  });

  it('shows the withheld variant without any number or lookup data', () => {
    const card = callCardSchema.parse({
      kind: 'withheld',
      callId: 'c3',
      direction: 'inbound',
      occurredAt: '2026-11-23T09:00:00.000Z',
      raw: 'anonymous',
    });
    const html = render(card);
    expect(html).toContain('data-kind="withheld"');
    expect(text(html)).toContain('Номер скрыт');
    expect(html).not.toContain('anonymous');
    expect(html).not.toContain('pop-last-calls');
  });

  it('keeps heading ids unique when two cards are shown at once (call waiting)', () => {
    const html = renderToStaticMarkup(
      <>
        <PopCard card={contactCard()} />
        <PopCard card={contactCard()} />
      </>,
    );
    const ids = [...html.matchAll(/<h3 id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(10); // deals, tasks, last calls, history, notes — twice
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('falls back to the raw number when it is not a public one', () => {
    const card = contactCard();
    if (card.kind !== 'contact') throw new Error('fixture');
    card.number = { raw: '1004', e164: null };
    expect(text(render(card))).toContain('1004');
  });
});

describe('callCardSchema', () => {
  it('rejects a card without a kind', () => {
    expect(callCardSchema.safeParse({ callId: 'x', direction: 'inbound', occurredAt: 'now' }).success).toBe(false);
  });

  it('shows the custom fields an admin put on the card, with labels in the UI language, and stage names', async () => {
    const ru = text(render(contactCard()));
    expect(ru).toContain('Номер договора Д-17');
    expect(ru).toContain('Тариф Профи');
    expect(ru).toContain('Предложение');
    await changeLocale('en');
    const en = text(render(contactCard()));
    expect(en).toContain('Contract number Д-17');
    expect(en).toContain('Plan Pro');
    expect(en).toContain('Proposal');
  });

  it('marks a campaign call with the campaign and its script; other calls carry no mark', async () => {
    const campaign = {
      id: 'cmp-1',
      name: 'Реактивация',
      script: 'Добрый день! Вы у нас покупали <b>бумагу</b>.',
      attemptId: 'a-1',
      dispositions: ['продажа'],
    };
    await changeLocale('ru');
    const marked = render(callCardSchema.parse({ ...contactCard(), direction: 'outbound', campaign }));
    expect(text(marked)).toContain('Кампания: Реактивация');
    // The script is text, never markup.
    expect(marked).toContain('Добрый день! Вы у нас покупали &lt;b&gt;бумагу&lt;/b&gt;.');
    expect(marked).toContain('data-testid="pop-campaign-script"');
    // The dialler called them: the card says so, not "incoming".
    expect(text(marked)).toContain('Исходящий звонок');
    expect(text(marked)).not.toContain('Входящий звонок');
    expect(render(contactCard())).not.toContain('pop-campaign');
    await changeLocale('en');
    expect(text(render(callCardSchema.parse({ ...contactCard(), campaign })))).toContain('Campaign: Реактивация');
  });
});
