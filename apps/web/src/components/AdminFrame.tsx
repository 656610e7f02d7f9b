import { DropdownMenu } from 'radix-ui';
import { NavLink, Outlet } from 'react-router';
import { useMe } from '../lib/useMe';
import { useSignOut } from '../lib/useSignOut';
import { Logo } from './Logo';

const NAV = [
  { to: 'users', label: 'Users' },
  { to: 'operations', label: 'Operations' },
  { to: 'import', label: 'Import' },
  { to: 'outbox', label: 'Outbox' },
  { to: 'tokens', label: 'API tokens' },
] as const;

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');
}

/** The Admin module: navigation on the left, the current page on the right. */
export function AdminFrame() {
  const me = useMe();
  const signOut = useSignOut();
  const name = me.data ? `${me.data.firstName} ${me.data.lastName}`.trim() || me.data.email : '';
  return (
    <div className="flex h-full">
      <aside className="flex w-60 shrink-0 flex-col bg-slate-900 text-slate-300">
        <div className="px-5 py-5">
          <Logo inverted />
        </div>
        <nav aria-label="Admin" className="flex flex-1 flex-col gap-0.5 px-3">
          <p className="px-3 pt-2 pb-2 text-xs font-semibold uppercase tracking-wider text-slate-500">
            Admin
          </p>
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
        <DropdownMenu.Root>
          <DropdownMenu.Trigger
            className="m-3 flex items-center gap-3 rounded-lg px-3 py-2.5 text-left hover:bg-slate-800"
            aria-label="Account"
          >
            <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-brand-600 text-xs font-semibold text-white">
              {initials(name)}
            </span>
            <span className="min-w-0">
              <span className="block truncate text-sm font-medium text-white">{name}</span>
              <span className="block truncate text-xs text-slate-400">{me.data?.email}</span>
            </span>
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content
              side="top"
              align="start"
              sideOffset={6}
              className="min-w-52 rounded-lg border border-slate-200 bg-white p-1 shadow-lg"
            >
              <DropdownMenu.Label className="px-3 py-2 text-xs text-slate-500">
                {me.data?.roleName}
              </DropdownMenu.Label>
              <DropdownMenu.Item
                onSelect={() => signOut.mutate()}
                className="cursor-pointer rounded-md px-3 py-2 text-sm text-slate-700 outline-none data-highlighted:bg-slate-100"
              >
                Sign out
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      </aside>
      <main className="flex min-w-0 flex-1 flex-col overflow-auto">
        <Outlet />
      </main>
    </div>
  );
}
