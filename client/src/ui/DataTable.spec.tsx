import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { DataTable } from '@client/ui/DataTable';

// Static render (no DOM in the unit project, as PopCard.spec): the list screens' e2e selectors and CSS rely on
// exactly this markup, so the component is compared with the table the screens used to write out by hand.
describe('DataTable', () => {
  it('renders the same markup as the hand-written list tables', () => {
    const html = renderToStaticMarkup(
      <DataTable
        testId="deals-table"
        columns={[
          { label: 'Name' },
          { label: <span className="visually-hidden">Done</span> },
          { label: 'Amount', numeric: true, title: 'Sum of the deal' },
        ]}
      >
        <tr data-testid="deal-row">
          <td>Paper</td>
          <td />
          <td className="num">150</td>
        </tr>
      </DataTable>,
    );
    const expected = renderToStaticMarkup(
      <div className="table-wrap">
        <table className="table" data-testid="deals-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">
                <span className="visually-hidden">Done</span>
              </th>
              <th scope="col" className="num" title="Sum of the deal">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            <tr data-testid="deal-row">
              <td>Paper</td>
              <td />
              <td className="num">150</td>
            </tr>
          </tbody>
        </table>
      </div>,
    );
    expect(html).toBe(expected);
  });

  it('adds the compact modifier only when asked and leaves out an absent test id', () => {
    const compact = renderToStaticMarkup(
      <DataTable compact columns={[{ label: 'When' }]}>
        {null}
      </DataTable>,
    );
    expect(compact).toContain('<table class="table table--compact">');
    expect(compact).toContain('<tbody></tbody>');
    expect(renderToStaticMarkup(<DataTable columns={[]}>{null}</DataTable>)).toContain('<table class="table">');
  });
});
