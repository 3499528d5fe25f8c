import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { DateRangeFields } from '@client/ui/DateRangeFields';

const render = (from: string, to: string) =>
  renderToStaticMarkup(
    <DateRangeFields
      id="f"
      testId="calllog"
      fromLabel="From"
      toLabel="To"
      from={from}
      to={to}
      onFrom={() => undefined}
      onTo={() => undefined}
    />,
  );

// Static render (no DOM in the unit project): the call log and review e2e tests select these inputs by test id.
describe('DateRangeFields', () => {
  it('labels both inputs and gives them the ids and test ids the screens use', () => {
    const html = render('', '');
    expect(html).toContain('<label class="field__label" for="f-from">From</label>');
    expect(html).toContain('<label class="field__label" for="f-to">To</label>');
    expect(html).toContain('id="f-from" type="date"');
    expect(html).toContain('data-testid="calllog-to"');
    expect(html).not.toContain('max=');
    expect(html).not.toContain('min=');
  });

  it('bounds each end by the other', () => {
    const html = render('2026-11-01', '2026-11-23');
    expect(html).toContain(
      'id="f-from" type="date" class="input" max="2026-11-23" data-testid="calllog-from" value="2026-11-01"',
    );
    expect(html).toContain(
      'id="f-to" type="date" class="input" min="2026-11-01" data-testid="calllog-to" value="2026-11-23"',
    );
  });
});
