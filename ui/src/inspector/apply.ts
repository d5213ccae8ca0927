import type { Spec } from '../bindings/Spec';
import { EditError } from '../editor/specEdits';

/** Runs an edit and hands a changed spec to `onEdit`: an {@link EditError} comes back as a message. */
export type Apply = (edit: () => Spec, label: string) => string | null;

/** An {@link Apply} over `spec`; an edit that changes nothing is not reported. */
export function applier(spec: Spec, onEdit: (next: Spec, label: string) => void): Apply {
  return (edit, label) => {
    try {
      const next = edit();
      if (next !== spec) onEdit(next, label);
      return null;
    } catch (e) {
      if (e instanceof EditError) return e.message;
      throw e;
    }
  };
}
