// How the app speaks to the user outside a screen: a toast for what went wrong (or is
// worth knowing), and a modal question that the code asking it awaits.

import { useCallback, useState } from 'react';

import type { ErrorKind } from '../bindings/ErrorKind';
import type { ConfirmRequest } from '../components/ConfirmDialog';
import { toCommandError } from '../ipc';

/** What the front end itself has to say, beside the engine's errors. */
export type NoticeKind = 'layout' | 'autosave' | 'workspace';

/** A toast: a failed command's `{kind, message}`, or a notice of the front end's. */
export interface Notice {
  kind: ErrorKind | NoticeKind;
  message: string;
}

/** A question on screen, and how to hand its answer back to whoever asked. */
export interface PendingQuestion extends ConfirmRequest {
  resolve: (choice: string) => void;
}

export function useNotices() {
  const [toast, setToast] = useState<Notice | null>(null);
  const [question, setQuestion] = useState<PendingQuestion | null>(null);

  /** Shows a failed command's `{kind, message}` (or any error). */
  const report = useCallback((e: unknown) => setToast(toCommandError(e)), []);
  /** Shows a sentence of some `kind` that is not an error of a command. */
  const tell = useCallback((kind: NoticeKind, message: string) => setToast({ kind, message }), []);
  const dismiss = useCallback(() => setToast(null), []);

  /** Asks in the app's dialog; resolves with the id of the choice made. */
  const ask = useCallback(
    (request: ConfirmRequest) => new Promise<string>((resolve) => setQuestion({ ...request, resolve })),
    [],
  );
  const answer = useCallback(
    (choice: string) => {
      question?.resolve(choice);
      setQuestion(null);
    },
    [question],
  );

  return { toast, report, tell, dismiss, question, ask, answer };
}

export type Notices = ReturnType<typeof useNotices>;
