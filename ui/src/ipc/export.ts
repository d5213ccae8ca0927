// The report and the scaffold of the model being edited: the shell's commands
// (src-tauri/src/commands/export.rs) and the native dialogs that choose where they go.

import { invoke } from '@tauri-apps/api/core';
import { open, save } from '@tauri-apps/plugin-dialog';

import type { ExportedReport } from '../bindings/ExportedReport';
import type { FolderInfo } from '../bindings/FolderInfo';
import type { GeneratedScaffold } from '../bindings/GeneratedScaffold';
import type { ReportFormat } from '../bindings/ReportFormat';
import type { ScaffoldPreview } from '../bindings/ScaffoldPreview';
import type { Spec } from '../bindings/Spec';

export interface ExportBackend {
  /** The gap-analysis report of the model as HTML (what `headroom report` writes). */
  reportPreview(spec: Spec): Promise<string>;
  /** Writes the report to `path`; a `.md` or `.html` name decides the format, else `format`. */
  /** `document`: the model's own file, which the report may not replace. */
  exportReport(spec: Spec, format: ReportFormat, path: string, document: string | null): Promise<ExportedReport>;
  /** The native Save dialog for a report (it asks before replacing a file): a path, or null. */
  pickReportPath(suggestedName: string, format: ReportFormat): Promise<string | null>;
  /** Every file the scaffold of the model has, and the plan behind it; nothing written. */
  scaffoldPreview(spec: Spec): Promise<ScaffoldPreview>;
  /** The native folder chooser, opened in `startIn` when given: a folder's path, or null when cancelled. */
  pickFolder(startIn: string | null): Promise<string | null>;
  /** What is in a folder now. */
  folderInfo(path: string): Promise<FolderInfo>;
  /** Writes the scaffold into `dir`; rejects with kind `not_empty` unless `force`. */
  generateScaffold(spec: Spec, dir: string, force: boolean): Promise<GeneratedScaffold>;
}

/** The title of the Save dialog of a report, and of the folder chooser (the e2e finds them by it). */
export const REPORT_DIALOG_TITLE = 'Export the report';
export const FOLDER_DIALOG_TITLE = 'Choose the scaffold folder';

const FILTERS: Record<ReportFormat, { name: string; extensions: string[] }> = {
  html: { name: 'HTML report', extensions: ['html', 'htm'] },
  markdown: { name: 'Markdown report', extensions: ['md', 'markdown'] },
};

export const tauriExport: ExportBackend = {
  reportPreview: (spec) => invoke<string>('report_preview', { spec }),
  exportReport: (spec, format, path, document) =>
    invoke<ExportedReport>('export_report', { spec, format, path, document }),
  pickReportPath: (suggestedName, format) =>
    save({
      title: REPORT_DIALOG_TITLE,
      defaultPath: suggestedName,
      // The chosen format's filter first: the dialog starts on it.
      filters: format === 'html' ? [FILTERS.html, FILTERS.markdown] : [FILTERS.markdown, FILTERS.html],
    }),
  scaffoldPreview: (spec) => invoke<ScaffoldPreview>('scaffold_preview', { spec }),
  pickFolder: async (startIn) => {
    const picked = await open({
      title: FOLDER_DIALOG_TITLE,
      directory: true,
      multiple: false,
      ...(startIn ? { defaultPath: startIn } : {}),
    });
    return typeof picked === 'string' ? picked : null;
  },
  folderInfo: (path) => invoke<FolderInfo>('folder_info', { path }),
  generateScaffold: (spec, dir, force) => invoke<GeneratedScaffold>('generate_scaffold', { spec, dir, force }),
};
