import express, { type Request, type RequestHandler, Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { type Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

import { idParamsSchema } from '@contracts/dto/common';
import {
  createWebFormRequestSchema,
  formKeyParamsSchema,
  formSubmissionRequestSchema,
  updateWebFormRequestSchema,
} from '@contracts/dto/web-form';
import { type Config } from '@server/config/env';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';

import { formSnippet } from './web-form-snippet';
import { webFormsError } from './web-forms.errors';
import { type WebFormsService } from './web-forms.service';

/** Admins manage the forms (their keys go onto public websites). */
export function webFormsRouter(forms: WebFormsService): Router {
  const router = Router();
  router.use(requireRole('admin'));
  router.get('/', async (_req, res) => {
    res.json({ items: await forms.list() });
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await forms.create(currentUser(res), parseInput(createWebFormRequestSchema, req.body)));
  });
  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await forms.update(currentUser(res), id, parseInput(updateWebFormRequestSchema, req.body)));
  });
  router.delete('/:id', async (req, res) => {
    await forms.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  return router;
}

const formKeyOf = (req: Request) => String(req.params.formKey ?? '');

/**
 * The public side, mounted before the session and CSRF guards (a website posts cross-origin, without a cookie):
 * the CORS preflight, the submission (JSON or a plain HTML form's urlencoded body) and the snippet. Each
 * submission counts against a limit per address and form and a limit per form, in Redis when there is one.
 */
export function publicFormsRouter(
  forms: WebFormsService,
  config: Pick<Config, 'webForms'> & { publicUrl?: string },
  redis?: Redis | null,
): Router {
  const router = Router();
  const store = (prefix: string) =>
    redis
      ? {
          store: new RedisStore({
            prefix,
            sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
          }),
        }
      : {};
  const limiter = (limit: number, key: (req: Request) => string, prefix: string): RequestHandler =>
    rateLimit({
      windowMs: config.webForms.rateWindowMs,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: key,
      handler: (_req, _res, next) => next(webFormsError('RATE_LIMITED')),
      validate: { xForwardedForHeader: false },
      ...store(prefix),
    });
  const perAddress = limiter(
    config.webForms.ratePerAddress,
    (req) => `${ipKeyGenerator(req.ip ?? 'unknown')}|${formKeyOf(req)}`,
    'zvonok:form-limit:ip:',
  );
  const perForm = limiter(config.webForms.ratePerForm, formKeyOf, 'zvonok:form-limit:form:');

  /** CORS for the form's allowed origins (any, when it lists none); a foreign page gets no CORS headers and 403. */
  const cors: RequestHandler = async (req, res, next) => {
    const { formKey } = parseInput(formKeyParamsSchema, req.params);
    const form = await forms.active(formKey);
    const origin = req.get('origin') ?? null;
    if (!forms.originAllowed(form, origin)) throw webFormsError('ORIGIN_NOT_ALLOWED', { origin });
    if (origin) {
      res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
      res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    next();
  };

  router.options('/:formKey', cors, (_req, res) => {
    res
      .set({
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '600',
      })
      .status(204)
      .end();
  });
  router.post(
    '/:formKey',
    perAddress,
    perForm,
    cors,
    express.urlencoded({ extended: false, limit: '20kb', parameterLimit: 30 }),
    async (req, res) => {
      const body = parseInput(formSubmissionRequestSchema, req.body ?? {});
      const result = await forms.submit(formKeyOf(req), body, {
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
        origin: req.get('origin') ?? null,
      });
      res.status(202).json(result);
    },
  );
  router.get('/:formKey/embed.js', async (req, res) => {
    const { formKey } = parseInput(formKeyParamsSchema, req.params);
    const form = await forms.active(formKey);
    // The endpoint as the site's browser must reach it: PUBLIC_URL, else the address this request came in by.
    const base = config.publicUrl ?? `${req.protocol}://${req.get('host') ?? ''}`;
    res
      .type('application/javascript')
      .set({ 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'public, max-age=300' })
      .send(
        formSnippet({
          endpoint: new URL(`/api/public/forms/${form.key}`, base).toString(),
          callback: !!form.callback_queue,
        }),
      );
  });
  return router;
}
