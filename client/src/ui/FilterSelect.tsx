export interface FilterOption<V extends string> {
  value: V;
  label: string;
}

export interface FilterSelectProps<V extends string> {
  id: string;
  label: string;
  /** '' is the "all" choice, listed first as `allLabel`. */
  value: V | '';
  options: readonly FilterOption<V>[];
  allLabel: string;
  /** Gets one of `options`' values, or '' — never an arbitrary string from the DOM. */
  onChange: (value: V | '') => void;
  testId?: string;
}

/** A labelled list filter whose first choice means "no filter". */
export function FilterSelect<V extends string>(props: FilterSelectProps<V>) {
  const { id, label, value, options, allLabel, onChange, testId } = props;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="select"
        value={value}
        onChange={(e) => onChange(options.find((o) => o.value === e.target.value)?.value ?? '')}
        data-testid={testId}
      >
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
