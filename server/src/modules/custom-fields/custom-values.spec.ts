import { describe, expect, it } from 'vitest';

import { applyCustomValues, type FieldDefinition, fromCell, visibleValues } from './custom-values';

const field = (key: string, type: FieldDefinition['type'], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  key,
  type,
  required: false,
  options: [],
  labelEn: key,
  ...extra,
});
const tariff = field('tariff', 'select', {
  options: [
    { value: 'basic', labelRu: 'Базовый', labelEn: 'Basic' },
    { value: 'pro', labelRu: 'Про', labelEn: 'Pro' },
  ],
});
const defs = [
  field('contract_no', 'text', { required: true }),
  field('seats', 'number'),
  field('signed_on', 'date'),
  tariff,
  field('channels', 'multiselect', { options: tariff.options }),
  field('vip', 'checkbox'),
  field('site', 'url'),
  field('mail', 'email'),
  field('mobile', 'phone'),
];
const opts = { creating: true, country: 'RU' };

describe('applyCustomValues', () => {
  it('stores values of the right type', () => {
    const input = {
      contract_no: ' Д-17 ',
      seats: 12,
      signed_on: '2026-11-30',
      tariff: 'pro',
      channels: ['basic', 'pro'],
      vip: true,
      site: 'https://example.ru',
      mail: 'a@example.ru',
      mobile: '8 916 123-45-67',
    };
    const { stored, issues } = applyCustomValues(defs, input, {}, opts);
    expect(issues).toEqual([]);
    expect(stored).toMatchObject({ contract_no: 'Д-17', seats: 12, channels: ['basic', 'pro'], vip: true });
  });

  it('names each wrong value as custom.<key>', () => {
    const { issues } = applyCustomValues(
      defs,
      { contract_no: 'x', seats: '12', tariff: 'gold', signed_on: '2026-02-30', site: 'javascript:alert(1)', nope: 1 },
      {},
      opts,
    );
    expect(issues.map((i) => i.field).sort()).toEqual(
      ['custom.nope', 'custom.seats', 'custom.signed_on', 'custom.site', 'custom.tariff'].sort(),
    );
  });

  it('needs required fields when creating, refuses clearing them, and keeps values it was not given', () => {
    expect(applyCustomValues(defs, {}, {}, opts).issues).toEqual([
      { field: 'custom.contract_no', message: 'required' },
    ]);
    const current = { contract_no: 'A-1', seats: 3, old_removed_field: 'kept' };
    expect(applyCustomValues(defs, { contract_no: null }, current, { ...opts, creating: false }).issues).toHaveLength(
      1,
    );
    const { stored } = applyCustomValues(defs, { seats: null, vip: false }, current, { ...opts, creating: false });
    expect(stored).toEqual({ contract_no: 'A-1', vip: false, old_removed_field: 'kept' });
    expect(visibleValues(defs, stored)).toEqual({ contract_no: 'A-1', vip: false });
  });
});

describe('fromCell (import)', () => {
  it('reads spreadsheet cells as typed values', () => {
    expect(fromCell(field('n', 'number'), '1 234,5')).toBe(1234.5);
    expect(fromCell(field('d', 'date'), '05.03.2026')).toBe('2026-03-05');
    expect(fromCell(field('c', 'checkbox'), 'Да')).toBe(true);
    expect(fromCell(tariff, 'Про')).toBe('pro');
    expect(fromCell(field('m', 'multiselect', { options: tariff.options }), 'basic; Pro')).toEqual(['basic', 'pro']);
    expect(fromCell(field('t', 'text'), '  ')).toBeUndefined();
  });
});
