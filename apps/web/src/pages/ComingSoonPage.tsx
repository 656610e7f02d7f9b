import { PageHeader } from '../components/PageHeader';

export function ComingSoonPage({ title }: { title: string }) {
  return (
    <>
      <PageHeader title={title} />
      <div className="m-8 rounded-xl border border-dashed border-slate-300 bg-white p-12 text-center">
        <p className="text-sm font-medium text-slate-700">Coming soon</p>
        <p className="mt-1 text-sm text-slate-500">This part of the Admin module is being built.</p>
      </div>
    </>
  );
}
