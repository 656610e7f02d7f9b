import {
  countPrivileged,
  countVerdicts,
  type ImportVerdict,
  mergeVerdicts,
  previewImportFile,
} from '@roster/client/imports';
import { type ImportColumnMapping, type ImportFileRefusal, importErrorsCsv } from '@roster/domain';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { newOperationId } from '../bulk/newOperationId';
import { PrivilegedConfirmation } from '../bulk/PrivilegedConfirmation';
import { Button } from '../components/Button';
import { ErrorBox } from '../components/ErrorBox';
import { PageHeader } from '../components/PageHeader';
import { formatCount, plural } from '../lib/format';
import { errorMessage, useTRPCClient } from '../lib/trpc';
import { ColumnMapping } from './ColumnMapping';
import { downloadText } from './downloadText';
import { FileDropZone } from './FileDropZone';
import { ImportRowsTable } from './ImportRowsTable';
import { type ImportFileParse, parseImportFile } from './parseImportFile';

type Parsed = Extract<ImportFileParse, { ok: true }>;

/** The verdicts of a checked file, and the id its commit keeps across retries (idempotency). */
type Checked = { verdicts: ImportVerdict[]; privileged: number; operationId: string };

/**
 * Admin › Import: a CSV file read in the browser, every row judged at once by the domain's rules,
 * then checked against the database (`imports.preview`, chunk by chunk), then committed part by part
 * (`imports.commit`) as one bulk operation whose progress and results open next (SPEC §3).
 */
export function ImportPage() {
  const client = useTRPCClient();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const [reading, setReading] = useState(false);
  const [parsed, setParsed] = useState<Parsed | null>(null);
  const [refusal, setRefusal] = useState<ImportFileRefusal | null>(null);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [progress, setProgress] = useState<{ label: string; done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [invite, setInvite] = useState(false);
  const [message, setMessage] = useState('');
  const [confirmation, setConfirmation] = useState('');

  /** Every row previewed under a new import id; the server keeps them for the commit. */
  const check = async (parse: Parsed, name: string) => {
    const operationId = newOperationId();
    const label = 'Checking against the users of the platform';
    const verdicts = await previewImportFile(
      client,
      {
        operationId,
        file: { fileSha256: parse.fileSha256, fileName: name.slice(0, 255), totalRows: parse.rows.length },
        rows: parse.rows,
        results: parse.results,
      },
      (done, total) => setProgress({ label, done, total }),
    );
    setProgress(null);
    setChecked({ verdicts, privileged: countPrivileged(verdicts), operationId });
  };

  const read = async (next: File, mapping?: ImportColumnMapping) => {
    setFile(next);
    setReading(true);
    setParsed(null);
    setRefusal(null);
    setChecked(null);
    setError(null);
    setConfirmation('');
    try {
      const result = await parseImportFile(next, mapping ? { mapping } : {});
      if (!result.ok) {
        setRefusal(result);
        return;
      }
      setParsed(result);
      await check(result, next.name);
    } catch (e) {
      setProgress(null);
      setError(errorMessage(e));
    } finally {
      setReading(false);
    }
  };

  /** The file's own verdicts, shown at once while the server checks the rows against the database. */
  const fileVerdicts = useMemo(() => (parsed ? mergeVerdicts(parsed.results, new Map()) : null), [parsed]);
  const shown = checked?.verdicts ?? fileVerdicts;
  const counts = shown ? countVerdicts(shown) : null;
  const needsConfirmation = (checked?.privileged ?? 0) > 0;
  const confirmed = !needsConfirmation || confirmation.trim() === String(checked?.privileged);

  const commit = async () => {
    if (!parsed || !checked) return;
    setError(null);
    // The rows were kept by the preview; a commit sent again after a failure runs the import once.
    const { operationId } = checked;
    try {
      setProgress({ label: 'Starting the import', done: 0, total: 1 });
      await client.imports.commit.mutate({
        operationId,
        invite,
        ...(invite && message.trim() ? { message } : {}),
        ...(needsConfirmation ? { confirmPrivileged: true } : {}),
      });
      await navigate(`/admin/operations/${operationId}`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setProgress(null);
    }
  };

  const mappingHeaders = parsed?.headers ?? refusal?.headers;
  return (
    <>
      <PageHeader
        title="Import"
        description="Create users in bulk from a CSV file: every row is checked before anything is created."
      />
      <div className="flex max-w-5xl flex-col gap-5 p-4 md:p-6 xl:p-8">
        <FileDropZone
          onFile={(f) => void read(f)}
          busy={reading ? (parsed ? 'Checking the rows…' : 'Reading the file…') : null}
        />
        <p className="text-xs text-slate-500">
          Columns: <code className="font-mono">email</code> (required),{' '}
          <code className="font-mono">first_name</code>, <code className="font-mono">last_name</code>,{' '}
          <code className="font-mono">role</code> (a role&apos;s name; Reader when empty),{' '}
          <code className="font-mono">copy_access_from</code> (the e-mail of a user whose access the new user
          gets).
        </p>

        {file && (
          <p className="text-sm text-slate-700" data-testid="import-file">
            <strong className="font-medium">{file.name}</strong>
            {parsed &&
              ` · ${formatCount(parsed.rows.length)} rows · ${parsed.delimiter === ';' ? 'semicolons' : 'commas'}`}
          </p>
        )}
        {parsed?.lineCountNotice && (
          <p
            className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
            data-testid="import-line-count-notice"
          >
            {parsed.lineCountNotice}
          </p>
        )}
        {refusal && <ErrorBox>{refusal.message}</ErrorBox>}
        {error && <ErrorBox>{error}</ErrorBox>}
        {file && mappingHeaders && (parsed?.unknownHeaders.length || refusal?.headers) ? (
          <ColumnMapping
            headers={mappingHeaders}
            mapping={
              parsed?.mapping ?? {
                email: null,
                first_name: null,
                last_name: null,
                role: null,
                copy_access_from: null,
              }
            }
            onChange={(mapping) => void read(file, mapping)}
          />
        ) : null}
        {progress && (
          <div className="flex flex-col gap-1.5" aria-live="polite">
            <p className="text-sm text-slate-600">
              {progress.label}… {progress.total > 1 ? `${progress.done + 1} of ${progress.total}` : ''}
            </p>
            <div className="h-2 overflow-hidden rounded-full bg-slate-200">
              <div
                className="h-full rounded-full bg-brand-600 transition-all"
                style={{ width: `${Math.round((100 * progress.done) / Math.max(1, progress.total))}%` }}
              />
            </div>
          </div>
        )}

        {parsed && shown && counts && (
          <section
            className="flex flex-col gap-4"
            aria-label="Preview"
            data-testid="import-preview"
            data-checked={checked ? 'server' : 'file'}
          >
            {!checked && (
              <p className="text-sm text-slate-600" data-testid="import-file-verdicts">
                Checked against the file&apos;s own rules. Existing e-mails, roles and source users are being
                checked; the counts may still change.
              </p>
            )}
            <div className="flex flex-wrap items-center gap-3">
              <Count label="will be created" value={counts.create} tone="emerald" testId="count-create" />
              <Count label="skipped" value={counts.skip} tone="slate" testId="count-skip" />
              <Count label="with errors" value={counts.error} tone="red" testId="count-error" />
              {checked && counts.skip + counts.error > 0 && (
                <Button
                  variant="secondary"
                  className="ml-auto"
                  onClick={() =>
                    downloadText(
                      importErrorsCsv(parsed.rows, checked.verdicts),
                      `${(file?.name ?? 'import').replace(/\.csv$/i, '')}-errors.csv`,
                    )
                  }
                >
                  Download rows not created (CSV)
                </Button>
              )}
            </div>
            <ImportRowsTable rows={parsed.rows} verdicts={shown} />
            {checked && (
              <div className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-5">
                <label className="flex items-center gap-2 text-sm text-slate-800">
                  <input
                    type="checkbox"
                    checked={invite}
                    onChange={(e) => {
                      setInvite(e.target.checked);
                    }}
                  />
                  Invite the new users now (each receives an invitation e-mail)
                </label>
                {invite && (
                  <label className="flex flex-col gap-1.5 text-sm">
                    <span className="font-medium text-slate-700">Message (optional)</span>
                    <textarea
                      value={message}
                      maxLength={2000}
                      onChange={(e) => {
                        setMessage(e.target.value);
                      }}
                      rows={2}
                      className="rounded-lg border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
                    />
                  </label>
                )}
                {needsConfirmation && (
                  <PrivilegedConfirmation
                    count={checked.privileged}
                    value={confirmation}
                    onChange={setConfirmation}
                  />
                )}
                <div>
                  <Button
                    disabled={counts.create === 0 || !confirmed || progress !== null}
                    onClick={() => void commit()}
                  >
                    {counts.create === 0 ? 'Nothing to create' : `Create ${plural(counts.create, 'user')}`}
                  </Button>
                </div>
              </div>
            )}
          </section>
        )}
      </div>
    </>
  );
}

const TONES = {
  emerald: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  slate: 'bg-slate-100 text-slate-700 ring-slate-200',
  red: 'bg-red-50 text-red-800 ring-red-200',
} as const;

function Count({
  label,
  value,
  tone,
  testId,
}: {
  label: string;
  value: number;
  tone: keyof typeof TONES;
  testId: string;
}) {
  return (
    <span
      data-testid={testId}
      data-count={value}
      className={`rounded-lg px-3 py-1.5 text-sm ring-1 ring-inset ${TONES[tone]}`}
    >
      <strong className="font-semibold tabular-nums">{formatCount(value)}</strong> {label}
    </span>
  );
}
