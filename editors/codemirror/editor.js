// The evalrules studio's code editor: CodeMirror 6 behind one small API, bundled by build.mjs into
// src/evalrules/studio/static/editor.js (an IIFE the page loads with a plain <script>; no network).
// It owns the editing only: what the text means (diagnostics, hover, completion) comes from the
// page, which asks the server.
//
//   const ed = window.EvalrulesEditor.create({
//     parent,                  // HTMLElement to mount in
//     doc,                     // initial text (string)
//     keywords,                // string[]: the grammar's keywords, highlighted as keywords
//     onChange(text),          // called on every document change (the page debounces)
//     hover(line, column),     // → Promise<string|null>: plain text (may contain newlines)
//     complete(line, column),  // → Promise<Array<{label, detail?, type?}>|null>
//   });
//   ed.getText();              // the current text
//   ed.setText(text);          // replace the whole document (one transaction; onChange fires)
//   ed.setDiagnostics(list);   // [{line, column, endLine, endColumn, severity, message, code}]
//   ed.focus();
//   ed.view;                   // the EditorView, for tests
//
// Positions everywhere are 0-based lines and 0-based columns counted in Unicode code points, as
// Python counts characters; CodeMirror counts UTF-16 units, so every position is converted here
// (a character outside the BMP, 𠀀, is one column but two units).
//
// Highlighting: a stream tokenizer made from the keywords the server sends (the grammar's own), so
// the editor never keeps a second list. Highlighted tokens get stable classes (er-keyword,
// er-comment, er-string, er-number, er-name, er-definition, er-operator, er-punctuation,
// er-bracket) that the page and its tests may rely on.

import {EditorState} from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, drawSelection, hoverTooltip,
} from "@codemirror/view";
import {
  StreamLanguage, syntaxHighlighting, syntaxTree, bracketMatching, indentUnit,
} from "@codemirror/language";
import {tags, tagHighlighter} from "@lezer/highlight";
import {history, defaultKeymap, historyKeymap, indentWithTab} from "@codemirror/commands";
import {searchKeymap, highlightSelectionMatches} from "@codemirror/search";
import {autocompletion, completionKeymap} from "@codemirror/autocomplete";
import {setDiagnostics, lintGutter, lintKeymap} from "@codemirror/lint";

// The lexical rules of docs/language.md ("Lexical rules"), as fmt.py's tokenizer reads them.
const NAME = /^[\p{L}\p{Nl}\p{No}_][\p{L}\p{N}_]*/u;
const DATE = /^\d{4}-\d{1,2}-\d{1,2}(?!\d)/;
const NUMBER = /^\d+(?:\.\d+)?[%％]?/;
const OPERATOR = /^(?:\.\.|<=|>=|==|!=|[≤≥≠<>=+\-*×/÷.])/;
// After these keywords the next name is the one being declared (`override` is followed by one of
// them). Not after `check`: `check always X` reads X.
const DECLARING = new Set([
  "ruleset", "scale", "ballot", "input", "param", "let", "score", "sheet", "grade", "veto",
  "outcome",
]);

function language(keywords) {
  const words = new Set(keywords || []);
  return StreamLanguage.define({
    name: "evalrules",
    startState: () => ({declaring: false}),
    copyState: (s) => ({declaring: s.declaring}),
    token(stream, state) {
      if (stream.sol()) state.declaring = false;
      if (stream.eatSpace()) return null;
      if (stream.eat("#")) {
        stream.skipToEnd();
        return "comment";
      }
      if (stream.eat('"')) {
        // One line; \" inside. An unclosed string runs to the end of the line (E107 says so).
        let escaped = false, ch;
        while ((ch = stream.next()) != null) {
          if (ch === '"' && !escaped) break;
          escaped = !escaped && ch === "\\";
        }
        return "string";
      }
      if (stream.match(DATE) || stream.match(NUMBER)) return "number";
      const name = stream.match(NAME);
      if (name) {
        if (words.has(name[0])) {
          state.declaring = DECLARING.has(name[0]);
          return "keyword";
        }
        const declared = state.declaring;
        state.declaring = false;
        return declared ? "variableName.definition" : "variableName";
      }
      state.declaring = false;
      if (stream.match(OPERATOR)) return "operator";
      const ch = stream.next();
      if ("()（）".includes(ch)) return "paren";
      if (":：,，、".includes(ch)) return "punctuation";
      return null;
    },
    languageData: {commentTokens: {line: "#"}},
  });
}

const classes = tagHighlighter([
  {tag: tags.keyword, class: "er-keyword"},
  {tag: tags.comment, class: "er-comment"},
  {tag: tags.string, class: "er-string"},
  {tag: tags.number, class: "er-number"},
  {tag: tags.definition(tags.variableName), class: "er-definition"},
  {tag: tags.variableName, class: "er-name"},
  {tag: tags.operator, class: "er-operator"},
  {tag: tags.punctuation, class: "er-punctuation"},
  {tag: tags.paren, class: "er-bracket"},
]);

const theme = EditorView.theme({
  "&": {fontSize: "14px", backgroundColor: "#ffffff", color: "#1f2328"},
  ".cm-content": {
    fontFamily: '"Sarasa Mono SC", "Noto Sans Mono CJK SC", "Source Han Mono", Menlo, Consolas, monospace',
  },
  ".cm-gutters": {backgroundColor: "#f6f8fa", color: "#8c959f", borderRight: "1px solid #d0d7de"},
  ".cm-activeLine": {backgroundColor: "#f3f7ff"},
  ".cm-activeLineGutter": {backgroundColor: "#e7efff"},
  ".er-keyword": {color: "#8250df", fontWeight: "600"},
  ".er-comment": {color: "#6e7781", fontStyle: "italic"},
  ".er-string": {color: "#0a3069"},
  ".er-number": {color: "#0550ae"},
  ".er-definition": {color: "#953800", fontWeight: "600"},
  ".er-name": {color: "#1f2328"},
  ".er-operator": {color: "#cf222e"},
  ".er-punctuation": {color: "#57606a"},
  ".er-bracket": {color: "#57606a"},
  "&.cm-focused .cm-matchingBracket": {backgroundColor: "#d2f4d3", outline: "1px solid #2da44e"},
  ".er-hover": {whiteSpace: "pre-wrap", padding: "4px 8px", maxWidth: "40em", maxHeight: "20em",
                overflow: "auto", fontSize: "13px"},
}, {dark: false});

// Positions: (0-based line, code-point column) ↔ CodeMirror's UTF-16 offset, clamped to the text.

function offsetOf(doc, line, column) {
  if (!(line >= 0)) return 0;
  if (line >= doc.lines) return doc.length;
  const text = doc.line(line + 1);
  if (!(column > 0)) return text.from;
  let units = 0;
  let count = 0;
  for (const ch of text.text) {
    if (count >= column) break;
    units += ch.length;
    count += 1;
  }
  return text.from + units;
}

function positionOf(doc, offset) {
  const text = doc.lineAt(offset);
  const before = text.text.slice(0, offset - text.from);
  // An offset inside a surrogate pair is the character the pair makes.
  const inside = /[\uD800-\uDBFF]$/.test(before) ? 1 : 0;
  return {line: text.number - 1, column: Array.from(before).length - inside};
}

// A diagnostic's range, widened to at least one character where the line has one (an empty range
// at the end of a line takes the character before it), so the underline shows.
function range(doc, d) {
  let from = offsetOf(doc, d.line, d.column);
  let to = offsetOf(doc, d.endLine ?? d.line, d.endColumn ?? d.column);
  if (to < from) [from, to] = [to, from];
  if (to === from) {
    const text = doc.lineAt(from);
    if (from < text.to) {
      to = from + String.fromCodePoint(text.text.codePointAt(from - text.from)).length;
    } else if (from > text.from) {
      const before = Array.from(text.text).pop();
      from -= before.length;
    }
  }
  return {from, to};
}

const SEVERITIES = new Set(["error", "warning", "info", "hint"]);

function create(options) {
  const {parent, doc = "", keywords = [], onChange, hover, complete} = options;
  const extensions = [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    EditorState.allowMultipleSelections.of(true),
    indentUnit.of("  "),  // a tab in indentation is E103: Tab indents with spaces
    language(keywords),
    syntaxHighlighting(classes),
    bracketMatching({brackets: "()[]{}（）"}),
    highlightActiveLine(),
    highlightSelectionMatches(),
    EditorView.lineWrapping,
    lintGutter(),
    theme,
    keymap.of([
      ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap,
      indentWithTab,
    ]),
    EditorView.updateListener.of((update) => {
      if (update.docChanged && onChange) onChange(update.state.doc.toString());
    }),
  ];
  if (hover) {
    extensions.push(hoverTooltip(async (view, pos, side) => {
      const word = view.state.wordAt(pos);
      if (!word) return null;
      // The character under the mouse: at a word's end the mouse is over its last character.
      const at = Math.min(Math.max(side < 0 ? pos - 1 : pos, word.from), word.to - 1);
      // Words in comments and strings name nothing: the server is not asked.
      if (/^(comment|string)$/.test(syntaxTree(view.state).resolveInner(at, 1).name)) return null;
      const {line, column} = positionOf(view.state.doc, at);
      let text;
      try {
        text = await hover(line, column);
      } catch (e) {
        return null;
      }
      if (!text) return null;
      return {
        pos: word.from, end: word.to, above: true,
        create() {
          const dom = document.createElement("div");
          dom.className = "er-hover";
          dom.textContent = text;
          return {dom};
        },
      };
    }));
  }
  if (complete) {
    extensions.push(autocompletion({
      override: [async (context) => {
        const word = context.matchBefore(/[\p{L}\p{N}_]*/u);
        if (word.from === word.to && !context.explicit) return null;
        const {line, column} = positionOf(context.state.doc, context.pos);
        let items;
        try {
          items = await complete(line, column);
        } catch (e) {
          return null;
        }
        if (!items || context.aborted) return null;
        return {
          from: word.from,
          options: items.map((i) => ({label: i.label, detail: i.detail, type: i.type})),
          validFor: /^[\p{L}\p{N}_]*$/u,
        };
      }],
    }));
  }
  const view = new EditorView({state: EditorState.create({doc, extensions}), parent});
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
    },
    setDiagnostics(list) {
      const doc = view.state.doc;
      const found = (list || []).map((d) => ({
        ...range(doc, d),
        severity: SEVERITIES.has(d.severity) ? d.severity : "error",
        message: d.message,
        source: d.code || undefined,
      }));
      view.dispatch(setDiagnostics(view.state, found));
    },
    focus: () => view.focus(),
  };
}

window.EvalrulesEditor = {create};
