import { type RequestHandler, type Response, type Router } from 'express';
import { type z } from 'zod';

import { idParamsSchema, reassignRequestSchema } from '@contracts/dto/common';
import { type UserDto } from '@contracts/dto/user';
import { parseInput } from '@server/common/http/validate';

/** What a CRM record's service offers for the five REST routes every record has (see server/README, "A new entity"). */
export interface CrudService<L, C, U> {
  list(viewer: UserDto, query: L): Promise<unknown>;
  get(viewer: UserDto, id: string): Promise<unknown>;
  create(viewer: UserDto, input: C): Promise<unknown>;
  update(viewer: UserDto, id: string, input: U): Promise<unknown>;
  remove(viewer: UserDto, id: string): Promise<void>;
  reassign?(viewer: UserDto, id: string, userId: string): Promise<unknown>;
}

export interface CrudRouteOptions<L extends z.ZodType, C extends z.ZodType, U extends z.ZodType> {
  schemas: { list: L; create: C; update: U };
  /** The signed-in user of the request (auth's `currentUser`; passed in so common/ depends on no module). */
  viewer: (res: Response) => UserDto;
  /** Guards POST, PATCH and DELETE (e.g. a role check); reads stay open to every signed-in user. */
  write?: RequestHandler;
  /** `POST /:id/reassign` behind this guard, when the service can reassign. */
  reassign?: RequestHandler;
}

/**
 * Adds `GET /`, `GET /:id`, `POST /`, `PATCH /:id`, `DELETE /:id` (and `POST /:id/reassign`) to `router`, each
 * parsing its input with the record's contracts schema. Routes that must win over `/:id` are added before this.
 */
export function crudRoutes<L extends z.ZodType, C extends z.ZodType, U extends z.ZodType>(
  router: Router,
  service: CrudService<z.output<L>, z.output<C>, z.output<U>>,
  o: CrudRouteOptions<L, C, U>,
): Router {
  const write: RequestHandler[] = o.write ? [o.write] : [];
  router.get('/', async (req, res) => {
    res.json(await service.list(o.viewer(res), parseInput(o.schemas.list, req.query)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await service.get(o.viewer(res), parseInput(idParamsSchema, req.params).id));
  });
  router.post('/', ...write, async (req, res) => {
    res.status(201).json(await service.create(o.viewer(res), parseInput(o.schemas.create, req.body)));
  });
  router.patch('/:id', ...write, async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await service.update(o.viewer(res), id, parseInput(o.schemas.update, req.body)));
  });
  router.delete('/:id', ...write, async (req, res) => {
    await service.remove(o.viewer(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  const reassign = service.reassign?.bind(service);
  if (o.reassign && reassign) {
    router.post('/:id/reassign', o.reassign, async (req, res) => {
      const { id } = parseInput(idParamsSchema, req.params);
      res.json(await reassign(o.viewer(res), id, parseInput(reassignRequestSchema, req.body).userId));
    });
  }
  return router;
}
