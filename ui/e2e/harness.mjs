// Runs Headroom's desktop app under tauri-driver for the end-to-end tests.
//
//   const driver = await startDriver();          // tauri-driver + WebKitWebDriver on free ports
//   const app = await driver.openApp(specPath);  // launches headroom-desktop <specPath>
//   ...
//   await app.delete(); await driver.stop();     // stop() also kills anything left behind
//
// Needs an X display (run under `xvfb-run -a`). Every wait is bounded.

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Element, Session, WebDriverError, request } from "./webdriver.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root (/work/main). */
export const REPO = resolve(HERE, "../..");
/** Screenshots and logs; ignored by git (see .gitignore here). */
export const OUTPUT = join(HERE, "output");

/** The longest any single wait may take. */
export const WAIT_MS = 60_000;

/**
 * Environment for the app's WebKitGTK web view under Xvfb (WebKitGTK 2.50, Debian 12).
 * Software GL keeps rendering the same on any machine. The usual advice for blank
 * WebKitGTK windows, WEBKIT_DISABLE_DMABUF_RENDERER=1 or WEBKIT_DISABLE_COMPOSITING_MODE=1,
 * is harmful here: with either set, WebDriver's screenshot command never returns. So
 * those two are removed from the environment the app inherits.
 */
export const WEBKIT_ENV = { LIBGL_ALWAYS_SOFTWARE: "1" };
const WEBKIT_ENV_REMOVED = ["WEBKIT_DISABLE_DMABUF_RENDERER", "WEBKIT_DISABLE_COMPOSITING_MODE"];

function driverEnv() {
  const env = { ...process.env, ...WEBKIT_ENV };
  for (const k of WEBKIT_ENV_REMOVED) delete env[k];
  return env;
}

function firstExisting(what, envVar, candidates) {
  const list = [process.env[envVar], ...candidates].filter(Boolean);
  const found = list.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`${what} not found; looked at: ${list.join(", ")} (set ${envVar} to its path)`);
  }
  return found;
}

/** The desktop app binary: $HEADROOM_DESKTOP, else the debug build in the cargo target dir. */
export function appBinary() {
  const targets = [process.env.CARGO_TARGET_DIR, "/root/.cache/headroom/target", join(REPO, "target")];
  return firstExisting(
    "headroom-desktop binary (build it: cargo build -p headroom-desktop)",
    "HEADROOM_DESKTOP",
    targets.filter(Boolean).map((t) => resolve(REPO, t, "debug/headroom-desktop")),
  );
}

/** The CLI binary next to the app, if built (used to cross-check diagnostics). */
export function cliBinary() {
  const p = join(dirname(appBinary()), "headroom");
  return existsSync(p) ? p : null;
}

function tauriDriverBinary() {
  const home = process.env.HOME ?? "/root";
  const onPath = (process.env.PATH ?? "").split(":").map((d) => join(d, "tauri-driver"));
  return firstExisting("tauri-driver (cargo install tauri-driver --locked)", "TAURI_DRIVER", [
    ...onPath,
    join(home, ".cargo/bin/tauri-driver"),
  ]);
}

function nativeDriverBinary() {
  return firstExisting("WebKitWebDriver (apt-get install webkit2gtk-driver)", "WEBKIT_WEBDRIVER", [
    "/usr/bin/WebKitWebDriver",
  ]);
}

/** A TCP port that was free a moment ago. */
function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns a truthy value, and returns that value; throws after
 * `timeoutMs` with `what` and the last value or error seen.
 */
export async function waitFor(what, probe, { timeoutMs = WAIT_MS, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seen: ${seen})`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Brings `arguments[0]` into view as a person would before clicking it, and says what
 * still stands in the way ("" when nothing does). Every box around it that a person can
 * scroll (overflow auto or scroll) is scrolled until the element sits wholly inside it,
 * centred; boxes that clip without scrolling (the canvas pans, it does not scroll) are
 * left alone, and so is the window. Then the element's centre must lie in the window
 * and hit the element itself, not something drawn over it.
 *
 * How far the dock must scroll depends on the machine: its tabs wrap onto a second row
 * with wider fonts, which moves everything below them. WebDriver's own click scrolls only
 * the window, so without this a button partly hidden under the dock's edge is refused.
 * An <option> is reached through its <select> (WebDriver selects it without a pointer).
 */
const BRING_INTO_VIEW = `
  const el = arguments[0];
  const box = el.tagName === 'OPTION' ? (el.closest('select') ?? el) : el;
  if (!box.isConnected) return 'it is no longer in the page';
  const scrolls = (o) => o === 'auto' || o === 'scroll';
  for (let a = box.parentElement; a && a !== document.documentElement; a = a.parentElement) {
    const cs = getComputedStyle(a);
    const y = scrolls(cs.overflowY) && a.scrollHeight > a.clientHeight;
    const x = scrolls(cs.overflowX) && a.scrollWidth > a.clientWidth;
    if (!x && !y) continue;
    const r = box.getBoundingClientRect();
    const c = a.getBoundingClientRect();
    const top = c.top + a.clientTop, left = c.left + a.clientLeft;
    const bottom = top + a.clientHeight, right = left + a.clientWidth;
    if (y && (r.top < top || r.bottom > bottom)) a.scrollTop += (r.top + r.bottom) / 2 - (top + bottom) / 2;
    if (x && (r.left < left || r.right > right)) a.scrollLeft += (r.left + r.right) / 2 - (left + right) / 2;
  }
  const r = box.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return 'it has no size (hidden or not laid out)';
  const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  if (cx < 0 || cy < 0 || cx >= innerWidth || cy >= innerHeight) {
    return 'its centre (' + Math.round(cx) + ', ' + Math.round(cy) + ') is outside the window';
  }
  const hit = document.elementFromPoint(cx, cy);
  if (hit && (hit === box || box.contains(hit))) return '';
  const name = (e) => e ? e.tagName.toLowerCase() + (e.dataset?.testid ? '[data-testid=' + e.dataset.testid + ']' : e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '') : 'nothing';
  return 'its centre is covered by ' + name(hit);
`;

/** WebDriver errors that mean the click was refused before any event was sent. */
const REFUSED_CLICK = new Set(["element not interactable", "element click intercepted"]);

/**
 * Clicks `target` (a CSS selector, or an Element found before) as a person does: waits
 * for it to be in the page, scrolls it into view inside the dock or whatever box holds
 * it, waits until nothing covers it, then clicks it with WebDriver. A click WebDriver
 * refuses (no event sent) is tried again until `timeoutMs`; any other error is thrown at
 * once. Every click in the end-to-end tests goes through here.
 */
export async function click(session, target, { timeoutMs = WAIT_MS } = {}) {
  const what = typeof target === "string" ? target : "the element";
  const deadline = Date.now() + timeoutMs;
  let element = target instanceof Element ? target : null;
  let last = "";
  for (;;) {
    try {
      element ??= await session.find(target);
      last = await session.execute(BRING_INTO_VIEW, [element]);
      if (last === "") {
        await element.webdriverClick();
        return;
      }
      // A selector is looked up again when what it found was replaced by a render.
      if (last.startsWith("it is no longer") && typeof target === "string") element = null;
    } catch (e) {
      const gone = e instanceof WebDriverError && (e.error === "no such element" || e.error === "stale element reference");
      if (gone && typeof target === "string") element = null;
      else if (!(e instanceof WebDriverError && REFUSED_CLICK.has(e.error))) throw e;
      last = e.message;
    }
    if (Date.now() >= deadline) throw new Error(`could not click ${what} within ${timeoutMs} ms: ${last}`);
    await sleep(100);
  }
}

/** All processes descended from `pid` (read from /proc), deepest last. */
function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Starts tauri-driver (which starts WebKitWebDriver) and waits until it answers /status. */
export async function startDriver() {
  if (!process.env.DISPLAY) {
    throw new Error(
      "DISPLAY is not set: the desktop app needs an X server. Run the tests under Xvfb: " +
        "xvfb-run -a node --test ui/e2e/",
    );
  }
  const app = appBinary();
  const tauriDriver = tauriDriverBinary();
  const native = nativeDriverBinary();
  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();

  mkdirSync(OUTPUT, { recursive: true });
  // One log per test file, so a later file's driver does not overwrite an earlier failure's.
  const logPath = join(OUTPUT, `tauri-driver-${basename(process.argv[1] ?? "e2e", ".test.mjs")}.log`);
  const log = openSync(logPath, "w");
  // detached: tauri-driver leads its own process group, so stop() can kill the group
  // (tauri-driver, WebKitWebDriver, and the app WebKitWebDriver launched).
  const child = spawn(
    tauriDriver,
    ["--port", String(port), "--native-port", String(nativePort), "--native-driver", native],
    { detached: true, stdio: ["ignore", log, log], env: driverEnv() },
  );
  closeSync(log);
  let exited = null;
  const exitPromise = new Promise((r) => child.on("exit", (code, signal) => r((exited = { code, signal }))));
  child.on("error", (e) => (exited = { error: e.message }));

  const killAll = (signal) => {
    const pids = descendants(child.pid);
    killQuietly(-child.pid, signal);
    for (const p of pids) killQuietly(p, signal);
  };
  // Last resorts if the test process itself ends or is interrupted without stop().
  const onExit = () => killAll("SIGKILL");
  const onSignal = (sig) => {
    killAll("SIGKILL");
    process.exit(128 + (sig === "SIGINT" ? 2 : 15));
  };
  process.on("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const url = `http://127.0.0.1:${port}`;
  const logTail = () => {
    try {
      return readFileSync(logPath, "utf8").split("\n").slice(-20).join("\n");
    } catch {
      return "";
    }
  };

  const logSize = () => {
    try {
      return statSync(logPath).size;
    } catch {
      return 0;
    }
  };
  const logSince = (offset) => {
    try {
      return readFileSync(logPath).subarray(offset).toString("utf8");
    } catch {
      return "";
    }
  };

  let stopped = false;
  const driver = {
    url,
    app,
    logPath,
    /** Launches the app on `specPath` (absolute paths are safest) and returns its session. */
    /** Launches the app, on `specPath` when given (else on its start screen). */
    async openApp(specPath) {
      const caps = {
        alwaysMatch: {
          browserName: "wry",
          "tauri:options": { application: app, args: specPath ? [specPath] : [] },
        },
      };
      for (let attempt = 1; ; attempt++) {
        const logFrom = logSize();
        try {
          return await Session.create(url, caps, WAIT_MS);
        } catch (e) {
          // GTK cannot open the X display now and then on a loaded machine (the app
          // panics in tao's GTK init before any of its code runs; the next launch works):
          // that one failure, seen in the driver's log, is retried once, and said.
          if (attempt === 1 && logSince(logFrom).includes("Failed to initialize gtk backend")) {
            process.stderr.write(`openApp: GTK could not initialise for ${specPath ?? "the start screen"}; launching once more\n`);
            continue;
          }
          throw new Error(`could not launch ${app} ${specPath}: ${e.message}\n--- ${logPath} ---\n${logTail()}`);
        }
      }
    },
    /** Stops tauri-driver, WebKitWebDriver and any app left running. Never throws. */
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        killAll("SIGTERM");
        await Promise.race([exitPromise, sleep(5_000)]);
      }
      killAll("SIGKILL");
      process.off("exit", onExit);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };

  try {
    await waitFor(`tauri-driver on ${url}/status`, async () => {
      if (exited) throw new Error(`tauri-driver exited (${JSON.stringify(exited)})`);
      const v = await request(url, "GET", "/status", undefined, 2_000);
      return v && v.ready !== false;
    });
  } catch (e) {
    await driver.stop();
    throw new Error(`${e.message}\n--- ${logPath} ---\n${logTail()}`);
  }
  return driver;
}

/** Writes a PNG of the app's window to output/<name>.png and returns its path. */
export async function saveScreenshot(session, name) {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, `${name}.png`);
  writeFileSync(path, await session.screenshot());
  return path;
}

/** Runs the CLI with `args`; returns { status, stdout }. */
export function cli(args) {
  const bin = cliBinary();
  if (!bin) throw new Error("the headroom CLI is not built: run `cargo build --bin headroom` (make test-e2e does)");
  try {
    return { status: 0, stdout: execFileSync(bin, args, { encoding: "utf8", timeout: WAIT_MS }) };
  } catch (e) {
    if (typeof e.stdout === "string") return { status: e.status, stdout: e.stdout };
    throw e;
  }
}

/** Runs the CLI's `validate` on `file`; returns its stdout lines (problems plus summary). */
export function cliValidate(file) {
  const cli = cliBinary();
  if (!cli) throw new Error("the headroom CLI is not built: run `cargo build --bin headroom` (make test-e2e does)");
  try {
    return execFileSync(cli, ["validate", file], { encoding: "utf8", timeout: WAIT_MS }).trim().split("\n");
  } catch (e) {
    if (typeof e.stdout === "string") return e.stdout.trim().split("\n");
    throw e;
  }
}

/**
 * Answers the GTK file dialog titled `title` with xdotool, as a person types: its
 * location entry (Ctrl+L opens it in an Open or folder chooser; a Save dialog has its name
 * field focused), the whole path, Return.
 */
export function answerFileDialog(title, path) {
  const xdotool = (args) => execFileSync("xdotool", args, { encoding: "utf8", timeout: WAIT_MS }).trim();
  const id = xdotool(["search", "--sync", "--onlyvisible", "--name", title]).split("\n").pop();
  xdotool(["windowfocus", "--sync", id]);
  xdotool(["key", "--clearmodifiers", "ctrl+l"]);
  xdotool(["key", "--clearmodifiers", "ctrl+a"]);
  xdotool(["type", "--delay", "15", path]);
  xdotool(["key", "Return"]);
}
