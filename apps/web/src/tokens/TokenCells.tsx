import { formatDateTime } from '../lib/format';

/** The cells every token row starts with: its name, its visible prefix, when created and last used. */
export function TokenCells({
  token,
}: {
  token: { name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null };
}) {
  return (
    <>
      <td className="px-5 py-3 font-medium text-slate-800">{token.name}</td>
      <td className="px-5 py-3 font-mono text-xs text-slate-500">{token.prefix}…</td>
      <td className="px-5 py-3 text-slate-600">{formatDateTime(token.createdAt)}</td>
      <td className="px-5 py-3 text-slate-600">{formatDateTime(token.lastUsedAt)}</td>
    </>
  );
}
