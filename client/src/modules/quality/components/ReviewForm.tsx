import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type ReviewDto } from '@contracts/dto/quality';
import { errorText } from '@client/api/errorText';
import { qualityApi } from '@client/modules/quality/api/qualityApi';

const SCORES = [1, 2, 3, 4, 5] as const;

/**
 * The viewer's own review of one call (score 1–5, script followed, comment); saving again corrects it. Neither the
 * score nor "script followed" is preset: a reviewer who has not listened must not save a "yes" by default.
 */
export function ReviewForm({
  callId,
  mine,
  onSaved,
}: {
  callId: string;
  mine: ReviewDto | null;
  onSaved: (review: ReviewDto) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [score, setScore] = useState<number | null>(mine?.score ?? null);
  const [scriptFollowed, setScriptFollowed] = useState<boolean | null>(mine?.scriptFollowed ?? null);
  const [comment, setComment] = useState(mine?.comment ?? '');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (score === null || scriptFollowed === null) return;
    setSaving(true);
    setSaved(false);
    setError(null);
    qualityApi
      .review(callId, { score, scriptFollowed, comment: comment.trim() || null })
      .then((review) => {
        setSaved(true);
        onSaved(review);
      })
      .catch((e: unknown) => setError(e))
      .finally(() => setSaving(false));
  };

  return (
    <form className="review-form" onSubmit={submit} data-testid="review-form">
      <fieldset className="review-form__scores">
        <legend className="field__label">{t('review.score')}</legend>
        {SCORES.map((s) => (
          <label key={s} className="review-form__score">
            <input
              type="radio"
              name={`${id}-score`}
              value={s}
              checked={score === s}
              onChange={() => setScore(s)}
              data-testid={`review-score-${s}`}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <fieldset className="review-form__scores" data-testid="review-script">
        <legend className="field__label">{t('review.scriptQuestion')}</legend>
        {([true, false] as const).map((value) => (
          <label key={String(value)} className="review-form__score">
            <input
              type="radio"
              name={`${id}-script`}
              checked={scriptFollowed === value}
              onChange={() => setScriptFollowed(value)}
              data-testid={value ? 'review-script-yes' : 'review-script-no'}
            />
            {value ? t('review.yes') : t('review.no')}
          </label>
        ))}
      </fieldset>
      <label className="field__label" htmlFor={`${id}-comment`}>
        {t('review.comment')}
      </label>
      <textarea
        id={`${id}-comment`}
        className="input"
        rows={2}
        maxLength={2000}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        data-testid="review-comment"
      />
      <div className="review-form__actions">
        <button
          type="submit"
          className="btn btn--primary"
          disabled={saving || score === null || scriptFollowed === null}
          data-testid="review-save"
        >
          {saving ? t('common.saving') : t('common.save')}
        </button>
        <span role="status" className="muted" data-testid="review-status">
          {saved
            ? t('review.saved')
            : score === null
              ? t('review.pickScore')
              : scriptFollowed === null
                ? t('review.pickScript')
                : ''}
        </span>
      </div>
      {error ? (
        <p className="alert alert--error" role="alert" data-testid="review-error">
          {errorText(t, error)}
        </p>
      ) : null}
    </form>
  );
}
