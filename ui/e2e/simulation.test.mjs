// End to end: simulations of models/shop.yaml in the real app — the progress bar moves
// while the rest of the app stays usable, the results match `headroom simulate --json`
// for the same seed and options, a long run is cancelled, a failure run draws its time
// series. Run: xvfb-run -a node --test ui/e2e/simulation.test.mjs

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, WAIT_MS, cli, click, saveScreenshot, startDriver, waitFor } from "./harness.mjs";

let driver;
let scratch;
let shop;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "headroom-sim-e2e-"));
  // A workspace of this test's own (the app keeps it in $XDG_DATA_HOME).
  process.env.XDG_DATA_HOME = join(scratch, "data");
  shop = join(scratch, "shop.yaml");
  copyFileSync(join(REPO, "models/shop.yaml"), shop);
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const attr = (app, css, name) =>
  app.execute(`const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;`, [
    css,
    name,
  ]);

const exists = (app, css) => app.execute("return document.querySelector(arguments[0]) !== null;", [css]);

/** A picture once WebKit has repainted (it may wait for the pointer to move under Xvfb). */
async function picture(app, name) {
  await app.actions([
    {
      type: "pointer",
      id: "mouse",
      parameters: { pointerType: "mouse" },
      actions: [{ type: "pointerMove", origin: "viewport", x: 400, y: 740 }],
    },
  ]);
  await sleep(500);
  await saveScreenshot(app, name);
}

async function ready(app, name) {
  try {
    await waitFor("the model to be ready", async () => (await app.execute("return document.body.dataset.state;")) === "ready");
  } catch (e) {
    await saveScreenshot(app, `${name}-timeout`).catch(() => {});
    throw e;
  }
}

/** Replaces the text of the settings field `field` (WebDriver's Clear would blur; select and type instead). */
async function setField(app, field, value) {
  const input = await app.find(`[data-testid="sim-field-${field}"]`);
  await click(app, input);
  await app.execute("arguments[0].select();", [input]);
  await input.sendKeys(String(value));
  await waitFor(`${field} = ${value}`, async () => (await app.execute("return arguments[0].value;", [input])) === String(value));
}

async function choose(app, select, value) {
  await click(app, `[data-testid="${select}"] option[value="${value}"]`);
  await waitFor(`${select} = ${value}`, async () => (await attr(app, `[data-testid="${select}"]`, "value")) === value ||
    (await app.execute("return document.querySelector(arguments[0]).value;", [`[data-testid="${select}"]`])) === value);
}

async function openSimulate(app) {
  await click(app, '[data-testid="dock-tab-simulate"]');
  try {
    await waitFor("the simulation panel", () => exists(app, '[data-testid="sim-form"]'));
  } catch (e) {
    await saveScreenshot(app, "simulation-panel-timeout").catch(() => {});
    throw e;
  }
}

async function runSimulation(app) {
  const before = await attr(app, '[data-testid="sim-results"]', "data-run-id");
  await click(app, '[data-testid="sim-run"]');
  return before;
}

/** Waits for the results of a new run (another run id than `before`) and returns its id. */
async function newResults(app, before, name) {
  try {
    return await waitFor(
      "new results",
      async () => {
        const error = await app.execute("const e = document.querySelector('[data-testid=\"sim-error\"]'); return e ? e.textContent : null;");
        if (error) throw new Error(`the run failed: ${error}`);
        const id = await attr(app, '[data-testid="sim-results"]', "data-run-id");
        return id !== null && id !== before ? id : null;
      },
      { timeoutMs: 3 * WAIT_MS },
    );
  } catch (e) {
    await saveScreenshot(app, `${name}-timeout`).catch(() => {});
    throw e;
  }
}

const progressValue = async (app) => {
  const v = await attr(app, '[data-testid="sim-progress"]', "aria-valuenow");
  return v === null ? null : Number(v);
};

/**
 * Records in the page every value the progress bar takes from now on (however briefly it
 * holds it), so what a test reads back does not depend on how often it polls.
 */
async function watchProgress(app) {
  await app.execute(`
    window.__progressSeen = [];
    window.__progressObserver?.disconnect();
    const note = (el) => {
      const v = el?.getAttribute('aria-valuenow');
      const seen = window.__progressSeen;
      if (v !== null && v !== undefined && seen[seen.length - 1] !== Number(v)) seen.push(Number(v));
    };
    window.__progressObserver = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') note(r.target);
        for (const n of r.addedNodes ?? []) if (n.querySelectorAll) [n, ...n.querySelectorAll('[data-testid="sim-progress"]')].forEach((e) => e.dataset?.testid === 'sim-progress' && note(e));
      }
    });
    window.__progressObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });`);
}
const progressSeen = (app) => app.execute("return window.__progressSeen;");

/** Clicks a node on the canvas and waits until the canvas shows it selected. */
async function selectNode(app, name) {
  await click(app, `[data-testid="node-${name}"] [data-testid="node-label"]`);
  await waitFor(
    `${name} selected`,
    () =>
      app.execute(
        "const n = document.querySelector(arguments[0]); return !!n && !!n.closest('.react-flow__node') && n.closest('.react-flow__node').classList.contains('selected');",
        [`[data-testid="node-${name}"]`],
      ),
  );
}

/** The simulated latencies the results table shows for `cls`: { p50: [text, value], ... }. */
async function tableOf(app, cls) {
  return app.execute(
    `const rows = [...document.querySelectorAll('[data-testid="sim-percentiles-' + arguments[0] + '"] tbody tr')];
     return Object.fromEntries(rows.map((r) => [r.dataset.testid.split('-').pop(), [r.querySelectorAll('td')[1].firstChild.textContent.trim(), r.dataset.simulated]]));`,
    [cls],
  );
}

/** The display rule of the table: one decimal between 1 ms and 10 s. */
const oneDecimal = (v) => v.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Checks each class's table against the CLI's report: the text as rounded, the value exactly. */
async function assertMatchesCli(app, report) {
  for (const c of report.classes) {
    const table = await tableOf(app, c.name);
    for (const [key, field] of [
      ["p50", "p50_latency_ms"],
      ["p90", "p90_latency_ms"],
      ["p99", "p99_latency_ms"],
      ["p999", "p999_latency_ms"],
    ]) {
      const [text, value] = table[key];
      const want = c[field];
      assert.ok(want >= 1 && want < 10_000, `${c.name} ${key}: ${want} outside the one-decimal range`);
      assert.equal(text, oneDecimal(want), `${c.name} ${key} shown`);
      assert.ok(Math.abs(Number(value) - want) <= 1e-9 * want, `${c.name} ${key}: ${value} vs the CLI's ${want}`);
    }
    // A histogram with its bars and the markers.
    const bars = await app.execute(
      "return document.querySelectorAll('[data-testid=\"sim-histogram-' + arguments[0] + '\"] [data-testid=\"sim-bar\"]').length;",
      [c.name],
    );
    assert.equal(bars, c.latency_histogram.filter((b) => b.lo_ms > 0).length, `${c.name}'s histogram bars`);
    assert.ok(await exists(app, `[data-testid="sim-histogram-${c.name}"] [data-testid="sim-marker-simulated-p99"]`));
    assert.ok(await exists(app, `[data-testid="sim-histogram-${c.name}"] [data-testid="sim-marker-analytic-p99"]`));
  }
}

/** Scrolls the dock (only the dock: the window itself must not move) to show `css` at its top. */
async function scrollTo(app, css) {
  await app.execute(
    `const el = document.querySelector(arguments[0]);
     const body = el.closest('.hr-dock__body');
     body.scrollTop += el.getBoundingClientRect().top - body.getBoundingClientRect().top;`,
    [css],
  );
}

test("run a simulation: the progress bar moves, the app stays usable, the results are the CLI's", { timeout: 6 * WAIT_MS }, async () => {
  const app = await driver.openApp(shop);
  try {
    await ready(app, "sim-open");
    await openSimulate(app);
    // The CLI's defaults, then a run long enough to watch (several seconds).
    assert.equal(await attr(app, '[data-testid="sim-field-requests"]', "value"), "200000");
    await setField(app, "requests", 600000);
    await setField(app, "seed", 7);
    await setField(app, "replications", 4);
    await watchProgress(app);
    const before = await runSimulation(app);

    // The bar moves: once it is past 5 %, the rest of the app answers while the run goes
    // on (a click selects a node) and the bar is still there after it.
    await waitFor("the progress bar past 5 %", async () => {
      const v = await progressValue(app);
      if (v === null && (await attr(app, '[data-testid="sim-results"]', "data-run-id")) !== before) throw new Error("the run ended first");
      return v !== null && v > 5;
    });
    await picture(app, "simulation-running");
    await selectNode(app, "api");
    const stillRunning = await progressValue(app);
    assert.ok(stillRunning !== null && stillRunning < 100, `the run was over before it could be watched (bar at ${stillRunning})`);
    const timeLeft = await app.execute("return document.querySelector('[data-testid=\"sim-progress-text\"]')?.textContent ?? '';");
    assert.ok(timeLeft === "" || /left|stopping/.test(timeLeft), timeLeft);
    await waitFor("the run's end", async () => (await progressValue(app)) === null, { timeoutMs: 3 * WAIT_MS });
    const seen = await progressSeen(app);
    assert.ok(seen.length >= 3, `the bar took only the values ${seen}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `the bar went back: ${seen}`);

    const runId = await newResults(app, before, "simulation-results");
    const { stdout } = cli(["simulate", "--json", "--requests", "600000", "--seed", "7", "--replications", "4", shop]);
    const report = JSON.parse(stdout);
    await assertMatchesCli(app, report);
    // No time series for a steady run; the run is listed as a past run of this version.
    assert.equal(await exists(app, '[data-testid="sim-timeseries"]'), false);
    assert.equal(await attr(app, `[data-testid="sim-past-${runId}"]`, "aria-current"), "true");
    await scrollTo(app, '[data-testid="sim-results"]');
    await picture(app, "simulation-results");
  } finally {
    await app.delete();
  }
});

test("cancel a long simulation: it says cancelled, keeps nothing, and the app stays usable", { timeout: 4 * WAIT_MS }, async () => {
  const app = await driver.openApp(shop);
  try {
    await ready(app, "sim-cancel-open");
    await openSimulate(app);
    // The first test's run is opened on arrival.
    await waitFor("the last run", () => exists(app, '[data-testid="sim-results"]'));
    const pastBefore = await app.execute("return document.querySelectorAll('button[data-testid^=\"sim-past-\"]').length;");
    // A run of a minute or more: cancelled as soon as it has shown progress.
    await setField(app, "requests", 10000000);
    await runSimulation(app);
    await waitFor("some progress", async () => ((await progressValue(app)) ?? 0) >= 1, { timeoutMs: WAIT_MS });
    await selectNode(app, "orders-db");
    await watchProgress(app);
    await click(app, '[data-testid="sim-cancel"]');
    await waitFor("cancelled", () => exists(app, '[data-testid="sim-cancelled"]'));
    // Cancelled while it ran: the bar never reached the end of a run of minutes.
    const seen = await progressSeen(app);
    assert.ok(seen.every((v) => v < 100), `the bar after Cancel: ${seen}`);
    const text = await app.execute("return document.querySelector('[data-testid=\"sim-cancelled\"]').textContent;");
    assert.match(text, /cancelled/);
    assert.equal(await exists(app, '[data-testid="sim-progress"]'), false);
    // Nothing was kept: the past runs are those there were.
    await sleep(1000);
    const pastAfter = await app.execute("return document.querySelectorAll('button[data-testid^=\"sim-past-\"]').length;");
    assert.equal(pastAfter, pastBefore);
    await selectNode(app, "gateway");
    await picture(app, "simulation-cancelled");

    // A run past the event budget is refused at once, saying how many requests fit:
    // the shop makes about 3.1 visits a request, so 3e8 events over 5 replications of
    // 1.1 x N requests (warm-up included) at 1.5 events a visit fit some 11.7 million.
    await setField(app, "requests", 100000000);
    await runSimulation(app);
    const refused = await waitFor("the refusal", () =>
      app.execute("const e = document.querySelector('[data-testid=\"sim-error\"]'); return e ? [e.dataset.kind, e.textContent] : null;"),
    );
    assert.equal(refused[0], "too_much_work");
    assert.match(refused[1], /simulate 11,[0-9]{3},[0-9]{3} requests or fewer/);
    assert.equal(await exists(app, '[data-testid="sim-progress"]'), false);
    await picture(app, "simulation-too-much-work");
  } finally {
    await app.delete();
  }
});

test("a failure run: payments down for a while, its time series drawn, its numbers the CLI's", { timeout: 6 * WAIT_MS }, async () => {
  const app = await driver.openApp(shop);
  try {
    await ready(app, "sim-failure-open");
    await openSimulate(app);
    await choose(app, "sim-scenario", "failure");
    await choose(app, "sim-fail-target", "payments");
    await setField(app, "requests", 60000);
    await setField(app, "seed", 3);
    await setField(app, "replications", 3);
    await setField(app, "failFrom", 8);
    await setField(app, "failTo", 14);
    const before = await runSimulation(app);
    await newResults(app, before, "simulation-failure");
    const { stdout } = cli([
      "simulate", "--json", "--scenario", "failure", "--fail", "payments", "--fail-from", "8", "--fail-to", "14",
      "--requests", "60000", "--seed", "3", "--replications", "3", shop,
    ]);
    const report = JSON.parse(stdout);
    assert.equal(report.windows.length, 50);
    await assertMatchesCli(app, report);
    for (const chart of ["throughput", "p99", "utilization", "errors"]) {
      assert.ok(await exists(app, `[data-testid="sim-series-${chart}"] [data-testid="sim-series-${chart}-line"]`), `${chart} chart`);
      assert.ok(await exists(app, `[data-testid="sim-series-${chart}-band"]`), `${chart} shows the outage`);
    }
    // The outage's band spans 8 s to 14 s of the run's time axis.
    const band = await app.execute(`
      const svg = document.querySelector('[data-testid="sim-series-throughput"]');
      const r = svg.querySelector('[data-testid="sim-series-throughput-band"] rect');
      return { x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')) };`);
    const end = report.windows[report.windows.length - 1].end_s;
    const x = (t) => 40 + (t / end) * (300 - 6 - 40);
    assert.ok(Math.abs(band.x - x(8)) < 0.01 && Math.abs(band.x + band.w - x(14)) < 0.01, JSON.stringify({ band, end }));
    await scrollTo(app, '[data-testid="sim-timeseries"]');
    await picture(app, "simulation-failure-timeseries");
  } finally {
    await app.delete();
  }
});
