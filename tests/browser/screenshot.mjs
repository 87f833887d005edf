// The README's picture of the dashboard, taken in headless Chromium (never drawn by hand):
//
//   node tests/browser/screenshot.mjs --modules build/tests/browser/node_modules \
//       --site SITE/ --out docs/dashboard.png [--chromium /usr/bin/chromium] [--section join]
//       [--status XFAIL]
//
// Opens SITE/index.html, shows one section (--section, a slug such as "join") and the clauses
// with a status (--status), opens the details of the first FAIL cell shown (else XFAIL), and
// saves the window as a PNG. Every wait has a deadline.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const DEADLINE_MS = 30_000;
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) =>
  (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ""), all[i + 1]]] : pairs), []));
for (const required of ["modules", "site", "out"]) {
  if (!args[required]) {
    console.error(`screenshot.mjs: --${required} is required`);
    process.exit(2);
  }
}
const chromiumPath = args.chromium || "/usr/bin/chromium";
if (!fs.existsSync(chromiumPath)) {
  console.error(`screenshot.mjs: no Chromium at ${chromiumPath}`);
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(args.modules), "noop.js"));
const { chromium } = require("playwright-core");

const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"], timeout: DEADLINE_MS });
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.setDefaultTimeout(DEADLINE_MS);
  await page.goto(pathToFileURL(path.join(path.resolve(args.site), "index.html")).href);
  await page.waitForSelector("#matrix tr.clause");
  if (args.section) await page.selectOption("#section-filter", args.section);
  if (args.status) await page.selectOption("#status-filter", args.status);
  for (const status of ["FAIL", "XFAIL"]) {
    const cell = page.locator(`#matrix tr.clause:visible td.cell[data-status="${status}"] button`).first();
    if (await cell.count()) {
      await cell.click();
      await page.waitForSelector("#detail .shown-detail");
      await page.evaluate(() => window.scrollTo(0, 0));
      break;
    }
  }
  await page.screenshot({ path: args.out });
} finally {
  await browser.close();
}
console.log(`screenshot: ${args.out}`);
