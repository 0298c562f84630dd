// Checks rendered replies with the platforms' own packages, beside the golden files:
//
//   node validate.mjs slack DIR|FILE...    Block Kit: type-checked against @slack/types
//                                          (tsc --noEmit), and held to Block Kit's
//                                          documented limits (not in @slack/types).
//   node validate.mjs teams DIR|FILE...    Adaptive Cards: parsed, validated and rendered
//                                          by Microsoft's adaptivecards under jsdom, with
//                                          Teams' host limits (6 actions), and the message
//                                          measured as Teams measures it (the activity's
//                                          JSON in UTF-16, base64 images aside: ≤ 40 KB).
//   node validate.mjs manifest FILE        A Teams app manifest, against Microsoft's JSON
//                                          schema for its manifestVersion (bundled in
//                                          @microsoft/app-manifest; no network).
//
// A folder is read for *.json files (its "fuzz" folders aside). A Slack file is a block
// array or a message ({"blocks": [...]}); a Teams file is an Adaptive Card or an
// activity carrying cards. Exits 1 with every problem listed, 0 when all pass.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// Teams' limit on a bot message: 40 KB as Microsoft documented it for years (100 KB
// now), the activity's JSON counted in UTF-16 (two bytes a code unit), base64 images
// aside. Incumbent's own bound is the same (adapters/teams MaxMessage).
export const maxTeamsMessage = 40 * 1024;
// What the connector adds to the activity the bot renders (ids, serviceUrl, from,
// conversation, replyToId) is kept free under the limit (adapters/teams envelope).
export const teamsEnvelope = 2000;
const teamsMaxActions = 6;

function jsonFiles(args) {
  const out = [];
  const walk = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) {
        if (name === "fuzz" || name === "node_modules") continue;
        walk(path.join(p, name));
      }
    } else if (p.endsWith(".json")) {
      out.push(p);
    }
  };
  args.forEach(walk);
  return out;
}

function readJSON(file, problems) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    problems.push(`${file}: not JSON: ${e.message}`);
    return undefined;
  }
}

// ---- Slack ----

const chars = (s) => [...(s ?? "")].length;

// blockKitLimits returns where blocks break Block Kit's documented limits
// (https://api.slack.com/reference/block-kit/blocks and …/block-elements).
export function blockKitLimits(blocks) {
  const out = [];
  if (!Array.isArray(blocks)) return ["blocks is not an array"];
  if (blocks.length > 50) out.push(`${blocks.length} blocks (at most 50 in a message)`);
  const actionIDs = new Map();
  const element = (e, where) => {
    if (e.action_id !== undefined) {
      if (chars(e.action_id) > 255) out.push(`${where}: action_id of ${chars(e.action_id)} characters (at most 255)`);
      if (actionIDs.has(e.action_id)) out.push(`${where}: action_id ${JSON.stringify(e.action_id)} used twice`);
      actionIDs.set(e.action_id, true);
    }
    if (e.type === "button") {
      if (chars(e.text?.text) > 75) out.push(`${where}: button text of ${chars(e.text?.text)} characters (at most 75)`);
      if (chars(e.value) > 2000) out.push(`${where}: button value of ${chars(e.value)} characters (at most 2000)`);
    }
  };
  blocks.forEach((b, i) => {
    const where = `block ${i} (${b?.type})`;
    if (b.block_id !== undefined && chars(b.block_id) > 255) out.push(`${where}: block_id over 255 characters`);
    switch (b.type) {
      case "section":
        if (b.text === undefined && b.fields === undefined) out.push(`${where}: neither text nor fields`);
        if (chars(b.text?.text) > 3000) out.push(`${where}: text of ${chars(b.text.text)} characters (at most 3000)`);
        if (b.text !== undefined && chars(b.text.text) === 0) out.push(`${where}: empty text`);
        if (b.fields) {
          if (b.fields.length > 10) out.push(`${where}: ${b.fields.length} fields (at most 10)`);
          b.fields.forEach((f, j) => {
            if (chars(f.text) > 2000) out.push(`${where}: field ${j} of ${chars(f.text)} characters (at most 2000)`);
          });
        }
        if (b.accessory) element(b.accessory, where);
        break;
      case "header":
        if (chars(b.text?.text) > 150) out.push(`${where}: text of ${chars(b.text.text)} characters (at most 150)`);
        break;
      case "actions":
        if ((b.elements ?? []).length > 25) out.push(`${where}: ${b.elements.length} elements (at most 25)`);
        if ((b.elements ?? []).length === 0) out.push(`${where}: no elements`);
        (b.elements ?? []).forEach((e, j) => element(e, `${where} element ${j}`));
        break;
      case "context":
        if ((b.elements ?? []).length > 10) out.push(`${where}: ${b.elements.length} elements (at most 10)`);
        (b.elements ?? []).forEach((e, j) => {
          if (e.type !== "image" && chars(e.text) > 3000) out.push(`${where} element ${j}: text over 3000 characters`);
        });
        break;
      case "image":
        if (chars(b.image_url) > 3000) out.push(`${where}: image_url over 3000 characters`);
        if (chars(b.alt_text) > 2000) out.push(`${where}: alt_text over 2000 characters`);
        break;
    }
  });
  return out;
}

function slack(args) {
  const problems = [];
  const files = jsonFiles(args);
  const payloads = [];
  for (const f of files) {
    const v = readJSON(f, problems);
    if (v === undefined) continue;
    const message = !Array.isArray(v);
    const blocks = message ? v.blocks : v;
    payloads.push({ file: f, message, value: v });
    for (const p of blockKitLimits(blocks)) problems.push(`${f}: ${p}`);
  }
  // The types: one declaration a payload, in a file tsc checks without emitting.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blockkit-"));
  const lines = [
    `import type { KnownBlock } from "@slack/types";`,
    `type Message = { blocks: KnownBlock[]; text?: string };`,
  ];
  const lineOf = [];
  payloads.forEach((p, i) => {
    const start = lines.length + 1;
    const body = JSON.stringify(p.value, null, 1).split("\n");
    body[0] = `export const p${i}: ${p.message ? "Message" : "KnownBlock[]"} = ${body[0]}`;
    body[body.length - 1] += ";";
    lines.push(...body);
    lineOf.push({ start, end: lines.length, file: p.file });
  });
  const ts = path.join(dir, "payloads.ts");
  fs.writeFileSync(ts, lines.join("\n") + "\n");
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, skipLibCheck: true, module: "nodenext", moduleResolution: "nodenext",
        target: "es2022", typeRoots: [], types: [], baseUrl: here, paths: { "@slack/types": [path.join(here, "node_modules/@slack/types")] },
      },
      files: ["payloads.ts"],
    }),
  );
  if (payloads.length > 0) {
    try {
      execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", dir], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      const outText = (e.stdout ?? "") + (e.stderr ?? "");
      let matched = false;
      for (const l of outText.split("\n")) {
        const m = /payloads\.ts\((\d+),\d+\): (.*)/.exec(l);
        if (!m) continue;
        matched = true;
        const line = Number(m[1]);
        const p = lineOf.find((x) => line >= x.start && line <= x.end);
        problems.push(`${p ? p.file : "?"}: @slack/types: ${m[2]}`);
      }
      if (!matched) problems.push(`tsc failed: ${outText || e.message}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return report("Block Kit", files.length, problems);
}

// ---- Teams ----

// teamsSize is a message's size in bytes as Teams measures it: the activity's JSON in
// UTF-16 (two bytes a code unit of a JavaScript string), base64 data: images aside.
export function teamsSize(activity) {
  const s = JSON.stringify(activity);
  let images = 0;
  for (const m of s.matchAll(/data:image\/[a-z+]+;base64,[A-Za-z0-9+/=]*/g)) images += m[0].length;
  return 2 * (s.length - images);
}

let AC;
function adaptiveCards() {
  if (AC) return AC;
  const { JSDOM } = require("jsdom");
  const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>", { pretendToBeVisual: true });
  // The renderer uses the browser's globals: the window's, where Node has none.
  for (const k of Object.getOwnPropertyNames(dom.window)) {
    if (k === "window" || k === "document" || (!(k in globalThis) && /^[A-Z]|^getComputedStyle$|^navigator$/.test(k))) {
      Object.defineProperty(globalThis, k, { value: k === "window" ? dom.window : dom.window[k], configurable: true, writable: true });
    }
  }
  // The package's lib/ is ES modules Node cannot load (imports without extensions);
  // dist/ is the same library bundled.
  AC = require("adaptivecards/dist/adaptivecards.js");
  // Teams renders the cards' markdown; as text here, without the library's warning.
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    result.didProcess = true;
  };
  return AC;
}

// checkCard returns what Microsoft's renderer finds wrong with a card.
export function checkCard(json) {
  const AC = adaptiveCards();
  const out = [];
  const hostConfig = new AC.HostConfig({
    supportsInteractivity: true,
    actions: { maxActions: teamsMaxActions },
  });
  const card = new AC.AdaptiveCard();
  card.hostConfig = hostConfig;
  const ctx = new AC.SerializationContext();
  card.parse(json, ctx);
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    out.push(`parse: ${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  }
  const v = card.validateProperties();
  for (const e of v.validationEvents) out.push(`validate: ${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  let el;
  try {
    el = card.render();
  } catch (e) {
    out.push(`render: threw ${e.message}`);
  }
  if (!el) out.push("render: no element");
  // What the schema requires and the JavaScript renderer forgives (the renderer of
  // Teams' phone apps fails on the whole card): a TextBlock without text.
  const walk = (v, where) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${where}[${i}]`));
    if (v === null || typeof v !== "object") return;
    if (v.type === "TextBlock" && typeof v.text !== "string") out.push(`schema: ${where}: a TextBlock without text`);
    if (v.type === "TableCell" && !Array.isArray(v.items)) out.push(`schema: ${where}: a TableCell without items`);
    for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
  };
  walk(json, "card");
  if ((json.actions ?? []).length > teamsMaxActions) out.push(`${json.actions.length} actions (Teams shows at most ${teamsMaxActions})`);
  return out;
}

function teams(args) {
  const problems = [];
  const files = jsonFiles(args);
  let cards = 0;
  let largest = { size: 0, file: "" };
  for (const f of files) {
    const v = readJSON(f, problems);
    if (v === undefined) continue;
    // An activity carries cards; a bare card is sent as Incumbent sends one.
    const activity = v.type === "AdaptiveCard"
      ? { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: v }] }
      : v;
    for (const a of activity.attachments ?? []) {
      if (a.contentType !== "application/vnd.microsoft.card.adaptive") continue;
      cards++;
      for (const p of checkCard(a.content)) problems.push(`${f}: ${p}`);
    }
    const size = teamsSize(activity);
    if (size > largest.size) largest = { size, file: f };
    if (size > maxTeamsMessage - teamsEnvelope) {
      problems.push(`${f}: a message of ${size} bytes in UTF-16 (at most ${maxTeamsMessage - teamsEnvelope}, leaving ${teamsEnvelope} for the connector's fields)`);
    }
  }
  if (files.length > 0 && cards === 0) problems.push("no Adaptive Card found");
  if (largest.file) console.log(`largest Teams message: ${largest.size} bytes in UTF-16 (${largest.file})`);
  return report("Adaptive Card", files.length, problems);
}

// ---- Teams app manifest ----

async function manifest(args) {
  const problems = [];
  const { ManifestUtil } = require("@microsoft/app-manifest");
  for (const f of args) {
    const m = readJSON(f, problems);
    if (m === undefined) continue;
    const schemaFile = path.join(path.dirname(require.resolve("@microsoft/app-manifest")), "json-schemas", "teams",
      `v${m.manifestVersion}`, "MicrosoftTeams.schema.json");
    if (!fs.existsSync(schemaFile)) {
      problems.push(`${f}: no bundled schema for manifestVersion ${JSON.stringify(m.manifestVersion)}`);
      continue;
    }
    const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
    if (m.$schema && schema.id && m.$schema !== schema.id && m.$schema !== schema.$id) {
      problems.push(`${f}: $schema ${m.$schema} is not the schema of manifestVersion ${m.manifestVersion} (${schema.id ?? schema.$id})`);
    }
    for (const e of await ManifestUtil.validateManifestAgainstSchema(m, schema)) problems.push(`${f}: ${e}`);
  }
  return report("Teams app manifest", args.length, problems);
}

function report(what, n, problems) {
  for (const p of problems) console.error(p);
  if (n === 0) {
    console.error(`${what}: no files`);
    return 1;
  }
  console.log(`${what}: ${n} files, ${problems.length} problems`);
  return problems.length > 0 ? 1 : 0;
}

const [cmd, ...rest] = process.argv.slice(2);
const run = { slack, teams, manifest }[cmd];
if (!run || rest.length === 0) {
  console.error("usage: node validate.mjs slack|teams|manifest DIR|FILE...");
  process.exit(2);
}
process.exitCode = await run(rest);
