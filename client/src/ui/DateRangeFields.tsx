export interface DateRangeFieldsProps {
  /** Ids are `${id}-from` and `${id}-to`; test ids `${testId}-from` and `${testId}-to`. */
  id: string;
  testId: string;
  fromLabel: string;
  toLabel: string;
  /** yyyy-mm-dd, or '' for an open end. */
  from: string;
  to: string;
  onFrom: (value: string) => void;
  onTo: (value: string) => void;
}

/** Two labelled date inputs that cannot cross: each bounds the other. */
export function DateRangeFields(props: DateRangeFieldsProps) {
  const { id, testId, fromLabel, toLabel, from, to, onFrom, onTo } = props;
  return (
    <>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-from`}>
          {fromLabel}
        </label>
        <input
          id={`${id}-from`}
          type="date"
          className="input"
          value={from}
          max={to || undefined}
          onChange={(e) => onFrom(e.target.value)}
          data-testid={`${testId}-from`}
        />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-to`}>
          {toLabel}
        </label>
        <input
          id={`${id}-to`}
          type="date"
          className="input"
          value={to}
          min={from || undefined}
          onChange={(e) => onTo(e.target.value)}
          data-testid={`${testId}-to`}
        />
      </div>
    </>
  );
}
