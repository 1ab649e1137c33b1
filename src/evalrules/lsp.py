"""The language server (``evalrules lsp``): :mod:`evalrules.analysis` served to editors over the
Language Server Protocol (pygls, the ``lsp`` extra), on standard input and output.

It publishes a document's diagnostics when it is opened or changed (every open one's when one is
saved: it may be a base the others extend), and answers hover, go to definition, completion, the
outline (document symbols) and formatting. It holds no state of its own: pygls keeps the open
documents' text, and every answer is worked out from it afresh. :mod:`analysis` counts columns in
characters; the editor counts them in its encoding's code units (UTF-16 by default, where a
character beyond the Basic Multilingual Plane, a rare 汉字 of Extension B, takes two), so every
position is converted at this border, against the lines of the file it is in. Imports
:mod:`analysis` and :mod:`messages`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from . import analysis
from .messages import language

#: The outline's icon for each kind of declaration.
_SYMBOL = {"scale": types.SymbolKind.Enum, "ballot": types.SymbolKind.Struct,
           "input": types.SymbolKind.Field, "param": types.SymbolKind.Constant,
           "let": types.SymbolKind.Variable, "score": types.SymbolKind.Number,
           "sheet": types.SymbolKind.Object, "grade": types.SymbolKind.Enum,
           "veto": types.SymbolKind.Event, "outcome": types.SymbolKind.Event,
           "weights": types.SymbolKind.Array, "rank": types.SymbolKind.Number}
_KIND = {"name": types.CompletionItemKind.Variable, "label": types.CompletionItemKind.EnumMember,
         "keyword": types.CompletionItemKind.Keyword}


def _range(doc: TextDocument, r: analysis.Range) -> types.Range:
    """A range of ``doc`` in characters, in the editor's code units."""
    return doc.range_to_client_units(ServerTextRange(ServerTextPosition(r.line, r.column),
                                                     ServerTextPosition(r.end_line, r.end_column)))


def server(lang: str | None = None) -> LanguageServer:
    """A server whose hovers and completions speak ``lang`` (zh or en; default as the CLI's)."""
    lang = language(lang)
    try:
        ours = version("evalrules")
    except PackageNotFoundError:  # run from a source tree
        ours = "0"
    ls = LanguageServer("evalrules", ours, text_document_sync_kind=types.TextDocumentSyncKind.Full)

    def document(uri: str) -> tuple[TextDocument, str, str | None]:
        doc = ls.workspace.get_text_document(uri)
        return doc, doc.source, to_fs_path(uri)

    def position(doc: TextDocument, at: types.Position) -> tuple[int, int]:
        """The editor's position as a line and a column in characters."""
        found = doc.position_from_client_units(at)
        return found.line, found.character

    def publish(uri: str) -> None:
        doc, text, path = document(uri)
        found = [types.Diagnostic(
            range=_range(doc, p.range), message=p.message, code=p.code, source="evalrules",
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
        # Every open ruleset again: the one saved may be a base the others extend, and extends
        # reads what is on disk.
        for uri in list(ls.workspace.text_documents):
            publish(uri)

    @ls.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls_: LanguageServer, params: types.HoverParams) -> types.Hover | None:
        doc, text, path = document(params.text_document.uri)
        found = analysis.hover(text, path, *position(doc, params.position), lang)
        if found is None:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, found))

    @ls.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls_: LanguageServer, params: types.DefinitionParams) -> types.Location | None:
        doc, text, path = document(params.text_document.uri)
        found = analysis.definition(text, path, *position(doc, params.position))
        if found is None:
            return None
        uri = params.text_document.uri if found.path in (None, path) else from_fs_path(found.path)
        if uri is None:
            return None
        # The other file as the editor has it open, else as it is on disk.
        return types.Location(uri, _range(ls.workspace.get_text_document(uri), found.range))

    @ls.feature(types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionOptions(trigger_characters=[" ", ":", "："]))
    def completion(ls_: LanguageServer, params: types.CompletionParams) -> types.CompletionList:
        doc, text, path = document(params.text_document.uri)
        found = analysis.completion(text, path, *position(doc, params.position), lang)
        return types.CompletionList(is_incomplete=False, items=[
            types.CompletionItem(c.label, kind=_KIND[c.kind], detail=c.detail) for c in found])

    @ls.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls_: LanguageServer, params: types.DocumentSymbolParams
                ) -> list[types.DocumentSymbol]:
        doc, text, path = document(params.text_document.uri)
        return [types.DocumentSymbol(s.name, _SYMBOL[s.kind], _range(doc, s.range),
                                     _range(doc, s.name_range), detail=s.kind)
                for s in analysis.symbols(text, path)]

    @ls.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls_: LanguageServer, params: types.DocumentFormattingParams
                   ) -> list[types.TextEdit]:
        doc, text, path = document(params.text_document.uri)
        formatted = analysis.formatting(text, path)
        if formatted is None or formatted == text:
            return []
        lines = text.split("\n")
        whole = _range(doc, analysis.Range(0, 0, len(lines) - 1, len(lines[-1])))
        return [types.TextEdit(whole, formatted)]

    return ls


def serve(lang: str | None = None) -> None:
    """Serve on standard input and output until the editor says exit."""
    server(lang).start_io()
