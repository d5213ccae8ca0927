// The scaffold's files as a tree of folders, for the panel's file list.

import type { PreviewFile } from '../../bindings/PreviewFile';

export interface FileNode {
  type: 'file';
  name: string;
  path: string;
  file: PreviewFile;
}

export interface FolderNode {
  type: 'folder';
  name: string;
  /** '/'-separated, relative to the project's root; '' for the root. */
  path: string;
  children: TreeNode[];
  /** Files anywhere below, and their bytes. */
  files: number;
  bytes: number;
}

export type TreeNode = FileNode | FolderNode;

/** Folders first, then files, each by name (README.md among the r's). */
function sortTree(folder: FolderNode): void {
  folder.children.sort((a, b) =>
    a.type !== b.type ? (a.type === 'folder' ? -1 : 1) : a.name.localeCompare(b.name, 'en'),
  );
  for (const c of folder.children) if (c.type === 'folder') sortTree(c);
}

export function buildTree(files: readonly PreviewFile[]): FolderNode {
  const root: FolderNode = { type: 'folder', name: '', path: '', children: [], files: 0, bytes: 0 };
  for (const file of files) {
    const parts = file.path.split('/');
    const name = parts.pop() ?? file.path;
    let folder = root;
    folder.files += 1;
    folder.bytes += file.bytes;
    for (const part of parts) {
      const path = folder.path ? `${folder.path}/${part}` : part;
      let next = folder.children.find((c): c is FolderNode => c.type === 'folder' && c.name === part);
      if (!next) {
        next = { type: 'folder', name: part, path, children: [], files: 0, bytes: 0 };
        folder.children.push(next);
      }
      next.files += 1;
      next.bytes += file.bytes;
      folder = next;
    }
    folder.children.push({ type: 'file', name, path: file.path, file });
  }
  sortTree(root);
  return root;
}
