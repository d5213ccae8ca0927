import type { ProjectSummary } from '../bindings/ProjectSummary';

/** What the app shows with no model open: start one, open one, or pick a recent one. */
export function StartScreen({
  recent,
  onNew,
  onOpen,
  onOpenProject,
}: {
  recent: ProjectSummary[];
  onNew: () => void;
  onOpen: () => void;
  onOpenProject: (id: number) => void;
}) {
  return (
    <div className="hr-start" data-testid="empty-state">
      <h1>Plan an architecture for scale</h1>
      <p>
        Model services, stores and queues with their rates and targets; Headroom tells you where it
        breaks and what it costs to fix.
      </p>
      <div className="hr-start__actions">
        <button type="button" className="hr-button hr-button--primary" data-testid="start-new" onClick={onNew}>
          New model
        </button>
        <button type="button" className="hr-button" data-testid="start-open" onClick={onOpen}>
          Open YAML spec…
        </button>
      </div>
      {recent.length > 0 ? (
        <section className="hr-start__recent" aria-label="Recent projects">
          <h2>Recent</h2>
          <ul data-testid="recent-projects">
            {recent.map((p) => (
              <li key={p.id}>
                <button type="button" onClick={() => onOpenProject(p.id)} data-testid="recent-project">
                  <span className="hr-start__name">{p.name}</span>
                  <span className="hr-start__path">{p.yaml_path ?? 'not saved to a file'}</span>
                  {p.has_working_copy ? <span className="hr-badge hr-badge--warn">unsaved edits</span> : null}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
