// What the browser keeps (issue 20): a journey with a profile kept on disk,
// typing distinctive markers into every kind of field, then a byte scan of
// the whole profile folder after the browser has closed. Also `--open`:
// the browser is handed a private file, never the token on a command line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { launchBrowser, startServer } from "./harness.mjs";

// Letters only, so no field trims or splits them; unique per run.
const id = randomBytes(6).toString("hex").replace(/[0-9]/g, (d) => "ghijklmnop"[d]);
const M = {
  pass: `passmark${id}`,
  entry: `entrymark${id}`,
  search: `searchmark${id}`,
  tag: `tagmark${id}`,
  need: `needmark${id}`,
  supporter: `supportermark${id}`,
  unsent: `unsentmark${id}`,
};
// What the pages about safety were titled before every title became
// "attune": the history must not name them.
const SUBJECTS = ["Safety first", "My safety plan for hard moments", "Is your relationship safe for you?"];
// The control: put in an address on purpose, so the history must hold it.
const CONTROL = `controlmark${id}`;

// Every file under `dir`, recursively (links are not followed).
function files(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

// Which markers occur in which files, as UTF-8 or UTF-16LE bytes.
function scan(dir, markers) {
  const found = [];
  for (const f of files(dir)) {
    const bytes = readFileSync(f);
    for (const m of markers) {
      if (bytes.includes(Buffer.from(m, "utf8")) || bytes.includes(Buffer.from(m, "utf16le"))) {
        found.push(`${m} in ${f.slice(dir.length + 1)}`);
      }
    }
  }
  return found;
}

async function waitFor(check, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test("the browser's profile keeps none of what was typed", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "attune-e2e-privacy-"));
  // A stand-in for xdg-open that writes down what it was given.
  const bin = join(tmp, "bin");
  mkdirSync(bin);
  const opened = join(tmp, "opened");
  writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${opened}'\n`);
  chmodSync(join(bin, "xdg-open"), 0o755);
  const { server, url } = await startServer(tmp, {
    args: ["--open"],
    env: { PATH: `${bin}:${process.env.PATH}`, XDG_RUNTIME_DIR: tmp },
  });
  const profile = join(tmp, "profile");
  let context;
  try {
    // --open: no token on the opener's command line, a private file instead.
    await waitFor(() => existsSync(opened) && readFileSync(opened, "utf8").length > 0, "the browser opener");
    const arg = readFileSync(opened, "utf8").trim();
    const token = new URL(url).searchParams.get("token");
    assert.ok(!arg.includes(token) && !/[0-9a-f]{64}/.test(arg), `the token is on a command line: ${arg}`);
    assert.ok(arg.startsWith(tmp) && arg.endsWith(".html"), `a file in the runtime folder: ${arg}`);
    assert.equal(statSync(arg).mode & 0o777, 0o600, "only this account can read the file");
    assert.equal(statSync(join(arg, "..")).mode & 0o777, 0o700, "nor enter its folder");

    context = await launchBrowser(profile);
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(10000);
    await page.goto(pathToFileURL(arg).href);
    await page.waitForURL(/\/unlock$/);
    await page.getByRole("heading", { name: "Welcome to attune" }).waitFor();
    assert.equal(await page.title(), "attune");
    await waitFor(() => !existsSync(arg), "the file to go once the link was used", 5000);

    await page.getByLabel("New passphrase").fill(M.pass);
    await page.getByLabel("The same passphrase again").fill(M.pass);
    await page.getByRole("button", { name: "Create my journal" }).click();
    await page.getByText("Your journal is ready").waitFor();

    await page.getByLabel(/What happened\?/).fill(`Dinner was quiet ${M.entry}`);
    await page.getByRole("button", { name: "Save this moment" }).click();
    await page.getByText("Saved entry 1").waitFor();

    await page.getByRole("link", { name: "Journal", exact: true }).click();
    await page.getByLabel("Search words").fill(M.search);
    await page.getByRole("button", { name: "Find" }).click();
    await page.getByText("Nothing matches").waitFor();
    assert.ok(!page.url().includes(M.search), "search words stay out of the address");

    await page.goto(new URL("/journal/1/edit", url).href);
    await page.getByLabel(/Tags/).fill(M.tag);
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText(M.tag).first().waitFor();

    await page.getByRole("link", { name: "Plan", exact: true }).click();
    await page.getByLabel("A need, in a few words").fill(M.need);
    await page.getByRole("button", { name: "Add this need" }).click();
    await page.getByText(M.need).first().waitFor();

    await page.getByRole("link", { name: "Self-worth", exact: true }).click();
    await page.getByLabel("Someone to add: their name").fill(M.supporter);
    await page.getByRole("button", { name: "Add to my support map" }).click();
    await page.getByText(M.supporter, { exact: true }).waitFor();

    for (const path of ["/safety", "/safety/plan/crisis", "/safety/check"]) {
      await page.goto(new URL(path, url).href);
      assert.equal(await page.title(), "attune", path);
    }

    // The control, then text typed but never sent, left in the form for
    // session restore to find if it were allowed to keep it.
    await page.goto(new URL(`/bye?${CONTROL}`, url).href);
    await page.goto(new URL("/", url).href);
    await page.getByLabel(/What happened\?/).fill(M.unsent);
    for (const title of await Promise.all(context.pages().map((p) => p.title()))) {
      assert.equal(title, "attune", "every tab shows the neutral title");
    }
    await new Promise((r) => setTimeout(r, 3000)); // chromium saves its session every few seconds
    await context.close();
    context = undefined;

    const found = scan(profile, Object.values(M));
    assert.deepEqual(found, [], "the browser kept what was typed");
    assert.deepEqual(scan(profile, SUBJECTS), [], "the history names what a page is about");
    assert.ok(scan(profile, [CONTROL]).length > 0, "the scan finds what the history does keep");
  } finally {
    if (context) await context.close();
    server.kill("SIGINT");
    rmSync(tmp, { recursive: true, force: true });
  }
});
