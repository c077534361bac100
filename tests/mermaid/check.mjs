// Parse each file named on the command line with Mermaid's own grammar (mermaid.parse),
// in Node with jsdom standing in for the browser: no Chromium, no network.
// Prints "ok FILE" or "FAIL FILE: message" per file; exit status 1 when any fails.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let status = 0;
for (const file of process.argv.slice(2)) {
  try {
    await mermaid.parse(readFileSync(file, "utf8"));
    console.log(`ok ${file}`);
  } catch (error) {
    status = 1;
    const message = String(error?.message ?? error).split("\n").slice(0, 4).join(" | ");
    console.log(`FAIL ${file}: ${message}`);
  }
}
process.exit(status);
