import {
  CAMPAIGN_ATTEMPT_OUTCOMES,
  CAMPAIGN_RECORD_STATES,
  type CampaignAttemptOutcome,
  type CampaignRecordState,
  type CampaignStatsDto,
} from '@contracts/dto/campaign';
import { type ExportLocale, type ExportTable } from '@server/common/export/table-export';

interface StatsTexts {
  section: string;
  item: string;
  value: string;
  sections: { records: string; totals: string; outcomes: string; dispositions: string; operators: string };
  states: Record<CampaignRecordState, string>;
  totals: Record<'attempts' | 'connects' | 'abandoned' | 'abandonRate' | 'talkSeconds' | 'averageTalkSeconds', string>;
  outcomes: Record<CampaignAttemptOutcome, string>;
  closing: string;
}

/** Every word of the campaign export, per language (`Record<ExportLocale, …>`: a missing one does not compile). */
const TEXTS: Record<ExportLocale, StatsTexts> = {
  ru: {
    section: 'Раздел',
    item: 'Показатель',
    value: 'Значение',
    sections: {
      records: 'Записи',
      totals: 'Итоги',
      outcomes: 'Исходы попыток',
      dispositions: 'Результаты',
      operators: 'Операторы',
    },
    states: { pending: 'К звонку', dialling: 'Набор', done: 'Готово', failed: 'Не дозвонились', excluded: 'Исключены' },
    totals: {
      attempts: 'Попытки (набран клиент)',
      connects: 'Соединения',
      abandoned: 'Брошенные',
      abandonRate: 'Доля брошенных, %',
      talkSeconds: 'Время разговора, с',
      averageTalkSeconds: 'Средний разговор, с',
    },
    outcomes: {
      answered: 'Ответ',
      busy: 'Занято',
      'no-answer': 'Нет ответа',
      failed: 'Ошибка',
      abandoned: 'Брошен',
      'agent-no-answer': 'Оператор не ответил',
      blocked: 'Запрещён',
      cancelled: 'Отменён',
    },
    closing: 'закрывает запись',
  },
  en: {
    section: 'Section',
    item: 'Item',
    value: 'Value',
    sections: {
      records: 'Records',
      totals: 'Totals',
      outcomes: 'Attempt outcomes',
      dispositions: 'Results',
      operators: 'Operators',
    },
    states: { pending: 'To call', dialling: 'Dialling', done: 'Done', failed: 'Failed', excluded: 'Excluded' },
    totals: {
      attempts: 'Attempts (customer dialled)',
      connects: 'Connects',
      abandoned: 'Abandoned',
      abandonRate: 'Abandon rate, %',
      talkSeconds: 'Talk time, s',
      averageTalkSeconds: 'Average talk, s',
    },
    outcomes: {
      answered: 'Answered',
      busy: 'Busy',
      'no-answer': 'No answer',
      failed: 'Failed',
      abandoned: 'Abandoned',
      'agent-no-answer': 'Operator did not answer',
      blocked: 'Refused (do-not-call)',
      cancelled: 'Cancelled',
    },
    closing: 'closes the record',
  },
};

interface StatsRow {
  section: string;
  item: string;
  value: number | null;
}

const rounded = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));

/** The campaign's figures as one three-column table: section, item, value (numbers stay numbers). */
export function campaignStatsTable(stats: CampaignStatsDto, locale: ExportLocale): ExportTable<StatsRow> {
  const t = TEXTS[locale];
  const rows: StatsRow[] = [
    ...CAMPAIGN_RECORD_STATES.map((s) => ({ section: t.sections.records, item: t.states[s], value: stats.records[s] })),
    ...(
      [
        ['attempts', stats.attempts],
        ['connects', stats.connects],
        ['abandoned', stats.abandoned],
        ['abandonRate', rounded(stats.abandonRate === null ? null : stats.abandonRate * 100, 1)],
        ['talkSeconds', stats.talkSeconds],
        ['averageTalkSeconds', rounded(stats.averageTalkSeconds, 1)],
      ] as const
    ).map(([key, value]) => ({ section: t.sections.totals, item: t.totals[key], value })),
    ...CAMPAIGN_ATTEMPT_OUTCOMES.map((o) => ({
      section: t.sections.outcomes,
      item: t.outcomes[o],
      value: stats.byOutcome[o],
    })),
    ...stats.byDisposition.map((d) => ({
      section: t.sections.dispositions,
      item: d.closing ? `${d.disposition} (${t.closing})` : d.disposition,
      value: d.count,
    })),
    // Three figures per operator, each a row of its own: the table keeps one value column.
    ...stats.byOperator.flatMap((o) =>
      (
        [
          ['attempts', o.attempts],
          ['connects', o.connects],
          ['talkSeconds', o.talkSeconds],
        ] as const
      ).map(([key, value]) => ({ section: t.sections.operators, item: `${o.name}: ${t.totals[key]}`, value })),
    ),
  ];
  return {
    name: 'campaign',
    columns: [
      { header: t.section, value: (r) => r.section },
      { header: t.item, value: (r) => r.item },
      { header: t.value, value: (r) => r.value },
    ],
    rows,
  };
}
