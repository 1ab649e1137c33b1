"""The language server (``evalrules lsp``): :mod:`evalrules.analysis` served to editors over the
Language Server Protocol (pygls, the ``lsp`` extra), on standard input and output.

It publishes a document's diagnostics when it is opened, changed or saved, and answers hover,
go to definition, completion and formatting. It holds no state of its own: pygls keeps the
open documents' text, and every answer is worked out from it afresh. Positions are counted in
characters (UTF-16 code units are the same for every character a ruleset's names and labels
use, the Basic Multilingual Plane). Imports :mod:`analysis` and :mod:`messages`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import analysis
from .messages import language

_KIND = {"name": types.CompletionItemKind.Variable, "label": types.CompletionItemKind.EnumMember,
         "keyword": types.CompletionItemKind.Keyword}


def _range(r: analysis.Range) -> types.Range:
    return types.Range(types.Position(r.line, r.column), types.Position(r.end_line, r.end_column))


def server(lang: str | None = None) -> LanguageServer:
    """A server whose hovers and completions speak ``lang`` (zh or en; default as the CLI's)."""
    lang = language(lang)
    try:
        ours = version("evalrules")
    except PackageNotFoundError:  # run from a source tree
        ours = "0"
    ls = LanguageServer("evalrules", ours, text_document_sync_kind=types.TextDocumentSyncKind.Full)

    def document(uri: str) -> tuple[str, str | None]:
        doc = ls.workspace.get_text_document(uri)
        return doc.source, to_fs_path(uri)

    def publish(uri: str) -> None:
        text, path = document(uri)
        found = [types.Diagnostic(
            range=_range(p.range), message=p.message, code=p.code, source="evalrules",
            severity=types.DiagnosticSeverity.Error if p.severity == "error"
            else types.DiagnosticSeverity.Warning) for p in analysis.diagnostics(text, path)]
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, found))

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls_: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls_: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls_: LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        publish(params.text_document.uri)  # a file it extends may have changed meanwhile

    @ls.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls_: LanguageServer, params: types.HoverParams) -> types.Hover | None:
        text, path = document(params.text_document.uri)
        found = analysis.hover(text, path, params.position.line, params.position.character, lang)
        if found is None:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, found))

    @ls.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls_: LanguageServer, params: types.DefinitionParams) -> types.Location | None:
        text, path = document(params.text_document.uri)
        found = analysis.definition(text, path, params.position.line, params.position.character)
        if found is None:
            return None
        uri = params.text_document.uri if found.path in (None, path) else from_fs_path(found.path)
        return types.Location(uri, _range(found.range))

    @ls.feature(types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionOptions(trigger_characters=[" ", ":", "："]))
    def completion(ls_: LanguageServer, params: types.CompletionParams) -> types.CompletionList:
        text, path = document(params.text_document.uri)
        found = analysis.completion(text, path, params.position.line,
                                    params.position.character, lang)
        return types.CompletionList(is_incomplete=False, items=[
            types.CompletionItem(c.label, kind=_KIND[c.kind], detail=c.detail) for c in found])

    @ls.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls_: LanguageServer, params: types.DocumentFormattingParams
                   ) -> list[types.TextEdit]:
        text, path = document(params.text_document.uri)
        formatted = analysis.formatting(text, path)
        if formatted is None or formatted == text:
            return []
        lines = text.split("\n")
        whole = types.Range(types.Position(0, 0), types.Position(len(lines) - 1, len(lines[-1])))
        return [types.TextEdit(whole, formatted)]

    return ls


def serve(lang: str | None = None) -> None:
    """Serve on standard input and output until the editor says exit."""
    server(lang).start_io()
