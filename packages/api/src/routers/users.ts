import {
  newUserInputSchema,
  userActivityInputSchema,
  userByIdInputSchema,
  usersByEmailsInputSchema,
  usersCountInputSchema,
  usersListInputSchema,
  usersPageSchema,
} from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { createNewUser } from '../imports/createNewUser';
import { adminProcedure } from '../trpc';
import { countUsers } from '../users/countUsers';
import { findUsersByEmails } from '../users/findUsersByEmails';
import { getUser } from '../users/getUser';
import { listUsers } from '../users/listUsers';
import { userActivity } from '../users/userActivity';

export const usersRouter = {
  list: adminProcedure
    .input(usersListInputSchema)
    .output(usersPageSchema)
    .query(({ ctx, input }) => listUsers(ctx.db, input, ctx.now())),
  get: adminProcedure.input(userByIdInputSchema).query(({ ctx, input }) => getUser(ctx.db, input.id)),
  /** One user's audit events, newest first, paged, with actor names and operation ids. */
  activity: adminProcedure
    .input(userActivityInputSchema)
    .query(({ ctx, input }) => userActivity(ctx.db, input)),
  /** The exact number of users matching a filter. */
  count: adminProcedure
    .input(usersCountInputSchema)
    .query(async ({ ctx, input }) => ({ total: await countUsers(ctx.db, input.filter, ctx.now()) })),
  /** "Select users from a pasted list of e-mails": a mutation, so a long list travels as a POST body. */
  findByEmails: adminProcedure
    .input(usersByEmailsInputSchema)
    .mutation(({ ctx, input }) => findUsersByEmails(ctx.db, input.text)),
  /**
   * "New user": one person created as a one-row import (the import's rule, run and audit); refused
   * with the import's reason for its row (`already_exists`, `invalid_email`, …) and the field it is about.
   */
  create: adminProcedure
    .input(newUserInputSchema)
    .mutation(({ ctx, input }) => createNewUser(ctx.db, ctx.config, input, ctx.actor.userId, ctx.now())),
} satisfies TRPCRouterRecord;
