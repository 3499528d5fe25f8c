import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { type TeamDto } from '@contracts/dto/team';
import { FilterSelect } from '@client/ui/FilterSelect';

/** "Team: all / …" for the call log, analytics and the wallboard; nothing when there are no teams. */
export function TeamFilter({
  teams,
  value,
  onChange,
  testId,
}: {
  teams: readonly TeamDto[];
  value: string;
  onChange: (teamId: string) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  if (teams.length === 0) return null;
  return (
    <FilterSelect
      id={id}
      label={t('teams.filter')}
      value={value}
      options={teams.map((team) => ({ value: team.id, label: team.name }))}
      allLabel={t('common.all')}
      onChange={onChange}
      testId={testId}
    />
  );
}
