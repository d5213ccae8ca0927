import type { ReactNode } from 'react';

function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect x="2" y="2" width="20" height="20" rx="5" fill="#1e293b" />
      <path d="M6 17V7 M18 17V7 M6 12h12" stroke="#f8fafc" strokeWidth="2.2" strokeLinecap="round" />
      <path d="M9 5.5h6" stroke="#38bdf8" strokeWidth="2.2" strokeLinecap="round" />
    </svg>
  );
}

export interface ToolbarAction {
  id: string;
  label: string;
  shortcut?: string;
  disabled?: boolean;
  onClick: () => void;
}

/** The app bar: brand, file and edit actions, the model's name and file, and a status. */
export function Toolbar({
  actions,
  title,
  file,
  dirty,
  status,
}: {
  actions: ToolbarAction[];
  title: string | null;
  file: string | null;
  dirty: boolean;
  status?: ReactNode;
}) {
  return (
    <header className="hr-header">
      <div className="hr-brand">
        <Logo />
        <span>Headroom</span>
      </div>
      <div className="hr-toolbar" role="toolbar" aria-label="File and edit">
        {actions.map((a) => (
          <button
            key={a.id}
            type="button"
            className="hr-toolbar__button"
            data-testid={`action-${a.id}`}
            disabled={a.disabled}
            onClick={a.onClick}
            title={a.shortcut ? `${a.label} (${a.shortcut})` : a.label}
          >
            {a.label}
          </button>
        ))}
      </div>
      {title !== null ? (
        <div className="hr-header__model">
          <h1 data-testid="model-name">
            {title}
            {dirty ? (
              <span className="hr-header__dirty" data-testid="dirty" title="Unsaved changes">
                {' '}
                •
              </span>
            ) : null}
          </h1>
          <span className="hr-header__file" data-testid="model-file" title={file ?? undefined}>
            {file ?? 'not saved yet'}
          </span>
        </div>
      ) : null}
      <div className="hr-header__stats">{status}</div>
    </header>
  );
}
