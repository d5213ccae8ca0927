import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Spec } from '../../bindings/Spec';
import { memoryBackend } from '../../fixtures/backend';
import { toyReport } from '../../fixtures/export';
import { shopSpec } from '../../fixtures/shop';
import { panelProps } from '../testProps';
import { ReportPanel } from './ReportPanel';

/** Renders are debounced (400 ms); give a busy machine time. */
const SETTLE = { timeout: 5_000 };

const frame = () => screen.getByTestId('report-frame');
const state = () => screen.getByTestId('report-panel').getAttribute('data-state');

function withReplicas(spec: Spec, name: string, replicas: number): Spec {
  return { ...spec, components: spec.components.map((c) => (c.name === name ? { ...c, replicas } : c)) };
}

describe('ReportPanel', () => {
  it("previews the engine's HTML report of the current model in a frame that runs no script", async () => {
    const backend = memoryBackend(null);
    const spec = shopSpec();
    render(<ReportPanel {...panelProps(backend, spec)} />);
    await waitFor(() => expect(state()).toBe('current'), SETTLE);
    expect(frame()).toHaveAttribute('srcdoc', toyReport(spec, 'html'));
    expect(frame()).toHaveAttribute('sandbox', 'allow-same-origin');
    expect(frame().getAttribute('sandbox')).not.toContain('allow-scripts');
    expect(frame()).toHaveAttribute('data-current', 'true');
    expect(screen.getByTestId('report-status')).toHaveTextContent('Preview of the current model');
    expect(backend.exportState.calls).toEqual(['reportPreview shop']);
  });

  it('renders again once edits pause, once for a burst of edits, and says it is updating meanwhile', async () => {
    const backend = memoryBackend(null);
    const spec = shopSpec();
    const { rerender } = render(<ReportPanel {...panelProps(backend, spec)} />);
    await waitFor(() => expect(state()).toBe('current'), SETTLE);
    let edited = spec;
    for (const name of ['a', 'b', 'c']) {
      edited = { ...edited, name };
      rerender(<ReportPanel {...panelProps(backend, edited)} />);
    }
    expect(state()).toBe('updating');
    expect(frame()).toHaveAttribute('data-current', 'false');
    expect(screen.getByTestId('report-status')).toHaveTextContent('Updating the preview');
    await waitFor(() => expect(state()).toBe('current'), SETTLE);
    expect(frame()).toHaveAttribute('srcdoc', toyReport(edited, 'html'));
    expect(backend.exportState.calls).toEqual(['reportPreview shop', 'reportPreview c']);
  });

  it('keeps the last report, marked as earlier, while the model has problems, and will not export', async () => {
    const backend = memoryBackend(null);
    const spec = shopSpec();
    const { rerender } = render(<ReportPanel {...panelProps(backend, spec)} />);
    await waitFor(() => expect(state()).toBe('current'), SETTLE);
    rerender(<ReportPanel {...panelProps(backend, withReplicas(spec, 'api', 0))} />);
    await waitFor(() => expect(state()).toBe('failed'), SETTLE);
    expect(screen.getByTestId('report-error')).toHaveTextContent('the model has 1 problem; fix it before exporting');
    expect(screen.getByTestId('report-status')).toHaveTextContent('the preview is of an earlier version');
    expect(frame()).toHaveAttribute('srcdoc', toyReport(spec, 'html'));
    expect(frame()).toHaveAttribute('data-current', 'false');
    expect(screen.getByTestId('export-html')).toBeDisabled();
    expect(screen.getByTestId('export-markdown')).toBeDisabled();
  });

  it('exports HTML and Markdown to the paths the Save dialog answers, and says where', async () => {
    const backend = memoryBackend(null);
    const spec = shopSpec();
    render(<ReportPanel {...panelProps(backend, spec)} />);
    await waitFor(() => expect(state()).toBe('current'), SETTLE);

    backend.exportState.nextReportPath = '/out/shop-report.html';
    fireEvent.click(screen.getByTestId('export-html'));
    await screen.findByTestId('report-exported', {}, SETTLE);
    expect(backend.exportState.calls).toContain('pickReportPath /models/shop-report.html html');
    expect(backend.exportState.files.get('/out/shop-report.html')).toBe(toyReport(spec, 'html'));
    const htmlBytes = new TextEncoder().encode(toyReport(spec, 'html')).length;
    expect(screen.getByTestId('report-exported')).toHaveTextContent(
      `Saved the HTML report to /out/shop-report.html (${htmlBytes} B).`,
    );

    backend.exportState.nextReportPath = '/out/notes.md';
    fireEvent.click(screen.getByTestId('export-markdown'));
    await waitFor(() => expect(screen.getByTestId('report-exported')).toHaveTextContent('Markdown report to /out/notes.md'), SETTLE);
    expect(backend.exportState.calls).toContain('pickReportPath /models/shop-report.md markdown');
    expect(backend.exportState.files.get('/out/notes.md')).toBe(toyReport(spec, 'markdown'));
  });

  it('does nothing when the dialog is cancelled, and shows a failed export as text', async () => {
    const backend = memoryBackend(null);
    render(<ReportPanel {...panelProps(backend, shopSpec())} />);
    await waitFor(() => expect(state()).toBe('current'), SETTLE);
    backend.exportState.nextReportPath = null;
    await act(async () => {
      fireEvent.click(screen.getByTestId('export-html'));
      await Promise.resolve();
    });
    await waitFor(() => expect(screen.getByTestId('export-html')).toBeEnabled(), SETTLE);
    expect(backend.exportState.calls.some((c) => c.startsWith('exportReport'))).toBe(false);
    expect(screen.queryByTestId('report-exported')).toBeNull();

    backend.exportState.nextReportPath = '/read-only/r.html';
    backend.exportState.failNext = { kind: 'io', message: 'cannot write /read-only/r.html: Permission denied (os error 13)' };
    fireEvent.click(screen.getByTestId('export-html'));
    expect(await screen.findByTestId('report-export-error', {}, SETTLE)).toHaveTextContent(
      'Not exported: cannot write /read-only/r.html: Permission denied (os error 13)',
    );
    expect(screen.queryByTestId('report-exported')).toBeNull();
  });

  it('names the suggested file after the model when it was never saved', async () => {
    const backend = memoryBackend(null);
    render(<ReportPanel {...panelProps(backend, shopSpec(), { file: null })} />);
    await waitFor(() => expect(state()).toBe('current'), SETTLE);
    fireEvent.click(screen.getByTestId('export-markdown'));
    await waitFor(() => expect(backend.exportState.calls).toContain('pickReportPath shop-report.md markdown'), SETTLE);
  });
});

describe('the Report tab in the app', () => {
  it("shows the open model's report", async () => {
    const { App } = await import('../../App');
    const { documentOf } = await import('../../fixtures/backend');
    const { shopView } = await import('../../fixtures/shop');
    const backend = memoryBackend(documentOf(shopView()));
    render(<App backend={backend} />);
    fireEvent.click(await screen.findByTestId('dock-tab-report', {}, { timeout: 15_000 }));
    await waitFor(() => expect(state()).toBe('current'), SETTLE);
    expect(frame()).toHaveAttribute('srcdoc', toyReport(shopView().spec!, 'html'));
    // The graph's layout finishes too before the test does: on a busy machine it can
    // outlast the report, and its answer must not land after the page is torn down.
    await waitFor(() => expect(document.body.dataset.state).toBe('ready'), SETTLE);
  }, 30_000);
});
