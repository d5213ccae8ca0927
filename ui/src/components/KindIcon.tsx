import { kindStyle } from '../kinds';

/** The icon of a component kind: a small inline SVG (no external assets). */
export function KindIcon({ kind, size = 18 }: { kind: string; size?: number }) {
  const style = kindStyle(kind);
  return (
    <svg
      className="kind-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke={style.color}
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={style.icon} />
    </svg>
  );
}
