// Check Adaptive Cards with the official JavaScript renderer in headless Chromium, and screenshot each.
//
//   node render.mjs CARDS.json OUT_DIR
//
// CARDS.json is a list of {"name", "card"}. Each card is parsed (targeting Adaptive Cards 1.5) with a
// SerializationContext, validated with validateProperties() and rendered; every parse or validation event,
// failed render and page error is reported. Each rendered card is saved as OUT_DIR/<name>.png. Prints a
// JSON report on stdout: {"results": [{"name", "errors": [...], "png"}], "pageErrors": [...]}.

import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const dist = path.dirname(require.resolve("adaptivecards/dist/adaptivecards.min.js"));
const [cardsFile, outDir] = process.argv.slice(2);
if (!cardsFile || !outDir) {
  console.error("usage: node render.mjs CARDS.json OUT_DIR");
  process.exit(2);
}
const cards = JSON.parse(readFileSync(cardsFile, "utf-8"));
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const pageErrors = [];
const results = [];
try {
  const page = await browser.newPage({ viewport: { width: 560, height: 800 } });
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && pageErrors.push(message.text()));
  await page.route("**/*", (route) => route.abort());  // nothing leaves the machine
  await page.setContent(`<!doctype html><meta charset="utf-8">
    <body style="margin:0;padding:16px;background:#f5f5f5;font-family:'Segoe UI',system-ui,sans-serif">
    <div id="host" style="width:500px;background:#fff;border:1px solid #e0e0e0;border-radius:4px"></div>`);
  await page.addStyleTag({ path: path.join(dist, "adaptivecards.css") });
  await page.addScriptTag({ path: path.join(dist, "adaptivecards.min.js") });
  for (const { name, card } of cards) {
    const errors = await page.evaluate(renderCard, card);
    const png = path.join(outDir, `${name}.png`);
    if (!errors.some((e) => e.startsWith("render:"))) {
      await page.locator("#host").screenshot({ path: png });
    }
    results.push({ name, errors, png });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ results, pageErrors }));

// Runs in the page: parse, validate and render one card into #host; returns what went wrong.
function renderCard(json) {
  const AC = window.AdaptiveCards;
  const errors = [];
  const describe = (phase, e) => `${phase}: ${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`;
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  try {
    card.parse(json, context);
  } catch (error) {
    return [`parse: threw ${error}`];
  }
  for (let i = 0; i < context.eventCount; i++) {
    errors.push(describe("parse", context.getEventAt(i)));
  }
  for (const e of card.validateProperties().validationEvents) {
    errors.push(describe("validate", e));
  }
  const host = document.getElementById("host");
  host.replaceChildren();
  let element;
  try {
    element = card.render();
  } catch (error) {
    return [...errors, `render: threw ${error}`];
  }
  if (!element || !element.childElementCount) {
    return [...errors, "render: nothing rendered"];
  }
  host.appendChild(element);
  return errors;
}
