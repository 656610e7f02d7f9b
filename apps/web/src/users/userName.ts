/** A user as people name them: first and last name, or the e-mail when there is none. */
export function userName(user: { firstName: string; lastName: string; email: string }): string {
  return `${user.firstName} ${user.lastName}`.trim() || user.email;
}
