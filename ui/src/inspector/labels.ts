// The labels of undoable edits, as the undo menu and history show them:
// "Set api replicas to 4", "Clear api replicas".

/** `Set <item> <field> to <value>`, or `Clear <item> <field>` when the value is removed. */
export function setLabel(item: string, field: string, value: unknown): string {
  const subject = item === '' ? field : `${item} ${field}`;
  if (value === undefined) return `Clear ${subject}`;
  return `Set ${subject} to ${describe(value)}`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return value.map(describe).join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** `api → orders-db`: how a dependency is named in labels and headings. */
export function dependencyName(from: string, to: string): string {
  return `${from} → ${to}`;
}
