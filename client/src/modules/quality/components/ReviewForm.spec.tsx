import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';

import { type ReviewDto } from '@contracts/dto/quality';
import { changeLocale, initI18n } from '@client/i18n/i18n';
import { ReviewForm } from '@client/modules/quality/components/ReviewForm';

const render = (mine: ReviewDto | null) =>
  renderToStaticMarkup(<ReviewForm callId="c1" mine={mine} onSaved={() => undefined} />);
/** The attributes of the input with this test id. */
const input = (html: string, testId: string) => new RegExp(`<input[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0];
const button = (html: string) => /<button[^>]*data-testid="review-save"[^>]*>/.exec(html)?.[0];

describe('ReviewForm', () => {
  beforeEach(async () => {
    initI18n('ru');
    await changeLocale('ru');
  });

  it('presets nothing for a new review: neither answer to "script followed" is ticked and saving is off', () => {
    const html = render(null);
    expect(input(html, 'review-script-yes')).not.toMatch(/checked/);
    expect(input(html, 'review-script-no')).not.toMatch(/checked/);
    expect(button(html)).toMatch(/disabled/);
    expect(html).toContain('Скрипт соблюдён?');
  });

  it("shows the reviewer's own earlier answer, a no as a no", () => {
    const html = render({
      callId: 'c1',
      reviewerId: 'u1',
      reviewerName: 'Супервизор',
      score: 4,
      scriptFollowed: false,
      comment: null,
      createdAt: '2026-11-23T09:00:00.000Z',
      updatedAt: '2026-11-23T09:00:00.000Z',
    });
    expect(input(html, 'review-script-no')).toMatch(/checked/);
    expect(input(html, 'review-script-yes')).not.toMatch(/checked/);
    expect(button(html)).not.toMatch(/disabled/);
  });
});
