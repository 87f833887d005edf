// The dashboard of `startjoin-report html`, opened from file:// in headless Chromium and checked
// from the rendered DOM:
//
//   node tests/browser/dashboard_test.mjs --modules NODE_MODULES --chromium /usr/bin/chromium \
//       --runner RUNNER --reference DRIVER --mutant MUTANT --tool STARTJOIN_REPORT \
//       --spec spec/start-join.md --work FOLDER [--screenshot OUT.png]
//
// Three reports, made here: the reference driver; the mutant `second-join-fails` (it breaks
// [join.repeatable]) with an expectations file, so that one test citing the clause FAILs with
// the expectation's cause and link and another is XFAIL; and a copy of the reference's report as
// a later run of the same implementation with a failure whose message and version are hostile
// markup. Checked: one row per clause of the spec and one column per report; the mutant's FAIL
// cell shows its message, cause and upstream link on click; the section and status filters;
// sorting by score; the hostile text shows as text and runs nothing; the clause page of
// [join.after-exit] shows its scenario; the diff page lists the new failure; no console errors.
//
// Exits 0 when every check passes, 1 naming the first failure, 77 (skipped) without Chromium.
// Every wait has a deadline; nothing sleeps.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const MULTIPLIER = Number(process.env.STARTJOIN_TIMEOUT_MULTIPLIER || "1");
const RUN_DEADLINE_MS = 120_000 * MULTIPLIER;
const BROWSER_DEADLINE_MS = 30_000 * MULTIPLIER;
const WHOLE_TEST_DEADLINE_MS = 170_000 * MULTIPLIER;
const FILTER = "Join.*:Scenario.Join*";
const MUTANT = "second-join-fails";
const CLAUSE = "join.repeatable";
const CAUSE = "join() reaps the child a second time: waitpid() fails with ECHILD";
const LINK = "https://bugs.example.invalid/startjoin/42";
const HOSTILE_MESSAGE =
  "<script>window.__pwned = 'script'</script><img src=x onerror=\"window.__pwned = 'img'\"> & done";
const HOSTILE_VERSION = "9.9<img src=x onerror=\"window.__pwned = 'version'\">";

class Failure extends Error {}

function check(condition, what, ...details) {
  if (!condition) throw new Failure([what, ...details.map((d) => `    ${JSON.stringify(d)}`)].join("\n"));
}

function options() {
  const args = process.argv.slice(2);
  const parsed = {};
  for (let i = 0; i < args.length; i += 2) {
    check(args[i].startsWith("--") && i + 1 < args.length, `bad argument ${args[i]}`);
    parsed[args[i].slice(2)] = args[i + 1];
  }
  for (const name of ["modules", "chromium", "runner", "reference", "mutant", "tool", "spec", "work"]) {
    check(parsed[name], `--${name} is required`);
  }
  return parsed;
}

function run(command, args, expectedStatus) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: RUN_DEADLINE_MS });
  check(!result.error, `${command} did not run to its end: ${result.error}`);
  check(result.status === expectedStatus,
    `${path.basename(command)} ${args.join(" ")} exited ${result.status}, not ${expectedStatus}`,
    (result.stdout + result.stderr).slice(-3000));
  return result;
}

// The clause IDs of the spec, by section slug as the generator makes them.
function specClauses(specPath) {
  const clauses = [];
  const bySection = new Map();
  let section = "";
  let fence = false;
  for (const line of fs.readFileSync(specPath, "utf8").split("\n")) {
    if (line.startsWith("```")) fence = !fence;
    if (fence) continue;
    const heading = /^## (.*)$/.exec(line);
    if (heading) section = heading[1].toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    const clause = /^### \[([a-z0-9-]+\.[a-z0-9-]+)\]/.exec(line);
    if (clause) {
      clauses.push(clause[1]);
      if (!bySection.has(section)) bySection.set(section, []);
      bySection.get(section).push(clause[1]);
    }
  }
  return { clauses, bySection };
}

// The first statement of the clause's first scenario block, as the spec writes it.
function firstScenarioLine(specPath, clause) {
  const text = fs.readFileSync(specPath, "utf8");
  const start = text.indexOf(`### [${clause}]`);
  const block = /```scenario\n([^\n]*)\n/.exec(text.slice(start));
  check(start >= 0 && block, `the spec has no scenario for [${clause}]`);
  return block[1];
}

function makeReports(opts) {
  fs.rmSync(opts.work, { recursive: true, force: true });
  fs.mkdirSync(opts.work, { recursive: true });
  const reportOf = (name) => path.join(opts.work, name);
  const common = ["--gtest_brief=1", "-j", "2", `--gtest_filter=${FILTER}`];
  run(opts.runner, ["--driver", opts.reference, "--report-json", reportOf("reference.json"), ...common], 0);
  const expectations = reportOf("expectations.json");
  fs.writeFileSync(expectations, JSON.stringify([
    { test: "Join.RepeatsWithTheSameResult", mode: "timeout", reason: CAUSE, link: LINK },
    { test: "Scenario.JoinRepeatable", mode: "fail", reason: "the same second waitpid()" },
  ]));
  run(opts.runner, ["--driver", `${opts.mutant} ${MUTANT}`, "--expectations", expectations,
    "--report-json", reportOf("mutant.json"), ...common], 1);
  // A later run of the reference, one of whose tests failed with markup in its message.
  const hostile = JSON.parse(fs.readFileSync(reportOf("reference.json"), "utf8"));
  hostile.driver.version = HOSTILE_VERSION;
  hostile.run.started = "2099-01-01T00:00:00Z";
  const victim = hostile.tests.find((test) => test.clauses.includes("join.after-exit"));
  check(victim, "no test of the reference's report cites [join.after-exit]");
  victim.status = "FAIL";
  victim.message = HOSTILE_MESSAGE;
  hostile.clauses.find((clause) => clause.id === "join.after-exit").status = "FAIL";
  fs.writeFileSync(reportOf("hostile.json"), JSON.stringify(hostile));
  const mutant = JSON.parse(fs.readFileSync(reportOf("mutant.json"), "utf8"));
  const failing = mutant.tests.find((test) => test.name === "Join.RepeatsWithTheSameResult");
  check(failing && failing.status === "FAIL", "the mutant's Join.RepeatsWithTheSameResult did not FAIL", failing);
  const site = path.join(opts.work, "site");
  run(opts.tool, ["html", reportOf("reference.json"), reportOf("mutant.json"), reportOf("hostile.json"),
    "-o", site, "--spec", opts.spec], 0);
  return { site, failing, victim };
}

async function checkMatrix(page, site, spec, failing) {
  await page.goto(pathToFileURL(path.join(site, "index.html")).href);
  await page.waitForSelector("#matrix tr.clause");
  const rows = await page.$$eval("#matrix tr.clause", (all) => all.map((row) => row.dataset.clause));
  check(JSON.stringify(rows) === JSON.stringify(spec.clauses), "the matrix has not one row per clause of the spec, in order",
    rows.length, spec.clauses.length);
  const columns = await page.$$eval("#matrix thead th.implementation", (all) => all.length);
  check(columns === 3, `the matrix has ${columns} columns, not one per report (3)`);
  const cellCounts = await page.$$eval("#matrix tr.clause", (all) => all.map((row) => row.querySelectorAll("td.cell").length));
  check(cellCounts.every((n) => n === 3), "a row has not one cell per report", cellCounts);

  // The mutant's FAIL cell: its message, the expectation's cause and upstream link, on click.
  const cell = page.locator(`#matrix tr[data-clause="${CLAUSE}"] td.cell[data-column="1"]`);
  check(await cell.getAttribute("data-status") === "FAIL", `the mutant's [${CLAUSE}] cell is not FAIL`,
    await cell.getAttribute("data-status"));
  check(!(await page.locator("#detail .shown-detail").count()), "details shown before any click");
  await cell.locator("button").click();
  const detail = page.locator("#detail .shown-detail");
  await detail.waitFor({ state: "visible" });
  const text = await detail.innerText();
  const messageLine = failing.message.split("\n").find((line) => line.includes("ECHILD")) || failing.message.split("\n")[0];
  check(text.includes(messageLine), "the FAIL cell's details lack the failure message", messageLine, text.slice(0, 2000));
  check(text.includes(`Cause: ${CAUSE}`), "the FAIL cell's details lack the expectation's cause", text.slice(0, 2000));
  const upstream = await detail.locator("a.upstream").first().getAttribute("href");
  check(upstream === LINK, "the FAIL cell's details lack the upstream link", upstream);
  check(await detail.locator("span.status", { hasText: "XFAIL" }).count() > 0,
    "the XFAIL test citing the clause is not listed");

  // The hostile report's cell: its markup shows as text and runs nothing.
  await page.locator('#matrix tr[data-clause="join.after-exit"] td.cell[data-column="2"] button').click();
  await page.locator("#detail .shown-detail pre.message", { hasText: "<script>" }).waitFor({ state: "visible" });
  const hostileText = await page.locator("#detail .shown-detail").innerText();
  check(hostileText.includes(HOSTILE_MESSAGE), "the hostile message is not shown as text", hostileText.slice(0, 1000));
  const version = await page.locator('#matrix thead th[data-column="2"] .version').innerText();
  check(version === HOSTILE_VERSION, "the hostile version is not shown as text", version);
  check(await page.evaluate(() => window.__pwned) === undefined, "markup from a report ran",
    await page.evaluate(() => window.__pwned));
  check(await page.locator("#matrix img, #detail img, #detail script").count() === 0, "markup from a report became elements");

  // The section filter hides every other section; the status filter keeps rows with that status.
  await page.selectOption("#section-filter", "join");
  await page.waitForSelector('#matrix tbody:not([data-section="join"])', { state: "hidden" });
  const visible = await page.$$eval("#matrix tr.clause", (all) => all.filter((row) => row.offsetParent !== null)
    .map((row) => row.dataset.clause));
  check(JSON.stringify(visible) === JSON.stringify(spec.bySection.get("join")),
    "the section filter does not show exactly the clauses of join()", visible);
  await page.selectOption("#section-filter", "");
  await page.selectOption("#status-filter", "FAIL");
  await page.waitForSelector('#matrix tr[data-clause="create.captures"]', { state: "hidden" });
  const failingRows = await page.$$eval("#matrix tr.clause", (all) => all.filter((row) => row.offsetParent !== null)
    .map((row) => Array.from(row.querySelectorAll("td.cell")).some((td) => td.dataset.status === "FAIL")));
  check(failingRows.length >= 2 && failingRows.every(Boolean), "the status filter FAIL shows rows without a FAIL", failingRows);
  await page.selectOption("#status-filter", "");

  // Sorting by score puts the columns in descending order of clauses passed.
  await page.click("#sort-score");
  await page.waitForSelector('#sort-score[aria-pressed="true"]');
  const scores = await page.$$eval("#matrix thead th.implementation", (all) => all.map((th) => Number(th.dataset.score)));
  check(scores.every((score, i) => i === 0 || scores[i - 1] >= score), "columns not sorted by score", scores);
  const firstRow = await page.$$eval(`#matrix tr[data-clause="${CLAUSE}"] td.cell`, (all) => all.map((td) => td.dataset.column));
  const header = await page.$$eval("#matrix thead th.implementation", (all) => all.map((th) => th.dataset.column));
  check(JSON.stringify(firstRow) === JSON.stringify(header), "a row's cells did not follow the sorted columns", firstRow, header);
  const interop = await page.locator("#interop").innerText();
  check(/Interop: \d+ of \d+ clauses/.test(interop), "no interop figure", interop);
  const builtFrom = await page.$$eval("#runs tbody tr", (all) => all.length);
  check(builtFrom === 3, "the page does not say which 3 runs it was built from", builtFrom);
}

async function checkClausePage(page, site, specPath) {
  await page.goto(pathToFileURL(path.join(site, "clauses", "join.after-exit.html")).href);
  const spec = page.locator("#spec-text");
  await spec.waitFor({ state: "visible" });
  const scenario = firstScenarioLine(specPath, "join.after-exit");
  await spec.locator("pre code", { hasText: scenario }).waitFor({ state: "visible" });
  const text = await spec.innerText();
  for (const part of ["Rule.", "Why.", "Commonly wrong.", "Example."]) {
    check(text.includes(part), `the clause page lacks "${part}"`);
  }
  const results = await page.$$eval("#results tbody tr", (all) => all.map((row) => row.dataset.status));
  check(JSON.stringify(results) === JSON.stringify(["PASS", "PASS", "FAIL"]),
    "the clause page does not give every report's result", results);
}

async function checkDiffPage(page, site, victim) {
  await page.goto(pathToFileURL(path.join(site, "diff.html")).href);
  const first = page.locator("section.diff table.regressions tbody tr").first();
  await first.waitFor({ state: "visible" });
  const row = await first.innerText();
  check(row.includes(victim.name) && row.includes("FAIL"), "the diff page does not list the new failure first", row);
  check(await page.evaluate(() => window.__pwned) === undefined, "markup from a report ran on the diff page");
}

async function main() {
  const opts = options();
  if (!fs.existsSync(opts.chromium)) {
    console.log(`suite.dashboard-browser skipped: no Chromium at ${opts.chromium} (tools/bootstrap installs Debian's chromium)`);
    return 77;
  }
  const require = createRequire(path.join(path.resolve(opts.modules), "noop.js"));
  const { chromium } = require("playwright-core");
  const spec = specClauses(opts.spec);
  const { site, failing, victim } = makeReports(opts);
  const browser = await chromium.launch({
    executablePath: opts.chromium, headless: true, timeout: BROWSER_DEADLINE_MS,
    args: ["--no-sandbox"],  // as root (CI) Chromium refuses to start sandboxed
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(BROWSER_DEADLINE_MS);
    const errors = [];
    page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("dialog", (dialog) => { errors.push(`dialog: ${dialog.message()}`); dialog.dismiss(); });
    await checkMatrix(page, site, spec, failing);
    if (opts.screenshot) {
      await page.locator("#matrix").screenshot({ path: opts.screenshot });
    }
    await checkClausePage(page, site, opts.spec);
    await checkDiffPage(page, site, victim);
    check(errors.length === 0, "the pages logged errors", errors);
  } finally {
    await browser.close();
  }
  console.log(`dashboard: ${spec.clauses.length} clauses x 3 reports checked in Chromium (${site})`);
  return 0;
}

// The whole test's deadline, beyond the deadline of each wait.
setTimeout(() => {
  console.error(`FAIL: the browser test did not end within ${WHOLE_TEST_DEADLINE_MS / 1000} s`);
  process.exit(1);
}, WHOLE_TEST_DEADLINE_MS).unref();

main().then((status) => process.exit(status), (error) => {
  console.error(`FAIL: ${error instanceof Failure ? error.message : error.stack}`);
  process.exit(1);
});
