import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import { parseInput } from '@server/common/http/validate';
import { currentUser } from '@server/modules/auth/auth.middleware';

import { recordingsError } from './recordings.errors';
import { rangeIncludesStart, type RecordingsService } from './recordings.service';

/** `GET /api/recordings/:id` — the audio itself, with HTTP Range (206) for seeking; no listing route exists. */
export function recordingsRouter(recordings: RecordingsService): Router {
  const router = Router();
  router.get('/:id', async (req, res, next) => {
    const { id } = parseInput(idParamsSchema, req.params);
    // A HEAD (the player checking size/type) plays nothing, so it is not a listen.
    const startsPlayback = req.method === 'GET' && rangeIncludesStart(req.headers.range);
    const rec = await recordings.openForListen(currentUser(res), id, startsPlayback);
    // `send` handles Range/If-Range/HEAD; the API's `no-store` stays (cacheControl off): no cache keeps a copy.
    res.sendFile(
      rec.file,
      {
        acceptRanges: true,
        cacheControl: false,
        lastModified: false,
        dotfiles: 'deny',
        headers: { 'Content-Type': rec.mime },
      },
      (err) => {
        if (!err) return;
        // Headers gone means the client went away mid-file (a seek does that); nothing to report to it.
        if (res.headersSent) return;
        const status = (err as { status?: number }).status;
        next(status === 404 ? recordingsError('RECORDING_NOT_FOUND') : err);
      },
    );
  });
  return router;
}
