// The harness's own click, in the real webview: a page of boxes that scroll (as the dock
// does) put together in the app's window, and clicks on what they hide.
// Run: xvfb-run -a node --test ui/e2e/harness.test.mjs

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WAIT_MS, click, startDriver, waitFor } from "./harness.mjs";

let driver;
let app;
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "headroom-harness-e2e-"));
  process.env.XDG_DATA_HOME = join(scratch, "data");
  driver = await startDriver();
  app = await driver.openApp(null);
  await waitFor("the start screen", async () => (await app.execute("return document.body.dataset.state;")) === "empty");
});

after(async () => {
  await app?.delete();
  await driver?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/**
 * Lays a fixture over the whole window: a 40 px bar, then a box 300 px high that scrolls
 * (the dock's body), holding a list 120 px high that scrolls too (the history's list) of
 * twelve 30 px rows with a button each, then 1,000 px more; beside it a box that clips
 * without scrolling (the canvas). Each button counts its clicks in data-clicks.
 */
async function fixture() {
  await app.execute(`
    document.getElementById('fixture')?.remove();
    const f = document.createElement('div');
    f.id = 'fixture';
    f.style.cssText = 'position:fixed;inset:0;z-index:99999;background:#fff;font:13px sans-serif';
    const button = (id) => {
      const b = document.createElement('button');
      b.id = id;
      b.textContent = id;
      b.style.cssText = 'height:24px';
      b.dataset.clicks = '0';
      b.addEventListener('click', () => (b.dataset.clicks = String(Number(b.dataset.clicks) + 1)));
      return b;
    };
    const bar = document.createElement('div');
    bar.id = 'bar';
    bar.style.cssText = 'height:40px;background:#ddd';
    const outer = document.createElement('div');
    outer.id = 'outer';
    outer.style.cssText = 'position:absolute;top:40px;left:0;width:300px;height:300px;overflow:auto';
    const list = document.createElement('ul');
    list.id = 'list';
    list.style.cssText = 'max-height:120px;overflow-y:auto;margin:0;padding:0;list-style:none';
    for (let i = 0; i < 12; i++) {
      const row = document.createElement('li');
      row.style.cssText = 'height:30px';
      row.appendChild(button('row-' + i));
      list.appendChild(row);
    }
    const filler = document.createElement('div');
    filler.style.cssText = 'height:1000px';
    outer.append(list, filler, button('after-filler'));
    const clip = document.createElement('div');
    clip.id = 'clip';
    clip.style.cssText = 'position:absolute;top:40px;left:320px;width:200px;height:200px;overflow:hidden';
    const far = button('clipped');
    far.style.cssText = 'position:relative;top:400px';
    clip.appendChild(far);
    f.append(bar, outer, clip);
    document.body.appendChild(f);
  `);
}

const clicks = (id) => app.execute("return Number(document.getElementById(arguments[0]).dataset.clicks);", [id]);
const scrollTop = (id) => app.execute("return document.getElementById(arguments[0]).scrollTop;", [id]);

test("a click reaches a button below the fold of two nested scrolling boxes, once", { timeout: 2 * WAIT_MS }, async () => {
  await fixture();
  await click(app, "#row-11");
  assert.equal(await clicks("row-11"), 1);
  assert.ok((await scrollTop("list")) > 0, "the inner list was scrolled");
  await click(app, "#after-filler");
  assert.equal(await clicks("after-filler"), 1);
  const [top, end] = await app.execute("const o = document.getElementById('outer'); return [o.scrollTop, o.scrollHeight - o.clientHeight];");
  assert.ok(end > 800 && top >= end - 1, `the outer box was scrolled to its end (${top} of ${end})`);
});

test("a button the scrolling box shows only in part (the dock's History case) is clicked", { timeout: 2 * WAIT_MS }, async (t) => {
  await fixture();
  // Scroll the outer box so that only the last 2 px of the list's first button show under
  // its top edge: the layout a brand-new machine's fonts gave the Restore buttons.
  await app.execute(`
    const outer = document.getElementById('outer');
    const b = document.getElementById('row-0').getBoundingClientRect();
    outer.scrollTop += b.bottom - 2 - outer.getBoundingClientRect().top;`);
  const bare = await app
    .find("#row-0")
    .then((e) => e.webdriverClick())
    .then(
      () => "clicked",
      (e) => e.message,
    );
  t.diagnostic(`WebDriver's own click on it: ${bare}`);
  const bareClicks = await clicks("row-0");
  await click(app, "#row-0");
  assert.equal(await clicks("row-0"), bareClicks + 1, `WebDriver alone said: ${bare}`);
});

test("an option is chosen through its select", { timeout: 2 * WAIT_MS }, async () => {
  await fixture();
  await app.execute(`
    const s = document.createElement('select');
    s.id = 'choice';
    s.innerHTML = '<option value="a">a</option><option value="b">b</option>';
    document.getElementById('outer').appendChild(s);`);
  await click(app, '#choice option[value="b"]');
  assert.equal(await app.execute("return document.getElementById('choice').value;"), "b");
});

test("a button that appears later is waited for", { timeout: 2 * WAIT_MS }, async () => {
  await fixture();
  await app.execute(`
    setTimeout(() => {
      const b = document.createElement('button');
      b.id = 'late';
      b.dataset.clicks = '0';
      b.textContent = 'late';
      b.addEventListener('click', () => (b.dataset.clicks = String(Number(b.dataset.clicks) + 1)));
      document.getElementById('bar').appendChild(b);
    }, 400);`);
  await click(app, "#late");
  assert.equal(await clicks("late"), 1);
});

test("a covered button, or one clipped by a box that does not scroll, is not clicked: the error says why", { timeout: 2 * WAIT_MS }, async () => {
  await fixture();
  await app.execute(`
    const cover = document.createElement('div');
    cover.id = 'cover';
    cover.style.cssText = 'position:fixed;top:0;left:0;width:300px;height:40px;z-index:100000;background:#f00';
    document.getElementById('fixture').appendChild(cover);
    document.getElementById('bar').appendChild(Object.assign(document.createElement('button'), { id: 'under' }));`);
  await assert.rejects(click(app, "#under", { timeoutMs: 1000 }), /could not click #under within 1000 ms: its centre is covered by div/);
  // The canvas pans rather than scrolls: a box with overflow hidden is left as it is.
  await assert.rejects(click(app, "#clipped", { timeoutMs: 1000 }), /could not click #clipped within 1000 ms: its centre is covered by/);
  assert.equal(await scrollTop("clip"), 0);
  assert.equal(await clicks("clipped"), 0);
  await assert.rejects(click(app, "#nowhere", { timeoutMs: 500 }), /could not click #nowhere within 500 ms: .*no such element/);
});
