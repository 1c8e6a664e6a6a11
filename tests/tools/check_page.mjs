// Loads a local HTML file in headless Chromium (the system's, driven by playwright-core) and
// prints what the page did: console errors, page errors, dialogs, and every network request
// other than the file itself; plus the start of its visible text. Saves a PNG screenshot.
//
// Usage: node check_page.mjs PAGE.html OUT.png
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [page, png] = process.argv.slice(2);
const url = pathToFileURL(page).href;
const found = { consoleErrors: [], pageErrors: [], dialogs: [], requests: [], text: "" };

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "rampart-chromium-")), {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 900 },
});
const p = await context.newPage();
p.on("console", (m) => { if (m.type() === "error") found.consoleErrors.push(m.text()); });
p.on("pageerror", (e) => found.pageErrors.push(String(e)));
p.on("dialog", async (d) => { found.dialogs.push(d.message()); await d.dismiss(); });
p.on("request", (r) => { if (r.url() !== url) found.requests.push(r.url()); });
await p.goto(url, { waitUntil: "load" });
await p.waitForTimeout(300);
await p.screenshot({ path: png });
found.text = (await p.innerText("body")).slice(0, 4000);
await context.close();
process.stdout.write(JSON.stringify(found));
