import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { authRouter } from './routers/auth';
import { bulkRouter } from './routers/bulk';
import { catalogRouter } from './routers/catalog';
import { importsRouter } from './routers/imports';
import { invitationsRouter } from './routers/invitations';
import { outboxRouter } from './routers/outbox';
import { provisioningRouter } from './routers/provisioning';
import { rolesRouter } from './routers/roles';
import { tokensRouter } from './routers/tokens';
import { usersRouter } from './routers/users';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  tokens: tokensRouter,
  users: usersRouter,
  roles: rolesRouter,
  catalog: catalogRouter,
  bulk: bulkRouter,
  imports: importsRouter,
  invitations: invitationsRouter,
  outbox: outboxRouter,
  provisioning: provisioningRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export const createCaller = createCallerFactory(appRouter);
