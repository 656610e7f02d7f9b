import { invitationAcceptInputSchema, invitationInspectInputSchema } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { acceptInvitation } from '../invitations/acceptInvitation';
import { findAcceptableInvitation } from '../invitations/findInvitation';
import { publicProcedure } from '../trpc';

/** The acceptance page's API: public, by token (SPEC §4). */
export const invitationsRouter = {
  /** Who invited whom, for the page a link opens; reading it changes nothing (mail scanners open links). */
  inspect: publicProcedure.input(invitationInspectInputSchema).query(async ({ ctx, input }) => {
    const invitation = await findAcceptableInvitation(ctx.db, input.token, ctx.now());
    return {
      email: invitation.invitee.email,
      firstName: invitation.invitee.firstName,
      lastName: invitation.invitee.lastName,
      inviterName: invitation.inviterName,
      platformName: ctx.config.platformName,
      expiresAt: invitation.expiresAt,
    };
  }),

  accept: publicProcedure
    .input(invitationAcceptInputSchema)
    .mutation(({ ctx, input }) => acceptInvitation(ctx, input)),
} satisfies TRPCRouterRecord;
