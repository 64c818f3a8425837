// chainlab lab's page in a real browser (Debian's chromium, driven by playwright-core;
// .ci/run installs both and runs this): a teacher picks the partition lesson, shortens
// the partition, presses Run and watches the replay play; a bad value gets the
// scenario's message on the page; a long run is cancelled. Exits non-zero on failure.
// Usage: CHAINLAB_BIN=target/release/chainlab node tests/browser/lab.mjs [SCREENSHOT.png]
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import assert from "node:assert/strict";

const bin = process.env.CHAINLAB_BIN || "target/release/chainlab";
const browserPath = process.env.CHAINLAB_CHROMIUM || "/usr/bin/chromium";

const lab = spawn(bin, ["lab", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve, reject) => {
  lab.stdout.on("data", (d) => {
    const m = /http:\/\/[0-9.:]+\//.exec(String(d));
    if (m) resolve(m[0]);
  });
  lab.on("exit", (code) => reject(new Error(`chainlab lab exited with ${code}`)));
});
const browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.waitForSelector("body[data-ready='1']");
  assert.equal(await page.locator("#lesson option").count(), 9);

  // The partition lesson with a 5-minute partition and 30-second blocks.
  await page.selectOption("#lesson", "partition");
  await page.fill("input[data-key='faults.0.for']", "300");
  await page.fill("input[data-key='consensus.block_interval']", "30");
  await page.click("#run");
  await page.waitForFunction(() => /\/report\/\d+#play$/.test(document.getElementById("report").src), null, { timeout: 60000 });
  const report = page.frameLocator("#report");
  const status = report.locator("#replay-status");
  await status.filter({ hasText: "blocks mined" }).waitFor({ timeout: 20000 });
  const first = await status.textContent();
  await page.waitForTimeout(1500);
  const later = await status.textContent();
  assert.notEqual(first, later, "the replay plays on its own");
  assert.match(await page.textContent("#message"), /blocks on the main chain/);
  // The replay's data is the moved scenario's: the partition lasts 300 s.
  const data = JSON.parse(await report.locator("#replay-data").textContent());
  assert.deepEqual([data.faults[0].start_ms, data.faults[0].end_ms], [600000, 900000]);
  if (process.argv[2]) await page.screenshot({ path: process.argv[2], fullPage: false });

  // A bad value: the scenario's own message, on the page.
  await page.fill("input[data-key='consensus.block_interval']", "-5");
  await page.click("#run");
  await page.locator("#error").filter({ hasText: "consensus.block_interval" }).waitFor({ timeout: 10000 });

  // A long run (forty 20-minute blocks of signed payments), cancelled.
  await page.selectOption("#lesson", "fee-market");
  await page.fill("input[data-key='consensus.block_interval']", "1200");
  await page.click("#run");
  await page.locator("#message").filter({ hasText: "running" }).waitFor({ timeout: 10000 });
  await page.click("#cancel");
  await page.locator("#message").filter({ hasText: "cancelled" }).waitFor({ timeout: 20000 });
  console.log("lab in chromium: lesson run and replayed, bad value explained, run cancelled");
} finally {
  await browser.close();
  lab.kill("SIGINT");
}
const code = await new Promise((resolve) => lab.on("exit", resolve));
assert.equal(code, 0, "Ctrl-C stops the lab cleanly");
