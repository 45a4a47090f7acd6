// The journey through `attune serve` in a real browser (Debian's chromium,
// driven by playwright-core), with an axe-core audit of every page and
// screenshots at desktop and phone width. Run by scripts/e2e.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, SHOTS, audit as auditPage, launchBrowser, shoot as shootPage, startServer } from "./harness.mjs";

const PASS = "a calm river at dusk";

let server;
let context;
let page;
let url;
let tmp;
const audited = [];

// The harness's audit, remembering which pages were audited.
async function audit(name) {
  await auditPage(page, name);
  audited.push(name);
}

async function shoot(name) {
  await shootPage(page, name);
}

async function visit(name) {
  await audit(name);
  await shoot(name);
}

before(async () => {
  assert.ok(BIN, "ATTUNE_BIN must point at the attune binary");
  tmp = mkdtempSync(join(tmpdir(), "attune-e2e-"));
  mkdirSync(SHOTS, { recursive: true });
  ({ server, url } = await startServer(tmp));
  context = await launchBrowser(join(tmp, "profile"));
  page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(10000);
  page.on("pageerror", (e) => { throw e; });
});

after(async () => {
  if (context) await context.close();
  if (server) server.kill("SIGINT");
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test("first start: the link, then a new passphrase", async () => {
  await page.goto(url);
  assert.match(page.url(), /\/unlock$/);
  await page.getByRole("heading", { name: "Welcome to attune" }).waitFor();
  await visit("welcome");
  await page.getByLabel("New passphrase").fill(PASS);
  await page.getByLabel("The same passphrase again").fill(PASS);
  await page.getByRole("button", { name: "Create my journal" }).click();
  await page.getByText("Your journal is ready").waitFor();
  assert.doesNotMatch(page.url(), /token=/, "the token leaves the address bar");
});

test("today: check in", async () => {
  await visit("today");
  await page.getByLabel(/how safe does the relationship feel/).fill("6");
  await page.getByLabel("Seen").fill("5");
  await page.getByLabel("Trusted").fill("7");
  await page.getByRole("button", { name: "Save check-in" }).click();
  await page.getByText("Saved check-in c1").waitFor();
});

test("today: write down a moment, see it in the journal", async () => {
  await page.getByLabel(/What happened\?/).fill("They went quiet at dinner and I started to worry");
  await page.getByLabel(/How strong did it feel/).fill("6");
  await page.getByRole("button", { name: "Save this moment" }).click();
  await page.getByText("Saved entry 1").waitFor();
  await visit("entry");
  await page.getByRole("link", { name: "Journal", exact: true }).click();
  await page.getByText("They went quiet at dinner").waitFor();
  await visit("journal");
  await page.getByLabel("Search words").fill("worry");
  await page.getByRole("button", { name: "Find" }).click();
  await page.locator("#results mark", { hasText: "worry" }).waitFor();
});

test("journal: edit, delete and undo", async () => {
  await page.goto(new URL("/journal/1/edit", url).href);
  await visit("edit");
  await page.getByLabel("What happened?").fill("They went quiet at dinner; I worried, then asked");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("I worried, then asked").waitFor();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByText("Entry 1 was deleted").waitFor();
  await page.getByRole("button", { name: "Undo" }).click();
  await page.getByText("I worried, then asked").waitFor();
});

test("insights: the entry and the check-in are counted and charted", async () => {
  await page.getByRole("link", { name: "Insights", exact: true }).click();
  await page.getByText("From 1 entry and 1 check-in").waitFor();
  assert.ok((await page.locator("svg.chart").count()) >= 2);
  await visit("insights");
});

test("understand: the readings", async () => {
  await page.getByRole("link", { name: "Understand", exact: true }).click();
  await visit("understand");
  await page.locator("a.entry-link").first().click();
  await page.locator("article.card p").first().waitFor();
  await visit("topic");
});

test("understand: take a questionnaire, leave it, resume it", async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Understand", exact: true }).click();
  await page.getByRole("link", { name: "Seen, trusted, respected", exact: true }).click();
  await page.getByText("1 of 3").waitFor();
  await visit("assess");
  await page.getByLabel("7", { exact: true }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByText("2 of 3").waitFor();
  await page.getByRole("button", { name: "Stop for now" }).click();
  await page.getByText("is kept as far as you got").waitFor();
  await page.getByRole("link", { name: "Carry on: Seen, trusted, respected" }).click();
  await page.getByText("You answered 1 of 3 before").waitFor();
  await page.getByLabel("6", { exact: true }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByText("3 of 3").waitFor();
  await page.getByLabel("8", { exact: true }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByText("Seen, trusted, respected is saved").waitFor();
  await page.getByText("seen: 7.0, trusted: 6.0, respected: 8.0").waitFor();
  await page.goto(new URL("/assess/how-it-shows?all=1", url).href);
  await visit("assess-all");
});

test("plan: add a need and an agreement", async () => {
  await page.getByRole("link", { name: "Plan", exact: true }).click();
  await page.getByLabel("A need, in a few words").fill("Hearing about changed plans early");
  await page.getByRole("button", { name: "Add this need" }).click();
  await page.getByText("Hearing about changed plans early").waitFor();
  await page.getByLabel("What you agreed").fill("A short call when one of us is late");
  await page.getByRole("button", { name: "Add this agreement" }).click();
  await page.getByText("A short call when one of us is late").waitFor();
  await visit("plan");
});

test("plan: write a trigger plan, then change it", async () => {
  await page.getByLabel("The trigger").selectOption("late-reply");
  await page.getByLabel("What I will do for myself").fill("Breathe, then wait an hour");
  await page.getByRole("button", { name: "Save this plan" }).click();
  await page.getByText("Breathe, then wait an hour").waitFor();
  await page.getByRole("link", { name: "Change the plan for Late or no reply" }).click();
  await page.getByLabel("What I will do for myself").fill("Go for a walk before I text");
  await page.getByRole("button", { name: "Save this plan" }).click();
  await page.getByText("Go for a walk before I text").waitFor();
  assert.equal(await page.getByText("Breathe, then wait an hour").count(), 0);
  await visit("plan-trigger");
});

test("pause: a shortened countdown, then the reconnect prompt", async () => {
  await page.goto(new URL("/pause?seconds=2", url).href);
  await visit("pause");
  await page.locator("#pause-end").waitFor({ state: "visible", timeout: 10000 });
  await page.getByRole("button", { name: "Yes" }).click();
  await page.getByRole("link", { name: "Back to Today" }).waitFor();
});

test("say it: the statement helper highlights blaming words", async () => {
  await page.getByRole("link", { name: "Say it", exact: true }).click();
  await visit("say");
  await page.getByLabel("Your draft message").fill("You never listen to me.");
  await page.getByRole("button", { name: "Check my words" }).click();
  await page.locator("#say-result mark").first().waitFor();
  await visit("say-checked");
});

test("self-worth: write down something I did", async () => {
  await page.getByRole("link", { name: "Self-worth", exact: true }).click();
  await page.getByLabel("What did you do for yourself or others?").fill("Cooked for my sister");
  await page.getByRole("button", { name: "Write it down" }).click();
  await page.getByText("Cooked for my sister").waitFor();
  await page.getByLabel("Someone to add: their name").fill("Mara");
  await page.getByLabel(/How they relate to you/).fill("sister");
  await page.getByRole("button", { name: "Add to my support map" }).click();
  await page.getByText("Mara", { exact: true }).waitFor();
  await visit("self-worth");
});

test("safety and settings pages", async () => {
  await page.getByRole("link", { name: "Safety", exact: true }).click();
  await page.getByRole("heading", { name: "Keeping attune private" }).waitFor();
  await visit("safety");
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await visit("settings");
});

test("settings: export downloads attune JSON with the entry in it", async () => {
  await page.getByLabel("Format", { exact: true }).selectOption("json");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download the export" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^attune-json-\d{4}-\d{2}-\d{2}\.json$/);
  const doc = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(doc.format, "attune-export");
  assert.ok(doc.entries.some((e) => e.situation.includes("I worried, then asked")), "the entry is exported");
});

test("settings: import a small jrnl file, preview first, then confirm", async () => {
  const jrnl = "[2026-09-01 08:15:00 AM] Coffee alone. I missed our morning talk.\n\n" +
    "[2026-09-02 09:30:00 PM] We talked it through. *\n";
  await page.getByLabel("What kind of file").selectOption("jrnl");
  await page.getByLabel("The file", { exact: true }).setInputFiles({
    name: "journal.txt", mimeType: "text/plain", buffer: Buffer.from(jrnl),
  });
  await page.getByRole("button", { name: "Show what would be imported" }).click();
  await page.getByRole("heading", { name: "Check before it is saved" }).waitFor();
  await page.getByText("Importing would add 2 entries").waitFor();
  await visit("import-preview");
  await page.getByRole("button", { name: "Import these" }).click();
  await page.getByText("Imported from journal.txt: 2 entries").waitFor();
  await page.getByRole("link", { name: "Journal", exact: true }).click();
  await page.getByText("Coffee alone").waitFor();
  await page.getByRole("link", { name: "Settings", exact: true }).click();
});

test("settings: the report downloads and opens in Chromium with its sections", async () => {
  await page.getByLabel(/What you would like to ask/).fill("How can I stop checking my phone at night?");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download the report" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^attune-report-.*\.html$/);
  const file = join(tmp, "report.html");
  await download.saveAs(file);
  const report = await context.newPage();
  await report.goto(`file://${file}`);
  for (const id of ["pattern", "wellbeing", "triggers", "questions"]) {
    assert.equal(await report.locator(`section#${id} h2`).count(), 1, `section ${id}`);
  }
  await report.getByText("How can I stop checking my phone at night?").waitFor();
  await report.getByText(/not a diagnosis/).waitFor();
  assert.equal(await report.locator("script").count(), 0, "no scripts in the report");
  await report.screenshot({ path: join(SHOTS, "report-desktop.png"), fullPage: true });
  await report.close();
});

test("quick exit: Escape three times hides attune and locks it", async () => {
  await page.getByRole("link", { name: "Today", exact: true }).click();
  await page.getByRole("heading", { name: "Today" }).waitFor();
  // The listener comes with the deferred script: keys pressed before the
  // page has loaded would go nowhere.
  await page.waitForLoadState("load");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await page.waitForURL(/\/bye$/);
  assert.doesNotMatch(await page.content(), /attune/i);
  await visit("bye");
  await page.goto(new URL("/", url).href);
  await page.getByRole("heading", { name: "Unlock your journal" }).waitFor();
  await visit("unlock");
  await page.getByLabel("Passphrase").fill(PASS);
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.getByRole("heading", { name: "Today" }).waitFor();
  // The visible button does the same.
  await page.getByRole("button", { name: "Quick exit" }).click();
  await page.waitForURL(/\/bye$/);
});

test("settings: write a backup, then restore it", async () => {
  await page.goto(new URL("/", url).href);
  await page.getByLabel("Passphrase").fill(PASS);
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.getByRole("heading", { name: "Today" }).waitFor();
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByRole("button", { name: "Write a backup" }).click();
  await page.getByText(/A backup was written to/).waitFor();
  const folder = join(tmp, "attune-backups");
  const file = readdirSync(folder).find((f) => f.endsWith(".db"));
  assert.ok(file, `a backup in ${folder}`);
  await page.getByRole("link", { name: "Restore a backup" }).click();
  await page.getByRole("heading", { name: "Restore a backup" }).waitFor();
  await visit("restore");
  await page.getByLabel(/The backup file/).fill(join(folder, file));
  await page.getByLabel("Passphrase of the backup").fill(PASS);
  await page.getByRole("button", { name: "Restore this backup" }).click();
  await page.getByText(/The backup is your journal now/).waitFor();
  await page.getByRole("link", { name: "Journal", exact: true }).click();
  await page.getByText("Coffee alone").waitFor();
});

test("every page was audited", () => {
  assert.ok(audited.length >= 12, `audited: ${audited.join(", ")}`);
});
