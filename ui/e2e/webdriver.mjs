// A minimal W3C WebDriver client over fetch: just what Headroom's end-to-end tests use.
// No npm packages. Spec: https://www.w3.org/TR/webdriver2/

/** The key under which W3C WebDriver returns element references. */
const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

/** Default bound for one HTTP request to the driver. */
const REQUEST_TIMEOUT_MS = 60_000;

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    const what = value?.error ? `${value.error}: ${value.message}` : JSON.stringify(value);
    super(`WebDriver ${method} ${path} -> HTTP ${status}: ${what}`);
    this.status = status;
    this.error = value?.error;
  }
}

/** One HTTP call to the driver; returns the response's `value`. */
export async function request(baseUrl, method, path, body, timeoutMs = REQUEST_TIMEOUT_MS) {
  let res, text;
  try {
    res = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (e) {
    const why = e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : e.cause?.message ?? e.message;
    throw new Error(`WebDriver ${method} ${baseUrl}${path}: ${why}`);
  }
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new WebDriverError(method, path, res.status, { error: "bad response", message: text.slice(0, 500) });
  }
  if (!res.ok) throw new WebDriverError(method, path, res.status, json.value ?? json);
  return json.value;
}

/** A reference to an element in the page. */
export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }
  #path(suffix) {
    return `/element/${this.id}${suffix}`;
  }
  text() {
    return this.session.cmd("GET", this.#path("/text"));
  }
  attribute(name) {
    return this.session.cmd("GET", this.#path(`/attribute/${encodeURIComponent(name)}`));
  }
  /**
   * WebDriver's own Element Click, with nothing around it. WebKit scrolls only the window
   * for it, not the boxes that scroll inside the page, and refuses ("element not
   * interactable") an element that such a box shows only in part. Tests click with the
   * harness's click(), which brings the element into view first and uses this.
   */
  webdriverClick() {
    return this.session.cmd("POST", this.#path("/click"), {});
  }
  /** Types `text` into the element (WebDriver key codes such as "\uE007" for Enter work). */
  sendKeys(text) {
    return this.session.cmd("POST", this.#path("/value"), { text });
  }
  async find(css) {
    const v = await this.session.cmd("POST", this.#path("/element"), { using: "css selector", value: css });
    return new Element(this.session, v[ELEMENT_KEY]);
  }
  async findAll(css) {
    const vs = await this.session.cmd("POST", this.#path("/elements"), { using: "css selector", value: css });
    return vs.map((v) => new Element(this.session, v[ELEMENT_KEY]));
  }
  /** Serialises as a WebDriver element reference (e.g. as an executeScript argument). */
  toJSON() {
    return { [ELEMENT_KEY]: this.id };
  }
}

/** A WebDriver session: one running app. */
export class Session {
  constructor(baseUrl, id, capabilities) {
    this.baseUrl = baseUrl;
    this.id = id;
    this.capabilities = capabilities;
  }

  /** Starts a session (for tauri-driver: launches the app). */
  static async create(baseUrl, capabilities, timeoutMs = REQUEST_TIMEOUT_MS) {
    const v = await request(baseUrl, "POST", "/session", { capabilities }, timeoutMs);
    return new Session(baseUrl, v.sessionId, v.capabilities);
  }

  cmd(method, path, body) {
    return request(this.baseUrl, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return new Element(this, v[ELEMENT_KEY]);
  }
  async findAll(css) {
    const vs = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return vs.map((v) => new Element(this, v[ELEMENT_KEY]));
  }

  /** Runs `script` (a function body; `arguments` holds `args`) in the page and returns its result. */
  execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** Runs `script` asynchronously: it calls `arguments[arguments.length - 1](result)` when done. */
  executeAsync(script, args = []) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  /** Performs WebDriver input actions (pointer drags, key chords). */
  async actions(sources) {
    await this.cmd("POST", "/actions", { actions: sources });
    await this.cmd("DELETE", "/actions");
  }

  title() {
    return this.cmd("GET", "/title");
  }
  source() {
    return this.cmd("GET", "/source");
  }

  /** A PNG of the window, as a Buffer. */
  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  /** Ends the session (for tauri-driver: closes the app). Never throws. */
  async delete() {
    try {
      await request(this.baseUrl, "DELETE", `/session/${this.id}`, undefined, 15_000);
    } catch {
      // The harness kills whatever is left.
    }
  }
}
