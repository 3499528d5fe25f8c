import { type ReactNode } from 'react';

export function Alert({
  tone,
  children,
  testId,
}: {
  tone: 'error' | 'warning' | 'success';
  children: ReactNode;
  testId?: string;
}) {
  // Errors interrupt (role=alert); confirmations are announced politely.
  return (
    <div className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}
