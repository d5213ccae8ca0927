// The gap-analysis report of the model being edited: a preview (the HTML `headroom
// report` writes, in a sandboxed frame that runs no script) that follows the edits, and
// export to HTML or Markdown through the native Save dialog.

import { useCallback, useRef, useState, type JSX } from 'react';

import type { CommandError } from '../../bindings/CommandError';
import type { ExportedReport } from '../../bindings/ExportedReport';
import type { ReportFormat } from '../../bindings/ReportFormat';
import type { Spec } from '../../bindings/Spec';
import { toCommandError } from '../../ipc';
import type { PanelProps } from '../types';
import { baseName, formatBytes, usePreview } from '../usePreview';
import './report.css';

const FORMAT_LABEL: Record<ReportFormat, string> = { html: 'HTML', markdown: 'Markdown' };
const EXTENSION: Record<ReportFormat, string> = { html: 'html', markdown: 'md' };

export function ReportPanel({ backend, spec, file }: PanelProps): JSX.Element {
  const frame = useRef<HTMLIFrameElement>(null);
  /** Where the reader was when the preview was last replaced. */
  const scroll = useRef(0);
  const render = useCallback(
    async (s: Spec) => {
      const html = await backend.reportPreview(s);
      // Just before the new page replaces the old one: remember where the reader is.
      scroll.current = frame.current?.contentWindow?.scrollY ?? scroll.current;
      return html;
    },
    [backend],
  );
  const preview = usePreview(spec, render);
  const [busy, setBusy] = useState<ReportFormat | null>(null);
  const [exported, setExported] = useState<ExportedReport | null>(null);
  const [exportError, setExportError] = useState<CommandError | null>(null);

  const invalid = preview.failed !== null && preview.failed.spec === spec;
  const state = preview.current ? 'current' : invalid ? 'failed' : preview.ok ? 'updating' : 'loading';

  const exportAs = async (format: ReportFormat) => {
    setBusy(format);
    setExportError(null);
    setExported(null);
    try {
      // Beside the model's file, named after it.
      const name = `${baseName(file, spec.name)}-report.${EXTENSION[format]}`;
      const path = await backend.pickReportPath(file ? file.replace(/[^\\/]*$/, name) : name, format);
      if (path === null) return;
      setExported(await backend.exportReport(spec, format, path, file ?? null));
    } catch (e) {
      setExportError(toCommandError(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="hr-report" data-testid="report-panel" data-state={state}>
      <header className="hr-report__head">
        <div>
          <h2 className="hr-report__title">Report</h2>
          <p className="hr-report__status" data-testid="report-status">
            {state === 'current' && 'Preview of the current model: what Export writes.'}
            {state === 'updating' && 'Updating the preview for your latest edit…'}
            {state === 'loading' && 'Rendering the report…'}
            {state === 'failed' &&
              (preview.ok
                ? 'The current model has no report; the preview is of an earlier version.'
                : 'The current model has no report.')}
          </p>
        </div>
        <div className="hr-report__actions">
          {(['html', 'markdown'] as const).map((format) => (
            <button
              key={format}
              type="button"
              className="hr-button"
              data-testid={`export-${format}`}
              disabled={busy !== null || invalid}
              title={invalid ? 'Fix the model’s problems first' : `Save the report as ${FORMAT_LABEL[format]}`}
              onClick={() => void exportAs(format)}
            >
              {busy === format ? 'Exporting…' : `Export ${FORMAT_LABEL[format]}…`}
            </button>
          ))}
        </div>
      </header>
      {invalid && preview.failed ? (
        <p className="hr-report__error" role="alert" data-testid="report-error">
          {preview.failed.error.message}
        </p>
      ) : null}
      {exported ? (
        <p className="hr-report__done" data-testid="report-exported">
          Saved the {FORMAT_LABEL[exported.format]} report to <code>{exported.path}</code> ({formatBytes(exported.bytes)}).
        </p>
      ) : null}
      {exportError ? (
        <p className="hr-report__error" role="alert" data-testid="report-export-error">
          Not exported: {exportError.message}
        </p>
      ) : null}
      {preview.ok ? (
        <iframe
          ref={frame}
          className={`hr-report__frame${preview.current ? '' : ' hr-report__frame--old'}`}
          title={`Report preview of ${preview.ok.spec.name}`}
          // No scripts, no forms, no navigation of the app; same origin so the app can
          // keep the reader's place across a refresh and fix the contents links.
          sandbox="allow-same-origin"
          srcDoc={preview.ok.value}
          data-testid="report-frame"
          data-current={preview.current ? 'true' : 'false'}
          onLoad={() => {
            const doc = frame.current?.contentDocument;
            if (!doc) return;
            // The report's contents links (#plan, ...) resolve against the app's URL and
            // would load it in place of the report: based on the frame's own address they
            // scroll within it. (Listeners cannot do this: WebKit runs none, not even the
            // app's, in a frame without scripts.)
            const base = doc.createElement('base');
            base.href = 'about:srcdoc';
            doc.head.prepend(base);
            // A refresh keeps the reader's place.
            if (scroll.current > 0) doc.defaultView?.scrollTo(0, scroll.current);
          }}
        />
      ) : state === 'loading' ? (
        <p className="hr-dock__empty">Rendering the report…</p>
      ) : null}
    </section>
  );
}
