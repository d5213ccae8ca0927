// End to end: the report and the scaffold of a model in the real app — the preview, the
// exports through the native Save dialog, Save As, and a scaffold generated through the
// native folder chooser — each compared byte for byte with what the CLI writes for the
// same spec. (The report has no generation time or other varying line: the bytes are
// compared whole.)
// Run: xvfb-run -a node --test ui/e2e/export.test.mjs

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { REPO, WAIT_MS, answerFileDialog, cli, click, saveScreenshot, startDriver, waitFor } from "./harness.mjs";

const ENTER = "\uE007";
/** The dialogs' titles (ui/src/ipc/export.ts sets them; the app's Save As has GTK's "Save File"). */
const REPORT_DIALOG = "Export the report";
const FOLDER_DIALOG = "Choose the scaffold folder";

let driver;
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "headroom-export-e2e-"));
  // A workspace of this test's own (the app keeps it in $XDG_DATA_HOME).
  process.env.XDG_DATA_HOME = join(scratch, "data");
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const bodyState = (app) => app.execute("return document.body.getAttribute('data-state');");

const attr = (app, css, name) =>
  app.execute(`const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;`, [
    css,
    name,
  ]);

const text = (app, css) =>
  app.execute(`const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : null;`, [css]);

/** A screenshot once WebKit has repainted (park the pointer, wait a moment). */
async function picture(app, name) {
  await app.actions([
    {
      type: "pointer",
      id: "mouse",
      parameters: { pointerType: "mouse" },
      actions: [{ type: "pointerMove", origin: "viewport", x: 5, y: 790 }],
    },
  ]);
  await new Promise((r) => setTimeout(r, 600));
  return saveScreenshot(app, name);
}

/** Every file under `root`: relative path -> bytes (as a latin1 string, exact). */
function tree(root) {
  const out = {};
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p)] = readFileSync(p).toString("latin1");
    }
  };
  walk(root);
  return out;
}

/** What is inside the report's frame (same origin, no scripts of its own). */
function inFrame(app, body) {
  return app.execute(
    `const f = document.querySelector('[data-testid="report-frame"]');
     const d = f && f.contentDocument;
     if (!d || !d.body) return null;
     ${body}`,
  );
}

/** Waits for the report preview to be of the model as it stands. */
async function reportCurrent(app) {
  await waitFor("the report preview of the current model", async () =>
    (await attr(app, '[data-testid="report-panel"]', "data-state")) === "current" &&
    (await inFrame(app, "return d.querySelector('h1') ? d.querySelector('h1').textContent : null;")),
  );
}

async function exportReport(app, format, path) {
  await click(app, `[data-testid="export-${format}"]`);
  answerFileDialog(REPORT_DIALOG, path);
  await waitFor(`the ${format} report at ${path}`, async () =>
    (await text(app, '[data-testid="report-exported"]'))?.includes(path),
  );
  assert.ok(existsSync(path), path);
}

/** `headroom report SPEC -o OUT` (its format from OUT's extension), as bytes. */
function cliReport(spec, out) {
  const r = cli(["report", spec, "-o", out]);
  assert.equal(r.status, 0, r.stdout);
  return readFileSync(out);
}

test("report: preview, export HTML and Markdown, Save As — each the CLI's bytes for the same spec", { timeout: 8 * WAIT_MS }, async () => {
  const spec = join(scratch, "shop.yaml");
  copyFileSync(join(REPO, "models/shop.yaml"), spec);
  const out = join(scratch, "out");
  mkdirSync(out);
  const app = await driver.openApp(spec);
  try {
    await waitFor("the editor", async () => (await bodyState(app)) === "ready");
    await click(app, '[data-testid="dock-tab-report"]');
    await reportCurrent(app);

    // The preview is the report: its heading, its scorecard, its charts drawn, its styles
    // applied (the app's CSP lets the frame's inline <style> and SVG through).
    const seen = await inFrame(
      app,
      `const badge = d.querySelector('#scorecard .badge');
       return {
         h1: d.querySelector('h1').textContent,
         scorecard: d.querySelectorAll('#scorecard tr').length,
         svgs: [...d.querySelectorAll('svg')].map((s) => Math.round(s.getBoundingClientRect().width)),
         badgeRadius: badge ? getComputedStyle(badge).borderTopLeftRadius : null,
         scripts: d.querySelectorAll('script').length,
       };`,
    );
    assert.equal(seen.h1, "Gap analysis: shop");
    assert.ok(seen.scorecard >= 5, `scorecard rows: ${seen.scorecard}`);
    assert.ok(seen.svgs.length >= 3 && seen.svgs.every((w) => w > 100), `charts: ${seen.svgs}`);
    assert.equal(seen.badgeRadius, "10px", "the report's own CSS applies in the frame");
    assert.equal(seen.scripts, 0);
    assert.match(await text(app, '[data-testid="report-status"]'), /Preview of the current model/);
    // The frame's contents were the CLI's HTML, byte for byte.
    const cliHtml = cliReport(spec, join(scratch, "cli.html")).toString("utf8");
    assert.equal(await app.execute(`return document.querySelector('[data-testid="report-frame"]').srcdoc;`), cliHtml);
    await picture(app, "export-report-preview");

    // A link of the report's contents moves within the report and keeps it in the frame.
    await inFrame(app, "d.querySelector('nav a[href=\"#latency\"]').click(); return true;");
    await waitFor("scrolled to the latency section", async () => (await inFrame(app, "return d.defaultView.scrollY;")) > 200);
    assert.equal(await inFrame(app, "return d.querySelector('h1').textContent;"), "Gap analysis: shop");
    await picture(app, "export-report-latency");

    // Export both formats through the native Save dialog.
    const html = join(out, "shop-report.html");
    const md = join(out, "shop-report.md");
    await exportReport(app, "html", html);
    assert.ok(readFileSync(html).equals(cliReport(spec, join(scratch, "cli.html"))), "HTML export = headroom report");
    await exportReport(app, "markdown", md);
    assert.match(await text(app, '[data-testid="report-exported"]'), /Saved the Markdown report to .*shop-report\.md \(\d+\.\d kB\)\./);
    assert.ok(readFileSync(md).equals(cliReport(spec, join(scratch, "cli.md"))), "Markdown export = headroom report --format md");

    // Save As (Ctrl+Shift+S) writes what `headroom fmt` writes: every comment kept.
    const saved = join(out, "saved.yaml");
    const fmt = join(scratch, "fmt.yaml");
    copyFileSync(spec, fmt);
    assert.equal(cli(["fmt", fmt]).status, 0);
    await app.actions([
      {
        type: "key",
        id: "keyboard",
        actions: [
          { type: "keyDown", value: "\uE009" },
          { type: "keyDown", value: "\uE008" },
          { type: "keyDown", value: "s" },
          { type: "keyUp", value: "s" },
          { type: "keyUp", value: "\uE008" },
          { type: "keyUp", value: "\uE009" },
        ],
      },
    ]);
    answerFileDialog("Save", saved);
    await waitFor("the saved file", async () => existsSync(saved) && (await text(app, '[data-testid="model-file"]'))?.includes("saved.yaml"));
    assert.ok(readFileSync(saved).equals(readFileSync(fmt)), "Save As = headroom fmt");

    // An edit: the preview follows it, and the export is the CLI's report of the saved edit.
    await click(app, '[data-testid="dock-tab-inspect"]');
    await click(app, '[data-testid="node-api"] [data-testid="node-label"]');
    await waitFor("the api's form", async () => (await attr(app, '[data-testid="component-form"]', "data-name")) === "api");
    const replicas = await app.find('[data-testid="component-form"] [data-field="replicas"]');
    await click(app, replicas);
    await app.execute("arguments[0].select();", [replicas]);
    await replicas.sendKeys(`9${ENTER}`);
    await waitFor("unsaved edit", async () => (await app.findAll('[data-testid="dirty"]')).length === 1);
    await click(app, '[data-testid="dock-tab-report"]');
    await reportCurrent(app);
    const edited = join(out, "edited.html");
    await exportReport(app, "html", edited);
    await click(app, '[data-testid="action-save"]');
    await waitFor("saved", async () => (await app.findAll('[data-testid="dirty"]')).length === 0);
    assert.match(readFileSync(saved, "utf8"), /name: api\n(?:.*\n)*?\s+replicas: 9\n/);
    const cliEdited = cliReport(saved, join(scratch, "cli-edited.html"));
    assert.ok(readFileSync(edited).equals(cliEdited), "the edited model's export = headroom report of the saved file");
    assert.ok(!cliEdited.equals(readFileSync(html)), "the edit changed the report");
  } catch (e) {
    await saveScreenshot(app, "export-report-failure").catch(() => {});
    throw e;
  } finally {
    await app.delete();
  }
});

test("scaffold: the tree, generated through the folder chooser, a full folder asked about — the CLI's files", { timeout: 8 * WAIT_MS }, async () => {
  const spec = join(scratch, "scaffold-shop.yaml");
  copyFileSync(join(REPO, "models/shop.yaml"), spec);
  const target = join(scratch, "scaffold-out");
  mkdirSync(target);
  const cliDir = join(scratch, "scaffold-cli");
  const cliRun = cli(["scaffold", spec, "-o", cliDir]);
  assert.equal(cliRun.status, 0, cliRun.stdout);
  const expected = tree(cliDir);
  const files = Object.keys(expected).length;

  const app = await driver.openApp(spec);
  try {
    await waitFor("the editor", async () => (await bodyState(app)) === "ready");
    await click(app, '[data-testid="dock-tab-scaffold"]');
    await waitFor("the scaffold preview", async () => (await attr(app, '[data-testid="scaffold-panel"]', "data-state")) === "current");

    // The tree has every file the CLI wrote, each with its size; the deployments the CLI lists.
    const listed = await app.execute(
      `return [...document.querySelectorAll('[data-testid^="tree-file-"]')].map((e) => [e.getAttribute('data-testid').slice(10), Number(e.getAttribute('data-bytes'))]);`,
    );
    assert.deepEqual(
      Object.fromEntries(listed),
      Object.fromEntries(Object.entries(expected).map(([p, b]) => [p, b.length])),
    );
    assert.match(await text(app, '[data-testid="scaffold-summary"]'), new RegExp(`^${files} files, `));
    for (const line of cliRun.stdout.split("\n").filter((l) => / replicas, /.test(l))) {
      const [, name, replicas, hpa] = line.match(/^\s+(\S+)\s+(\d+) replicas, (no autoscaler|autoscaler (\d+)-(\d+)),/);
      const cells = await app.execute(
        `return [...document.querySelectorAll('[data-testid="deployment-' + arguments[0] + '"] td')].map((c) => c.innerText.trim());`,
        [name],
      );
      assert.equal(cells[0], replicas, `${name} replicas`);
      assert.equal(cells[1], hpa === "no autoscaler" ? "none" : hpa.replace("autoscaler ", "").replace("-", "–"), `${name} autoscaler`);
    }
    // Folders fold; a file shows its text.
    await click(app, '[data-testid="tree-folder-services"]');
    await waitFor("services folded", async () => (await app.findAll('[data-testid^="tree-file-services/"]')).length === 0);
    await click(app, '[data-testid="tree-file-docker-compose.yml"]');
    await waitFor("docker-compose.yml shown", async () =>
      (await app.execute(`const e = document.querySelector('[data-testid="scaffold-file-contents"]'); return e ? e.textContent : null;`)) ===
      expected["docker-compose.yml"],
    );
    await picture(app, "export-scaffold-tree");

    // Choose the folder in the native folder chooser, generate.
    await click(app, '[data-testid="scaffold-choose"]');
    answerFileDialog(FOLDER_DIALOG, target);
    await waitFor("the chosen folder", async () => (await text(app, '[data-testid="scaffold-folder"]')) === target);
    assert.equal(await text(app, '[data-testid="scaffold-folder-status"]'), "is empty");
    await click(app, '[data-testid="scaffold-generate"]');
    await waitFor("generated", async () => (await text(app, '[data-testid="scaffold-result"]'))?.startsWith(`Wrote ${files} files`));
    assert.match(await text(app, '[data-testid="scaffold-result"]'), new RegExp(`to ${target}\\.$`));
    for (const p of ["docker-compose.yml", "k8s/base/kustomization.yaml", "k8s/overlays/production/kustomization.yaml"]) {
      assert.ok(existsSync(join(target, p)), p);
    }
    assert.deepEqual(tree(target), expected, "the generated folder = headroom scaffold");

    // Again, into the now full folder (with a file of the user's): asked first; Cancel
    // leaves it exactly as it was.
    writeFileSync(join(target, "mine.txt"), "my notes\n");
    const before = tree(target);
    const inode = statSync(target).ino;
    await click(app, '[data-testid="scaffold-generate"]');
    await waitFor("the question", async () => (await app.findAll('[data-testid="confirm"]')).length === 1);
    const question = await text(app, '[data-testid="confirm"]');
    const entries = readdirSync(target).length;
    assert.match(question, new RegExp(`The folder ${target} has ${entries} entries`));
    assert.match(question, /everything in it now is deleted, including files the scaffold does not write/);
    await picture(app, "export-scaffold-not-empty");
    await click(app, '[data-testid="confirm-cancel"]');
    await waitFor("the note", async () => (await text(app, '[data-testid="scaffold-note"]'))?.includes("Nothing was written"));
    assert.deepEqual(tree(target), before, "cancelled: untouched");
    assert.equal(statSync(target).ino, inode);

    // And confirmed: replaced whole; the user's file is gone, the tree is the CLI's.
    await click(app, '[data-testid="scaffold-generate"]');
    await waitFor("the question again", async () => (await app.findAll('[data-testid="confirm"]')).length === 1);
    await click(app, '[data-testid="confirm-replace"]');
    await waitFor("replaced", async () => (await text(app, '[data-testid="scaffold-result"]'))?.endsWith("replacing what was there."));
    assert.deepEqual(tree(target), expected, "replaced: exactly the CLI's scaffold");
    assert.ok(!existsSync(join(target, "mine.txt")));
    assert.deepEqual(
      readdirSync(scratch).filter((n) => n.includes("headroom-")),
      [],
      "nothing left beside the folder",
    );
    await picture(app, "export-scaffold-generated");
  } catch (e) {
    await saveScreenshot(app, "export-scaffold-failure").catch(() => {});
    throw e;
  } finally {
    await app.delete();
  }
});
