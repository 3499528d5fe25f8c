import { type ReactNode, useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';

import { type DialOverride, type DoNotCallDetails } from '@contracts/dto/dial-policy';
import { ApiError } from '@client/api/http';
import { softphoneApi } from '@client/modules/softphone/api/softphoneApi';
import { type DialOutcome, SoftphoneContext } from '@client/modules/softphone/states/softphoneContext';
import { initialSoftphoneState, softphoneReducer } from '@client/modules/softphone/states/softphoneState';
import { JsSipPhone, type SoftphoneDriver } from '@client/modules/softphone/utils/jssipPhone';
import { ClickToCallContext } from '@client/ui/clickToCall';

/** An internal extension (2–6 digits, as the server reads it): dialled without asking. */
const EXTENSION = /^\d{2,6}$/;

/** The server's 409 DO_NOT_CALL, with why and whether this user may override it; null for any other failure. */
function refusal(error: unknown): DoNotCallDetails | null {
  if (!(error instanceof ApiError) || error.code !== 'DO_NOT_CALL') return null;
  const details = error.details as Partial<DoNotCallDetails> | undefined;
  return { reason: details?.reason ?? 'do-not-call', overridable: details?.overridable === true };
}

/**
 * Fetches the user's SIP credentials, runs the JsSIP phone for the lifetime of the session and shares its state.
 * Also the click-to-call handler for every PhoneText in the app.
 */
export function SoftphoneProvider({ extension, children }: { extension: string | null; children: ReactNode }) {
  const [state, dispatch] = useReducer(softphoneReducer, initialSoftphoneState);
  const [driver, setDriver] = useState<SoftphoneDriver | null>(null);
  const [lastDial, setLastDial] = useState<DialOutcome | null>(null);
  const audioRef = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    if (!extension) return;
    const controller = new AbortController();
    let phone: JsSipPhone | null = null;
    softphoneApi
      .config(controller.signal)
      .then((config) => {
        if (controller.signal.aborted || !audioRef.current) return;
        // No PBX to register with: say so once instead of retrying a WebSocket that can never open.
        if (config.demo) return dispatch({ type: 'demo-mode' });
        phone = new JsSipPhone(config, dispatch, audioRef.current);
        setDriver(phone);
        phone.start();
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) dispatch({ type: 'config-unavailable' });
        if (!(error instanceof ApiError) && !(error instanceof DOMException)) console.error(error);
      });
    return () => {
      controller.abort();
      phone?.stop();
      setDriver(null);
    };
  }, [extension]);

  const registered = state.registration === 'registered';
  const dial = useCallback(
    (number: string, override?: DialOverride) => {
      const refused = (error: unknown) => {
        const details = refusal(error);
        if (details) setLastDial({ via: 'refused', number, ...details, override });
        return details !== null;
      };
      if (registered && driver) {
        // An extension is ours; an outside number may be do-not-call or blocked, so the server decides first.
        if (EXTENSION.test(number.trim())) {
          if (driver.call(number)) return setLastDial({ via: 'webrtc', number });
        } else {
          setLastDial({ via: 'check', number });
          softphoneApi
            .dialCheck(number, override)
            .then((ok) => {
              if (driver.call(ok.destination)) setLastDial({ via: 'webrtc', number });
              else setLastDial({ via: 'pbx', number, status: 'failed' });
            })
            .catch((error: unknown) => {
              if (!refused(error)) setLastDial({ via: 'pbx', number, status: 'failed', error });
            });
          return;
        }
      }
      setLastDial({ via: 'pbx', number, status: 'sending' });
      softphoneApi
        .originate(number, override)
        .then(() => setLastDial({ via: 'pbx', number, status: 'sent' }))
        .catch((error: unknown) => {
          if (!refused(error)) setLastDial({ via: 'pbx', number, status: 'failed', error });
        });
    },
    [registered, driver],
  );

  const dismissProblem = useCallback(() => dispatch({ type: 'dismiss-problem' }), []);
  const value = useMemo(
    () => ({ state, driver, extension, lastDial, dial, dismissProblem }),
    [state, driver, extension, lastDial, dial, dismissProblem],
  );
  return (
    <SoftphoneContext.Provider value={value}>
      <ClickToCallContext.Provider value={dial}>{children}</ClickToCallContext.Provider>
      {/* The far end's voice; autoplay is allowed after the user's first click in the page. */}
      <audio ref={audioRef} autoPlay hidden data-testid="softphone-remote-audio" />
    </SoftphoneContext.Provider>
  );
}
