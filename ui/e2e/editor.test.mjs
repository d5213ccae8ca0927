// End to end: a model built from nothing in the real app, as a user would — palette,
// connections, inspector, targets — checked against the CLI on the saved file.
// Run: xvfb-run -a node --test ui/e2e/

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WAIT_MS, answerFileDialog, cli, click, saveScreenshot, startDriver, waitFor } from "./harness.mjs";

const ENTER = "\uE007";

let driver;
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "headroom-editor-e2e-"));
  // A workspace of this test's own (the app keeps it in $XDG_DATA_HOME).
  process.env.XDG_DATA_HOME = join(scratch, "data");
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const bodyState = (app) => app.execute("return document.body.getAttribute('data-state');");

async function settledAs(app, state, name) {
  try {
    await waitFor(`body[data-state=${state}]`, async () => (await bodyState(app)) === state);
  } catch (e) {
    await saveScreenshot(app, `${name}-timeout`).catch(() => {});
    throw e;
  }
}

const attr = (app, css, name) =>
  app.execute(`const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;`, [
    css,
    name,
  ]);

/** Types `value` into the inspector field `field` inside `scope`, replacing what is there, and commits. */
async function setField(app, scope, field, value) {
  const input = await app.find(`${scope} [data-field="${field}"]`);
  await click(app, input);
  // Select what is there, so typing replaces it (WebDriver's Clear would blur, committing
  // an empty field first; its Ctrl+A chord does not reach WebKitGTK's input).
  await app.execute("arguments[0].select();", [input]);
  await input.sendKeys(`${value}${ENTER}`);
}

/** Picks `value` in the select `field` inside `scope` (by clicking its option). */
async function choose(app, scope, field, value) {
  const option = await app.find(`${scope} select[data-field="${field}"] option[value="${value}"]`);
  await click(app, option);
}

/** Waits until the canvas stops moving (a layout or a fit of the view may be under way). */
async function still(app) {
  const where = () =>
    app.execute(
      "return [...document.querySelectorAll('.react-flow__node')].map((n) => { const r = n.getBoundingClientRect(); return `${r.left},${r.top}`; }).join(' ');",
    );
  let last = await where();
  await waitFor("the canvas to stand still", async () => {
    await new Promise((r) => setTimeout(r, 250));
    const now = await where();
    const same = now === last;
    last = now;
    return same;
  });
}

/** Selects `from` on the canvas and adds a call to `to` in its inspector. */
async function addCall(app, from, to) {
  await still(app);
  await click(app, `[data-testid="node-${from}"] [data-testid="node-label"]`);
  await waitFor(`${from}'s form`, async () => (await attr(app, '[data-testid="component-form"]', "data-name")) === from);
  await click(app, `[data-testid="add-call-target"] option[value="${to}"]`);
  await click(app, '[data-testid="calls"] [data-testid="add-call"]');
  await waitFor(`${from} calls ${to}`, () =>
    app.execute(
      "return [...document.querySelectorAll('.react-flow__edge')].some((e) => e.getAttribute('data-id').endsWith(arguments[0]));",
      [`-${from}-${to}`],
    ),
  );
}

/** Auto-layout, done: the layout is the last edit and the view has stopped moving. */
async function autoLayout(app) {
  await click(app, '[data-testid="action-layout"]');
  await waitFor("the layout to be applied", async () =>
    (await attr(app, '[data-testid="action-undo"]', "title"))?.includes(": Auto-layout"),
  );
  await still(app);
}

/**
 * A screenshot once WebKit has repainted: under Xvfb it may skip repainting the canvas's
 * edge layer until the pointer moves, so park the pointer and wait a moment first.
 */
async function picture(app, name) {
  await app.actions([{ type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions: [{ type: "pointerMove", origin: "viewport", x: 600, y: 740 }] }]);
  await new Promise((r) => setTimeout(r, 500));
  await saveScreenshot(app, name);
}

const analysisSeq = async (app) => Number(await attr(app, "[data-analysis-seq]", "data-analysis-seq"));

/** Waits for the live analysis to answer an edit made after `seq` was read. */
async function analysedAfter(app, seq) {
  await waitFor(`an analysis after #${seq}`, async () => (await analysisSeq(app)) > seq);
}


test("build a three-tier model from nothing, watch its numbers, save it, and the CLI agrees", { timeout: 6 * WAIT_MS }, async () => {
  const app = await driver.openApp(null);
  try {
    await settledAs(app, "empty", "editor-start");
    await click(app, '[data-testid="start-new"]');
    await settledAs(app, "ready", "editor-new");

    // Three components from the palette.
    for (const kind of ["load_balancer", "service", "database"]) {
      await click(app, `[data-testid="palette-${kind}"]`);
    }
    for (const name of ["lb", "service", "db"]) {
      await waitFor(`node ${name}`, async () => (await app.findAll(`[data-testid="node-${name}"]`)).length === 1);
    }
    // lb -> service -> db, each added from the caller's inspector ("Add a call to").
    // (Dragging from handle to handle works by hand, but WebKit's WebDriver drops a drag
    // now and then, so this test takes the inspector's way.)
    // (Callee first: a new edge's label can sit over the next node to click.)
    await addCall(app, "service", "db");
    await addCall(app, "lb", "service");
    await waitFor("two edges", async () => (await app.findAll(".react-flow__edge")).length === 2);
    await autoLayout(app);

    // A request class entering at the load balancer, 100 req/s.
    await click(app, '[data-testid="inspector-tab-workload"]');
    await click(app, '[data-testid="add-class"]');
    const row = '[data-testid="class-row"][data-index="0"]';
    await waitFor("a class row", async () => (await app.findAll(row)).length === 1);
    await setField(app, row, "rate_rps", "100");
    await choose(app, row, "entry", "lb");
    await setField(app, row, "p99_ms", "250");

    // Targets: 150 req/s capacity.
    await click(app, '[data-testid="inspector-tab-targets"]');
    let seq = await analysisSeq(app);
    await setField(app, '[data-testid="targets-panel"]', "throughput_rps", "150");
    await analysedAfter(app, seq);

    // One 10 ms server at 100 req/s: the service saturates, it is the bottleneck, and the
    // capacity (80 req/s at the 0.8 ceiling) misses the target.
    await waitFor("service is the bottleneck", async () => (await attr(app, '[data-testid="node-service"]', "data-bottleneck")) === "true");
    assert.equal(await attr(app, '[data-testid="node-service"]', "data-heat"), "saturated");
    assert.equal(await attr(app, '[data-testid="score-throughput_rps"]', "data-pass"), "false");
    await picture(app, "editor-before");

    // Four replicas: the service cools to 0.25 and the 5 ms database (0.5) is the bottleneck;
    // capacity 160 req/s meets the target.
    await click(app, '[data-testid="node-service"]');
    await waitFor("the service's form", async () => (await attr(app, '[data-testid="component-form"]', "data-name")) === "service");
    seq = await analysisSeq(app);
    await setField(app, '[data-testid="component-form"]', "replicas", "4");
    await analysedAfter(app, seq);
    await waitFor("db is the bottleneck", async () => (await attr(app, '[data-testid="node-db"]', "data-bottleneck")) === "true");
    assert.equal(await attr(app, '[data-testid="node-service"]', "data-bottleneck"), null);
    assert.equal(await attr(app, '[data-testid="score-throughput_rps"]', "data-pass"), "true");
    const shown = {
      service: Number(await attr(app, '[data-testid="node-service"]', "data-utilization")),
      db: Number(await attr(app, '[data-testid="node-db"]', "data-utilization")),
      lb: Number(await attr(app, '[data-testid="node-lb"]', "data-utilization")),
    };
    await picture(app, "editor-after");

    // Undo brings the saturated service back; redo the fix.
    seq = await analysisSeq(app);
    await click(app, '[data-testid="action-undo"]');
    await analysedAfter(app, seq);
    await waitFor("service saturated again", async () => (await attr(app, '[data-testid="node-service"]', "data-heat")) === "saturated");
    seq = await analysisSeq(app);
    await click(app, '[data-testid="action-redo"]');
    await analysedAfter(app, seq);
    await waitFor("db bottleneck again", async () => (await attr(app, '[data-testid="node-db"]', "data-bottleneck")) === "true");

    // Save: a new model asks where, in the native dialog.
    const file = join(scratch, "three-tier.yaml");
    await click(app, '[data-testid="action-save"]');
    answerFileDialog("Save", file);
    await waitFor("the file on disk", async () => existsSync(file));
    await waitFor("saved (not dirty)", async () => (await app.findAll('[data-testid="dirty"]')).length === 0);

    const validated = cli(["validate", file]);
    assert.equal(validated.status, 0, `headroom validate ${file}:\n${validated.stdout}`);
    const analysed = JSON.parse(cli(["analyze", "--json", file]).stdout);
    const byName = Object.fromEntries(analysed.components.map((c) => [c.name, c]));
    for (const [name, value] of Object.entries(shown)) {
      assert.ok(Math.abs(byName[name].utilization - value) < 1e-4, `${name}: app ${value}, CLI ${byName[name].utilization}`);
    }
    assert.equal(analysed.bottleneck, "db");
    // The hand-worked figures: 100 req/s on 4 x 10 ms servers and on one 5 ms server.
    assert.ok(Math.abs(shown.service - 0.25) < 1e-4, `service utilisation ${shown.service}`);
    assert.ok(Math.abs(shown.db - 0.5) < 1e-4, `db utilisation ${shown.db}`);
    await picture(app, "editor-saved");

    // Zoomed out past reading (below 0.2), the calls are drawn as one path, not as edges;
    // a call selected before stays selected; zoomed back in, the calls are edges again.
    await app.execute(
      "document.querySelector('.react-flow__edge[data-id$=\"-lb-service\"]').dispatchEvent(new MouseEvent('click', { bubbles: true }));",
    );
    await waitFor("the call's form", async () => (await app.findAll('[data-testid="dependency-form"]')).length === 1);
    const zoom = () => app.execute("return Number(/scale\\(([\\d.]+)\\)/.exec(document.querySelector('.react-flow__viewport').style.transform)[1]);");
    for (let i = 0; i < 30 && (await zoom()) >= 0.2; i++) {
      await click(app, ".react-flow__controls-zoomout");
    }
    await waitFor("the overview's edges", async () => (await app.findAll('[data-testid="overview-edges"]')).length === 1);
    const drawn = await app.execute(
      "return [...document.querySelectorAll('[data-testid=overview-edges] path')].map((p) => (p.getAttribute('d').match(/M/g) || []).length)",
    );
    assert.deepEqual(drawn, [2, 0], `calls drawn zoomed out at ${await zoom()}`);
    assert.equal((await app.findAll(".react-flow__edge")).length, 0);
    assert.equal((await app.findAll('[data-testid="dependency-form"]')).length, 1, "the call is still selected");
    await picture(app, "editor-zoomed-out");
    await click(app, ".react-flow__controls-fitview");
    await waitFor("the calls as edges again", async () => (await app.findAll(".react-flow__edge")).length === 2);
    assert.equal((await app.findAll('[data-testid="overview-edges"]')).length, 0);
  } catch (e) {
    await saveScreenshot(app, "editor-failure").catch(() => {});
    throw e;
  } finally {
    await app.delete();
  }
});
