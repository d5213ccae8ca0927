import type { ModelView } from '../bindings/ModelView';

function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect x="2" y="2" width="20" height="20" rx="5" fill="#1e293b" />
      <path d="M6 17V7 M18 17V7 M6 12h12" stroke="#f8fafc" strokeWidth="2.2" strokeLinecap="round" />
      <path d="M9 5.5h6" stroke="#38bdf8" strokeWidth="2.2" strokeLinecap="round" />
    </svg>
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The app bar: the spec's name, its file, and what it holds. */
export function Header({ view }: { view: ModelView | null }) {
  const spec = view?.spec ?? null;
  return (
    <header className="hr-header">
      <div className="hr-brand">
        <Logo />
        <span>Headroom</span>
      </div>
      {view ? (
        <div className="hr-header__model">
          {spec ? (
            <h1 data-testid="model-name" title={spec.description ?? spec.name}>
              {spec.name}
            </h1>
          ) : null}
          <span className="hr-header__file" data-testid="model-file" title={view.file}>
            {view.file}
          </span>
        </div>
      ) : null}
      {view ? (
        <div className="hr-header__stats">
          {spec ? (
            <span>
              {plural(spec.components.length, 'component', 'components')} ·{' '}
              {plural(spec.dependencies.length, 'dependency', 'dependencies')}
            </span>
          ) : null}
          {view.diagnostics.length > 0 ? (
            <span className="hr-badge hr-badge--error">
              {plural(view.diagnostics.length, 'problem', 'problems')}
            </span>
          ) : (
            <span className="hr-badge hr-badge--ok">valid</span>
          )}
        </div>
      ) : null}
    </header>
  );
}
