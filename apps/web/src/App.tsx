import { Navigate, Route, Routes } from 'react-router';
import { OperationPage } from './bulk/OperationPage';
import { OperationsPage } from './bulk/OperationsPage';
import { AdminFrame } from './components/AdminFrame';
import { RequireAdmin } from './components/RequireAdmin';
import { ImportPage } from './imports/ImportPage';
import { AcceptInvitationPage } from './invitations/AcceptInvitationPage';
import { WelcomePage } from './invitations/WelcomePage';
import { OutboxMessagePage } from './outbox/OutboxMessagePage';
import { OutboxPage } from './outbox/OutboxPage';
import { NoAccessPage } from './pages/NoAccessPage';
import { SignInPage } from './pages/SignInPage';
import { TokensPage } from './pages/TokensPage';
import { UsersPage } from './users/UsersPage';

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/no-access" element={<NoAccessPage />} />
      <Route path="/invite/:token" element={<AcceptInvitationPage />} />
      <Route path="/welcome" element={<WelcomePage />} />
      <Route
        path="/admin"
        element={
          <RequireAdmin>
            <AdminFrame />
          </RequireAdmin>
        }
      >
        <Route index element={<Navigate to="users" replace />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="operations" element={<OperationsPage />} />
        <Route path="operations/:id" element={<OperationPage />} />
        <Route path="import" element={<ImportPage />} />
        <Route path="outbox" element={<OutboxPage />} />
        <Route path="outbox/:id" element={<OutboxMessagePage />} />
        <Route path="tokens" element={<TokensPage />} />
      </Route>
      <Route path="*" element={<Navigate to="/admin/users" replace />} />
    </Routes>
  );
}
