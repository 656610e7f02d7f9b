import { Dialog, DropdownMenu } from 'radix-ui';
import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { FinishedOperationNotices } from '../bulk/FinishedOperationNotices';
import { useMe } from '../lib/useMe';
import { useSignOut } from '../lib/useSignOut';
import { Logo } from './Logo';
import { Toaster } from './Toasts';

const NAV = [
  { to: 'users', label: 'Users' },
  { to: 'operations', label: 'Operations' },
  { to: 'import', label: 'Import' },
  { to: 'outbox', label: 'Outbox' },
  { to: 'tokens', label: 'API tokens' },
  { to: 'provisioning', label: 'Provisioning' },
] as const;

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');
}

/** The Admin navigation and the account menu: the sidebar's content, on a wide screen and in the phone's menu. */
function Navigation({ name, email, roleName }: { name: string; email: string; roleName: string }) {
  const signOut = useSignOut();
  return (
    <>
      <nav aria-label="Admin" className="flex flex-1 flex-col gap-0.5 px-3">
        <p className="px-3 pt-2 pb-2 text-xs font-semibold uppercase tracking-wider text-slate-400">Admin</p>
        {NAV.map((item) => (
          <NavLink
            key={item.to}
            to={item.to}
            className={({ isActive }) =>
              `rounded-lg px-3 py-2 text-sm font-medium transition-colors ${
                isActive ? 'bg-slate-800 text-white' : 'hover:bg-slate-800/60 hover:text-white'
              }`
            }
          >
            {item.label}
          </NavLink>
        ))}
      </nav>
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger className="m-3 flex items-center gap-3 rounded-lg px-3 py-2.5 text-left hover:bg-slate-800">
          <span className="sr-only">Account: </span>
          <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-brand-600 text-xs font-semibold text-white">
            {initials(name)}
          </span>
          <span className="min-w-0">
            <span className="block truncate text-sm font-medium text-white">{name}</span>
            <span className="block truncate text-xs text-slate-400">{email}</span>
          </span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            side="top"
            align="start"
            sideOffset={6}
            className="z-50 min-w-52 rounded-lg border border-slate-200 bg-white p-1 shadow-lg"
          >
            <DropdownMenu.Label className="px-3 py-2 text-xs text-slate-600">{roleName}</DropdownMenu.Label>
            <DropdownMenu.Item
              onSelect={() => signOut.mutate()}
              className="cursor-pointer rounded-md px-3 py-2 text-sm text-slate-700 outline-none data-highlighted:bg-slate-100"
            >
              Sign out
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    </>
  );
}

/**
 * The Admin module: navigation on the left, the current page on the right. Below 768 px the
 * navigation folds into a "Menu" button on a top bar, opening it as a panel over the page.
 */
export function AdminFrame() {
  const me = useMe();
  const name = me.data ? `${me.data.firstName} ${me.data.lastName}`.trim() || me.data.email : '';
  const account = { name, email: me.data?.email ?? '', roleName: me.data?.roleName ?? '' };
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  // Choosing a page in the phone's menu closes it.
  useEffect(() => {
    if (pathname) setMenuOpen(false);
  }, [pathname]);
  return (
    <Toaster>
      <AdminLayout menuOpen={menuOpen} setMenuOpen={setMenuOpen} account={account} />
      <FinishedOperationNotices />
    </Toaster>
  );
}

function AdminLayout({
  menuOpen,
  setMenuOpen,
  account,
}: {
  menuOpen: boolean;
  setMenuOpen: (open: boolean) => void;
  account: { name: string; email: string; roleName: string };
}) {
  return (
    <div className="flex h-full flex-col md:flex-row">
      <header className="flex shrink-0 items-center justify-between bg-slate-900 px-4 py-2.5 md:hidden">
        <Logo inverted />
        <Dialog.Root open={menuOpen} onOpenChange={setMenuOpen}>
          <Dialog.Trigger className="inline-flex h-9 items-center gap-2 rounded-lg px-3 text-sm font-medium text-white hover:bg-slate-800">
            <svg aria-hidden viewBox="0 0 20 20" className="h-5 w-5" fill="currentColor">
              <path d="M3 5h14v2H3zm0 4h14v2H3zm0 4h14v2H3z" />
            </svg>
            Menu
          </Dialog.Trigger>
          <Dialog.Portal>
            <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
            <Dialog.Content className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col bg-slate-900 text-slate-300 shadow-xl">
              <div className="flex items-center justify-between px-5 py-4">
                <Logo inverted />
                <Dialog.Close className="rounded-lg px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-800">
                  Close
                </Dialog.Close>
              </div>
              <Dialog.Title className="sr-only">Menu</Dialog.Title>
              <Dialog.Description className="sr-only">
                The pages of the Admin module and your account.
              </Dialog.Description>
              <Navigation {...account} />
            </Dialog.Content>
          </Dialog.Portal>
        </Dialog.Root>
      </header>
      <aside className="hidden w-52 shrink-0 flex-col bg-slate-900 text-slate-300 md:flex xl:w-60">
        <div className="px-5 py-5">
          <Logo inverted />
        </div>
        <Navigation {...account} />
      </aside>
      <main className="flex min-h-0 min-w-0 flex-1 flex-col overflow-auto">
        <Outlet />
      </main>
    </div>
  );
}
