import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type PipelineDto, STAGE_KINDS, type StageInput, type StageKind } from '@contracts/dto/pipeline';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { adminApi } from '@client/modules/admin/api/adminApi';
import { stageName } from '@client/modules/deals/utils/board';
import { Alert } from '@client/ui/Alert';
import { QueryView } from '@client/ui/QueryView';

interface StageRow extends StageInput {
  /** React key; `key` (the stage's) is absent for stages not saved yet. */
  row: string;
}

let nextRow = 0;
const row = (s: Partial<StageInput> = {}): StageRow => ({
  row: `r${(nextRow += 1)}`,
  nameRu: '',
  nameEn: '',
  kind: 'open',
  probability: 0,
  ...s,
});

/** One pipeline's editor (or a new one's): names, and the stages in order with their outcome and probability. */
function PipelineEditor({ pipeline, onSaved }: { pipeline?: PipelineDto; onSaved: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [nameRu, setNameRu] = useState(pipeline?.nameRu ?? '');
  const [nameEn, setNameEn] = useState(pipeline?.nameEn ?? '');
  const [stages, setStages] = useState<StageRow[]>(() =>
    pipeline
      ? pipeline.stages.map((s) => row(s))
      : [row(), row({ kind: 'won', probability: 100 }), row({ kind: 'lost' })],
  );
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const update = (i: number, patch: Partial<StageRow>) =>
    setStages((list) => list.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: -1 | 1) =>
    setStages((list) => {
      const next = [...list];
      const [item] = next.splice(i, 1);
      next.splice(i + by, 0, item!);
      return next;
    });
  const save = async () => {
    setError(null);
    setSaved(false);
    const body = {
      nameRu,
      nameEn: nameEn || nameRu,
      stages: stages.map(({ row: _row, ...s }) => ({ ...s, nameEn: s.nameEn || s.nameRu })),
    };
    try {
      if (pipeline) await adminApi.updatePipeline(pipeline.id, body);
      else await adminApi.createPipeline(body);
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card card__body stack" data-testid={pipeline ? 'pipeline-editor' : 'new-pipeline'}>
      {error ? (
        <Alert tone="error" testId="pipeline-error">
          {errorText(t, error)}
        </Alert>
      ) : null}
      {saved ? <Alert tone="success">{t('admin.pipelines.saved')}</Alert> : null}
      <div className="form-grid">
        <div className="field">
          <label className="field__label" htmlFor={`${id}-ru`}>
            {t('admin.pipelines.nameRu')}
          </label>
          <input
            id={`${id}-ru`}
            className="input"
            value={nameRu}
            onChange={(e) => setNameRu(e.target.value)}
            data-testid="pipeline-name-ru"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-en`}>
            {t('admin.pipelines.nameEn')}
          </label>
          <input
            id={`${id}-en`}
            className="input"
            value={nameEn}
            onChange={(e) => setNameEn(e.target.value)}
            data-testid="pipeline-name-en"
          />
        </div>
      </div>
      <ol className="stage-list">
        {stages.map((s, i) => (
          <li key={s.row} className="stage-list__item" data-testid="stage-row">
            <input
              className="input"
              aria-label={t('admin.pipelines.stageRu')}
              placeholder={t('admin.pipelines.stageRu')}
              value={s.nameRu}
              onChange={(e) => update(i, { nameRu: e.target.value })}
              data-testid="stage-name-ru"
            />
            <input
              className="input"
              aria-label={t('admin.pipelines.stageEn')}
              placeholder={t('admin.pipelines.stageEn')}
              value={s.nameEn}
              onChange={(e) => update(i, { nameEn: e.target.value })}
              data-testid="stage-name-en"
            />
            <select
              className="select"
              aria-label={t('admin.pipelines.kind')}
              value={s.kind}
              onChange={(e) => update(i, { kind: e.target.value as StageKind })}
              data-testid="stage-kind"
            >
              {STAGE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`admin.pipelines.kinds.${k}`)}
                </option>
              ))}
            </select>
            <input
              className="input input--narrow"
              type="number"
              min={0}
              max={100}
              aria-label={t('admin.pipelines.probability')}
              value={s.probability}
              onChange={(e) => update(i, { probability: Number(e.target.value) })}
              data-testid="stage-probability"
            />
            <button
              type="button"
              className="btn btn--small"
              disabled={i === 0}
              onClick={() => move(i, -1)}
              aria-label={t('admin.pipelines.up')}
            >
              ↑
            </button>
            <button
              type="button"
              className="btn btn--small"
              disabled={i === stages.length - 1}
              onClick={() => move(i, 1)}
              aria-label={t('admin.pipelines.down')}
            >
              ↓
            </button>
            <button
              type="button"
              className="btn btn--small btn--danger"
              disabled={stages.length === 1}
              onClick={() => setStages((list) => list.filter((_, j) => j !== i))}
            >
              {t('common.remove')}
            </button>
          </li>
        ))}
      </ol>
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          onClick={() => setStages((list) => [...list, row()])}
          data-testid="stage-add"
        >
          {t('admin.pipelines.addStage')}
        </button>
        <button type="button" className="btn btn--primary" onClick={() => void save()} data-testid="pipeline-save">
          {pipeline ? t('common.save') : t('admin.pipelines.create')}
        </button>
      </div>
    </section>
  );
}

/** Deal pipelines: the default one (the six stages of before) and any number more. */
export function PipelinesAdmin() {
  const { t } = useTranslation();
  const locale = useLocale();
  const pipelines = useQuery('admin:pipelines', (signal) => adminApi.pipelines(signal));
  const [open, setOpen] = useState<string>('new');
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="stack">
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      <QueryView {...pipelines} isEmpty={() => false}>
        {(items) => (
          <>
            <nav className="segmented" aria-label={t('admin.pipelines.title')}>
              {items.map((p) => (
                <button
                  key={p.id}
                  type="button"
                  className="btn"
                  aria-pressed={open === p.id}
                  onClick={() => setOpen(p.id)}
                  data-testid="pipeline-tab"
                >
                  {stageName(p, locale)}
                  {p.isDefault ? ` (${t('admin.pipelines.default')})` : ''}
                </button>
              ))}
              <button
                type="button"
                className="btn"
                aria-pressed={open === 'new'}
                onClick={() => setOpen('new')}
                data-testid="pipeline-tab-new"
              >
                {t('admin.pipelines.new')}
              </button>
            </nav>
            {open === 'new' ? (
              <PipelineEditor key="new" onSaved={pipelines.reload} />
            ) : (
              items
                .filter((p) => p.id === open)
                .map((p) => (
                  <div key={p.id} className="stack">
                    <PipelineEditor pipeline={p} onSaved={pipelines.reload} />
                    {!p.isDefault ? (
                      <button
                        type="button"
                        className="btn btn--danger"
                        onClick={() => {
                          setError(null);
                          adminApi.deletePipeline(p.id).then(
                            () => {
                              setOpen('new');
                              pipelines.reload();
                            },
                            (err: unknown) => setError(err),
                          );
                        }}
                      >
                        {t('admin.pipelines.delete')}
                      </button>
                    ) : null}
                  </div>
                ))
            )}
          </>
        )}
      </QueryView>
    </div>
  );
}
