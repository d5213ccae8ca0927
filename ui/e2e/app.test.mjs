// End-to-end tests of Headroom's desktop app: the real binary, driven through tauri-driver.
// Run: xvfb-run -a node --test ui/e2e/

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, WAIT_MS, cliValidate, saveScreenshot, startDriver, waitFor } from "./harness.mjs";

const SHOP = join(REPO, "models/shop.yaml");

/** The components of models/shop.yaml, as this test expects them. */
const SHOP_COMPONENTS = [
  "cdn",
  "gateway",
  "api",
  "session-cache",
  "orders-db",
  "order-events",
  "fulfilment",
  "notify",
  "payments",
];

/**
 * The components of a spec read by a plain line scan: `  - name: X` items under the
 * top-level `components:` key, each with the `kind:` line that follows. Returns [[name, kind]].
 */
function scanComponents(yaml) {
  const out = [];
  let inComponents = false;
  for (const raw of yaml.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "");
    if (/^\S/.test(line) && !line.startsWith("#")) inComponents = line.startsWith("components:");
    if (!inComponents) continue;
    const name = line.match(/^ {2}- name:\s*(\S+)\s*$/);
    if (name) out.push([name[1], null]);
    const kind = line.match(/^ {4}kind:\s*(\S+)\s*$/);
    if (kind && out.length) out[out.length - 1][1] = kind[1];
  }
  return out;
}

/** 1-based line and column of `needle` in the line of `text` that contains `lineNeedle`. */
function position(text, lineNeedle, needle) {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.includes(lineNeedle));
  assert.ok(i >= 0, `no line containing ${lineNeedle}`);
  return `${i + 1}:${lines[i].indexOf(needle) + 1}`;
}

/**
 * An element's rendered text. (WebKitWebDriver's Get Element Text returns "" for text inside
 * React Flow's scaled viewport although it is on screen, so read innerText in the page.)
 */
const innerText = async (app, el) => (await app.execute("return arguments[0].innerText;", [el])).trim();

const bodyState = (app) => app.execute("return document.body.getAttribute('data-state');");

/** Waits until the app has settled (body[data-state] is ready, error or empty) and returns that state. */
async function settled(app, name) {
  try {
    return await waitFor("body[data-state] to be ready, error or empty", async () => {
      const s = await bodyState(app);
      return ["ready", "error", "empty"].includes(s) ? s : null;
    });
  } catch (e) {
    await saveScreenshot(app, `${name}-timeout`).catch(() => {});
    const html = await app.source().catch(() => "");
    throw new Error(`${e.message}\npage source (start): ${html.slice(0, 2000)}`);
  }
}

/** The diagnostics panel's lines, once it has at least `min` of them. */
async function diagnostics(app, min) {
  await waitFor(`at least ${min} li[data-testid="diagnostic"]`, async () => {
    const n = await app.execute(
      "return document.querySelectorAll('[data-testid=\"diagnostics\"] li[data-testid=\"diagnostic\"]').length;",
    );
    return n >= min;
  });
  const panel = await app.find('[data-testid="diagnostics"]');
  const items = await panel.findAll('li[data-testid="diagnostic"]');
  return Promise.all(items.map(async (li) => (await li.text()).trim()));
}

let driver;
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "headroom-e2e-"));
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs `body` with the app opened on `spec`, and closes the app afterwards whatever happens. */
async function withApp(spec, body) {
  const app = await driver.openApp(spec);
  try {
    await body(app);
  } finally {
    await app.delete();
  }
}

test("shop.yaml: one node per component, named and of its kind", { timeout: 3 * WAIT_MS }, async () => {
  const yaml = readFileSync(SHOP, "utf8");
  const scanned = scanComponents(yaml);
  // The file and this test agree on the components (so either changing fails the test).
  assert.deepEqual(
    scanned.map(([n]) => n),
    SHOP_COMPONENTS,
    "models/shop.yaml's components differ from the list in this test",
  );
  for (const [name, kind] of scanned) assert.ok(kind, `component ${name} has no kind: line`);

  await withApp(SHOP, async (app) => {
    const state = await settled(app, "shop");
    if (state !== "ready") await saveScreenshot(app, "shop");
    assert.equal(state, "ready", "body[data-state] for a valid spec");

    assert.equal((await (await app.find('[data-testid="model-name"]')).text()).trim(), "shop");

    // Every component node sits in the canvas, once, labelled with its name and of its kind.
    const canvas = await app.find('[data-testid="canvas"]');
    const nodes = await canvas.findAll('[data-testid^="node-"][data-kind]');
    const seen = await Promise.all(
      nodes.map(async (n) => {
        const testid = await n.attribute("data-testid");
        return [testid.slice("node-".length), await n.attribute("data-kind")];
      }),
    );
    const byName = (a, b) => a[0].localeCompare(b[0]);
    assert.deepEqual(seen.sort(byName), [...scanned].sort(byName), "canvas nodes [name, kind] vs the file");

    for (const [name] of scanned) {
      const matches = await canvas.findAll(`[data-testid="node-${name}"]`);
      assert.equal(matches.length, 1, `exactly one node-${name}`);
      const labels = await matches[0].findAll('[data-testid="node-label"]');
      assert.equal(labels.length, 1, `node-${name} has one node-label`);
      assert.equal(await innerText(app, labels[0]), name, `node-${name}'s label`);
    }

    // Every node is drawn inside the canvas, with a size, and no two nodes overlap.
    const rects = await app.execute(`
      const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.left, y: r.top, r: r.right, b: r.bottom }; };
      const canvas = document.querySelector('[data-testid="canvas"]');
      const nodes = [...canvas.querySelectorAll('[data-testid^="node-"][data-kind]')];
      return { canvas: box(canvas), nodes: nodes.map((n) => ({ id: n.dataset.testid, ...box(n) })) };`);
    const c = rects.canvas;
    for (const n of rects.nodes) {
      assert.ok(n.r > n.x && n.b > n.y, `${n.id} has no size: ${JSON.stringify(n)}`);
      assert.ok(
        n.x >= c.x && n.y >= c.y && n.r <= c.r && n.b <= c.b,
        `${n.id} ${JSON.stringify(n)} lies outside the canvas ${JSON.stringify(c)}`,
      );
    }
    for (const [i, a] of rects.nodes.entries()) {
      for (const b of rects.nodes.slice(i + 1)) {
        const overlap = a.x < b.r && b.x < a.r && a.y < b.b && b.y < a.b;
        assert.ok(!overlap, `${a.id} ${JSON.stringify(a)} overlaps ${b.id} ${JSON.stringify(b)}`);
      }
    }

    // A valid spec has no problems to show.
    const problems = await app.execute(
      "return document.querySelectorAll('li[data-testid=\"diagnostic\"]').length;",
    );
    assert.equal(problems, 0, "a valid spec shows no diagnostics");

    // Let the canvas finish fitting the view before the picture.
    await new Promise((r) => setTimeout(r, 500));
    await saveScreenshot(app, "shop");
  });
});

test("invalid spec: diagnostics name file:line:column and the field", { timeout: 3 * WAIT_MS }, async () => {
  const shop = readFileSync(SHOP, "utf8");
  const apiReplicas = "  - name: api\n    kind: service\n    replicas: 4";
  const lastDependency = "  - { from: fulfilment, to: notify }";
  assert.ok(shop.includes(apiReplicas) && shop.includes(lastDependency), "shop.yaml changed shape");
  const invalid = shop
    .replace(apiReplicas, apiReplicas.replace("replicas: 4", "replicas: 0"))
    .replace(lastDependency, `${lastDependency}\n  - { from: api, to: inventory }`);
  const file = join(scratch, "invalid.yaml");
  writeFileSync(file, invalid);

  const replicasAt = position(invalid, "replicas: 0", "replicas");
  // Diagnostics point at the offending key.
  const inventoryAt = position(invalid, "to: inventory", "to:");

  await withApp(file, async (app) => {
    await settled(app, "invalid");
    const lines = await diagnostics(app, 3);
    await saveScreenshot(app, "invalid");

    const has = (prefix, text) =>
      assert.ok(
        lines.some((l) => l.startsWith(prefix) && l.includes(text)),
        `expected a diagnostic starting ${JSON.stringify(prefix)} containing ${JSON.stringify(text)}; got:\n${lines.join("\n")}`,
      );
    has(`${file}:${replicasAt}: `, 'components[2] "api": replicas must be in [1, 100000], got 0');
    has(`${file}:${inventoryAt}: `, 'dependencies[10] api -> inventory: to must name a component, got "inventory"');

    // The app shows what the CLI prints (minus the CLI's summary line).
    const cli = cliValidate(file);
    assert.deepEqual(lines, cli.slice(0, -1), "diagnostics panel vs `headroom validate`");
  });
});

test("broken YAML: the syntax error is shown, not a blank screen", { timeout: 3 * WAIT_MS }, async () => {
  const file = join(scratch, "broken.yaml");
  writeFileSync(file, "version: 1\nname: broken\ncomponents:\n  - name: a\n    kind: [service\n");

  await withApp(file, async (app) => {
    const state = await settled(app, "broken");
    const lines = await diagnostics(app, 1);
    await saveScreenshot(app, "broken");
    assert.equal(state, "error", "body[data-state] for a file that does not parse");
    assert.ok(
      lines.some((l) => l.startsWith(`${file}:`) && l.includes("YAML syntax error")),
      `expected a YAML syntax error for ${file}; got:\n${lines.join("\n")}`,
    );
    const cli = cliValidate(file);
    assert.deepEqual(lines, cli.slice(0, -1), "diagnostics panel vs `headroom validate`");
  });
});
