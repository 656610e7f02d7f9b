import type { ReactNode } from 'react';
import { Logo } from './Logo';
import { PageTitle } from './PageTitle';

export function FullPageMessage({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <main className="flex min-h-full flex-col items-center justify-center gap-6 p-4 sm:p-6">
      {title && <PageTitle title={title} />}
      <Logo />
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm sm:p-8">
        {title && <h1 className="mb-2 text-lg font-semibold text-slate-900">{title}</h1>}
        <div className="text-sm text-slate-600">{children}</div>
      </div>
    </main>
  );
}
