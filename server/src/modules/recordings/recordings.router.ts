import fs from 'node:fs';

import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import { parseInput } from '@server/common/http/validate';
import { currentUser } from '@server/common/auth/auth-guards';

import { recordingsError } from './recordings.errors';
import { type RecordingsService, servedBytes } from './recordings.service';

/**
 * `GET /api/recordings/:id` — the audio itself, with HTTP Range (206) for seeking; no listing route exists. Served
 * here rather than by `res.sendFile`, so that what is audited is exactly what goes out (see `servedBytes`).
 */
export function recordingsRouter(recordings: RecordingsService): Router {
  const router = Router();
  router.get('/:id', async (req, res, next) => {
    const { id } = parseInput(idParamsSchema, req.params);
    const viewer = currentUser(res);
    const rec = await recordings.openForListen(viewer, id);
    const served = servedBytes(rec.size, req.range(rec.size, { combine: true }), req.get('if-range') !== undefined);
    res.set('Accept-Ranges', 'bytes');
    if (!served) {
      res.set('Content-Range', `bytes */${rec.size}`);
      throw recordingsError('RANGE_NOT_SATISFIABLE');
    }
    // A HEAD (the player checking size/type) plays nothing, so it is not a listen.
    if (req.method === 'GET') await recordings.auditListen(viewer, rec, served);
    // The API's `no-store` stays: no cache keeps a copy.
    res.status(served.status).set({
      'Content-Type': rec.mime,
      'Content-Length': String(served.end - served.start + 1),
      ...(served.status === 206 ? { 'Content-Range': `bytes ${served.start}-${served.end}/${rec.size}` } : {}),
    });
    if (req.method === 'HEAD' || served.end < served.start) {
      res.end();
      return;
    }
    const file = fs.createReadStream(rec.file, { start: served.start, end: served.end });
    file.once('error', (err) => {
      // Gone between stat and open (retention); once bytes went out, only cutting the response tells the client.
      if (!res.headersSent) next(recordingsError('RECORDING_NOT_FOUND'));
      else res.destroy(err);
    });
    // A client that goes away mid-file (a seek does that) must not leave the file open.
    res.once('close', () => file.destroy());
    file.pipe(res);
  });
  return router;
}
