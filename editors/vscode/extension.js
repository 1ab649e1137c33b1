// The evalrules extension: .rules files are the language "evalrules" (package.json), highlighted
// by syntaxes/evalrules.tmLanguage.json, and served by `evalrules lsp` (diagnostics, hover, go to
// definition, completion, outline, formatting) over standard input and output.
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

exports.activate = function activate() {
  const [command, ...args] = vscode.workspace.getConfiguration("evalrules").get("command");
  client = new LanguageClient("evalrules", "evalrules", { command, args },
                              { documentSelector: [{ scheme: "file", language: "evalrules" }] });
  return client.start();
};

exports.deactivate = function deactivate() {
  return client ? client.stop() : undefined;
};
