/**
 * For people who are not administrators, signed in to the console: this app is where administrators
 * manage users, and their own work is elsewhere. Says where, and who to ask.
 */
export function WhereToGoNext({ roleName }: { roleName: string }) {
  return (
    <section aria-labelledby="where-next-title" data-testid="where-to-go" className="mt-5 text-left">
      <h2 id="where-next-title" className="text-sm font-semibold text-slate-900">
        Where to go next
      </h2>
      <ul className="mt-2 list-disc space-y-1.5 pl-5">
        <li>
          This console is where administrators manage users; there is nothing more to do here with your role (
          {roleName}).
        </li>
        <li>
          Your work is in the platform’s modules (portfolio, projects, budget and the others your
          administrator opened for you): open the platform from the link your organisation uses, and sign in
          there with this e-mail address and the password you chose.
        </li>
        <li>Missing an access, or not sure where the platform is? Ask the administrator who invited you.</li>
      </ul>
    </section>
  );
}
