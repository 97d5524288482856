// ScratchLLM chat page: keeps the conversation, sends it to /v1/chat/completions with
// stream: true, and appends each server-sent event's delta to the reply as it arrives. Errors
// from the server (its JSON error body, or an error event inside the stream) are shown above the
// input box.
"use strict";
const $ = (id) => document.getElementById(id);
const conversation = [];
let busy = false;

function addMessage(role, text) {
  const div = document.createElement("div");
  div.className = "msg " + role;
  div.textContent = text;
  $("messages").appendChild(div);
  div.scrollIntoView({ block: "end" });
  return div;
}

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = $("api-key").value.trim();
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

async function errorText(response) {
  const body = await response.text();
  try {
    const e = JSON.parse(body).error;
    return "Server error " + response.status + ": " + (typeof e === "string" ? e : e.message);
  } catch (_) {
    return "Server error " + response.status + ": " + body;
  }
}

async function loadModels() {
  try {
    const r = await fetch("/v1/models", { headers: headers() });
    if (!r.ok) { showError(await errorText(r)); return; }
    const select = $("model");
    select.innerHTML = "";
    for (const m of (await r.json()).data) {
      const o = document.createElement("option");
      o.value = o.textContent = m.id;
      select.appendChild(o);
    }
  } catch (e) {
    showError("Cannot reach the server: " + e);
  }
}

async function send(text) {
  busy = true;
  $("send").disabled = true;
  showError("");
  conversation.push({ role: "user", content: text });
  addMessage("user", text);
  const bubble = addMessage("assistant", "");
  bubble.classList.add("streaming");
  let reply = "";
  try {
    const body = {
      model: $("model").value,
      messages: conversation,
      stream: true,
      stream_options: { include_usage: true },
      temperature: Number($("temperature").value),
      max_tokens: Number($("max-tokens").value),
    };
    const r = await fetch("/v1/chat/completions", { method: "POST", headers: headers(), body: JSON.stringify(body) });
    if (!r.ok) throw new Error(await errorText(r));
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", finish = null, usage = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (!event.startsWith("data: ")) continue;
        const data = event.slice(6);
        if (data === "[DONE]") continue;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new Error("Server error: " + chunk.error.message);
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices && chunk.choices[0];
        if (!choice) continue;
        if (choice.delta && choice.delta.content) {
          reply += choice.delta.content;
          bubble.textContent = reply;
          bubble.scrollIntoView({ block: "end" });
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    }
    conversation.push({ role: "assistant", content: reply });
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (usage ? usage.completion_tokens + " tokens" : "") + (finish ? " \u00b7 " + finish : "");
    bubble.appendChild(meta);
  } catch (e) {
    conversation.pop(); // the user's message had no answer: leave it out of the next request
    bubble.remove();
    showError(e.message || String(e));
  } finally {
    bubble.classList.remove("streaming");
    busy = false;
    $("send").disabled = false;
  }
}

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("input").value.trim();
  if (!text || busy) return;
  $("input").value = "";
  send(text);
});
$("input").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey) {
    ev.preventDefault();
    $("composer").requestSubmit();
  }
});
$("clear").addEventListener("click", () => {
  conversation.length = 0;
  $("messages").innerHTML = "";
  showError("");
});
$("api-key").addEventListener("change", loadModels);
loadModels();
