// The deployment scaffold of the model being edited: the file tree `headroom scaffold`
// would write (every file's text a click away) and the plan's deployments, then a folder
// chosen in the native dialog and the files written there. A folder that has anything
// in it is replaced only after the user says so.

import { useCallback, useMemo, useState, type JSX } from 'react';

import type { CommandError } from '../../bindings/CommandError';
import type { FolderInfo } from '../../bindings/FolderInfo';
import type { GeneratedScaffold } from '../../bindings/GeneratedScaffold';
import type { ScaffoldPreview } from '../../bindings/ScaffoldPreview';
import type { Spec } from '../../bindings/Spec';
import { toCommandError } from '../../ipc';
import type { PanelProps } from '../types';
import { formatBytes, usePreview } from '../usePreview';
import { buildTree, type FolderNode, type TreeNode } from './tree';
import './scaffold.css';

const usd = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The folder a path is in (`/a/b/shop.yaml` → `/a/b`), or null. */
function parentOf(path: string | null): string | null {
  if (!path) return null;
  const i = path.replace(/[\\/]+$/, '').search(/[\\/][^\\/]*$/);
  return i > 0 ? path.slice(0, i) : i === 0 ? '/' : null;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the question about a folder with entries says; exact about what is deleted. */
export function replaceQuestion(info: FolderInfo, files: number | null) {
  const more = info.entries > info.sample.length ? ', …' : '';
  const named = info.sample.length > 0 ? ` (${info.sample.join(', ')}${more})` : '';
  const what = files === null ? 'the generated files' : `the ${plural(files, 'generated file')}`;
  return {
    title: `Replace ${plural(info.entries, 'entry', 'entries')}?`,
    message:
      `The folder ${info.path} has ${plural(info.entries, 'entry', 'entries')}${named}. ` +
      `Generating replaces the whole folder: everything in it now is deleted, including files ` +
      `the scaffold does not write, and it will hold only ${what}. ` +
      `Nothing is deleted until the new files are complete.`,
  };
}

function FolderStatus({ info }: { info: FolderInfo | null }): JSX.Element | null {
  if (!info) return null;
  let text: string;
  if (!info.exists) text = 'does not exist yet: it will be created';
  else if (!info.is_dir) text = 'is a file, not a folder: choose another';
  else if (info.entries === 0) text = 'is empty';
  else text = `has ${plural(info.entries, 'entry', 'entries')}: you will be asked before they are replaced`;
  return (
    <span className="hr-scaffold__folder-note" data-testid="scaffold-folder-status" data-entries={info.entries}>
      {text}
    </span>
  );
}

function Tree({
  node,
  depth,
  collapsed,
  onToggle,
  selected,
  onSelect,
}: {
  node: FolderNode;
  depth: number;
  collapsed: ReadonlySet<string>;
  onToggle: (path: string) => void;
  selected: string | null;
  onSelect: (path: string) => void;
}): JSX.Element {
  return (
    <ul className="hr-tree" role={depth === 0 ? 'tree' : 'group'}>
      {node.children.map((c: TreeNode) =>
        c.type === 'folder' ? (
          <li key={c.path} role="treeitem" aria-expanded={!collapsed.has(c.path)} aria-selected={false}>
            <button
              type="button"
              className="hr-tree__row hr-tree__row--folder"
              style={{ paddingLeft: 6 + depth * 14 }}
              data-testid={`tree-folder-${c.path}`}
              onClick={() => onToggle(c.path)}
            >
              <span className="hr-tree__twisty" aria-hidden="true">
                {collapsed.has(c.path) ? '▸' : '▾'}
              </span>
              <span className="hr-tree__name">{c.name}/</span>
              <span className="hr-tree__size">{plural(c.files, 'file')}</span>
            </button>
            {collapsed.has(c.path) ? null : (
              <Tree
                node={c}
                depth={depth + 1}
                collapsed={collapsed}
                onToggle={onToggle}
                selected={selected}
                onSelect={onSelect}
              />
            )}
          </li>
        ) : (
          <li key={c.path} role="treeitem" aria-selected={selected === c.path}>
            <button
              type="button"
              className={`hr-tree__row${selected === c.path ? ' hr-tree__row--selected' : ''}`}
              style={{ paddingLeft: 20 + depth * 14 }}
              data-testid={`tree-file-${c.path}`}
              data-bytes={c.file.bytes}
              onClick={() => onSelect(c.path)}
            >
              <span className="hr-tree__name">
                {c.name}
                {c.file.executable ? <span className="hr-tree__exec" title="executable"> *</span> : null}
              </span>
              <span className="hr-tree__size">{formatBytes(c.file.bytes)}</span>
            </button>
          </li>
        ),
      )}
    </ul>
  );
}

function Summary({ s }: { s: ScaffoldPreview }): JSX.Element {
  return (
    <div className="hr-scaffold__summary" data-testid="scaffold-summary">
      <p>
        {plural(s.files.length, 'file')}, {formatBytes(s.total_bytes)}, from a plan of {plural(s.plan_steps, 'step')}{' '}
        costing {usd.format(s.monthly_cost_usd)} USD a month.{' '}
        {s.meets_all_targets ? (
          <span className="hr-scaffold__ok">
            It meets every target ({s.targets_met} of {s.targets}).
          </span>
        ) : (
          <span className="hr-scaffold__warn">
            It meets {s.targets_met} of {s.targets} targets; generated from the best plan found.
          </span>
        )}
      </p>
      {s.out_of_reach.length > 0 ? (
        <ul className="hr-scaffold__reach" data-testid="scaffold-out-of-reach">
          {s.out_of_reach.map((o) => (
            <li key={o}>{o}</li>
          ))}
        </ul>
      ) : null}
      {s.deployments.length > 0 ? (
        <table className="hr-scaffold__deployments" data-testid="scaffold-deployments">
          <caption>Kubernetes deployments, as the plan sizes them</caption>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Replicas</th>
              <th scope="col">Autoscaler min–max</th>
              <th scope="col">CPU request</th>
              <th scope="col">Memory request</th>
            </tr>
          </thead>
          <tbody>
            {s.deployments.map((d) => (
              <tr key={d.deployment} data-testid={`deployment-${d.deployment}`}>
                <th scope="row">{d.deployment}</th>
                <td className="num">{d.replicas}</td>
                <td className="num">{d.hpa_min !== null && d.hpa_max !== null ? `${d.hpa_min}–${d.hpa_max}` : 'none'}</td>
                <td className="num">{d.cpu_request}</td>
                <td className="num">{d.memory_request}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="hr-scaffold__muted">No Kubernetes deployments: the model has no service, worker or function.</p>
      )}
    </div>
  );
}

export function ScaffoldPanel({ backend, spec, file, ask }: PanelProps): JSX.Element {
  const render = useCallback((s: Spec) => backend.scaffoldPreview(s), [backend]);
  const preview = usePreview(spec, render);
  const [folder, setFolder] = useState<string | null>(null);
  const [info, setInfo] = useState<FolderInfo | null>(null);
  const [busy, setBusy] = useState<'choose' | 'generate' | null>(null);
  const [result, setResult] = useState<GeneratedScaffold | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);

  const shown = preview.ok?.value ?? null;
  const tree = useMemo(() => (shown ? buildTree(shown.files) : null), [shown]);
  const selectedFile = shown?.files.find((f) => f.path === selected) ?? null;
  const invalid = preview.failed !== null && preview.failed.spec === spec;
  const state = preview.current ? 'current' : invalid ? 'failed' : shown ? 'updating' : 'loading';

  const refreshInfo = async (path: string) => {
    try {
      setInfo(await backend.folderInfo(path));
    } catch (e) {
      setInfo(null);
      setError(toCommandError(e));
    }
  };

  const choose = async () => {
    setBusy('choose');
    setError(null);
    try {
      // Start beside the last folder chosen, else in the model's folder.
      const picked = await backend.pickFolder(parentOf(folder ?? file));
      if (picked === null) return;
      setFolder(picked);
      setResult(null);
      setNote(null);
      await refreshInfo(picked);
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(null);
    }
  };

  const generate = async () => {
    if (folder === null) return;
    setBusy('generate');
    setError(null);
    setResult(null);
    setNote(null);
    try {
      try {
        setResult(await backend.generateScaffold(spec, folder, false));
      } catch (e) {
        const err = toCommandError(e);
        if (err.kind !== 'not_empty') {
          setError(err);
          return;
        }
        const now = await backend.folderInfo(folder);
        setInfo(now);
        const q = replaceQuestion(now, preview.current && shown ? shown.files.length : null);
        const answer = await ask({
          ...q,
          choices: [
            { id: 'replace', label: 'Replace everything', tone: 'danger' },
            { id: 'cancel', label: 'Cancel' },
          ],
        });
        if (answer !== 'replace') {
          setNote(`Nothing was written; ${folder} is as it was.`);
          return;
        }
        setResult(await backend.generateScaffold(spec, folder, true));
      }
      await refreshInfo(folder);
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(null);
    }
  };

  const toggle = (path: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  return (
    <section className="hr-scaffold" data-testid="scaffold-panel" data-state={state}>
      <header className="hr-scaffold__head">
        <h2 className="hr-scaffold__title">Scaffold</h2>
        <p className="hr-scaffold__status" data-testid="scaffold-status">
          {state === 'current' && 'What Generate writes for the current model.'}
          {state === 'updating' && 'Updating for your latest edit…'}
          {state === 'loading' && 'Planning and rendering the scaffold…'}
          {state === 'failed' &&
            (shown
              ? 'The current model has no scaffold; the files shown are of an earlier version.'
              : 'The current model has no scaffold.')}
        </p>
      </header>

      <div className="hr-scaffold__folder">
        <span className="hr-scaffold__label">Folder</span>
        {folder ? (
          <code data-testid="scaffold-folder">{folder}</code>
        ) : (
          <span className="hr-scaffold__muted" data-testid="scaffold-folder">
            none chosen
          </span>
        )}
        <FolderStatus info={info} />
        <span className="hr-scaffold__buttons">
          <button
            type="button"
            className="hr-button"
            data-testid="scaffold-choose"
            disabled={busy !== null}
            onClick={() => void choose()}
          >
            Choose folder…
          </button>
          <button
            type="button"
            className="hr-button hr-button--primary"
            data-testid="scaffold-generate"
            disabled={busy !== null || folder === null || invalid || (info !== null && info.exists && !info.is_dir)}
            title={folder === null ? 'Choose a folder first' : invalid ? 'Fix the model’s problems first' : `Write the files into ${folder}`}
            onClick={() => void generate()}
          >
            {busy === 'generate' ? 'Generating…' : 'Generate'}
          </button>
        </span>
      </div>

      {invalid && preview.failed ? (
        <p className="hr-scaffold__error" role="alert" data-testid="scaffold-preview-error">
          {preview.failed.error.message}
        </p>
      ) : null}
      {result ? (
        <p className="hr-scaffold__done" data-testid="scaffold-result" data-files={result.files}>
          Wrote {plural(result.files, 'file')} ({formatBytes(result.bytes)}) to <code>{result.dir}</code>
          {result.replaced ? ', replacing what was there.' : '.'}
        </p>
      ) : null}
      {result && result.recovered.length > 0 ? (
        <ul className="hr-scaffold__muted" data-testid="scaffold-recovered">
          {result.recovered.map((r) => (
            <li key={r}>{r.charAt(0).toUpperCase() + r.slice(1)}.</li>
          ))}
        </ul>
      ) : null}
      {note ? (
        <p className="hr-scaffold__muted" data-testid="scaffold-note">
          {note}
        </p>
      ) : null}
      {error ? (
        <p className="hr-scaffold__error" role="alert" data-testid="scaffold-error">
          Not generated: {error.message}
        </p>
      ) : null}

      {shown && tree ? (
        <>
          <Summary s={shown} />
          <div className={`hr-scaffold__files${preview.current ? '' : ' hr-scaffold__files--old'}`}>
            <nav className="hr-scaffold__tree" aria-label="Files" data-testid="scaffold-tree">
              <Tree
                node={tree}
                depth={0}
                collapsed={collapsed}
                onToggle={toggle}
                selected={selected}
                onSelect={setSelected}
              />
            </nav>
            <div className="hr-scaffold__view" data-testid="scaffold-file-view">
              {selectedFile ? (
                <>
                  <div className="hr-scaffold__view-head">
                    <code>{selectedFile.path}</code>
                    <span>{formatBytes(selectedFile.bytes)}</span>
                  </div>
                  <pre data-testid="scaffold-file-contents">{selectedFile.contents}</pre>
                </>
              ) : (
                <p className="hr-scaffold__muted">Click a file to read it.</p>
              )}
            </div>
          </div>
        </>
      ) : state === 'loading' ? (
        <p className="hr-dock__empty">Planning and rendering the scaffold…</p>
      ) : null}
    </section>
  );
}
