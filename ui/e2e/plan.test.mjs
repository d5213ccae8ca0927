// End to end: the findings, the planner and the history in the real app, on a copy of
// models/shop.yaml (which misses five of its ten targets), checked against the CLI.
// Run: xvfb-run -a node --test ui/e2e/plan.test.mjs

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, WAIT_MS, cli, click, saveScreenshot, startDriver, waitFor } from "./harness.mjs";

const SHOP = join(REPO, "models/shop.yaml");
const CONTROL = "\uE009";

let driver;
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "headroom-plan-e2e-"));
  // A workspace of this test's own (the app keeps it in $XDG_DATA_HOME).
  process.env.XDG_DATA_HOME = join(scratch, "data");
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const attr = (app, css, name) =>
  app.execute(`const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;`, [
    css,
    name,
  ]);
const count = (app, css) => app.execute("return document.querySelectorAll(arguments[0]).length;", [css]);
const texts = (app, css) =>
  app.execute("return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText.trim());", [css]);

/** The scorecard's cells as [id, pass] once the analysis has settled on the present model. */
async function scorecard(app) {
  return app.execute(
    "return [...document.querySelectorAll('[data-testid^=\"score-\"]')].map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-pass')]);",
  );
}

const analysisSeq = async (app) => Number(await attr(app, "[data-analysis-seq]", "data-analysis-seq"));

/**
 * Waits for the analysis of the edit just made (its sequence number moves past `seq`)
 * and for the scorecard to show `failing` red cells (a number, or "some").
 */
async function scoreSettles(app, seq, failing, what) {
  await waitFor(`the analysis after #${seq}`, async () => (await analysisSeq(app)) > seq);
  await waitFor(what, async () => {
    if ((await attr(app, '[data-testid="scorecard"]', "data-stale")) !== "false") return false;
    const red = (await scorecard(app)).filter(([, pass]) => pass === "false").length;
    return failing === "some" ? red > 0 : red === failing;
  });
}

/** Presses Ctrl+`key` in the window, as a person does. */
async function chord(app, key) {
  await app.actions([
    {
      type: "key",
      id: "keyboard",
      actions: [
        { type: "keyDown", value: CONTROL },
        { type: "keyDown", value: key },
        { type: "keyUp", value: key },
        { type: "keyUp", value: CONTROL },
      ],
    },
  ]);
}

/** A screenshot once WebKit has repainted (park the pointer, wait a moment). */
async function picture(app, name) {
  await app.actions([
    { type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions: [{ type: "pointerMove", origin: "viewport", x: 400, y: 760 }] },
  ]);
  await new Promise((r) => setTimeout(r, 500));
  await saveScreenshot(app, name);
}

/** The YAML below its leading comments (a save keeps the file's header, the CLI writes its own). */
const body = (yaml) => yaml.replace(/^(#.*\n)+/, "");

test("findings select their component or class; the plan applied turns the scorecard green, undoes, saves as the CLI plans it; history compares and restores", { timeout: 8 * WAIT_MS }, async () => {
  const file = join(scratch, "shop.yaml");
  copyFileSync(SHOP, file);
  const original = readFileSync(file, "utf8");

  // What the CLI says of the same model, to hold the app to.
  const analysed = cli(["analyze", "--json", file]);
  const findings = JSON.parse(analysed.stdout).findings;
  const planned = join(scratch, "cli-planned.yaml");
  const planRun = cli(["plan", "--json", "-o", planned, file]);
  assert.equal(planRun.status, 0, planRun.stdout);
  const plan = JSON.parse(planRun.stdout);
  assert.ok(plan.steps.length > 0 && plan.before.targets_met < plan.before.targets, "the shop should need a plan");
  assert.equal(plan.after.targets_met, plan.after.targets);

  const app = await driver.openApp(file);
  try {
    await waitFor("the model drawn", async () => (await app.execute("return document.body.getAttribute('data-state');")) === "ready");
    await scoreSettles(app, 0, "some", "the shop's scorecard, with red");
    const red = (await scorecard(app)).filter(([, p]) => p === "false").length;
    assert.equal(red, plan.before.targets - plan.before.targets_met, "red cells = targets the CLI says are missed");

    // Findings: every one the CLI finds, with the tab's badge.
    await click(app, '[data-testid="dock-tab-findings"]');
    await waitFor("the findings", async () => (await count(app, '[data-testid="finding"]')) === findings.length);
    const kinds = await app.execute("return [...document.querySelectorAll('[data-testid=\"finding\"]')].map((e) => e.getAttribute('data-kind'));");
    assert.deepEqual([...kinds].sort(), findings.map((f) => f.kind).sort());
    const numbers = await texts(app, '[data-testid="finding"][data-kind="saturated"] [data-testid="finding-numbers"]');
    // fulfilment: 400 req/s x 40 ms = 16 erlangs on its 2 node replicas, one event loop each.
    assert.deepEqual(numbers, ["utilisation 800 % · saturates at 100 %"]);
    await picture(app, "plan-findings");

    // A component's finding selects it in the inspector; a class's shows its class.
    await click(app, '[data-testid="finding"][data-kind="saturated"] [data-testid="finding-select"]');
    await waitFor("fulfilment in the inspector", async () => (await attr(app, '[data-testid="component-form"]', "data-name")) === "fulfilment");
    assert.equal(await attr(app, '[data-testid="dock"]', "data-tab"), "inspect");
    await click(app, '[data-testid="dock-tab-findings"]');
    await click(app, '[data-testid="finding"][data-kind="availability_missed"] [data-testid="finding-select"]');
    await waitFor("checkout on the Workload tab", async () =>
      (await attr(app, '[data-testid="class-row"][data-highlighted="true"]', "data-name")) === "checkout",
    );
    assert.equal(await attr(app, '[data-testid="inspector-tab-workload"]', "aria-selected"), "true");
    await picture(app, "plan-class");

    // The planner: the CLI's steps, in its order.
    await click(app, '[data-testid="dock-tab-findings"]');
    await click(app, '[data-testid="plan-run"]');
    await waitFor("the plan", async () => (await count(app, '[data-testid="plan-step"]')) > 0);
    assert.deepEqual(await texts(app, '[data-testid="plan-step-summary"]'), plan.steps.map((s) => s.summary));
    assert.equal(await attr(app, '[data-testid="plan-before"]', "data-met"), String(plan.before.targets_met));
    assert.equal(await attr(app, '[data-testid="plan-after"]', "data-met"), String(plan.after.targets_met));
    await picture(app, "plan-plan");

    // Apply all: one edit, and every target green.
    let seq = await analysisSeq(app);
    await click(app, '[data-testid="plan-apply-all"]');
    await scoreSettles(app, seq, 0, "every scorecard cell green");
    const cells = await scorecard(app);
    assert.equal(cells.filter(([, p]) => p === "true").length, plan.after.targets, JSON.stringify(cells));
    assert.match(await attr(app, '[data-testid="action-undo"]', "title"), /Apply plan \(\d+ steps\)/);
    await waitFor("the plan marked applied", async () => (await count(app, '[data-testid="plan-applied"]')) === 1);
    await picture(app, "plan-applied");

    // Undo (Ctrl+Z): red again, and the plan applies again; redo: green.
    seq = await analysisSeq(app);
    await chord(app, "z");
    await scoreSettles(app, seq, red, "the scorecard red again after undo");
    assert.equal(await attr(app, '[data-testid="plan-result"]', "data-fresh"), "true");
    seq = await analysisSeq(app);
    await click(app, '[data-testid="action-redo"]');
    await scoreSettles(app, seq, 0, "green again after redo");

    // Save (Ctrl+S, no question: the shop's comments are kept): the file is the CLI's
    // planned spec, comments and all.
    await chord(app, "s");
    await waitFor("saved (not dirty)", async () => (await count(app, '[data-testid="dirty"]')) === 0);
    const saved = readFileSync(file, "utf8");
    assert.notEqual(saved, original);
    assert.equal(body(saved), body(readFileSync(planned, "utf8")), "the saved model is the CLI's planned spec");
    assert.equal(cli(["fmt", "--check", file]).status, 0, "the saved file is canonical");
    assert.equal(cli(["check", file]).status, 0, "the saved file meets every target");

    // History: the save is the newest revision; compared with the first, the replicas changed.
    await click(app, '[data-testid="dock-tab-history"]');
    await waitFor("two revisions", async () => (await count(app, '[data-testid="revision"]')) === 2);
    const ids = await app.execute("return [...document.querySelectorAll('[data-testid=\"revision\"]')].map((e) => Number(e.getAttribute('data-id')));");
    assert.ok(ids[0] > ids[1], `newest first: ${ids}`);
    const [newest, first] = ids;
    assert.match((await texts(app, `[data-testid="revision"][data-id="${newest}"]`))[0], /Saved to .*shop\.yaml/);
    await click(app, `[data-testid="revision"][data-id="${newest}"] [data-testid="history-pick"]`);
    await click(app, `[data-testid="revision"][data-id="${first}"] [data-testid="history-pick"]`);
    await click(app, '[data-testid="history-compare"]');
    await waitFor("the comparison", async () => (await count(app, '[data-testid="comparison"]')) === 1);
    const fields = await app.execute(
      "return [...document.querySelectorAll('[data-testid=\"diff-item\"]')].map((e) => e.getAttribute('data-key') + ': ' + [...e.querySelectorAll('[data-testid=\"diff-field\"]')].map((f) => f.innerText.trim()).join('; '));",
    );
    // The shop's plan: 23 fulfilment replicas (one event loop each) behind 23 partitions, and quorum reads for checkout.
    assert.ok(fields.includes("fulfilment: replicas: 2 → 23"), JSON.stringify(fields));
    assert.ok(fields.includes("order-events: partitions: 6 → 23"), JSON.stringify(fields));
    assert.ok(fields.some((f) => f.startsWith("orders-db: replication.mode: async → quorum")), JSON.stringify(fields));
    const rows = await app.execute(
      "return [...document.querySelectorAll('[data-testid^=\"compare-row-\"]')].map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-before-pass'), e.getAttribute('data-after-pass')]);",
    );
    assert.equal(rows.filter(([, b]) => b === "false").length, red, JSON.stringify(rows));
    assert.equal(rows.filter(([, , a]) => a === "false").length, 0, JSON.stringify(rows));
    assert.ok(rows.some(([id, b, a]) => id === "compare-row-throughput_rps" && b === "false" && a === "true"));
    // The comparison opens below the revisions and brings its start into the dock's view.
    const shown = await app.execute(
      "const c = document.querySelector('[data-testid=\"comparison\"]').getBoundingClientRect(); const d = document.querySelector('.hr-dock__body').getBoundingClientRect(); return c.top >= d.top - 1 && c.top < d.bottom;",
    );
    assert.equal(shown, true, "the comparison is in view in the dock");
    await picture(app, "plan-history-compare");

    // Restore the first revision: one edit, red again, the file untouched until a save.
    seq = await analysisSeq(app);
    await click(app, `[data-testid="revision"][data-id="${first}"] [data-testid="revision-restore"]`);
    await scoreSettles(app, seq, red, "the scorecard red again after restoring the first revision");
    assert.equal(await attr(app, '[data-testid="action-undo"]', "title"), `Undo (Ctrl+Z: Restore revision ${first})`);
    assert.equal(await count(app, '[data-testid="dirty"]'), 1);
    assert.equal(readFileSync(file, "utf8"), saved);
    await picture(app, "plan-restored");
  } catch (e) {
    await saveScreenshot(app, "plan-failure").catch(() => {});
    throw e;
  } finally {
    await app.delete();
  }
});
