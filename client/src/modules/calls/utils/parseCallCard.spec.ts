import { describe, expect, it, vi } from 'vitest';

import { parseCallCard } from '@client/modules/calls/utils/parseCallCard';

describe('parseCallCard', () => {
  it('accepts a withheld card and fills defaults', () => {
    const card = parseCallCard({ kind: 'withheld', callId: 'c', direction: 'inbound', occurredAt: 'x', raw: '' });
    expect(card).toEqual({
      kind: 'withheld',
      callId: 'c',
      direction: 'inbound',
      occurredAt: 'x',
      raw: '',
      queue: null,
    });
  });

  it('rejects a malformed card and says why', () => {
    const report = vi.fn();
    expect(parseCallCard({ kind: 'contact', callId: 'c' }, report)).toBeNull();
    expect(report).toHaveBeenCalledWith(expect.stringContaining('direction'));
  });
});
