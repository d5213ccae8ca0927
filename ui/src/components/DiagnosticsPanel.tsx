import type { Diagnostic } from '../bindings/Diagnostic';
import { formatDiagnostic } from '../diagnostics';

/** Every problem of the file, one per line, as `file:line:column: message`. */
export function DiagnosticsPanel({
  diagnostics,
  hasModel,
  note,
}: {
  diagnostics: readonly Diagnostic[];
  /** Whether the graph is drawn beside the panel. */
  hasModel: boolean;
  /** Replaces the default note under the title. */
  note?: string;
}) {
  const n = diagnostics.length;
  return (
    <aside
      className={hasModel ? 'hr-diagnostics' : 'hr-diagnostics hr-diagnostics--alone'}
      data-testid="diagnostics"
      aria-labelledby="diagnostics-title"
    >
      <h2 id="diagnostics-title">
        {n === 1 ? '1 problem' : `${n} problems`}
      </h2>
      <p className="hr-diagnostics__note">
        {note ??
          (hasModel
          ? 'The model is drawn as written; fix these before trusting any numbers.'
          : 'The file could not be read as an architecture spec, so there is no graph to draw.')}
      </p>
      <ul>
        {diagnostics.map((d, i) => (
          <li key={i} data-testid="diagnostic" data-path={d.path} title={d.path || undefined}>
            {formatDiagnostic(d)}
          </li>
        ))}
      </ul>
    </aside>
  );
}
