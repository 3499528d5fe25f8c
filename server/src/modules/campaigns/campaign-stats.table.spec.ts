import { describe, expect, it } from 'vitest';

import { type CampaignStatsDto } from '@contracts/dto/campaign';
import { toCsv } from '@server/common/export/table-export';

import { campaignStatsTable } from './campaign-stats.table';

const stats: CampaignStatsDto = {
  campaignId: 'c1',
  name: 'Реактивация',
  status: 'running',
  records: { pending: 3, dialling: 1, done: 2, failed: 1, excluded: 0 },
  attempts: 7,
  connects: 2,
  abandoned: 1,
  abandonRate: 1 / 3,
  talkSeconds: 95,
  averageTalkSeconds: 47.5,
  byOutcome: {
    answered: 2,
    busy: 2,
    'no-answer': 1,
    failed: 1,
    abandoned: 1,
    'agent-no-answer': 1,
    blocked: 0,
    cancelled: 0,
  },
  byDisposition: [
    { disposition: 'продажа', count: 1, closing: true },
    { disposition: '=перезвонить', count: 1, closing: false },
  ],
  byOperator: [{ userId: 'u1', name: 'Анна', attempts: 4, connects: 2, talkSeconds: 95 }],
};

describe('campaignStatsTable', () => {
  it('lists every state, total, outcome and disposition as section / item / value in the asked language', () => {
    const table = campaignStatsTable(stats, 'ru');
    expect(table.columns.map((c) => c.header)).toEqual(['Раздел', 'Показатель', 'Значение']);
    const rows = table.rows.map((r) => table.columns.map((c) => c.value(r)));
    expect(rows).toContainEqual(['Записи', 'К звонку', 3]);
    expect(rows).toContainEqual(['Итоги', 'Доля брошенных, %', 33.3]);
    expect(rows).toContainEqual(['Итоги', 'Средний разговор, с', 47.5]);
    expect(rows).toContainEqual(['Исходы попыток', 'Оператор не ответил', 1]);
    expect(rows).toContainEqual(['Результаты', 'продажа (закрывает запись)', 1]);
    expect(rows).toContainEqual(['Операторы', 'Анна: Соединения', 2]);
    expect(rows).toContainEqual(['Операторы', 'Анна: Время разговора, с', 95]);
    expect(rows).toHaveLength(5 + 6 + 8 + 2 + 3);
    expect(campaignStatsTable(stats, 'en').columns.map((c) => c.header)).toEqual(['Section', 'Item', 'Value']);
  });

  it('leaves a rate with nothing to divide empty, and a disposition that looks like a formula stays text', () => {
    const csv = toCsv(campaignStatsTable({ ...stats, abandonRate: null, averageTalkSeconds: null }, 'en'));
    expect(csv).toContain('Totals,"Abandon rate, %",\r\n');
    expect(csv).toContain("Results,'=перезвонить,1\r\n");
  });
});
