import { type CallReaction } from '@server/common/calls/call-change';

import { type RecordingIngestQueue } from './recording-ingest.queue';

/**
 * Hands a call's recordings to the ingest queue. `recording.ready` adds the file: due at once when the PBX said it
 * is closed (or the call is already over), else when `call.ended` comes. The ingest itself runs off the event
 * consumer: waiting for a file and running ffmpeg take time that must not delay the next call's screen pop.
 */
export function createRecordingReaction(queue: RecordingIngestQueue): CallReaction {
  return async ({ event, after: call }) => {
    if (event.type === 'recording.ready') {
      const closed = event.closed === true;
      await queue.add(call.id, event.file, { closed, due: closed || call.status === 'ended' });
    } else if (event.type === 'call.ended' && call.recordingFile) {
      await queue.callEnded(call.id);
    }
  };
}
