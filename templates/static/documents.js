// The issuing form: built from the template's JSON Schema, validated live by the API.
"use strict";
(function () {
  const form = document.getElementById("document-form");
  if (!form) return;
  const api = form.dataset.api;
  const ui = form.dataset.ui || "kk";
  const picker = document.getElementById("template");
  const langSelect = document.getElementById("lang");
  const fields = document.getElementById("fields");
  const status = document.getElementById("form-status");
  const note = document.getElementById("layout-note");
  let template = null;
  let timer = null;

  function label(path) {
    const key = path.replace(/\.\d+(?=\.|$)/g, "[]");
    const names = (template.labels || {})[key] || {};
    return names[ui] || names.kk || key;
  }

  function input(path, schema) {
    const wrap = document.createElement("div");
    wrap.className = "field";
    const id = "f-" + path.replace(/\./g, "-");
    const lab = document.createElement("label");
    lab.htmlFor = id;
    lab.textContent = label(path);
    let el;
    if (schema.enum) {
      el = document.createElement("select");
      for (const v of schema.enum) {
        const o = document.createElement("option");
        o.value = o.textContent = v;
        el.appendChild(o);
      }
    } else if (schema.type === "string" && (schema.maxLength || 0) > 200) {
      el = document.createElement("textarea");
      el.rows = 3;
    } else {
      el = document.createElement("input");
      el.type = schema.format === "date" ? "date"
        : (schema.type === "integer" || schema.type === "number") ? "number" : "text";
    }
    el.id = id;
    el.name = path;
    el.dataset.type = schema.type || "string";
    const err = document.createElement("span");
    err.className = "field-error";
    err.id = id + "-error";
    el.setAttribute("aria-describedby", err.id);
    wrap.append(lab, el, err);
    return wrap;
  }

  function build(container, schema, prefix) {
    for (const [name, prop] of Object.entries(schema.properties || {})) {
      const path = prefix ? prefix + "." + name : name;
      if (prop.type === "object") {
        const set = document.createElement("fieldset");
        const legend = document.createElement("legend");
        legend.textContent = label(path);
        set.appendChild(legend);
        build(set, prop, path);
        container.appendChild(set);
      } else if (prop.type === "array") {
        const set = document.createElement("fieldset");
        set.className = "array";
        set.dataset.path = path;
        const legend = document.createElement("legend");
        legend.textContent = label(path);
        const add = document.createElement("button");
        add.type = "button";
        add.textContent = "+";
        add.setAttribute("aria-label", label(path) + " +");
        set.append(legend, add);
        add.addEventListener("click", () => addItem(set, prop.items || {}, path));
        container.appendChild(set);
        addItem(set, prop.items || {}, path);
      } else {
        container.appendChild(input(path, prop));
      }
    }
  }

  function addItem(set, schema, path) {
    const index = set.querySelectorAll(":scope > .item").length;
    const item = document.createElement("div");
    item.className = "item";
    const itemPath = path + "." + index;
    if (schema.type === "object") build(item, schema, itemPath);
    else item.appendChild(input(itemPath, schema));
    set.appendChild(item);
  }

  function put(target, parts, value) {
    let node = target;
    for (let i = 0; i < parts.length - 1; i++) {
      const key = /^\d+$/.test(parts[i]) ? Number(parts[i]) : parts[i];
      const nextIsIndex = /^\d+$/.test(parts[i + 1]);
      if (node[key] === undefined) node[key] = nextIsIndex ? [] : {};
      node = node[key];
    }
    const last = parts[parts.length - 1];
    node[/^\d+$/.test(last) ? Number(last) : last] = value;
  }

  function collect() {
    const data = {};
    for (const el of fields.querySelectorAll("input, select, textarea")) {
      if (el.value === "") continue;
      let value = el.value;
      if (el.dataset.type === "integer") value = parseInt(value, 10);
      else if (el.dataset.type === "number") value = Number(value);
      put(data, el.name.split("."), value);
    }
    return data;
  }

  function showErrors(problems) {
    for (const span of fields.querySelectorAll(".field-error")) span.textContent = "";
    for (const el of fields.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    let unplaced = [];
    for (const [path, message] of Object.entries(problems)) {
      const el = fields.querySelector(`[name="${CSS.escape(path)}"]`);
      if (el) {
        el.setAttribute("aria-invalid", "true");
        document.getElementById(el.id + "-error").textContent = message;
      } else unplaced.push(path + ": " + message);
    }
    status.textContent = unplaced.join("; ");
  }

  // Writes by a signed-in session echo the page's CSRF token.
  const csrf = document.querySelector('meta[name="csrf-token"]');
  const jsonHeaders = {"Content-Type": "application/json", "Accept": "application/json"};
  if (csrf) jsonHeaders["X-CSRF-Token"] = csrf.content;

  async function call(path, body) {
    const response = await fetch(api + path, {
      method: "POST",
      headers: jsonHeaders,
      body: JSON.stringify(body),
    });
    return response;
  }

  async function validate() {
    if (!template) return false;
    const response = await call("/" + template.id + "/validate", {data: {[langSelect.value]: collect()}});
    const body = await response.json();
    const report = response.ok ? body : {ok: false, fields: {}, message: body.error.message};
    showErrors(report.fields || {});
    if (!report.ok && !Object.keys(report.fields || {}).length) status.textContent = report.message;
    return report.ok;
  }

  picker.addEventListener("change", async () => {
    fields.replaceChildren();
    template = null;
    if (!picker.value) return;
    const response = await fetch(api + "/" + encodeURIComponent(picker.value));
    template = await response.json();
    langSelect.replaceChildren(...template.languages.map((l) => {
      const o = document.createElement("option");
      o.value = o.textContent = l;
      if (l === ui) o.selected = true;
      return o;
    }));
    note.hidden = template.layout_checked;
    note.textContent = template.layout_note || "";
    build(fields, template.schema, "");
  });

  fields.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(validate, 400);
  });

  document.getElementById("preview").addEventListener("click", async () => {
    if (!(await validate())) return;
    status.textContent = "…";
    const response = await call("/" + template.id + "/preview", {lang: langSelect.value, data: collect()});
    if (!response.ok) { status.textContent = (await response.json()).error.message; return; }
    const frame = document.getElementById("pdf-preview");
    frame.src = URL.createObjectURL(await response.blob());
    frame.hidden = false;
    status.textContent = "";
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!(await validate())) return;
    status.textContent = "…";
    const response = await fetch(api.replace(/templates$/, "documents"), {
      method: "POST",
      headers: jsonHeaders,
      body: JSON.stringify({
        template: template.id,
        data: {[langSelect.value]: collect()},
        final: document.getElementById("final").checked,
      }),
    });
    const body = await response.json();
    if (!response.ok) {
      showErrors(body.error.fields || {});
      status.textContent = body.error.message;
      return;
    }
    status.textContent = "";
    document.getElementById("result").hidden = false;
    document.getElementById("result-text").textContent =
      body.id + " — " + body.status + (body.number ? " № " + body.number : "");
    const list = document.getElementById("result-files");
    list.replaceChildren();
    const base = api.replace(/templates$/, "documents") + "/" + body.id + "/files/";
    const stage = body.status === "draft" ? "draft" : "final";
    for (const f of body.files.filter((x) => x.stage === stage)) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = base + stage + "/" + f.lang + "." + f.format;
      a.textContent = f.lang + "." + f.format;
      a.setAttribute("download", "");
      li.appendChild(a);
      list.appendChild(li);
    }
  });
})();
