// The studio's page: the editor (editor.js, CodeMirror 6) on the left, what the text does to
// the sample records on the right. Every answer comes from the studio on this machine
// (evalrules/studio/routes.py); the page computes nothing about grades itself, so what it shows
// is what `evalrules eval` would give. Nothing is loaded from or sent anywhere else.
"use strict";

(function () {
  const token = new URLSearchParams(location.search).get("token") ||
    sessionStorage.getItem("evalrules-studio-token") || "";
  sessionStorage.setItem("evalrules-studio-token", token);
  history.replaceState(null, "", location.pathname);  // the token stays out of screenshots

  const state = {
    ui: {}, editor: null, saved: "", params: {}, against: null, selected: null,
    asked: 0, timer: null,
  };
  window.studio = state;
  const $ = (id) => document.getElementById(id);

  async function ask(name, body) {
    const response = await fetch(`/studio/api/${name}`, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-Studio-Token": token},
      body: JSON.stringify(body || {}),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
    return answer;
  }

  function say(key, values) {
    let text = state.ui[key] || key;
    for (const [k, v] of Object.entries(values || {})) text = text.split(`{${k}}`).join(v);
    return text;
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function shown(value) {  // a value as the page writes it: a yes/no for a veto or outcome
    if (value === true) return say("yes");
    if (value === false) return say("no");
    return value === null || value === undefined ? "" : String(value);
  }

  function status(text, bad) {
    const s = $("status");
    s.textContent = text || "";
    s.classList.toggle("error", !!bad);
  }

  function showSaved() {
    const same = state.editor.getText() === state.saved;
    const s = $("state");
    s.textContent = same ? say("saved") : say("unsaved");
    s.className = same ? "saved" : "unsaved";
  }

  // ------------------------------------------------------------ asking again as the text changes

  function changed() {
    showSaved();
    clearTimeout(state.timer);
    document.body.dataset.pending = "1";
    state.timer = setTimeout(analyze, 250);
  }

  async function analyze() {
    const asked = ++state.asked;
    document.body.dataset.pending = "1";
    let answer;
    try {
      answer = await ask("analyze", {
        text: state.editor.getText(), params: state.params, against: state.against,
      });
    } catch (e) {
      if (asked === state.asked) { status(e.message, true); document.body.dataset.pending = "0"; }
      return;
    }
    if (asked !== state.asked) return;  // a later text was asked about meanwhile
    render(answer);
    document.body.dataset.pending = "0";
    document.body.dataset.analyzed = String(asked);
  }

  function render(answer) {
    renderProblems(answer.diagnostics);
    if (!answer.ok || !answer.distribution) {
      document.body.classList.add("broken");
      return;  // the last good results stay, so the author keeps their bearings
    }
    document.body.classList.remove("broken");
    renderDistribution(answer.distribution, answer.diff);
    renderParams(answer.params);
    renderDiff(answer.diff);
    renderRecords(answer);
    renderCases(answer.cases);
  }

  function renderProblems(problems) {
    state.editor.setDiagnostics(problems);
    const list = $("problems");
    list.replaceChildren();
    const errors = problems.filter((p) => p.severity === "error").length;
    $("problem-count").textContent = problems.length ? `${errors} / ${problems.length}` : "";
    if (!problems.length) {
      list.append(element("li", {class: "none"}, say("no_problems")));
      list.firstChild.style.borderLeftColor = "#1a7f37";
      return;
    }
    for (const p of problems) {
      list.append(element("li", {
        class: p.severity, "data-code": p.code,
        onclick: () => focusAt(p.line, p.column),
      }, element("span", {class: "where"}, `${p.line + 1}:${p.column + 1}`),
      element("span", {class: "code"}, p.code), p.message));
    }
  }

  function focusAt(line, column) {  // 0-based line, column in characters (code points)
    const view = state.editor.view;
    const at = view.state.doc.line(Math.min(line + 1, view.state.doc.lines));
    const offset = Array.from(at.text).slice(0, column).join("").length;
    view.dispatch({selection: {anchor: at.from + offset}, scrollIntoView: true});
    view.focus();
  }

  function renderDistribution(distribution, diff) {
    const box = $("distribution");
    box.replaceChildren();
    const old = diff && diff.old_distribution;
    for (const [grade, counts] of Object.entries(distribution.grades)) {
      const most = Math.max(1, ...Object.values(counts));
      const graded = Object.values(counts).reduce((a, b) => a + b, 0);
      const table = element("table", {class: "grade-table", "data-grade": grade},
        element("caption", {}, grade));
      for (const [label, n] of Object.entries(counts)) {
        const bar = element("div", {class: "bar"});
        bar.style.width = `${(100 * n) / most}%`;
        const before = old && old[grade] ? old[grade][label] || 0 : null;
        const delta = before === null || before === n ? "" : (n > before ? "+" : "") + (n - before);
        table.append(element("tr", {"data-label": label, "data-count": String(n)},
          element("td", {class: "label"}, label), element("td", {}, bar),
          element("td", {class: "n"}, String(n)),
          element("td", {class: "pct"}, graded ? `${((100 * n) / graded).toFixed(1)}%` : ""),
          element("td", {class: "delta " + (delta.startsWith("+") ? "up" : "down")}, delta)));
      }
      box.append(table);
    }
    const scores = Object.entries(distribution.scores || {});
    if (scores.length) {
      const table = element("table", {class: "grade-table scores"},
        element("caption", {}, say("scores")),
        element("tr", {}, element("th", {}, ""), element("th", {}, say("min")),
          element("th", {}, say("median")), element("th", {}, say("max"))));
      for (const [name, spread] of scores) {
        table.append(element("tr", {"data-score": name, "data-min": spread.min,
          "data-median": spread.median, "data-max": spread.max},
        element("td", {class: "label"}, name), element("td", {class: "n"}, spread.min),
        element("td", {class: "n"}, spread.median), element("td", {class: "n"}, spread.max)));
      }
      box.append(table);
    }
    if (distribution.errors) {
      box.append(element("p", {class: "note", "data-errors": String(distribution.errors)},
        `${say("errors")}: ${distribution.errors}`));
    }
  }

  function renderParams(params) {
    const box = $("params");
    box.replaceChildren();
    for (const p of params || []) {
      const moved = p.name in state.params;
      const shown = element("span", {class: "value"});
      const input = element("input", {
        type: "range", min: p.low, max: p.high, step: p.step,
        "data-param": p.name, "aria-label": p.name,
      });
      input.value = moved ? state.params[p.name].replace("%", "") : p.value;
      const show = () => { shown.textContent = input.value + p.unit; };
      show();
      input.addEventListener("input", () => {
        show();
        state.params[p.name] = input.value + p.unit;
        row.classList.add("moved");
        changed();
      });
      const row = element("div", {class: "param" + (moved ? " moved" : ""), title: p.cite || ""},
        element("span", {}, p.name), input, shown,
        element("button", {type: "button", onclick: () => {
          delete state.params[p.name];
          changed();
        }}, say("reset")),
        element("button", {type: "button", class: "write", onclick: () => writeParam(p.name)},
          say("write_param")));
      box.append(row);
    }
  }

  function writeParam(name) {
    // The slider's value written into the param's line, as the author would type it; a param
    // the text does not declare is its base's, which a variant changes with an override.
    const value = state.params[name];
    if (value === undefined) return;
    const text = state.editor.getText();
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(
      `^(\\s*(?:override\\s+)?param\\s+${escaped}\\s*=\\s*)([^\\s#]+)`, "m");
    delete state.params[name];
    state.editor.setText(pattern.test(text)
      ? text.replace(pattern, (_, head) => head + value)
      : text.replace(/\n*$/, "\n") + `override param ${name} = ${value}\n`);
  }

  function renderDiff(diff) {
    const box = $("diff");
    const against = $("against");
    box.replaceChildren();
    if (!diff) return;
    against.replaceChildren(...diff.choices.map((c) => element("option", {value: c},
      say(c === "base" ? "against_base" : "against_saved"))));
    against.value = diff.against;
    state.against = diff.against;
    box.dataset.against = diff.against;
    if (diff.missing) {
      box.dataset.changed = "0";
      box.append(element("p", {class: "note"}, `${diff.name}: ${diff.missing}`));
      return;
    }
    box.dataset.changed = String(diff.changed.length);
    box.append(element("p", {class: "note"}, diff.name + " → " + (diff.changed.length
      ? say("changed", {count: diff.changed.length}) : say("no_changes"))));
    if (diff.transitions.length) {
      box.append(element("ul", {}, diff.transitions.map((t) => element("li", {
        "data-name": t.name, "data-old": String(t.old), "data-new": String(t.new),
        "data-count": String(t.count),
      }, `${t.name}：${shown(t.old)} → ${shown(t.new)}  × ${t.count}`))));
    }
  }

  function renderRecords(answer) {
    const table = $("records");
    table.replaceChildren();
    $("records-info").textContent = answer.source
      ? say("of_records", {count: answer.records, source: answer.source}) : say("no_data");
    if (!answer.rows.length) return;
    const grades = Object.keys(answer.grades);
    const scores = answer.scores;
    const changes = new Map();
    if (answer.diff && answer.diff.changed) {
      for (const c of answer.diff.changed) changes.set(c.index, c.fields);
    }
    table.className = "rows";
    table.append(element("tr", {}, element("th", {}, "#"),
      state.labels.map((l) => element("th", {}, l)), grades.map((g) => element("th", {}, g)),
      scores.map((n) => element("th", {class: "score"}, n)),
      element("th", {}, say("vetoes")), element("th", {}, say("outcomes")),
      element("th", {}, "")));
    for (const row of answer.rows) {
      const fields = changes.get(row.index);
      const was = (g) => {
        const f = fields && fields.find((x) => x.name === g);
        return f ? `${shown(f.old)} → ` : "";
      };
      const cells = row.error
        ? [element("td", {colspan: String(grades.length + scores.length + 2)},
          `${say("error")}: ${row.error}`)]
        : [grades.map((g) => element("td", {class: "grade"}, was(g) + row.grades[g])),
          scores.map((n) => element("td", {class: "grade score", "data-score": n},
            was(n) + row.scores[n])),
          element("td", {}, row.vetoes.join("、")),
          element("td", {}, row.outcomes.join("、"))];
      const tr = element("tr", {
        "data-index": String(row.index),
        class: [row.error ? "bad" : "", fields ? "changed" : "",
          row.index === state.selected ? "selected" : ""].join(" ").trim() || null,
        onclick: () => select(row.index),
      }, element("td", {}, String(row.index + 1)), row.labels.map((l) => element("td", {}, l)),
      cells, element("td", {}, element("button", {
        type: "button", class: "add-case",
        onclick: (event) => { event.stopPropagation(); addCase(row); },
      }, say("add_case"))));
      table.append(tr);
    }
  }

  async function select(index) {
    state.selected = index;
    for (const tr of $("records").querySelectorAll("tr[data-index]")) {
      tr.classList.toggle("selected", Number(tr.dataset.index) === index);
    }
    const box = $("explanation");
    box.dataset.index = String(index);
    try {
      const answer = await ask("explain", {
        text: state.editor.getText(), params: state.params, index,
      });
      if (state.selected === index) {
        box.textContent = answer.text;
        box.dataset.shown = String(index);
      }
    } catch (e) {
      status(e.message, true);
    }
  }

  async function addCase(row) {
    const name = [say("record") + " " + (row.index + 1), ...row.labels].join(" ").trim();
    try {
      const answer = await ask("case", {
        text: state.editor.getText(), params: state.params, index: row.index, name,
      });
      status(say("case_added", {file: answer.file}));
      analyze();
    } catch (e) {
      status(e.message, true);
    }
  }

  function renderCases(cases) {
    const table = $("cases");
    table.replaceChildren();
    table.className = "rows";
    const passed = cases.rows.filter((r) => r.passed).length;
    $("cases-info").textContent = cases.rows.length
      ? `${cases.file} · ${passed} / ${cases.rows.length}` : `${cases.file} · ${say("no_cases")}`;
    if (cases.error) table.append(element("tr", {class: "failed"}, element("td", {}, cases.error)));
    for (const r of cases.rows) {
      table.append(element("tr", {class: r.passed ? "passed" : "failed", "data-name": r.name},
        element("td", {class: "verdict"}, r.passed ? "✓ " + say("passed") : "✗ " + say("failed")),
        element("td", {}, r.name), element("td", {}, r.problems.join("；"))));
    }
  }

  // ------------------------------------------------------------ saving

  async function save() {
    const text = state.editor.getText();
    try {
      const answer = await ask("save", {text, fmt: $("fmt").checked});
      state.saved = answer.text;
      if (answer.text !== text) state.editor.setText(answer.text);
      showSaved();
      status(answer.note || say("saved"), !!answer.note);
      analyze();
    } catch (e) {
      status(e.message, true);
    }
  }

  // ------------------------------------------------------------ the editor's questions

  function plain(markdown) {  // hover text is Markdown for editors; the tooltip is plain text
    return markdown.replace(/```\w*\n?/g, "").replace(/\*\*/g, "").trim();
  }

  async function hover(line, column) {
    const answer = await ask("hover", {
      text: state.editor.getText(), line, column, index: state.selected,
    });
    return answer.text ? plain(answer.text) : null;
  }

  async function complete(line, column) {
    const answer = await ask("complete", {text: state.editor.getText(), line, column});
    return answer.items;
  }

  async function start() {
    const info = await ask("start");
    state.ui = info.ui;
    state.labels = info.labels;
    state.saved = info.text;
    document.documentElement.lang = info.lang === "en" ? "en" : "zh";
    document.title = `${info.file} · ${say("title")}`;
    $("title").textContent = say("title");
    $("file").textContent = info.file;
    for (const node of document.querySelectorAll("[data-ui]")) {
      node.textContent = say(node.dataset.ui);
    }
    $("explanation").textContent = say("click_record");
    state.editor = window.EvalrulesEditor.create({
      parent: $("editor"), doc: info.text, keywords: info.keywords,
      onChange: changed, hover, complete,
    });
    $("save").addEventListener("click", save);
    $("against").addEventListener("change", (event) => {
      state.against = event.target.value;
      analyze();
    });
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "s") {
        event.preventDefault();
        save();
      }
    });
    showSaved();
    await analyze();
  }

  start().catch((e) => status(e.message, true));
})();
