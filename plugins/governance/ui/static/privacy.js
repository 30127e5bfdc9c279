// The Privacy page's only script (CSP allows no other): forms and buttons send JSON to this
// app's api/ routes from the same origin, and show errors next to the field they name.
"use strict";

function formJson(form) {
  const body = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    let value;
    if (element.tagName === "SELECT" && element.multiple) {
      value = Array.from(element.selectedOptions, (o) => o.value);
    } else {
      value = element.value.trim();
      if (value === "") continue;
    }
    const path = element.name.split(".");
    let target = body;
    for (const key of path.slice(0, -1)) target = target[key] = target[key] || {};
    target[path[path.length - 1]] = value;
  }
  return body;
}

async function send(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body || {}),
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  return { ok: response.ok, status: response.status, data };
}

function showErrors(scope, data, status) {
  for (const span of scope.querySelectorAll("[data-error-for]")) span.textContent = "";
  const errors = data.errors || { form: data.detail || `failed (HTTP ${status})` };
  for (const [field, message] of Object.entries(errors)) {
    const span = scope.querySelector(`[data-error-for="${CSS.escape(field)}"]`)
      || scope.querySelector('[data-error-for="form"]')
      || scope.querySelector(".result");
    if (span) span.textContent = (span.dataset.errorFor === field ? "" : field + ": ") + message;
  }
}

function showCreated(data) {
  const box = document.getElementById("created");
  for (const el of box.querySelectorAll("[data-field]")) el.textContent = data[el.dataset.field] || "";
  for (const el of box.querySelectorAll("[data-href]")) el.setAttribute("href", data[el.dataset.href] || "#");
  for (const el of box.querySelectorAll("[data-when]")) el.hidden = !data[el.dataset.when];
  box.hidden = false;
  document.getElementById("new-request").reset();
}

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-api]");
  if (!form) return;
  event.preventDefault();
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  try {
    const result = await send(form.dataset.api, formJson(form));
    if (!result.ok) { showErrors(form, result.data, result.status); return; }
    for (const span of form.querySelectorAll("[data-error-for]")) span.textContent = "";
    if (form.dataset.then === "created") showCreated(result.data);
    else window.location.reload();
  } finally {
    if (button) button.disabled = false;
  }
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const cell = button.closest("td");
  const output = cell.querySelector(".result");
  button.disabled = true;
  const result = await send(button.dataset.url, {});
  if (!result.ok) { showErrors(cell, result.data, result.status); button.disabled = false; return; }
  if (button.dataset.action === "passphrase") {
    // Shown once (Airflow frames this page without dialogs, so no confirm() before it).
    output.textContent = `Passphrase: ${result.data.passphrase}`;
    output.title = "Shown once: give it to the person separately from the package.";
    output.classList.add("secret");
    button.remove();
  } else if (button.dataset.action === "run") {
    output.textContent = result.data.run_id ? "run started" : (result.data.run_error || "not started");
    setTimeout(() => window.location.reload(), 800);
  }
});

const typeSelect = document.querySelector('#new-request select[name="type"]');
if (typeSelect) {
  const corrections = document.getElementById("corrections");
  const toggle = () => {
    const on = typeSelect.value === "rectification";
    corrections.hidden = !on;
    for (const input of corrections.querySelectorAll("input")) input.disabled = !on;
  };
  typeSelect.addEventListener("change", toggle);
  toggle();
}

// Links into Airflow's own UI (a run, a required action) open in the main window. Airflow frames
// this page in a sandbox without top navigation, but the frame is same-origin, so the UI's
// router is asked to go there, as its own links do.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[target=_top]");
  if (!link || window.top === window) return;
  event.preventDefault();
  const url = new URL(link.href, window.location.href);
  window.top.history.pushState(null, "", url.pathname + url.search);
  window.top.dispatchEvent(new PopStateEvent("popstate", { state: null }));
});
