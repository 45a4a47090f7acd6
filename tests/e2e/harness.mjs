// What the browser tests share: starting `attune serve` on a temporary
// journal, launching Debian's chromium through playwright-core, the axe-core
// audit, and screenshots at 1280 and 360 px with the sideways-overflow check.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const HERE = dirname(fileURLToPath(import.meta.url));
export const SHOTS = join(HERE, "screenshots");
export const BIN = process.env.ATTUNE_BIN;
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// Starts `attune serve --port 0` with its own home and journal under `tmp`
// (more arguments and environment in `extra`); resolves to { server, url }
// once the one-time link is printed.
export function startServer(tmp, extra = {}) {
  assert.ok(BIN, "ATTUNE_BIN must point at the attune binary");
  return new Promise((resolve, reject) => {
    const env = {
      PATH: process.env.PATH,
      HOME: tmp,
      TZ: "UTC",
      ATTUNE_STORE: join(tmp, "journal"),
      ATTUNE_CONFIG: join(tmp, "config.toml"),
      ...(extra.env || {}),
    };
    const args = ["serve", "--port", "0", ...(extra.args || [])];
    const server = spawn(BIN, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`attune serve printed no link:\n${out}`)), 20000);
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/open\?token=[0-9a-f]{64}/);
      if (m) {
        clearTimeout(timer);
        resolve({ server, url: m[0] });
      }
    });
    server.stderr.on("data", (d) => { out += d; });
    server.on("exit", (code) => reject(new Error(`attune serve exited (${code}):\n${out}`)));
  });
}

// Headless chromium with its profile (kept on disk) in `profile`.
export function launchBrowser(profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1280, height: 900 },
  });
}

// A temporary folder, a running server and a fresh headless browser
// profile (`extraEnv`, such as a short ATTUNE_LOCK_AFTER, goes to the
// server). `close()` ends all three.
export async function open(prefix = "attune-e2e-", extraEnv = {}) {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(SHOTS, { recursive: true });
  const { server, url } = await startServer(tmp, { env: extraEnv });
  const context = await launchBrowser(join(tmp, "profile"));
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(10000);
  page.on("pageerror", (e) => { throw e; });
  const close = async () => {
    await context.close();
    server.kill("SIGINT");
    rmSync(tmp, { recursive: true, force: true });
  };
  return { tmp, server, url, context, page, close };
}

// axe-core inside the page (evaluate() is not subject to the page's CSP):
// no serious or critical violations.
export async function audit(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `${name}: serious or critical accessibility problems`);
}

// Screenshots at 1280 and 360 px; nothing may overflow sideways at 360.
export async function shoot(page, name) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${name}: ${overflow}px wider than a 360px screen`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

// Audit, then screenshots.
export async function visit(page, name) {
  await audit(page, name);
  await shoot(page, name);
}
