import { SCIM_TOKEN_REFUSAL_SENTENCES } from '@roster/domain';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader';
import { Spinner } from '../components/Spinner';
import { TableHead } from '../components/TableHead';
import { formatDateTime } from '../lib/format';
import { errorMessage, useTRPC } from '../lib/trpc';
import { CreateTokenForm } from '../tokens/CreateTokenForm';
import { TokenCells } from '../tokens/TokenCells';

/** The set-up steps of each identity provider, in the words of its own admin console. */
const SETUP_NOTES = [
  {
    provider: 'Okta',
    steps: [
      'Applications › Create App Integration › SAML 2.0 or SWA app, then General › App Settings › Provisioning: SCIM.',
      'Provisioning › Integration: SCIM connector base URL = the endpoint URL above; Unique identifier field for users = userName; Supported provisioning actions: Push New Users, Push Profile Updates.',
      'Authentication Mode: HTTP Header, Authorization: Bearer = a token created on this page. Test Connector Configuration.',
      'Provisioning › To App: enable Create Users, Update User Attributes and Deactivate Users. Okta deactivates with PATCH active false, and reactivates with PATCH active true.',
    ],
  },
  {
    provider: 'Microsoft Entra ID',
    steps: [
      'Enterprise applications › New application › Create your own application (non-gallery), then Provisioning › Get started.',
      'Provisioning Mode: Automatic. Tenant URL = the endpoint URL above; Secret Token = a token created on this page. Test Connection.',
      'Mappings › Provision Microsoft Entra ID Users: userPrincipalName → userName (matching attribute), givenName → name.givenName, surname → name.familyName, Switch([IsSoftDeleted]…) → active.',
      'Entra deactivates with PATCH Replace active "False" and removes users from scope the same way; Roster never deletes a user. Start provisioning (every 40 minutes) or Provision on demand.',
    ],
  },
] as const;

/** Admin › Provisioning: where identity providers connect (SCIM 2.0), their tokens, and what they last sent. */
export function ProvisioningPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const overview = useQuery(trpc.provisioning.overview.queryOptions());

  return (
    <>
      <PageHeader
        title="Provisioning"
        description="Identity providers (Okta, Microsoft Entra ID…) create, update and deactivate users through SCIM 2.0."
      />
      <div className="flex flex-col gap-6 p-8">
        {overview.isPending ? (
          <Spinner label="Loading provisioning…" />
        ) : overview.isError ? (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(overview.error)}
          </p>
        ) : (
          <>
            <section aria-labelledby="endpoint" className="rounded-xl border border-slate-200 bg-white p-5">
              <SectionIntro id="endpoint" title="Endpoint URL">
                The SCIM base URL (tenant URL) to give the identity provider. It authenticates with a token of
                this page: <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>.
              </SectionIntro>
              <code
                data-testid="scim-endpoint"
                className="mt-3 block break-all rounded-lg bg-slate-100 p-3 font-mono text-sm text-slate-800"
              >
                {overview.data.endpointUrl}
              </code>
            </section>

            <section aria-labelledby="tokens" className="rounded-xl border border-slate-200 bg-white">
              <div className="p-5">
                <SectionIntro id="tokens" title="SCIM tokens">
                  A SCIM token reaches only the SCIM endpoints, and acts as the administrator who created it.
                  Revoke one in{' '}
                  <Link to="../tokens" className="underline">
                    API tokens
                  </Link>
                  .
                </SectionIntro>
                <CreateTokenForm
                  scope="scim"
                  label="New SCIM token name"
                  placeholder="e.g. Okta"
                  submitLabel="Create SCIM token"
                  created={{
                    title: (name) => `SCIM token “${name}” created`,
                    description: 'Paste it into the identity provider now: it is shown only this once.',
                    testId: 'new-scim-token',
                  }}
                  onCreated={() =>
                    queryClient.invalidateQueries({ queryKey: trpc.provisioning.overview.queryKey() })
                  }
                  className="mt-4 flex max-w-xl items-end gap-3"
                />
              </div>
              {overview.data.tokens.length === 0 ? (
                <p className="border-t border-slate-100 p-5 text-sm text-slate-500">No SCIM token yet.</p>
              ) : (
                <table className="w-full border-t border-slate-100 text-left text-sm">
                  <TableHead columns={['Name', 'Token', 'Created', 'Last used', 'Status']} />
                  <tbody className="divide-y divide-slate-100">
                    {overview.data.tokens.map((token) => (
                      <tr key={token.id}>
                        <TokenCells token={token} />
                        <td className="px-5 py-3 text-slate-600">{token.revokedAt ? 'Revoked' : 'Active'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>

            <section aria-labelledby="requests" className="rounded-xl border border-slate-200 bg-white">
              <div className="p-5">
                <SectionIntro id="requests" title="Last requests">
                  Answered and refused alike: a refused request shows why (no token, an unknown, revoked or
                  expired one, an API token) and the name of the token it named, never the token itself.
                </SectionIntro>
              </div>
              {overview.data.requests.length === 0 ? (
                <p className="border-t border-slate-100 p-5 text-sm text-slate-500">
                  No request yet: once the identity provider connects, its requests appear here.
                </p>
              ) : (
                <table className="w-full border-t border-slate-100 text-left text-sm">
                  <TableHead columns={['Time', 'Token', 'Request', 'Outcome']} />
                  <tbody className="divide-y divide-slate-100">
                    {overview.data.requests.map((request) => (
                      <tr key={request.id}>
                        <td className="px-5 py-3 text-slate-600">{formatDateTime(request.at)}</td>
                        <td className="px-5 py-3 text-slate-800">{request.tokenName ?? '—'}</td>
                        <td className="px-5 py-3 font-mono text-xs text-slate-700">
                          {request.method} {request.path}
                        </td>
                        <td className="px-5 py-3">
                          <span className={request.status < 400 ? 'text-emerald-700' : 'text-red-700'}>
                            {request.status}
                            {request.scimType ? ` ${request.scimType}` : ''}
                            {request.refusal ? ` · ${SCIM_TOKEN_REFUSAL_SENTENCES[request.refusal]}` : ''}
                          </span>
                          {request.operationId && (
                            <Link to={`../operations/${request.operationId}`} className="ml-2 underline">
                              Operation
                            </Link>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>

            <section aria-labelledby="setup" className="grid gap-4 lg:grid-cols-2">
              <h2 id="setup" className="sr-only">
                Set-up notes
              </h2>
              {SETUP_NOTES.map((note) => (
                <article key={note.provider} className="rounded-xl border border-slate-200 bg-white p-5">
                  <h3 className="text-base font-semibold text-slate-900">Set up {note.provider}</h3>
                  <ol className="mt-3 list-decimal space-y-2 pl-5 text-sm text-slate-700">
                    {note.steps.map((step) => (
                      <li key={step}>{step}</li>
                    ))}
                  </ol>
                </article>
              ))}
            </section>
          </>
        )}
      </div>
    </>
  );
}

/** A section's heading (which names the section by its id) and the sentences that say what it is for. */
function SectionIntro({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <>
      <h2 id={id} className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      <p className="mt-1 text-sm text-slate-600">{children}</p>
    </>
  );
}
