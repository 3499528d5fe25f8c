import { type FormEvent, useState } from 'react';

/**
 * A form's submit: `pending` while the request runs (the button is disabled by it) and the last failure for the
 * form's error box, cleared on every try. `done` gets the answer; a failure never reaches it.
 */
export function useSubmit<T>(
  action: () => Promise<T>,
  done?: (result: T) => void,
): { submit: (event?: FormEvent) => void; pending: boolean; error: unknown } {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    setPending(true);
    setError(null);
    action()
      .then((result) => done?.(result), setError)
      .finally(() => setPending(false));
  };
  return { submit, pending, error };
}
