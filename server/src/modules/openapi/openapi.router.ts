import { createRequire } from 'node:module';
import path from 'node:path';

import express, { type RequestHandler, Router } from 'express';

import { AppError } from '@server/common/errors/app-error';

/** The renderer's files we serve; nothing else of its package directory is reachable. */
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']);
const assetsDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Zvonok API</title>
    <link rel="icon" href="/api/docs/assets/favicon-32x32.png" />
    <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;

// A file of its own, not an inline script: the CSP allows scripts from 'self' only.
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // No call to the public validator: the page talks to this server only.
    validatorUrl: null,
    // "Try it out" runs with the browser session; the API's CSRF guard wants this header on every write.
    requestInterceptor: function (request) {
      request.headers['X-Requested-With'] = 'zvonok';
      return request;
    },
  });
});
`;

const onlyAssets: RequestHandler = (req, _res, next) => {
  if (ASSETS.has(req.path.replace(/^\//, ''))) return next();
  next(new AppError('NOT_FOUND', 404, 'No such file'));
};

/**
 * `GET /api/openapi.json` and the reference page `GET /api/docs` (Swagger UI from the swagger-ui-dist package,
 * served from this server: no CDN, and the CSP's script-src 'self' holds). Public: the document holds no data.
 */
export function openApiRouter(document: object): Router {
  const spec = JSON.stringify(document);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(spec);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  const assets = Router();
  assets.use(onlyAssets, express.static(assetsDir, { index: false, maxAge: '1d', fallthrough: false }));
  router.use('/docs/assets', assets);
  return router;
}
