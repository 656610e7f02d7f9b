import { type ComponentType, lazy, Suspense } from 'react';
import { Navigate, Outlet, Route, Routes } from 'react-router';
import { FullPageMessage } from './components/FullPageMessage';
import { RequireAdmin } from './components/RequireAdmin';
import { Spinner } from './components/Spinner';

/**
 * A page whose code is loaded when it is first shown (issue 19 item 15): someone signing in downloads
 * none of the Admin module; an administrator downloads papaparse only on Import. The invitation page
 * is not routed here: it is invite.html, a page of its own.
 */
function page<Props extends object>(load: () => Promise<ComponentType<Props>>) {
  return lazy(async () => ({ default: await load() }));
}

const SignInPage = page(() => import('./pages/SignInPage').then((m) => m.SignInPage));
const NoAccessPage = page(() => import('./pages/NoAccessPage').then((m) => m.NoAccessPage));
const WelcomePage = page(() => import('./invitations/WelcomePage').then((m) => m.WelcomePage));
const AdminFrame = page(() => import('./components/AdminFrame').then((m) => m.AdminFrame));
const UsersPage = page(() => import('./users/UsersPage').then((m) => m.UsersPage));
const OperationsPage = page(() => import('./bulk/OperationsPage').then((m) => m.OperationsPage));
const OperationPage = page(() => import('./bulk/OperationPage').then((m) => m.OperationPage));
const ImportPage = page(() => import('./imports/ImportPage').then((m) => m.ImportPage));
const OutboxPage = page(() => import('./outbox/OutboxPage').then((m) => m.OutboxPage));
const OutboxMessagePage = page(() => import('./outbox/OutboxMessagePage').then((m) => m.OutboxMessagePage));
const TokensPage = page(() => import('./pages/TokensPage').then((m) => m.TokensPage));
const ProvisioningPage = page(() =>
  import('./provisioning/ProvisioningPage').then((m) => m.ProvisioningPage),
);

const loadingPage = (
  <FullPageMessage>
    <Spinner label="Loading Roster…" />
  </FullPageMessage>
);

/** Inside the Admin frame: the frame stays while an admin page's code arrives. */
function AdminPageOutlet() {
  return (
    <Suspense
      fallback={
        <div className="p-8">
          <Spinner label="Loading…" />
        </div>
      }
    >
      <Outlet />
    </Suspense>
  );
}

export function App() {
  return (
    <Suspense fallback={loadingPage}>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/no-access" element={<NoAccessPage />} />
        <Route path="/welcome" element={<WelcomePage />} />
        <Route
          path="/admin"
          element={
            <RequireAdmin>
              <AdminFrame />
            </RequireAdmin>
          }
        >
          <Route element={<AdminPageOutlet />}>
            <Route index element={<Navigate to="users" replace />} />
            {/* One user's drawer has its own URL over the list: /admin/users/<id>. */}
            <Route path="users/:userId?" element={<UsersPage />} />
            <Route path="operations" element={<OperationsPage />} />
            <Route path="operations/:id" element={<OperationPage />} />
            <Route path="import" element={<ImportPage />} />
            <Route path="outbox" element={<OutboxPage />} />
            <Route path="outbox/:id" element={<OutboxMessagePage />} />
            <Route path="tokens" element={<TokensPage />} />
            <Route path="provisioning" element={<ProvisioningPage />} />
          </Route>
        </Route>
        <Route path="*" element={<Navigate to="/admin/users" replace />} />
      </Routes>
    </Suspense>
  );
}
