import { type ExportLocale } from '@server/common/export/table-export';

interface SummaryParams {
  tz: string;
  fromUtc: string;
  toUtc: string;
  slSeconds: number;
  slTarget: number;
  shortAbandonSeconds: number;
}

/**
 * Every word a person reads in an analytics export (CSV/XLSX), per language. Exports are files the server writes,
 * so they are localised here — in the language the UI asks for (`lang`), else the user's profile language — while
 * the screens use the client's dictionaries. `Record<ExportLocale, …>` makes a missing translation a compile error.
 */
export interface AnalyticsExportTexts {
  yes: string;
  no: string;
  summary: { metric: string; value: string; formula: string };
  metrics: Record<
    | 'from'
    | 'to'
    | 'offered'
    | 'answered'
    | 'missed'
    | 'abandoned'
    | 'shortAbandoned'
    | 'transferred'
    | 'serviceLevel'
    | 'slMet'
    | 'abandonRate'
    | 'asa'
    | 'aht'
    | 'talk'
    | 'hold'
    | 'wrapUp'
    | 'occupancy'
    | 'callbacksInTime'
    | 'callbacksDue'
    | 'callbacksOpen'
    | 'leadsFromCalls'
    | 'contactConversion'
    | 'conversion'
    | 'wonConversion',
    string
  > & { averageDeal: (currency: string) => string };
  formulas: {
    from: (p: SummaryParams) => string;
    to: (p: SummaryParams) => string;
    offered: string;
    answered: string;
    missed: string;
    abandoned: (p: SummaryParams) => string;
    shortAbandoned: (p: SummaryParams) => string;
    transferred: string;
    serviceLevel: (p: SummaryParams) => string;
    slMet: (p: SummaryParams) => string;
    abandonRate: string;
    asa: string;
    aht: string;
    talk: string;
    hold: string;
    wrapUp: string;
    occupancy: string;
    callbacksInTime: string;
    callbacksDue: string;
    callbacksOpen: string;
    leadsFromCalls: string;
    contactConversion: string;
    conversion: string;
    wonConversion: string;
    averageDeal: (deals: number) => string;
  };
  columns: {
    operator: string;
    extension: string;
    handled: string;
    answered: string;
    transfersIn: string;
    handleSeconds: string;
    holdSeconds: string;
    wrapUpSeconds: string;
    ahtSeconds: string;
    asaSeconds: string;
    occupancy: string;
    queue: string;
    direct: string;
    offered: string;
    missed: string;
    abandoned: string;
    shortAbandoned: string;
    serviceLevel: string;
    abandonRate: string;
    weekday: string;
    hour: string;
    avgWaitSeconds: string;
    date: string;
    source: string;
    utmSource: string;
    utmMedium: string;
    utmCampaign: string;
    leads: string;
    converted: string;
  };
  /** The role reports' exports: personal dashboards (my-stats, team), sales, call directions. */
  people: Record<
    | 'name'
    | 'extension'
    | 'period'
    | 'today'
    | 'range'
    | 'callsIn'
    | 'outboundAttempts'
    | 'outboundConnects'
    | 'outboundTalk'
    | 'internalAttempts'
    | 'internalConnects'
    | 'internalTalk'
    | 'talkSeconds'
    | 'aht'
    | 'missedReturned'
    | 'callbacksDue'
    | 'callbacksInTime'
    | 'callbacksInTimeRate'
    | 'conversions'
    | 'dealsWon'
    | 'dealsCreated'
    | 'dealsLost'
    | 'wonAmounts'
    | 'leads'
    | 'leadsWithDeal'
    | 'conversion'
    | 'channel'
    | 'totals',
    string
  >;
  /** The outbound campaigns report; `conversions` names its window in days. */
  campaigns: Record<
    'campaign' | 'attempts' | 'contacts' | 'contactRate' | 'contactedRecords' | 'conversionRate',
    string
  > & {
    conversions: (days: number) => string;
  };
  funnel: {
    stageName: 'nameRu' | 'nameEn';
    stage: string;
    kind: string;
    probability: string;
    deals: string;
    reached: string;
    conversion: string;
    amounts: string;
  };
}

export const ANALYTICS_EXPORT_TEXTS: Record<ExportLocale, AnalyticsExportTexts> = {
  ru: {
    yes: 'да',
    no: 'нет',
    summary: { metric: 'Показатель', value: 'Значение', formula: 'Как считается' },
    metrics: {
      from: 'С',
      to: 'По',
      offered: 'Поступило',
      answered: 'Отвечено',
      missed: 'Пропущено',
      abandoned: 'Брошено',
      shortAbandoned: 'Короткие сбросы',
      transferred: 'Переведено',
      serviceLevel: 'Уровень сервиса',
      slMet: 'Цель по уровню сервиса достигнута',
      abandonRate: 'Доля брошенных',
      asa: 'ASA, с',
      aht: 'AHT, с',
      talk: 'Разговор, с',
      hold: 'Удержание, с',
      wrapUp: 'Постобработка, с',
      occupancy: 'Занятость',
      callbacksInTime: 'Перезвоны вовремя',
      callbacksDue: 'Перезвонов со сроком в периоде',
      callbacksOpen: 'Из них не выполнено',
      leadsFromCalls: 'Лиды из звонков',
      contactConversion: 'Конверсия лид → контакт',
      conversion: 'Конверсия лид → сделка',
      wonConversion: 'Конверсия лид → выигранная сделка',
      averageDeal: (currency) => `Средняя сделка, ${currency}`,
    },
    formulas: {
      from: (p) => `по часам пояса ${p.tz}, включительно (${p.fromUtc})`,
      to: (p) => `по часам пояса ${p.tz}, не включая (${p.toUtc})`,
      offered: 'входящие звонки, начавшиеся в периоде и завершённые',
      answered: 'поступившие, на которые ответил оператор',
      missed: 'никто не ответил до тайм-аута очереди или вызова',
      abandoned: (p) => `абонент положил трубку, прождав ≥ ${p.shortAbandonSeconds} с`,
      shortAbandoned: (p) =>
        `абонент положил трубку в первые < ${p.shortAbandonSeconds} с; не входят ни в брошенные, ни в уровень сервиса`,
      transferred: 'звонки хотя бы с одним переводом, каждый один раз',
      serviceLevel: (p) => `отвечено за ≤ ${p.slSeconds} с ÷ (поступило − короткие сбросы); цель ${p.slTarget} %`,
      slMet: (p) => `уровень сервиса ≥ ${p.slTarget} %`,
      abandonRate: 'брошено ÷ (поступило − короткие сбросы)',
      asa: 'среднее ожидание отвеченных звонков',
      aht: '(разговор + удержание + постобработка) ÷ отвечено',
      talk: 'сумма (разговор − удержание) отвеченных звонков',
      hold: 'сумма удержания отвеченных звонков',
      wrapUp: 'от конца звонка до формы итога (≤ 600 с) или настройка очереди',
      occupancy: '(в разговоре + вызов + постобработка) ÷ (то же + свободен) по истории статусов',
      callbacksInTime: 'задачи «перезвонить» со сроком в периоде, выполненные к сроку ÷ все такие задачи',
      callbacksDue: 'задачи «перезвонить» со сроком в периоде',
      callbacksOpen: 'из них ещё не выполнены',
      leadsFromCalls: 'лиды с источником «звонок», созданные в периоде',
      contactConversion: 'лиды периода в статусе «конвертирован» ÷ все лиды периода',
      conversion: 'лиды периода, при конвертации которых создана сделка ÷ все лиды периода',
      wonConversion: 'лиды периода, чья сделка сейчас на стадии «выиграна» ÷ все лиды периода',
      averageDeal: (deals) => `средняя сумма ${deals} выигранных сделок, закрытых в периоде`,
    },
    columns: {
      operator: 'Оператор',
      extension: 'Внутр. номер',
      handled: 'Обслужено',
      answered: 'Принято',
      transfersIn: 'Переводом',
      handleSeconds: 'Обслуживание, с',
      holdSeconds: 'Удержание, с',
      wrapUpSeconds: 'Постобработка, с',
      ahtSeconds: 'AHT, с',
      asaSeconds: 'ASA, с',
      occupancy: 'Занятость',
      queue: 'Очередь',
      direct: 'Прямые номера',
      offered: 'Поступило',
      missed: 'Пропущено',
      abandoned: 'Брошено',
      shortAbandoned: 'Короткие сбросы',
      serviceLevel: 'Уровень сервиса',
      abandonRate: 'Доля брошенных',
      weekday: 'День недели (1 = пн)',
      hour: 'Час',
      avgWaitSeconds: 'Среднее ожидание, с',
      date: 'Дата',
      source: 'Источник',
      utmSource: 'utm_source',
      utmMedium: 'utm_medium',
      utmCampaign: 'utm_campaign',
      leads: 'Лидов',
      converted: 'Из них конвертировано',
    },
    people: {
      name: 'Сотрудник',
      extension: 'Добавочный',
      period: 'Период',
      today: 'сегодня',
      range: 'период',
      callsIn: 'Входящих обработано',
      outboundAttempts: 'Исходящих попыток',
      outboundConnects: 'Исходящих соединений',
      outboundTalk: 'Исходящие разговоры, с',
      internalAttempts: 'Внутренних попыток',
      internalConnects: 'Внутренних соединений',
      internalTalk: 'Внутренние разговоры, с',
      talkSeconds: 'Время разговоров, с',
      aht: 'AHT, с',
      missedReturned: 'Перезвонил на пропущенные',
      callbacksDue: 'Перезвонов к сроку',
      callbacksInTime: 'Перезвонов в срок',
      callbacksInTimeRate: 'Доля перезвонов в срок',
      conversions: 'Конверсий лидов',
      dealsWon: 'Выиграно сделок',
      dealsCreated: 'Создано сделок',
      dealsLost: 'Проиграно сделок',
      wonAmounts: 'Суммы выигранных',
      leads: 'Лидов',
      leadsWithDeal: 'Лидов со сделкой',
      conversion: 'Конверсия лид → сделка',
      channel: 'канал',
      totals: 'Итого',
    },
    campaigns: {
      campaign: 'Кампания',
      attempts: 'Попытки',
      contacts: 'Контакты',
      contactRate: 'Доля контактов',
      contactedRecords: 'Записей с контактом',
      conversions: (days) => `Конверсии в сделку (за ${days} дн.)`,
      conversionRate: 'Доля конверсий',
    },
    funnel: {
      stageName: 'nameRu',
      stage: 'Стадия',
      kind: 'Тип',
      probability: 'Вероятность, %',
      deals: 'Сделок',
      reached: 'Дошло до стадии',
      conversion: 'Конверсия',
      amounts: 'Суммы',
    },
  },
  en: {
    yes: 'yes',
    no: 'no',
    summary: { metric: 'metric', value: 'value', formula: 'formula' },
    metrics: {
      from: 'from',
      to: 'to',
      offered: 'offered',
      answered: 'answered',
      missed: 'missed',
      abandoned: 'abandoned',
      shortAbandoned: 'shortAbandoned',
      transferred: 'transferred',
      serviceLevel: 'serviceLevel',
      slMet: 'slMet',
      abandonRate: 'abandonRate',
      asa: 'asaSeconds',
      aht: 'ahtSeconds',
      talk: 'talkSeconds',
      hold: 'holdSeconds',
      wrapUp: 'wrapUpSeconds',
      occupancy: 'occupancy',
      callbacksInTime: 'callbacksInTimeRate',
      callbacksDue: 'callbacksDue',
      callbacksOpen: 'callbacksOpen',
      leadsFromCalls: 'leadsFromCalls',
      contactConversion: 'leadToContactConversion',
      conversion: 'leadToDealConversion',
      wonConversion: 'leadToWonDealConversion',
      averageDeal: (currency) => `averageDealAmount ${currency}`,
    },
    formulas: {
      from: (p) => `wall clock in ${p.tz}, inclusive (${p.fromUtc})`,
      to: (p) => `wall clock in ${p.tz}, exclusive (${p.toUtc})`,
      offered: 'inbound calls that started in the range and ended',
      answered: 'offered calls an operator answered',
      missed: 'nobody answered before the ring or queue timeout',
      abandoned: (p) => `caller hung up first after waiting >= ${p.shortAbandonSeconds} s`,
      shortAbandoned: (p) => `caller hung up within < ${p.shortAbandonSeconds} s; excluded from abandoned and SL`,
      transferred: 'calls with at least one transfer (counted once)',
      serviceLevel: (p) =>
        `answered with wait <= ${p.slSeconds} s / (offered - shortAbandoned); target ${p.slTarget} %`,
      slMet: (p) => `serviceLevel >= ${p.slTarget} %`,
      abandonRate: 'abandoned / (offered - shortAbandoned)',
      asa: 'mean wait of answered calls',
      aht: '(talk + hold + wrap-up) / answered',
      talk: 'sum of (talk_seconds - hold_seconds), answered calls',
      hold: 'sum of hold, answered calls',
      wrapUp: 'wrap_up_at - ended_at (<= 600 s) or the queue wrap-up setting',
      occupancy: '(on-call + ringing + wrap-up) / (that + available), agent state history',
      callbacksInTime: 'callback tasks due in the range done by due_at / callback tasks due',
      callbacksDue: 'callback tasks due in the range',
      callbacksOpen: 'of those, not done',
      leadsFromCalls: "leads created in the range with source 'call'",
      contactConversion: 'leads created in the range now converted / leads created in the range',
      conversion: 'leads created in the range whose conversion made a deal (deal_id) / leads created in the range',
      wonConversion: 'leads created in the range whose deal is on a won stage now / leads created in the range',
      averageDeal: (deals) => `mean amount of ${deals} deals won in the range`,
    },
    columns: {
      operator: 'operator',
      extension: 'extension',
      handled: 'handled',
      answered: 'answered',
      transfersIn: 'transfers in',
      handleSeconds: 'handle s',
      holdSeconds: 'hold s',
      wrapUpSeconds: 'wrap-up s',
      ahtSeconds: 'AHT s',
      asaSeconds: 'ASA s',
      occupancy: 'occupancy',
      queue: 'queue',
      direct: '(direct)',
      offered: 'offered',
      missed: 'missed',
      abandoned: 'abandoned',
      shortAbandoned: 'short abandoned',
      serviceLevel: 'service level',
      abandonRate: 'abandon rate',
      weekday: 'weekday (1=Mon)',
      hour: 'hour',
      avgWaitSeconds: 'avg wait s',
      date: 'date',
      source: 'source',
      utmSource: 'utm_source',
      utmMedium: 'utm_medium',
      utmCampaign: 'utm_campaign',
      leads: 'leads',
      converted: 'converted',
    },
    people: {
      name: 'name',
      extension: 'extension',
      period: 'period',
      today: 'today',
      range: 'range',
      callsIn: 'calls in',
      outboundAttempts: 'outbound attempts',
      outboundConnects: 'outbound connects',
      outboundTalk: 'outbound talk s',
      internalAttempts: 'internal attempts',
      internalConnects: 'internal connects',
      internalTalk: 'internal talk s',
      talkSeconds: 'talk time s',
      aht: 'AHT s',
      missedReturned: 'missed calls returned',
      callbacksDue: 'callbacks due',
      callbacksInTime: 'callbacks on time',
      callbacksInTimeRate: 'callbacks on time rate',
      conversions: 'conversions',
      dealsWon: 'deals won',
      dealsCreated: 'deals created',
      dealsLost: 'deals lost',
      wonAmounts: 'won amounts',
      leads: 'leads',
      leadsWithDeal: 'leads with a deal',
      conversion: 'lead → deal conversion',
      channel: 'channel',
      totals: 'totals',
    },
    campaigns: {
      campaign: 'campaign',
      attempts: 'attempts',
      contacts: 'contacts',
      contactRate: 'contact rate',
      contactedRecords: 'records contacted',
      conversions: (days) => `conversions to deals (within ${days} d)`,
      conversionRate: 'conversion rate',
    },
    funnel: {
      stageName: 'nameEn',
      stage: 'Stage',
      kind: 'Kind',
      probability: 'Probability, %',
      deals: 'Deals',
      reached: 'Reached',
      conversion: 'Conversion',
      amounts: 'Amounts',
    },
  },
};
