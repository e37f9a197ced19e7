// ismsc: a real-browser test of a built site, in Debian's Chromium through playwright-core.
//
//   node tests/browser/test.mjs SITE OUT
//
// SITE is a folder written by `ismsc build` from samples/ (it is opened through file://);
// OUT receives the screenshots. Every check prints "ok" or "FAIL"; the last line is
// "browser: N passed, M failed" and the exit status is 0 only when nothing failed.
// A missing Chromium or playwright-core is a failure (exit 1), never a skip.
//
// Environment: ISMSC_CHROMIUM (default /usr/bin/chromium), ISMSC_BROWSER_RISK (default R-001).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const top = path.resolve(here, "..", "..");
const CATALOG = path.join(top, "schemas", "catalogs", "iso27001-2022.yaml");
const CHROMIUM = process.env.ISMSC_CHROMIUM || "/usr/bin/chromium";
const RISK = process.env.ISMSC_BROWSER_RISK || "R-001";
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const TIMEOUT = 15000;

function die(msg) {
  console.error(`browser: FAIL: ${msg}`);
  process.exit(1);
}

if (process.argv.length !== 4) {
  console.error("usage: node test.mjs SITE OUT");
  process.exit(2);
}
const site = path.resolve(process.argv[2]);
const out = path.resolve(process.argv[3]);
if (!fs.existsSync(path.join(site, "index.html"))) die(`${site}/index.html not found: not a built site`);
fs.mkdirSync(out, { recursive: true });

// The browser and its driver must be there: a test that cannot run fails.
try {
  fs.accessSync(CHROMIUM, fs.constants.X_OK);
} catch {
  die(`Chromium not found at ${CHROMIUM} (install Debian's chromium: make browser-deps)`);
}
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  die(`playwright-core is not installed (npm ci --prefix tests/browser, or make browser-deps): ${e.message}`);
}

let pass = 0, fail = 0;
function check(name, cond, detail) {
  if (cond) {
    pass++;
    console.log(`ok   ${name}`);
  } else {
    fail++;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
  return cond;
}
function list(a) {
  return a.length === 0 ? "none" : a.slice(0, 10).join(" ") + (a.length > 10 ? ` … (${a.length})` : "");
}
function url(rel) {
  return pathToFileURL(path.join(site, rel)).href;
}
function short(u) {
  const base = pathToFileURL(site).href + "/";
  return u.startsWith(base) ? u.slice(base.length) : u;
}

// The Annex A ids, in the catalogue's order: "- {id: A.5.1, ...}" lines.
const catalog = [];
for (const line of fs.readFileSync(CATALOG, "utf8").split("\n")) {
  const m = /^\s*-\s*\{\s*id:\s*"?(A\.\d+\.\d+)"?\s*,/.exec(line);
  if (m) catalog.push(m[1]);
}
if (catalog.length !== 93) die(`${CATALOG}: read ${catalog.length} control ids, expected 93`);

let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium runs as root in CI; and this machine has no network, so nothing phones home.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 60000,
  });
} catch (e) {
  die(`cannot start ${CHROMIUM}: ${e.message.split("\n")[0]}`);
}

// Whatever each context saw that it must not: requests leaving file://, console errors,
// uncaught exceptions, resources that failed to load. Checked once at the end.
const offsite = [], consoleErrors = [], pageErrors = [], failedLoads = [];
async function newContext(name, options) {
  const ctx = await browser.newContext({ viewport: DESKTOP, ...options });
  ctx.setDefaultTimeout(TIMEOUT);
  ctx.on("request", (r) => {
    if (!/^(file|data|blob|about):/.test(r.url())) offsite.push(`${name}: ${r.method()} ${r.url()}`);
  });
  // Nothing may actually leave the machine, even if the check above is about to fail.
  await ctx.route(/^(https?|wss?|ftp):/, (route) => route.abort("blockedbyclient"));
  ctx.on("requestfailed", (r) => {
    if (/^file:/.test(r.url())) failedLoads.push(`${name}: ${short(r.url())} (${r.failure()?.errorText})`);
  });
  ctx.on("page", (page) => {
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${name}: ${short(page.url())}: ${m.text()}`);
    });
    page.on("pageerror", (e) => pageErrors.push(`${name}: ${short(page.url())}: ${e.message}`));
  });
  return ctx;
}

async function shot(page, file) {
  await page.screenshot({ path: path.join(out, file), fullPage: true });
  console.log(`     wrote ${path.relative(process.cwd(), path.join(out, file)) || file}`);
}

// At phone width the document must not scroll sideways; tables scroll in their own wrapper.
async function noSidewaysScroll(page, label) {
  const r = await page.evaluate((vw) => {
    const de = document.documentElement;
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
      const b = el.getBoundingClientRect();
      if (b.width === 0 || b.right <= vw + 1) continue;
      // inside something that scrolls or clips sideways: not the document's problem
      let p = el.parentElement, clipped = false;
      for (; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox !== "visible") { clipped = true; break; }
      }
      if (clipped) continue;
      const id = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
      wide.push(`${id} (right edge ${Math.round(b.right)}px)`);
      if (wide.length >= 5) break;
    }
    return { scrollWidth: de.scrollWidth, innerWidth: window.innerWidth, wide };
  }, PHONE.width);
  check(`${label}: no horizontal overflow at ${PHONE.width}px`,
    r.scrollWidth <= PHONE.width + 1 && r.scrollWidth <= r.innerWidth + 1,
    `scrollWidth ${r.scrollWidth}, innerWidth ${r.innerWidth}; too wide: ${r.wide.join(", ") || "?"}`);
}

// One part of the test: an exception (a missing hook timing out, say) fails that part
// and the others still run.
async function part(name, fn) {
  try {
    await fn();
  } catch (e) {
    check(name, false, (e.message || String(e)).split("\n")[0]);
  }
}

// Search as you type in #search; returns the first result's link once it shows.
async function search(page, query) {
  const box = page.locator("#search");
  if ((await box.count()) !== 1) throw new Error(`no #search on ${short(page.url())}`);
  await box.click();
  await box.fill("");
  await box.pressSequentially(query, { delay: 30 });
  const first = page.locator("#search-results li > a").first();
  try {
    await first.waitFor({ state: "visible" });
  } catch {
    throw new Error(`typing "${query}" into #search on ${short(page.url())} showed no #search-results li > a`);
  }
  return first;
}

try {
  // ---- desktop: home, search, entity page, SoA, risk register ----------------------
  const desk = await newContext("desktop", { viewport: DESKTOP, colorScheme: "light" });
  const page = await desk.newPage();

  await part("home", async () => {
    await page.goto(url("index.html"));
    check("home: opens from file://", page.url().startsWith("file:"), page.url());
    check("home: nav.site-nav", (await page.locator("nav.site-nav").count()) === 1);
    const n = await page.evaluate(() => Array.isArray(window.ISMSC_SEARCH) ? window.ISMSC_SEARCH.length : -1);
    check("home: search index loaded by <script> (window.ISMSC_SEARCH)", n > 0, `length ${n}`);
    await shot(page, "home-desktop.png");
  });

  await part(`search "${RISK}" and click`, async () => {
    check(`site has risk/${RISK}.html`, fs.existsSync(path.join(site, "risk", `${RISK}.html`)));
    await page.goto(url("index.html"));
    const first = await search(page, RISK);
    const text = (await first.textContent()) || "";
    check(`search "${RISK}": first result is the risk`, text.startsWith(RISK), JSON.stringify(text));
    await first.click();
    await page.waitForURL((u) => u.href.endsWith(`/risk/${RISK}.html`));
    check(`search "${RISK}": clicking the result opens risk/${RISK}.html`, true);
    const h1 = (await page.locator("h1").first().textContent()) || "";
    check(`risk page: h1 contains ${RISK}`, h1.includes(RISK), JSON.stringify(h1));
    check("risk page: div.body and section.referrers",
      (await page.locator("div.body").count()) >= 1 && (await page.locator("section.referrers").count()) === 1);
    check("risk page: nav.site-nav", (await page.locator("nav.site-nav").count()) === 1);
  });

  // From a page one folder down, Enter opens the first result (links are relative to the root).
  await part(`search "A.5.1" + Enter from risk/${RISK}.html`, async () => {
    await page.goto(url(`risk/${RISK}.html`));
    await search(page, "A.5.1");
    await page.locator("#search").press("Enter");
    await page.waitForURL((u) => u.href.endsWith("/control/A.5.1.html"));
    check(`search "A.5.1" + Enter from risk/${RISK}.html opens control/A.5.1.html`, true);
  });

  // Statement of Applicability: one row per Annex A control, in the catalogue's order
  // (the sample has no controls of its own).
  await part("soa", async () => {
    await page.goto(url("soa.html"));
    const rows = await page.locator("table.soa tr[data-control]").evaluateAll(
      (trs) => trs.map((tr) => tr.getAttribute("data-control")));
    check("soa: exactly 93 tr[data-control]", rows.length === 93, `${rows.length} rows`);
    const missing = catalog.filter((id) => !rows.includes(id));
    const extra = rows.filter((id) => !catalog.includes(id));
    check("soa: rows are the catalogue's controls, in its order",
      rows.join(" ") === catalog.join(" "),
      `missing ${list(missing)}; not in the catalogue ${list(extra)}` +
      (missing.length + extra.length === 0 ? "; order differs" : ""));
  });

  // Risk register: one row per risk page, and the heat maps.
  await part("risks", async () => {
    await page.goto(url("risks.html"));
    const pages = fs.readdirSync(path.join(site, "risk")).filter((f) => f.endsWith(".html") && f !== "index.html");
    const rows = await page.locator("table.register tr[data-risk]").evaluateAll(
      (trs) => trs.map((tr) => tr.getAttribute("data-risk")));
    check("risks: one tr[data-risk] per risk page", rows.length > 0 && rows.length === pages.length,
      `${rows.length} rows, ${pages.length} pages`);
    check(`risks: the register lists ${RISK}`, rows.includes(RISK));
    const maps = await page.locator("figure.heatmap").count();
    check("risks: heat maps (figure.heatmap)", maps >= 1, `${maps}`);
    await shot(page, "risks-desktop.png");
  });
  await desk.close();

  // ---- phone ---------------------------------------------------------------------
  const phone = await newContext("phone", {
    viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, colorScheme: "light",
  });
  const pp = await phone.newPage();
  for (const [file, label] of [["index.html", "home"], ["risks.html", "risks"]]) {
    await part(`${label} at ${PHONE.width}px`, async () => {
      await pp.goto(url(file));
      await noSidewaysScroll(pp, label);
      await shot(pp, `${label}-phone.png`);
    });
  }
  await phone.close();

  // ---- dark mode -----------------------------------------------------------------
  await part("dark mode", async () => {
    const bg = async (scheme) => {
      const ctx = await newContext(scheme, { viewport: DESKTOP, colorScheme: scheme });
      const p = await ctx.newPage();
      await p.goto(url("index.html"));
      if (scheme === "dark") await shot(p, "home-dark.png");
      const c = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await ctx.close();
      return c;
    };
    const light = await bg("light"), dark = await bg("dark");
    check("home: prefers-color-scheme: dark changes the page background", light !== dark,
      `light ${light}, dark ${dark}`);
  });

  // ---- what every page did -------------------------------------------------------
  check("no request left file://", offsite.length === 0, offsite.slice(0, 10).join("; "));
  check("no console errors", consoleErrors.length === 0, consoleErrors.slice(0, 10).join("; "));
  check("no uncaught page errors", pageErrors.length === 0, pageErrors.slice(0, 10).join("; "));
  check("no file failed to load", failedLoads.length === 0, failedLoads.slice(0, 10).join("; "));
} catch (e) {
  check("browser session", false, e.stack || String(e));
} finally {
  await browser.close();
}

console.log(`browser: ${pass} passed, ${fail} failed`);
process.exit(fail === 0 ? 0 : 1);
