import { useEffect, useRef } from 'react';

export interface Choice {
  id: string;
  label: string;
  tone?: 'primary' | 'danger' | 'plain';
}

export interface ConfirmRequest {
  title: string;
  message: string;
  choices: Choice[];
}

/** A modal question with a few answers; Escape picks the last one (cancel). */
export function ConfirmDialog({
  request,
  onAnswer,
}: {
  request: ConfirmRequest;
  onAnswer: (choice: string) => void;
}) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const cancel = request.choices[request.choices.length - 1]?.id ?? 'cancel';
  return (
    <div
      className="hr-modal"
      role="presentation"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onAnswer(cancel);
      }}
    >
      <div className="hr-modal__box" role="alertdialog" aria-modal="true" aria-labelledby="hr-confirm-title" data-testid="confirm">
        <h2 id="hr-confirm-title">{request.title}</h2>
        <p>{request.message}</p>
        <div className="hr-modal__actions">
          {request.choices.map((c, i) => (
            <button
              key={c.id}
              ref={i === 0 ? first : undefined}
              type="button"
              className={`hr-button hr-button--${c.tone ?? 'plain'}`}
              data-testid={`confirm-${c.id}`}
              onClick={() => onAnswer(c.id)}
            >
              {c.label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
