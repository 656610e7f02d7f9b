import { Navigate, Route, Routes } from 'react-router';
import { OperationPage } from './bulk/OperationPage';
import { OperationsPage } from './bulk/OperationsPage';
import { AdminFrame } from './components/AdminFrame';
import { RequireAdmin } from './components/RequireAdmin';
import { ComingSoonPage } from './pages/ComingSoonPage';
import { NoAccessPage } from './pages/NoAccessPage';
import { SignInPage } from './pages/SignInPage';
import { TokensPage } from './pages/TokensPage';
import { UsersPage } from './users/UsersPage';

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/no-access" element={<NoAccessPage />} />
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
        <Route path="import" element={<ComingSoonPage title="Import" />} />
        <Route path="outbox" element={<ComingSoonPage title="Outbox" />} />
        <Route path="tokens" element={<TokensPage />} />
      </Route>
      <Route path="*" element={<Navigate to="/admin/users" replace />} />
    </Routes>
  );
}
