import { type UserDto } from '@contracts/dto/user';
import { type FilterOption } from '@client/ui/FilterSelect';

/** Users with an extension as operator filter choices, "Name (1001)" (call log and recordings review). */
export function operatorOptions(users: readonly UserDto[] | undefined): FilterOption<string>[] {
  return (users ?? []).filter((u) => u.extension).map((u) => ({ value: u.id, label: `${u.name} (${u.extension})` }));
}
