// A run's report.html in a real browser (Debian's chromium, driven by playwright-core;
// .ci/run installs both and runs this): the replay starts at genesis, Play makes the
// nodes change colour as blocks spread, the tree names the blocks by the story's ids,
// and the End key shows the final state, which must match summary.json. Exits non-zero
// on failure. Usage: CHAINLAB_BIN=target/release/chainlab node tests/browser/report.mjs
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";

const bin = process.env.CHAINLAB_BIN || "target/release/chainlab";
const scratch = mkdtempSync(join(tmpdir(), "chainlab-report-"));
const out = join(scratch, "fork-race");
// The fork-race lesson: two miners, slow links, stale blocks to see.
execFileSync(bin, ["run", "scenarios/classroom/fork-race.yaml", "--out", out], { stdio: "ignore" });
const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
const browser = await chromium.launch({
  executablePath: process.env.CHAINLAB_CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto("file://" + join(out, "report.html"));
  const colours = () => page.getAttribute("#replay-net", "data-colours");
  const tree = () => page.getAttribute("#replay-tree", "aria-label");
  const status = () => page.textContent("#replay-status");

  const start = await colours();
  assert.equal(new Set(start.split(" ")).size, 1, "at genesis every node holds the same block");
  assert.match(await status(), /^t = 0\.0 s · 0 blocks mined/);
  await page.click("#replay-play");
  await page.waitForFunction((c) => document.getElementById("replay-net").dataset.colours !== c, start, { timeout: 15000 });
  assert.match(await tree(), /block tree, blocks genesis, 1/, "the tree names blocks by id");

  // The end: every block mined, as summary.json counts them.
  await page.click("#replay-play"); // pause
  await page.keyboard.press("End");
  const mined = summary.blocks_main + summary.blocks_stale;
  assert.match(await status(), new RegExp(`· ${mined} blocks mined`), "the final state is the run's");
  assert.match(await tree(), new RegExp(`\\b${mined}\\b`), "the last block (id = blocks mined) in the tree");
  // Stepping back: to the last block's moment, then to the one before it.
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.match(await status(), new RegExp(`· ${mined - 1} blocks mined`));
  assert.deepEqual(errors, [], "no script errors");
  console.log(`report in chromium: replay played, ${mined} blocks at the end as in summary.json`);
} finally {
  await browser.close();
  rmSync(scratch, { recursive: true, force: true });
}
