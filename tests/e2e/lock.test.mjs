// The idle lock in a real browser: the page hides after the lock time even
// with text typed into it, the text is sealed (no file holds it in the
// clear), and after unlocking Today offers it back as an entry.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { open } from "./harness.mjs";

const PASS = "a calm river at dusk";
const MARKER = "idlemarker 4e7b the lantern by the door";
const LOCK_SECS = 3;
let s;

// Every file under `dir` whose bytes contain `needle`.
function filesHolding(dir, needle) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      found.push(...filesHolding(p, needle));
    } else if (readFileSync(p).includes(needle)) {
      found.push(p);
    }
  }
  return found;
}

before(async () => {
  s = await open("attune-e2e-lock-", { ATTUNE_LOCK_AFTER: `${LOCK_SECS}s` });
});

after(async () => {
  if (s) await s.close();
});

test("the idle screen hides after the lock time even with typed text, and the text comes back", async () => {
  const { page, url, tmp } = s;
  await page.goto(url);
  await page.getByLabel("New passphrase").fill(PASS);
  await page.getByLabel("The same passphrase again").fill(PASS);
  await page.getByRole("button", { name: "Create my journal" }).click();
  await page.getByText("Your journal is ready").waitFor();

  await page.getByLabel(/What happened\?/).fill(MARKER);
  const typedAt = Date.now();
  // No key or click from now on: the page must go, typed text or not.
  await page.waitForURL(/\/unlock(\?kept=1)?$/, { timeout: (LOCK_SECS + 5) * 1000 });
  const waited = (Date.now() - typedAt) / 1000;
  assert.ok(waited >= LOCK_SECS - 0.5, `hidden after ${waited}s, before the lock time`);
  assert.doesNotMatch(await page.content(), /idlemarker/, "the typed text is off the screen");
  await page.getByRole("heading", { name: "Unlock your journal" }).waitFor();
  await page.locator("#kept-note").waitFor();
  assert.deepEqual(filesHolding(join(tmp, "journal"), MARKER), [], "no file holds the text in the clear");

  await page.getByLabel("Passphrase").fill(PASS);
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.getByRole("heading", { name: "Kept for you, not saved yet" }).waitFor();
  await page.getByText(MARKER).waitFor();
  await page.getByRole("button", { name: "Save as entry" }).click();
  await page.getByText("Saved entry 1").waitFor();
  assert.match(await page.content(), /idlemarker 4e7b/);
});
