import { type ReactNode } from 'react';

import { useCurrentUser } from '@client/modules/auth/states/sessionContext';
import { OperatorDock } from '@client/modules/softphone/components/OperatorDock';
import { SoftphoneProvider } from '@client/modules/softphone/components/SoftphoneProvider';
import '@client/modules/softphone/softphone.css';
import { RealtimeProvider } from '@client/realtime/RealtimeProvider';

/**
 * Everything live around the signed-in screens: the Socket.IO connection for every user, and for users with an
 * extension the softphone (also the click-to-call of every number) and the dock with state, phone and cards.
 */
export function OperatorWorkspace({ children }: { children: ReactNode }) {
  const user = useCurrentUser();
  return (
    <RealtimeProvider>
      <SoftphoneProvider extension={user.extension}>
        {children}
        {user.extension ? <OperatorDock userId={user.id} extension={user.extension} /> : null}
      </SoftphoneProvider>
    </RealtimeProvider>
  );
}
