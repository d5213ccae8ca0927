/** Every keyboard shortcut, in one place. */
export const SHORTCUTS: readonly [string, string][] = [
  ['Ctrl+N', 'New model'],
  ['Ctrl+O', 'Open a YAML spec'],
  ['Ctrl+S', 'Save'],
  ['Ctrl+Shift+S', 'Save as'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z or Ctrl+Y', 'Redo'],
  ['Ctrl+C / Ctrl+V', 'Copy and paste the selected components'],
  ['Delete or Backspace', 'Delete the selection'],
  ['Shift+click, Ctrl+click', 'Add to the selection'],
  ['Shift+drag', 'Select with a box'],
  ['Ctrl+L', 'Auto-layout'],
  ['Ctrl+0', 'Fit the model in view'],
  ['?', 'Show or hide this help'],
  ['Escape', 'Close this help or a dialog'],
];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="hr-modal" role="presentation" onClick={onClose}>
      <div
        className="hr-modal__box hr-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="hr-help-title"
        data-testid="help"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="hr-help-title">Keyboard shortcuts</h2>
        <dl>
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <p className="hr-help__more">
          Drag from a component's right edge to another to add a call. Drag palette items onto the
          canvas, or click them to add one in the middle.
        </p>
        <div className="hr-modal__actions">
          <button type="button" className="hr-button hr-button--primary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
