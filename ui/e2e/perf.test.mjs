// Measures the editor on a generated 300-component model in the real webview: how long
// opening takes, and an edit's round trip (edit -> engine -> repaint). The figures are
// printed and written to ui/e2e/output/perf.json; they are measurements, not assertions
// (a busy CI machine must not fail a test for being slow). The test does assert that
// every measured edit really changed the numbers on the canvas.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OUTPUT, WAIT_MS, saveScreenshot, startDriver, waitFor } from "./harness.mjs";

const COMPONENTS = 300;
const EDITS = 21;

/** A layered model: a load balancer, then layers of 10 services, each calling two in the next layer. */
function generatedSpec() {
  const lines = ["version: 1", "name: generated-300", "targets:", "  p99_ms: 500", "workload:", "  classes:", "    - { name: web, rate_rps: 200, entry: lb }", "components:", "  - { name: lb, kind: load_balancer, replicas: 2, service_time_ms: 0.2 }"];
  const names = [];
  for (let i = 0; i < COMPONENTS - 1; i++) {
    names.push(`svc-${i}`);
    lines.push(`  - { name: svc-${i}, kind: service, replicas: 2, service_time_ms: 20 }`);
  }
  lines.push("dependencies:");
  for (let i = 0; i < 10; i++) lines.push(`  - { from: lb, to: svc-${i}, calls: 0.1 }`);
  for (let i = 0; i + 10 < names.length; i++) {
    const layer = Math.floor(i / 10);
    const next = (layer + 1) * 10;
    for (const j of [next + (i % 10), next + ((i + 1) % 10)]) {
      if (j < names.length) lines.push(`  - { from: ${names[i]}, to: ${names[j]}, calls: 0.5 }`);
    }
  }
  return lines.join("\n") + "\n";
}

let driver;
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "headroom-perf-e2e-"));
  process.env.XDG_DATA_HOME = join(scratch, "data");
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

test(`a ${COMPONENTS}-component model: open time and edit round trips`, { timeout: 6 * WAIT_MS }, async () => {
  const file = join(scratch, "generated-300.yaml");
  writeFileSync(file, generatedSpec());

  const launched = performance.now();
  const app = await driver.openApp(file);
  try {
    await app.cmd("POST", "/timeouts", { script: WAIT_MS });
    // Time from the page starting to load to the model drawn with its numbers.
    const pageMs = await app.executeAsync(`
      const done = arguments[arguments.length - 1];
      // (The canvas draws only the nodes in view: wait for any of them to show its numbers.)
      const ready = () => document.body.dataset.state === 'ready' &&
        document.querySelector('.react-flow__node [data-utilization]');
      if (ready()) return done(performance.now());
      const obs = new MutationObserver(() => { if (ready()) { obs.disconnect(); done(performance.now()); } });
      obs.observe(document.documentElement, { subtree: true, attributes: true, childList: true });`);
    const wallMs = performance.now() - launched;
    // The canvas draws only the nodes in view (as it should for a model this size); the
    // minimap draws them all.
    assert.equal(await app.execute("return document.querySelectorAll('.react-flow__minimap-node').length"), COMPONENTS);
    // Zoomed out this far, the edges are drawn as two paths: every call in them, once.
    const calls = generatedSpec().split("\n").filter((l) => l.includes("from:")).length;
    const drawn = await app.execute(
      "return [...document.querySelectorAll('[data-testid=overview-edges] path')].map((p) => (p.getAttribute('d').match(/M/g) || []).length)",
    );
    assert.deepEqual(drawn, [calls, 0], "sync and async calls drawn in the overview");
    assert.equal(await app.execute("return document.querySelectorAll('.react-flow__edge').length"), 0);

    // Select a service in view and time edits of its replicas in the page. An edit is the Enter
    // that commits a field (typing only drafts it, ui/src/inspector/controls.tsx); its round
    // trip runs from that Enter until its node shows the new utilisation and two frames have
    // begun since (the second begins once the first, with the new numbers, is drawn).
    const name = await app.execute(
      "return [...document.querySelectorAll('.react-flow__node')].map((n) => n.dataset.id).find((id) => id.startsWith('svc-'));",
    );
    // Clicked in the page: at the fitted zoom (0.1) a node is a few pixels tall, which
    // WebDriver refuses to click as "not interactable".
    await app.execute(`document.querySelector('[data-testid="node-${name}"]').click();`);
    await waitFor(`${name}'s form`, async () =>
      (await app.execute("return document.querySelector('[data-testid=component-form]')?.dataset.name")) === name,
    );
    const all = await app.executeAsync(`
      const [edits, name, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
      const input = document.querySelector('[data-testid=component-form] input[data-field=replicas]');
      const node = () => document.querySelector('[data-testid="node-' + name + '"]');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      (async () => {
        const out = [];
        // The first edits are timed from their Enter; the last ones from before the value
        // is typed, which adds drawing the typed draft (for comparison with earlier runs).
        for (let i = 0; i < 2 * edits; i++) {
          const typed = i >= edits;
          const replicas = i % 2 === 0 ? 3 : 2;
          const before = node().dataset.utilization;
          let tSeq = null;
          const seqObs = new MutationObserver(() => { tSeq ??= performance.now(); seqObs.disconnect(); });
          seqObs.observe(document.querySelector('[data-analysis-seq]'), { attributes: true, attributeFilter: ['data-analysis-seq'] });
          let t0 = performance.now();
          // Typing drafts the value in the field (drawn, as it is while a user types);
          // Enter commits it: the edit, and the clock starts.
          input.focus();
          setValue.call(input, String(replicas));
          input.dispatchEvent(new Event('input', { bubbles: true }));
          if (!typed) {
            await frame();
            await frame();
            t0 = performance.now();
          }
          input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
          while (node().dataset.utilization === before) {
            if (performance.now() - t0 > 10000) throw new Error('edit ' + i + ' changed nothing in 10 s');
            await new Promise((r) => setTimeout(r, 0));
          }
          const tNode = performance.now();
          await frame();
          await frame();
          out.push({ typed, ms: performance.now() - t0, answerMs: (tSeq ?? tNode) - t0, nodeMs: tNode - t0, replicas, utilization: Number(node().dataset.utilization) });
        }
        return out;
      })().then(done, (e) => done({ error: String(e) }));`, [EDITS, name]);
    assert.ok(Array.isArray(all), JSON.stringify(all));
    const rounds = all.filter((r) => !r.typed);
    const typedRounds = all.filter((r) => r.typed);
    // The numbers really moved with each edit: 3 replicas carry the load at 2/3 the utilisation of 2.
    const u3 = rounds.find((r) => r.replicas === 3).utilization;
    const u2 = rounds.find((r) => r.replicas === 2).utilization;
    assert.ok(Math.abs(u3 / u2 - 2 / 3) < 2e-3, `utilisation with 3 vs 2 replicas: ${u3} / ${u2}`);

    // The app's own marks (performance.measure): where the time went.
    const measures = await app.execute(`
      const of = (name) => performance.getEntriesByName(name).map((e) => e.duration);
      const ends = (name) => performance.getEntriesByName(name).map((e) => Math.round(e.startTime + e.duration));
      const start = performance.getEntriesByName('headroom:script-start')[0];
      return { script: start ? start.startTime : null, document: of('headroom:open-document'), layout: of('headroom:layout'), analyze: of('headroom:analyze'), layoutEnd: ends('headroom:layout')[0] ?? null, firstAnalysisEnd: ends('headroom:analyze')[0] ?? null };`);
    const analyses = measures.analyze.slice(-2 * EDITS, -EDITS);
    const figures = {
      components: COMPONENTS,
      open_page_ms: Math.round(pageMs),
      open_wall_ms_incl_process_start: Math.round(wallMs),
      edit_round_trip_ms: { median: +median(rounds.map((r) => r.ms)).toFixed(1), all: rounds.map((r) => +r.ms.toFixed(1)) },
      // The same edits timed from before their value is typed (drawing the draft included).
      typed_edit_round_trip_ms: { median: +median(typedRounds.map((r) => r.ms)).toFixed(1), all: typedRounds.map((r) => +r.ms.toFixed(1)) },
      // Parts of the round trip (medians): the engine's answer applied, the node updated.
      edit_answer_ms: +median(rounds.map((r) => r.answerMs)).toFixed(1),
      edit_node_ms: +median(rounds.map((r) => r.nodeMs)).toFixed(1),
      // The backend's part of it: the analyze command's IPC round trip, engine included.
      edit_backend_ms: analyses.length ? +median(analyses).toFixed(1) : null,
      // Parts of opening: the page and the app's script loaded, the document read, laid out.
      open_script_start_ms: measures.script === null ? null : Math.round(measures.script),
      open_document_ms: measures.document.length ? Math.round(measures.document[0]) : null,
      open_layout_ms: measures.layout.length ? Math.round(measures.layout[0]) : null,
      // When (from the page's start) the layout was done and the first analysis answered.
      open_layout_done_at_ms: measures.layoutEnd,
      open_first_analysis_at_ms: measures.firstAnalysisEnd,
    };
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(join(OUTPUT, "perf.json"), JSON.stringify(figures, null, 2) + "\n");
    console.log(
      `perf: ${JSON.stringify({ ...figures, edit_round_trip_ms: figures.edit_round_trip_ms.median, typed_edit_round_trip_ms: figures.typed_edit_round_trip_ms.median })}`,
    );
    await saveScreenshot(app, "perf-300");
  } catch (e) {
    await saveScreenshot(app, "perf-failure").catch(() => {});
    throw e;
  } finally {
    await app.delete();
  }
});
