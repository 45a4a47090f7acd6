// The safety check in a real browser: one question per page with nothing
// chosen in advance, an answer refused until one is chosen, Back, a skipped
// question, leaving half-way and resuming, and the outcome with its support
// services. Every page is audited (axe-core) and checked at 360 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { open, visit } from "./harness.mjs";

const PASS = "a quiet garden after rain";
let s;
let page;

before(async () => {
  s = await open("attune-e2e-safety-");
  page = s.page;
});

after(async () => {
  if (s) await s.close();
});

async function questionNumber() {
  const text = await page.locator("#progress").innerText();
  const m = text.match(/Question (\d+) of (\d+)/);
  assert.ok(m, `a progress line: ${text}`);
  return [Number(m[1]), Number(m[2])];
}

async function noneChosen() {
  const checked = await page.locator("input[type=radio]:checked").count();
  assert.equal(checked, 0, "no answer is chosen in advance");
}

async function choose(label) {
  await noneChosen();
  await page.getByLabel(label, { exact: true }).check();
  await page.getByRole("button", { name: "Next" }).click();
}

test("a new journal, then the check from the Safety page", async () => {
  await page.goto(s.url);
  await page.getByLabel("New passphrase").fill(PASS);
  await page.getByLabel("The same passphrase again").fill(PASS);
  await page.getByRole("button", { name: "Create my journal" }).click();
  await page.getByText("Your journal is ready").waitFor();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Safety" }).click();
  await page.getByRole("link", { name: "Take the safety check" }).click();
  await page.getByRole("heading", { name: "Is your relationship safe for you?" }).waitFor();
  await visit(page, "safety-check-intro");
  await page.getByRole("link", { name: "Start the check" }).click();
  assert.deepEqual((await questionNumber())[0], 1);
  await visit(page, "safety-check-question");
});

test("answer, refuse an empty answer, go back, skip", async () => {
  // Next without a choice: asked again, with a message.
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByText("Choose one of the answers, or skip this question.").waitFor();
  assert.equal((await questionNumber())[0], 1);
  await visit(page, "safety-check-refused");
  await choose("No");
  assert.equal((await questionNumber())[0], 2);
  // Back shows the earlier answer in words, still choosing nothing.
  await page.getByRole("link", { name: "Back", exact: true }).click();
  assert.equal((await questionNumber())[0], 1);
  await page.getByText("You answered “No” before").waitFor();
  await choose("No");
  assert.equal((await questionNumber())[0], 2);
  await page.getByRole("button", { name: "Skip this question" }).click();
  assert.equal((await questionNumber())[0], 3);
  await choose("I'd rather not say");
  await choose("No");
  assert.equal((await questionNumber())[0], 5);
});

test("leave half-way and resume where it stopped", async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Today" }).click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Safety" }).click();
  await page.getByRole("link", { name: "Take the safety check" }).click();
  await page.getByText("Welcome back.").waitFor();
  assert.equal((await questionNumber())[0], 5);
  await visit(page, "safety-check-resumed");
});

test("finish: emotional answers inform and offer support, safety mode stays off", async () => {
  for (;;) {
    const [n, total] = await questionNumber();
    const text = await page.locator("legend").innerText();
    await choose(/put you down|call you names/.test(text) ? "Yes" : "No");
    if (n === total) break;
  }
  await page.getByRole("heading", { name: "What you described matters" }).waitFor();
  await page.getByText("If your partner frightens, controls or hurts you").first().waitFor();
  assert.equal(await page.getByText("Safety mode is on").count(), 0);
  await visit(page, "safety-check-outcome");
  // The Safety page still says it is off.
  await page.getByRole("link", { name: "Back to Safety" }).click();
  await page.getByRole("button", { name: "Switch safety mode on" }).waitFor();
});

test("an entry that describes being hurt: saved, then the safety note before anything else", async () => {
  const words = "He grabbed my throat during the argument and said nobody would believe me";
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Today" }).click();
  await page.getByLabel("What happened?").fill(words);
  await page.getByRole("button", { name: "Save this moment" }).click();
  const notice = page.locator("section.notice");
  await notice.waitFor();
  const reasons = await notice.getAttribute("data-reasons");
  assert.ok(reasons.split(" ").includes("abuse-language"), reasons);
  // The note comes first on the page, the entry is kept whole below it.
  const order = await page.evaluate(() => {
    const n = document.querySelector("section.notice");
    const h1 = document.querySelector("h1");
    return n.compareDocumentPosition(h1) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  assert.ok(order, "the note is above the page's heading");
  await page.getByText(words).first().waitFor();
  await notice.getByRole("link", { name: /safety plan|stay safe/i }).first().waitFor();
  await visit(page, "safety-note-after-save");
});
